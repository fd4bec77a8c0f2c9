//! 1:1 nearest-neighbour propensity-score matching for the ATT, as causalml's
//! `NearestNeighborMatch(caliper=0.2, ratio=1, shuffle=False)` on the logit of the propensity.
//!
//! * The caliper is `0.2 × sd(logit p)` (ddof = 0, over all rows).
//! * **With replacement** every treated unit takes its nearest control; the pair is kept when the
//!   distance is strictly below the caliper (causalml compares standardized distances with `<`).
//!   Controls may be reused.
//! * **Without replacement** treated units are taken greedily in row order; each takes the nearest
//!   control not yet used, kept when the distance is at most the caliper (causalml uses `<=`
//!   here). A treated unit whose nearest free control is too far stays unmatched.
//! * **Ties** (two controls at the same distance) go to the control with the smaller logit, then
//!   the earlier row. causalml leaves ties to `NearestNeighbors` / `np.argpartition`, whose order
//!   is an implementation detail; on data with many tied propensities (few discrete covariates)
//!   the matched sets, and so the estimate, differ between implementations.
//!
//! ATT = mean(y of matched treated) − mean(y over matched control rows, a control used k times
//! counting k times).
//!
//! The standard error is Abadie & Imbens' (2006) for matching on a known score with M = 1:
//! `V = (Σ_matched (y_i − y_{m(i)} − ATT)² + Σ_controls (K_j² − K_j) σ̂²_j) / N₁²`, where `K_j` is how
//! often control j is used and `σ̂²_j = ½ (y_j − y_l)²` with `l` the control nearest to j. Without
//! replacement K_j ≤ 1 and this is the paired-difference variance. It treats the propensity as
//! known (it ignores the first-stage estimation).

use crate::estimator::{Effect, EffectData, EffectFit, Estimator};
use crate::{Error, Estimand, count_groups};

/// 1:1 nearest-neighbour matching on the logit of the propensity, for the ATT (see the module
/// documentation of the rules, ties and the standard error).
///
/// The propensity is the shared [`EffectData::propensity`] or, without one, the logistic model
/// [`crate::logistic_l2`] fitted here with penalty `l2`.
///
/// Errors: a treatment group with fewer than two rows; no treated unit within the caliper; those
/// of the propensity model when it is fitted here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchingParams {
    /// Controls may be used more than once.
    pub replace: bool,
    /// The caliper in standard deviations of the logit (causalml's default 0.2).
    pub caliper: f64,
    /// L2 penalty of the propensity model when it is fitted here.
    pub l2: f64,
}

impl Default for MatchingParams {
    fn default() -> Self {
        MatchingParams { replace: false, caliper: 0.2, l2: 0.0 }
    }
}

/// The fit of [`MatchingParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct MatchingFit {
    /// The ATT over the matched treated units (`n` counts matched treated and their controls).
    pub effect: Effect,
    /// Treated units with a match.
    pub n_treated_matched: usize,
    /// Treated units left without a match (caliper).
    pub n_treated_unmatched: usize,
    /// Distinct controls used.
    pub n_control_unique: usize,
    /// The caliper on the logit scale.
    pub caliper_logit: f64,
    /// For each row: the row it was matched to (treated → control), if any.
    pub matches: Vec<Option<usize>>,
}

impl EffectFit for MatchingFit {
    fn effect(&self) -> &Effect {
        &self.effect
    }
}

impl Estimator for MatchingParams {
    type Fit = MatchingFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<MatchingFit, Error> {
        count_groups(data.t)?;
        let model = data.propensity_or_fit(self.l2)?;
        let logit: Vec<f64> =
            model.probabilities.iter().map(|p| libm::log(p / (1.0 - p))).collect();
        match_on_logit(data.y, data.t, &logit, self.replace, self.caliper)
    }
}

/// The matching itself, on the logit of the propensity.
fn match_on_logit(
    y: &[f64],
    t: &[f64],
    logit: &[f64],
    replace: bool,
    caliper_sd: f64,
) -> Result<MatchingFit, Error> {
    count_groups(t)?;
    let n = y.len();
    let nf = n as f64;
    let m = logit.iter().sum::<f64>() / nf;
    let sd = (logit.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / nf).sqrt();
    let caliper = caliper_sd * sd;

    // Controls sorted by score (ties by row).
    let mut controls: Vec<usize> = (0..n).filter(|&i| t[i] != 1.0).collect();
    controls.sort_by(|&a, &b| logit[a].total_cmp(&logit[b]).then(a.cmp(&b)));
    let scores: Vec<f64> = controls.iter().map(|&i| logit[i]).collect();
    let nc = controls.len();
    // First slot of each run of equal scores.
    let mut run_start = vec![0; nc];
    for k in 1..nc {
        run_start[k] = if scores[k - 1] == scores[k] { run_start[k - 1] } else { k };
    }

    // Free-slot finder for matching without replacement: `left[k]`/`right[k]` skip used slots
    // (path-compressed union-find in each direction).
    let mut left: Vec<usize> = (0..=nc).collect(); // slot k ↦ nearest free slot ≤ k, shifted by one
    let mut right: Vec<usize> = (0..=nc).collect(); // slot k ↦ nearest free slot ≥ k (nc = none)
    fn find(parent: &mut [usize], mut k: usize) -> usize {
        let mut root = k;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[k] != root {
            let next = parent[k];
            parent[k] = root;
            k = next;
        }
        root
    }

    let mut matches = vec![None; n];
    let mut uses = vec![0usize; nc];
    for i in (0..n).filter(|&i| t[i] == 1.0) {
        let s = logit[i];
        let pos = scores.partition_point(|&c| c < s);
        // Candidates: the nearest free slot at or after `pos`, and the nearest before it.
        let (after, before) = if replace {
            ((pos < nc).then_some(pos), pos.checked_sub(1))
        } else {
            let a = find(&mut right, pos);
            let b = find(&mut left, pos); // left is shifted: slot k is index k + 1
            ((a < nc).then_some(a), b.checked_sub(1))
        };
        let best = match (before, after) {
            (None, None) => None,
            (Some(b), None) => Some(b),
            (None, Some(a)) => Some(a),
            (Some(b), Some(a)) => {
                if s - scores[b] <= scores[a] - s {
                    Some(b)
                } else {
                    Some(a)
                }
            }
        };
        let Some(slot) = best else { continue };
        // Among controls with the same score the earliest (free) row wins.
        let slot = if replace { run_start[slot] } else { find(&mut right, run_start[slot]) };
        let d = (scores[slot] - s).abs();
        let within = if replace { d < caliper } else { d <= caliper };
        if !within {
            continue;
        }
        matches[i] = Some(controls[slot]);
        uses[slot] += 1;
        if !replace {
            left[slot + 1] = slot;
            right[slot] = slot + 1;
        }
    }

    let matched: Vec<usize> = (0..n).filter(|&i| matches[i].is_some()).collect();
    let n1m = matched.len();
    let n1 = t.iter().filter(|&&v| v == 1.0).count();
    if n1m < 2 {
        return Err(Error::NoMatches { caliper, matched: n1m });
    }
    let diffs: Vec<f64> = matched.iter().filter_map(|&i| matches[i].map(|c| y[i] - y[c])).collect();
    let att = diffs.iter().sum::<f64>() / n1m as f64;

    // Abadie–Imbens variance.
    let mut v: f64 = diffs.iter().map(|d| (d - att) * (d - att)).sum();
    for (k, &kj) in uses.iter().enumerate() {
        if kj > 1 {
            let j = controls[k];
            // Nearest other control by score.
            let near = match (k.checked_sub(1), (k + 1 < nc).then_some(k + 1)) {
                (Some(a), Some(b)) => {
                    if scores[k] - scores[a] <= scores[b] - scores[k] {
                        a
                    } else {
                        b
                    }
                }
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => k,
            };
            let dy = y[j] - y[controls[near]];
            v += (kj * kj - kj) as f64 * 0.5 * dy * dy;
        }
    }
    let se = v.sqrt() / n1m as f64;
    let n_control_unique = uses.iter().filter(|&&u| u > 0).count();
    let effect = Effect {
        estimand: Estimand::Att,
        estimate: att,
        std_error: se,
        n: 2 * n1m,
        n_treated: n1m,
        n_control: n_control_unique,
    };
    Ok(MatchingFit {
        effect,
        n_treated_matched: n1m,
        n_treated_unmatched: n1 - n1m,
        n_control_unique,
        caliper_logit: caliper,
        matches,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::LogisticFit;

    /// Brute force: greedy in row order, nearest free control (smaller score, then earlier row,
    /// wins ties).
    fn brute(t: &[f64], logit: &[f64], replace: bool, caliper: f64) -> Vec<Option<usize>> {
        let n = t.len();
        let mut used = vec![false; n];
        let mut out = vec![None; n];
        for i in (0..n).filter(|&i| t[i] == 1.0) {
            let best = (0..n).filter(|&j| t[j] != 1.0 && (replace || !used[j])).min_by(|&a, &b| {
                let (da, db) = ((logit[a] - logit[i]).abs(), (logit[b] - logit[i]).abs());
                da.total_cmp(&db).then(logit[a].total_cmp(&logit[b])).then(a.cmp(&b))
            });
            if let Some(j) = best {
                let d = (logit[j] - logit[i]).abs();
                if (replace && d < caliper) || (!replace && d <= caliper) {
                    out[i] = Some(j);
                    used[j] = true;
                }
            }
        }
        out
    }

    #[test]
    fn agrees_with_brute_force_including_ties() {
        let mut rng = crate::meta::SplitMix64(7);
        for case in 0..200 {
            let n = 5 + rng.below(40);
            let coarse = case % 2 == 0; // many exact ties
            let t: Vec<f64> = (0..n).map(|_| (rng.below(3) == 0) as u8 as f64).collect();
            if t.iter().filter(|&&v| v == 1.0).count() < 2
                || t.iter().filter(|&&v| v == 0.0).count() < 2
            {
                continue;
            }
            let logit: Vec<f64> = (0..n)
                .map(|_| {
                    if coarse {
                        rng.below(6) as f64 * 0.5
                    } else {
                        rng.below(1_000_000) as f64 / 1e5
                    }
                })
                .collect();
            let y: Vec<f64> = (0..n).map(|i| i as f64).collect();
            // The estimator matches on the logit of the propensity it is given.
            let probabilities: Vec<f64> = logit.iter().map(|l| 1.0 / (1.0 + (-l).exp())).collect();
            let logit: Vec<f64> = probabilities.iter().map(|p| libm::log(p / (1.0 - p))).collect();
            let model = LogisticFit {
                intercept: 0.0,
                coef: vec![],
                probabilities,
                n_iter: 0,
                log_likelihood: 0.0,
            };
            let data = EffectData::new(&y, &t).with_propensity(&model);
            for replace in [true, false] {
                for caliper in [0.2, 5.0] {
                    let params = MatchingParams { replace, caliper, l2: 0.0 };
                    let Ok(fit) = params.fit(&data) else { continue };
                    let want = brute(&t, &logit, replace, fit.caliper_logit);
                    assert_eq!(fit.matches, want, "case {case} replace {replace}");
                }
            }
        }
    }
}
