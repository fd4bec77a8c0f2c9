//! Histogram gradient-boosted decision trees.
