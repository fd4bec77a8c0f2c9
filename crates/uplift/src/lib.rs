//! Uplift trees and forests for 0/1 outcomes, and uplift metrics (gain, Qini, AUUC).

pub mod metrics;
pub mod split;
pub mod tree;

pub use tree::{
    Criterion, SplitSearch, UpliftError, UpliftForest, UpliftForestParams, UpliftTree,
    UpliftTreeParams, fit_forest, fit_tree,
};
