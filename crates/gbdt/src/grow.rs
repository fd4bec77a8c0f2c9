//! Boosting rounds and leaf-wise tree growth on binned features.

use crate::bins::BinnedMatrix;
use crate::{Booster, Child, GbdtParams, GrowNode, Objective, Tree, sigmoid};

/// Per-bin sums of a leaf's gradients and hessians. Row counts are not kept: as LightGBM does, a
/// side's count for `min_data_in_leaf` is estimated from its hessian sum (see [`best_split`]).
#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    g: f64,
    h: f64,
}

/// The best split of a leaf, with the sums of its left side.
#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    bin: u8,
    nan_left: bool,
    left_g: f64,
    left_h: f64,
}

/// A leaf being grown: its rows are `idx[start..end]`; `parent` is the split above it and
/// whether it is that split's left child.
struct Leaf {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    g: f64,
    h: f64,
    hist: Vec<Bin>,
    best: Option<Split>,
}

/// SplitMix64: the seeded generator of bagging, feature sampling and the hold-out.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }

    /// The first `k` of a Fisher–Yates shuffle of `v`.
    fn choose<T: Copy>(&mut self, v: &mut [T], k: usize) {
        for i in 0..k.min(v.len()) {
            let j = i + self.below(v.len() - i);
            v.swap(i, j);
        }
    }
}

/// Everything a tree needs that does not change between rounds.
struct Ctx<'a> {
    params: &'a GbdtParams,
    x: &'a BinnedMatrix,
    offsets: Vec<usize>,
    total_bins: usize,
}

pub(crate) fn boost(
    params: &GbdtParams,
    x: &BinnedMatrix,
    rows: &[usize],
    y: &[f64],
    weights: Option<&[f64]>,
) -> Booster {
    let mut rng = Rng(params.seed);
    let weight = |r: usize| weights.map_or(1.0, |w| w[r]);

    // The early-stopping hold-out: a seeded share of the rows, when both parts keep rows.
    let (train, valid): (Vec<usize>, Vec<usize>) = match params.early_stopping_rounds {
        Some(_) => {
            let mut shuffled = rows.to_vec();
            let k = ((rows.len() as f64) * params.validation_fraction).round() as usize;
            if k == 0 || k >= rows.len() {
                (rows.to_vec(), Vec::new())
            } else {
                rng.choose(&mut shuffled, k);
                let mut valid = shuffled[..k].to_vec();
                let mut train = shuffled[k..].to_vec();
                valid.sort_unstable();
                train.sort_unstable();
                (train, valid)
            }
        }
        None => (rows.to_vec(), Vec::new()),
    };

    let sw: f64 = train.iter().map(|&r| weight(r)).sum();
    let mean = train.iter().map(|&r| weight(r) * y[r]).sum::<f64>() / sw;
    let init = match params.objective {
        Objective::SquaredError => mean,
        Objective::Binary => {
            let p = mean.clamp(1e-15, 1.0 - 1e-15);
            libm::log(p / (1.0 - p))
        }
    };

    let p = x.n_features();
    let mut offsets = Vec::with_capacity(p + 1);
    let mut total_bins = 0;
    for j in 0..p {
        offsets.push(total_bins);
        total_bins += x.column(j).n_bins();
    }
    offsets.push(total_bins);
    let ctx = Ctx { params, x, offsets, total_bins };

    let n = x.n_rows();
    let mut score = vec![init; n];
    let mut g = vec![0.0; n];
    let mut h = vec![0.0; n];
    let mut gain = vec![0.0; p];
    let mut trees: Vec<Tree> = Vec::with_capacity(params.n_estimators);
    let mut features: Vec<usize> = (0..p).collect();
    let n_features = ((p as f64) * params.feature_fraction).round().max(1.0) as usize;
    let bagging = params.bagging_freq > 0 && params.bagging_fraction < 1.0;
    let mut bag: Vec<usize> = train.clone();
    let mut in_bag = vec![true; n];
    let mut best = (f64::INFINITY, 0usize);
    let mut pool = HistPool(Vec::new());

    for round in 0..params.n_estimators {
        for &r in &train {
            let w = weight(r);
            match params.objective {
                Objective::SquaredError => {
                    g[r] = (score[r] - y[r]) * w;
                    h[r] = w;
                }
                Objective::Binary => {
                    let q = sigmoid(score[r]);
                    g[r] = (q - y[r]) * w;
                    h[r] = q * (1.0 - q) * w;
                }
            }
        }
        if bagging && round % params.bagging_freq == 0 {
            let k = ((train.len() as f64) * params.bagging_fraction).round().max(1.0) as usize;
            let mut shuffled = train.clone();
            rng.choose(&mut shuffled, k);
            bag = shuffled[..k].to_vec();
            bag.sort_unstable();
            in_bag.iter_mut().for_each(|b| *b = false);
            for &r in &bag {
                in_bag[r] = true;
            }
        }
        let used: &[usize] = if n_features < p {
            features.sort_unstable();
            rng.choose(&mut features, n_features);
            let mut chosen = features[..n_features].to_vec();
            chosen.sort_unstable();
            features[..n_features].copy_from_slice(&chosen);
            &features[..n_features]
        } else {
            &features
        };

        let mut idx = bag.clone();
        let (tree, leaves) = grow_tree(&ctx, used, &mut idx, &g, &h, &mut gain, &mut pool);
        for (start, end, value) in leaves {
            for &r in &idx[start..end] {
                score[r] += value;
            }
        }
        if bagging {
            for &r in train.iter().filter(|&&r| !in_bag[r]) {
                score[r] += binned_value(&tree, x, r);
            }
        }
        for &r in &valid {
            score[r] += binned_value(&tree, x, r);
        }
        trees.push(tree);

        if let Some(k) = params.early_stopping_rounds
            && !valid.is_empty()
        {
            let loss = valid_loss(params.objective, &valid, y, &score, &weight);
            if loss < best.0 {
                best = (loss, round);
            } else if round - best.1 >= k {
                break;
            }
        }
    }
    let best_iteration = match params.early_stopping_rounds {
        Some(_) if !valid.is_empty() => {
            trees.truncate(best.1 + 1);
            Some(best.1 + 1)
        }
        _ => None,
    };
    Booster { objective: params.objective, init, trees, n_features: p, gain, best_iteration }
}

/// Weighted mean loss of the hold-out rows.
fn valid_loss(
    objective: Objective,
    rows: &[usize],
    y: &[f64],
    score: &[f64],
    weight: &dyn Fn(usize) -> f64,
) -> f64 {
    let (mut s, mut sw) = (0.0, 0.0);
    for &r in rows {
        let w = weight(r);
        let l = match objective {
            Objective::SquaredError => (score[r] - y[r]).powi(2),
            Objective::Binary => {
                let q = sigmoid(score[r]).clamp(1e-15, 1.0 - 1e-15);
                -(y[r] * libm::log(q) + (1.0 - y[r]) * libm::log(1.0 - q))
            }
        };
        s += w * l;
        sw += w;
    }
    if sw > 0.0 { s / sw } else { 0.0 }
}

/// A tree's value for row `r`, read from the bins.
fn binned_value(tree: &Tree, x: &BinnedMatrix, r: usize) -> f64 {
    let l = tree.leaf(|s| {
        let col = x.column(s.feature as usize);
        let b = col.bins()[r];
        if Some(b) == col.missing_bin() { s.nan_left } else { b <= s.bin }
    });
    tree.leaves[l]
}

/// Histograms handed back by finished trees, reused by the next ones.
pub(crate) struct HistPool(Vec<Vec<Bin>>);

impl HistPool {
    /// A histogram whose bins of the features `used` are zero (the others are never read).
    fn take(&mut self, ctx: &Ctx<'_>, used: &[usize]) -> Vec<Bin> {
        match self.0.pop() {
            Some(mut h) => {
                for &j in used {
                    h[ctx.offsets[j]..ctx.offsets[j + 1]].fill(Bin::default());
                }
                h
            }
            None => vec![Bin::default(); ctx.total_bins],
        }
    }
}

/// Grows one tree leaf-wise over the rows in `idx` (partitioned in place); returns the tree and,
/// per leaf, its range of `idx` and its value.
fn grow_tree(
    ctx: &Ctx<'_>,
    used: &[usize],
    idx: &mut [usize],
    g: &[f64],
    h: &[f64],
    gain: &mut [f64],
    pool: &mut HistPool,
) -> (Tree, Vec<(usize, usize, f64)>) {
    let params = ctx.params;
    let mut splits: Vec<GrowNode> = Vec::new();
    let mut root = Leaf {
        start: 0,
        end: idx.len(),
        depth: 0,
        parent: None,
        g: idx.iter().map(|&r| g[r]).sum(),
        h: idx.iter().map(|&r| h[r]).sum(),
        hist: pool.take(ctx, used),
        best: None,
    };
    build_hist(ctx, used, &idx[..], g, h, &mut root.hist);
    root.best = best_split(ctx, used, &root);
    let mut leaves = vec![root];
    let mut scratch: Vec<usize> = vec![0; idx.len()];

    while leaves.len() < params.num_leaves {
        let pick = leaves.iter().enumerate().filter_map(|(i, l)| l.best.map(|s| (i, s.gain))).fold(
            None,
            |acc: Option<(usize, f64)>, (i, gn)| match acc {
                Some((_, b)) if b >= gn => acc,
                _ => Some((i, gn)),
            },
        );
        let Some((li, _)) = pick else { break };
        let Some(split) = leaves[li].best else { break };
        gain[split.feature] += split.gain;
        let (start, end, depth) = (leaves[li].start, leaves[li].end, leaves[li].depth);

        // Partition the leaf's rows: left first, order kept on both sides.
        let col = ctx.x.column(split.feature);
        let bins = col.bins();
        let missing = col.missing_bin();
        let (missing, nan_left, cut) =
            (missing.map_or(u16::MAX, u16::from), split.nan_left, split.bin);
        // Without a branch on the data: each row is written to both sides and the side it
        // belongs to moves on (`w ≤ k`, so the left writes never overtake the reads).
        let (mut w, mut sc) = (start, 0);
        for k in start..end {
            let r = idx[k];
            let b = bins[r];
            let is_missing = u16::from(b) == missing;
            let left = (is_missing & nan_left) | (!is_missing & (b <= cut));
            idx[w] = r;
            scratch[sc] = r;
            w += usize::from(left);
            sc += usize::from(!left);
        }
        idx[w..end].copy_from_slice(&scratch[..sc]);
        let mid = w;

        let node = splits.len();
        attach(&mut splits, leaves[li].parent, Child::Split(node as u32));
        splits.push(GrowNode {
            threshold: col.upper_bound(split.bin as usize),
            feature: split.feature as u32,
            bin: split.bin,
            nan_left: split.nan_left,
            left: Child::Leaf(0),
            right: Child::Leaf(0),
        });

        // The smaller child gets a histogram built; the larger one is the parent's minus it.
        let left_small = mid - start <= end - mid;
        let (s_range, l_range) =
            if left_small { ((start, mid), (mid, end)) } else { ((mid, end), (start, mid)) };
        let mut small_hist = pool.take(ctx, used);
        build_hist(ctx, used, &idx[s_range.0..s_range.1], g, h, &mut small_hist);
        let mut parent = leaves.swap_remove(li);
        for &j in used {
            let (a, b) = (ctx.offsets[j], ctx.offsets[j + 1]);
            for (p, s) in parent.hist[a..b].iter_mut().zip(&small_hist[a..b]) {
                p.g -= s.g;
                p.h -= s.h;
            }
        }
        let left = (split.left_g, split.left_h);
        let right = (parent.g - split.left_g, parent.h - split.left_h);
        let ((sg, sh), (lg, lh)) = if left_small { (left, right) } else { (right, left) };
        let mut small = Leaf {
            start: s_range.0,
            end: s_range.1,
            depth: depth + 1,
            parent: Some((node, left_small)),
            g: sg,
            h: sh,
            hist: small_hist,
            best: None,
        };
        let mut large = Leaf {
            start: l_range.0,
            end: l_range.1,
            depth: depth + 1,
            parent: Some((node, !left_small)),
            g: lg,
            h: lh,
            hist: parent.hist,
            best: None,
        };
        small.best = best_split(ctx, used, &small);
        large.best = best_split(ctx, used, &large);
        leaves.push(small);
        leaves.push(large);
    }

    let mut out = Vec::with_capacity(leaves.len());
    let mut values = Vec::with_capacity(leaves.len());
    for (i, leaf) in leaves.into_iter().enumerate() {
        let denom = leaf.h + params.lambda_l2;
        let value = if denom > 0.0 { -leaf.g / denom * params.learning_rate } else { 0.0 };
        attach(&mut splits, leaf.parent, Child::Leaf(i as u32));
        values.push(value);
        out.push((leaf.start, leaf.end, value));
        pool.0.push(leaf.hist);
    }
    (Tree::new(&splits, values), out)
}

/// Makes `child` the left or right child of the split `parent` names (nothing for the root).
fn attach(splits: &mut [GrowNode], parent: Option<(usize, bool)>, child: Child) {
    match parent {
        Some((p, true)) => splits[p].left = child,
        Some((p, false)) => splits[p].right = child,
        None => {}
    }
}

/// Sums of g and h per bin of the used features over `rows`.
fn build_hist(
    ctx: &Ctx<'_>,
    used: &[usize],
    rows: &[usize],
    g: &[f64],
    h: &[f64],
    hist: &mut [Bin],
) {
    // Ordered gradients: the leaf's g and h gathered once, read in order per feature.
    let og: Vec<f64> = rows.iter().map(|&r| g[r]).collect();
    let oh: Vec<f64> = rows.iter().map(|&r| h[r]).collect();
    for &j in used {
        let bins = ctx.x.column(j).bins();
        let hj = &mut hist[ctx.offsets[j]..ctx.offsets[j + 1]];
        for ((&r, &gv), &hv) in rows.iter().zip(&og).zip(&oh) {
            let b = &mut hj[bins[r] as usize];
            b.g += gv;
            b.h += hv;
        }
    }
}

/// The split of `leaf` with the largest positive gain over the used features, if any.
///
/// As in LightGBM, the rows on each side of a candidate are counted from the hessians: a side with
/// hessian sum `h` holds `round(h · n / H)` rows, `n` and `H` being the leaf's rows and hessian
/// sum. Without weights and with squared error (`h = 1`) that is the exact count; with weights, a
/// side of light rows counts as few rows, so `min_data_in_leaf` keeps it from being split off on
/// its own. (LightGBM rounds bin by bin and adds; rounding the side's sum once keeps a weight of 2
/// equal to a duplicated row.)
fn best_split(ctx: &Ctx<'_>, used: &[usize], leaf: &Leaf) -> Option<Split> {
    let params = ctx.params;
    let n = leaf.end - leaf.start;
    let min_n = params.min_data_in_leaf;
    if n < 2 * min_n || params.max_depth.is_some_and(|d| leaf.depth >= d) || leaf.h <= 0.0 {
        return None;
    }
    let cnt_factor = n as f64 / leaf.h;
    // Half away from zero, as `f64::round` for h ≥ 0 (a negative sum from rounding error is 0).
    let count = |h: f64| (h * cnt_factor + 0.5) as usize;
    let lambda = params.lambda_l2;
    let min_h = params.min_sum_hessian_in_leaf;
    let score = |g: f64, h: f64| g * g / (h + lambda);
    let parent = score(leaf.g, leaf.h);
    let mut best: Option<Split> = None;
    for &j in used {
        let col = ctx.x.column(j);
        let hj = &leaf.hist[ctx.offsets[j]..ctx.offsets[j + 1]];
        let missing = col.missing_bin().map(|m| hj[m as usize]).unwrap_or_default();
        let missing_n = count(missing.h);
        let value_bins = col.n_bins() - usize::from(col.missing_bin().is_some());
        let (mut ag, mut ah) = (0.0, 0.0);
        for (b, bin) in hj[..value_bins].iter().enumerate() {
            ag += bin.g;
            ah += bin.h;
            let last = b + 1 == value_bins;
            // Missing values right (or none): left = bins 0..=b.
            for nan_left in [false, true] {
                if nan_left && missing_n == 0 {
                    continue;
                }
                if last && (nan_left || missing_n == 0) {
                    continue; // everything on one side
                }
                let (lg, lh) = if nan_left { (ag + missing.g, ah + missing.h) } else { (ag, ah) };
                let ln = count(lh);
                let (rg, rh, rn) = (leaf.g - lg, leaf.h - lh, n.saturating_sub(ln));
                if ln < min_n || rn < min_n || lh < min_h || rh < min_h {
                    continue;
                }
                let gain = score(lg, lh) + score(rg, rh) - parent;
                if gain > 1e-12 && best.is_none_or(|s| gain > s.gain) {
                    let bin = u8::try_from(b).unwrap_or(u8::MAX);
                    best = Some(Split {
                        gain,
                        feature: j,
                        bin,
                        nan_left: nan_left || col.missing_bin().is_none(),
                        left_g: lg,
                        left_h: lh,
                    });
                }
            }
        }
    }
    best
}
