//! Uplift trees and forests for 0/1 outcomes, and uplift metrics (gain, Qini, AUUC).

pub mod decision;
pub mod metrics;
pub mod segments;
pub mod split;
pub mod tree;

pub use tree::{
    Criterion, SplitSearch, UpliftError, UpliftForest, UpliftForestParams, UpliftTree,
    UpliftTreeParams, fit_forest, fit_tree,
};
pub mod causal;

pub use causal::{
    CausalForest, CausalForestParams, CausalTree, CausalTreeParams, fit_causal_forest,
    fit_causal_tree,
};

/// Partitions `idx[start..end]` in place: the rows for which `left` holds first, each side in its
/// order; returns where the right side starts.
pub(crate) fn partition(
    idx: &mut [usize],
    start: usize,
    end: usize,
    scratch: &mut Vec<usize>,
    left: impl Fn(usize) -> bool,
) -> usize {
    scratch.clear();
    let mut w = start;
    for i in start..end {
        let r = idx[i];
        if left(r) {
            idx[w] = r;
            w += 1;
        } else {
            scratch.push(r);
        }
    }
    idx[w..end].copy_from_slice(scratch);
    w
}

/// The features a node tries: all of them, or the first `max` of a partial Fisher–Yates shuffle of
/// `features` drawn from `rng` (the shuffle carries over from node to node).
pub(crate) fn sample_features<'a>(
    features: &'a mut [usize],
    max: Option<usize>,
    rng: &mut cf_estimate::SplitMix64,
) -> &'a [usize] {
    let p = features.len();
    match max {
        Some(m) if m < p => {
            for i in 0..m {
                let j = i + rng.below(p - i);
                features.swap(i, j);
            }
            &features[..m]
        }
        _ => features,
    }
}
