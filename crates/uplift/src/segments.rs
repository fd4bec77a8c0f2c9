//! Segments an analyst can read: a shallow regression tree (depth ≤ 3) fitted to a model's
//! predicted effects, its leaves as rules ("recency ≤ 4 and womens = 1"), each with its share of
//! the rows, the mean prediction and the uplift observed on the held-out rows that fall in it.

use serde::{Deserialize, Serialize};

use crate::decision::{Arm, mean_var};

/// One side of a split on a covariate, or both: `lower < x ≤ upper`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    /// Covariate (column index of `x`).
    pub feature: usize,
    /// Exclusive lower bound (`x > lower`).
    pub lower: Option<f64>,
    /// Inclusive upper bound (`x ≤ upper`).
    pub upper: Option<f64>,
}

/// A leaf of the tree: its rule, its rows (positions in `x`) and the mean of the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// The conditions a row meets to fall here, one per covariate split on, in the order of the
    /// first split on it.
    pub bounds: Vec<Bound>,
    /// Rows in the leaf.
    pub rows: Vec<usize>,
    /// Mean target (the predicted effect) of its rows.
    pub mean: f64,
}

/// Fits a least-squares regression tree of depth at most `max_depth` to `target` over the
/// columns `x`, each leaf with at least `min_leaf` rows; splits are between distinct values,
/// at the largest value of the left side (`x ≤ v`), so a rule reads in the data's own values. A
/// split must lower the squared error. Rows with a non-finite covariate go right of its splits.
/// Leaves come in the tree's left-to-right order.
pub fn shallow_tree(x: &[&[f64]], target: &[f64], max_depth: usize, min_leaf: usize) -> Vec<Leaf> {
    let rows: Vec<usize> = (0..target.len()).filter(|&r| target[r].is_finite()).collect();
    let mut out = Vec::new();
    grow(x, target, rows, Vec::new(), max_depth, min_leaf.max(1), &mut out);
    out
}

fn grow(
    x: &[&[f64]],
    target: &[f64],
    rows: Vec<usize>,
    bounds: Vec<Bound>,
    depth_left: usize,
    min_leaf: usize,
    out: &mut Vec<Leaf>,
) {
    let n = rows.len();
    let total: f64 = rows.iter().map(|&r| target[r]).sum();
    let mean = if n == 0 { f64::NAN } else { total / n as f64 };
    let best = if depth_left == 0 || n < 2 * min_leaf {
        None
    } else {
        best_split(x, target, &rows, min_leaf)
    };
    let Some((feature, threshold)) = best else {
        out.push(Leaf { bounds, rows, mean });
        return;
    };
    let (left, right): (Vec<usize>, Vec<usize>) =
        rows.iter().partition(|&&r| x[feature][r] <= threshold);
    let side = |upper: bool| {
        let mut b = bounds.clone();
        let slot = match b.iter().position(|b| b.feature == feature) {
            Some(k) => k,
            None => {
                b.push(Bound { feature, lower: None, upper: None });
                b.len() - 1
            }
        };
        if upper {
            b[slot].upper = Some(threshold);
        } else {
            b[slot].lower = Some(threshold);
        }
        b
    };
    grow(x, target, left, side(true), depth_left - 1, min_leaf, out);
    grow(x, target, right, side(false), depth_left - 1, min_leaf, out);
}

/// The split of `rows` that lowers the squared error most: (feature, largest left value).
fn best_split(
    x: &[&[f64]],
    target: &[f64],
    rows: &[usize],
    min_leaf: usize,
) -> Option<(usize, f64)> {
    let n = rows.len();
    let total: f64 = rows.iter().map(|&r| target[r]).sum();
    // Gain of a split = sum_l²/n_l + sum_r²/n_r − total²/n (the fall in squared error).
    let base = total * total / n as f64;
    let mut best: Option<(f64, usize, f64)> = None;
    let mut sorted: Vec<usize> = rows.to_vec();
    for (f, col) in x.iter().enumerate() {
        sorted.sort_by(|&a, &b| col[a].total_cmp(&col[b]));
        let mut left = 0.0;
        for k in 0..n - 1 {
            left += target[sorted[k]];
            let (v, next) = (col[sorted[k]], col[sorted[k + 1]]);
            let n_left = k + 1;
            if v == next || n_left < min_leaf || n - n_left < min_leaf || !v.is_finite() {
                continue;
            }
            let right = total - left;
            let gain = left * left / n_left as f64 + right * right / (n - n_left) as f64 - base;
            if gain > 1e-12 * base.abs().max(1e-300) && best.is_none_or(|(g, _, _)| gain > g) {
                best = Some((gain, f, v));
            }
        }
    }
    best.map(|(_, f, v)| (f, v))
}

/// A segment's held-out check: the observed difference between treated and control rows among
/// the held-out rows in it, with a normal interval (NaN with fewer than two of either).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    /// Held-out treated rows in the segment.
    pub treated: usize,
    /// Held-out control rows.
    pub control: usize,
    /// Mean outcome of the treated minus that of the control.
    pub uplift: f64,
    /// Its interval at the `z` given.
    pub ci: [f64; 2],
}

/// [`Observed`] for the held-out rows `members` (indices into `treated` and `y`).
pub fn observed(members: &[usize], treated: &[bool], y: &[f64], z: f64) -> Observed {
    let mut arms = [Arm::default(); 2];
    for &r in members {
        arms[usize::from(treated[r])].add(y[r]);
    }
    let [c, t] = arms;
    let (mt, vt) = mean_var(t.n, t.s, t.ss);
    let (mc, vc) = mean_var(c.n, c.s, c.ss);
    let uplift = mt - mc;
    let half = z * (vt / t.n + vc / c.n).sqrt();
    Observed {
        treated: t.n as usize,
        control: c.n as usize,
        uplift,
        ci: [uplift - half, uplift + half],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_finds_the_segment_that_responds() {
        // The effect is 1 where a > 5 and b = 1, else 0, plus a small wiggle in c.
        let n = 2000;
        let a: Vec<f64> = (0..n).map(|i| (i % 11) as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| ((i / 7) % 2) as f64).collect();
        let c: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
        let t: Vec<f64> =
            (0..n).map(|i| f64::from(u8::from(a[i] > 5.0 && b[i] == 1.0)) + 1e-4 * c[i]).collect();
        let leaves = shallow_tree(&[&a, &b, &c], &t, 2, 50);
        let hit: Vec<&Leaf> = leaves.iter().filter(|l| l.mean > 0.9).collect();
        assert_eq!(hit.len(), 1, "{leaves:?}");
        let mut bounds = hit[0].bounds.clone();
        bounds.sort_by_key(|b| b.feature);
        assert_eq!(
            bounds,
            vec![
                Bound { feature: 0, lower: Some(5.0), upper: None },
                Bound { feature: 1, lower: Some(0.0), upper: None }
            ]
        );
        // Every row is in exactly one leaf, each leaf has at least min_leaf rows.
        let mut all: Vec<usize> = leaves.iter().flat_map(|l| l.rows.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>());
        assert!(leaves.iter().all(|l| l.rows.len() >= 50));
        assert!(leaves.len() <= 4);
    }

    #[test]
    fn a_constant_target_is_one_leaf_and_observed_uplift_is_the_difference_in_means() {
        let a: Vec<f64> = (0..100).map(f64::from).collect();
        let leaves = shallow_tree(&[&a], &[0.5; 100], 3, 5);
        assert_eq!(leaves.len(), 1);
        assert!(leaves[0].bounds.is_empty());
        let treated = [true, true, false, false, true];
        let y = [1.0, 0.0, 0.0, 0.0, 1.0];
        let o = observed(&[0, 1, 2, 3, 4], &treated, &y, 1.96);
        assert_eq!((o.treated, o.control), (3, 2));
        assert!((o.uplift - 2.0 / 3.0).abs() < 1e-12);
        assert!(o.ci[0] < o.uplift && o.uplift < o.ci[1]);
    }
}
