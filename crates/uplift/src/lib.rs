//! Uplift trees and forests, causal trees, and uplift metrics.

pub mod metrics;
pub mod split;
