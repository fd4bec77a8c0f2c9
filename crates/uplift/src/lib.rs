//! Uplift trees and forests, causal trees, and uplift metrics.

pub mod metrics;
pub mod split;
pub mod tree;

pub use tree::{
    Criterion, UpliftError, UpliftForest, UpliftForestParams, UpliftTree, UpliftTreeParams,
    fit_forest, fit_tree,
};
