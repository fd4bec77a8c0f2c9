//! Histogram gradient-boosted decision trees, in the design LightGBM made fast: features are
//! binned once ([`bins`]), trees grow leaf-wise (always the leaf whose best split gains most),
//! the rows of a leaf are one range of a single index array partitioned in place, and only the
//! smaller child of a split gets its histogram built; the larger child's is the parent's minus
//! it.
//!
//! Objectives: squared error and binary log loss ([`Objective`]), with sample weights. Row and
//! feature subsampling and the early-stopping hold-out come from a seed; there are no threads and
//! no clocks, and every transcendental function is `libm`'s, so a fit gives the same bits natively
//! and in a WebAssembly worker.
//!
//! The defaults of [`GbdtParams`] are LightGBM 4.7's: 100 trees, learning rate 0.1, 31 leaves, no
//! depth limit, 20 rows and 1e-3 hessian per leaf, no L2 penalty, 255 bins, and the first score
//! is the (weighted) mean (log-odds of the mean for log loss). Differences from LightGBM: bins
//! are cut by equal counts over distinct values (LightGBM's `GreedyFindBin` differs in detail and
//! also bins small data with `min_data_in_bin` 3); as in LightGBM, the rows of a candidate side
//! for `min_data_in_leaf` are estimated from its hessian sum (`round(h · n / H)`; LightGBM rounds
//! bin by bin), which is what keeps weighted fits from splitting off leaves of light rows; rows with NaN go to the side that gains more, learned per
//! split (LightGBM's `use_missing`), and NaN in a feature that had none in training goes left.
//!
//! ```
//! let x0: Vec<f64> = (0..400).map(|i| f64::from(i % 20)).collect();
//! let y: Vec<f64> = x0.iter().map(|&v| if v < 10.0 { 1.0 } else { 3.0 }).collect();
//! let model = cf_gbdt::fit(&cf_gbdt::GbdtParams::default(), &[&x0], &y, None)?;
//! let p = model.predict(&[&[2.0, 15.0]]);
//! assert!((p[0] - 1.0).abs() < 1e-3 && (p[1] - 3.0).abs() < 1e-3);
//! # Ok::<(), cf_gbdt::GbdtError>(())
//! ```

pub mod bins;
mod grow;

use bins::BinnedMatrix;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The loss minimized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Objective {
    /// Squared error; predictions are values.
    SquaredError,
    /// Binary log loss on a 0/1 outcome; predictions are probabilities.
    Binary,
}

/// Parameters, named as LightGBM names them.
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtParams {
    /// The loss.
    pub objective: Objective,
    /// Boosting rounds (trees).
    pub n_estimators: usize,
    /// Shrinkage of each tree's leaf values.
    pub learning_rate: f64,
    /// Most leaves per tree.
    pub num_leaves: usize,
    /// Deepest a leaf may be (root = depth 0); `None` for no limit.
    pub max_depth: Option<usize>,
    /// Fewest rows in a leaf.
    pub min_data_in_leaf: usize,
    /// Smallest sum of hessians in a leaf.
    pub min_sum_hessian_in_leaf: f64,
    /// L2 penalty on leaf values.
    pub lambda_l2: f64,
    /// Most bins per feature (2..=255).
    pub max_bin: usize,
    /// Share of rows each bagging round draws (1 = no bagging).
    pub bagging_fraction: f64,
    /// Redraw the bagged rows every this many trees (0 = no bagging).
    pub bagging_freq: usize,
    /// Share of features each tree may split on.
    pub feature_fraction: f64,
    /// Seed of bagging, feature sampling and the early-stopping hold-out.
    pub seed: u64,
    /// Stop when the hold-out loss has not improved for this many rounds; `None` = never.
    pub early_stopping_rounds: Option<usize>,
    /// Share of rows held out when early stopping is on.
    pub validation_fraction: f64,
}

impl Default for GbdtParams {
    fn default() -> Self {
        GbdtParams {
            objective: Objective::SquaredError,
            n_estimators: 100,
            learning_rate: 0.1,
            num_leaves: 31,
            max_depth: None,
            min_data_in_leaf: 20,
            min_sum_hessian_in_leaf: 1e-3,
            lambda_l2: 0.0,
            max_bin: 255,
            bagging_fraction: 1.0,
            bagging_freq: 0,
            feature_fraction: 1.0,
            seed: 0,
            early_stopping_rounds: None,
            validation_fraction: 0.1,
        }
    }
}

impl GbdtParams {
    /// Checks every bound.
    ///
    /// # Errors
    /// [`GbdtError::Param`] naming the first parameter out of bounds.
    pub fn validate(&self) -> Result<(), GbdtError> {
        let bad = |name: &'static str, message: &str| {
            Err(GbdtError::Param { name, message: message.into() })
        };
        if self.n_estimators == 0 || self.n_estimators > 100_000 {
            return bad("n_estimators", "must be between 1 and 100000");
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return bad("learning_rate", "must be in (0, 1]");
        }
        if !(2..=131_072).contains(&self.num_leaves) {
            return bad("num_leaves", "must be between 2 and 131072");
        }
        if self.max_depth == Some(0) {
            return bad("max_depth", "must be at least 1");
        }
        if self.min_data_in_leaf == 0 {
            return bad("min_data_in_leaf", "must be at least 1");
        }
        if !(self.min_sum_hessian_in_leaf >= 0.0 && self.min_sum_hessian_in_leaf.is_finite()) {
            return bad("min_sum_hessian_in_leaf", "must be a number ≥ 0");
        }
        if !(self.lambda_l2 >= 0.0 && self.lambda_l2.is_finite()) {
            return bad("lambda_l2", "must be a number ≥ 0");
        }
        if !(2..=255).contains(&self.max_bin) {
            return bad("max_bin", "must be between 2 and 255");
        }
        if !(self.bagging_fraction > 0.0 && self.bagging_fraction <= 1.0) {
            return bad("bagging_fraction", "must be in (0, 1]");
        }
        if !(self.feature_fraction > 0.0 && self.feature_fraction <= 1.0) {
            return bad("feature_fraction", "must be in (0, 1]");
        }
        if self.early_stopping_rounds == Some(0) {
            return bad("early_stopping_rounds", "must be at least 1");
        }
        if !(self.validation_fraction > 0.0 && self.validation_fraction < 1.0) {
            return bad("validation_fraction", "must be in (0, 1)");
        }
        Ok(())
    }
}

/// Why a fit was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum GbdtError {
    /// No rows or no features.
    Empty,
    /// A column of another length than the outcome.
    Length {
        /// Which column.
        what: String,
        /// The outcome's length.
        expected: usize,
        /// Its length.
        got: usize,
    },
    /// An infinite feature value, or a non-finite outcome or weight.
    NotFinite {
        /// Which column.
        what: String,
        /// The first such row (0-based).
        row: usize,
    },
    /// A binary outcome that is not 0 or 1.
    NotBinary {
        /// The first such row (0-based).
        row: usize,
    },
    /// Negative weights, or weights that sum to zero.
    Weights,
    /// A parameter out of bounds.
    Param {
        /// Its name.
        name: &'static str,
        /// What it must be.
        message: String,
    },
}

impl fmt::Display for GbdtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GbdtError::Empty => write!(f, "no rows or no features to fit on"),
            GbdtError::Length { what, expected, got } => {
                write!(f, "{what} has {got} values where the outcome has {expected}")
            }
            GbdtError::NotFinite { what, row } => {
                write!(f, "{what} is not a finite number in row {}", row + 1)
            }
            GbdtError::NotBinary { row } => {
                write!(f, "the outcome must be 0 or 1 for log loss; row {} is not", row + 1)
            }
            GbdtError::Weights => write!(f, "weights must be ≥ 0 and not all 0"),
            GbdtError::Param { name, message } => write!(f, "gradient boosting: {name} {message}"),
        }
    }
}

impl std::error::Error for GbdtError {}

/// A child of a split while a tree is grown: another split or a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Child {
    /// Index into the tree's splits.
    Split(u32),
    /// Index into [`Tree::leaves`].
    Leaf(u32),
}

/// A split while a tree is grown: rows with `x[feature] ≤ threshold` (bin ≤ `bin`) go left; NaN
/// goes left when `nan_left`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GrowNode {
    pub(crate) threshold: f64,
    pub(crate) feature: u32,
    pub(crate) bin: u8,
    pub(crate) nan_left: bool,
    pub(crate) left: Child,
    pub(crate) right: Child,
}

/// A node of a fitted tree: its splits come first (the root at 0), then one node per leaf whose
/// children are itself, so that a walk of [`Tree::depth`] steps ends on a leaf from any row and
/// no step branches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Node {
    pub(crate) threshold: f64,
    pub(crate) feature: u32,
    left: u32,
    right: u32,
    pub(crate) bin: u8,
    pub(crate) nan_left: bool,
}

/// A fitted tree: its nodes and its leaves' outputs (already scaled by the learning rate). A tree
/// without splits is one leaf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    pub(crate) leaves: Vec<f64>,
    n_splits: usize,
    depth: usize,
}

impl Tree {
    /// The tree of `splits` (the root first) and `leaves`.
    pub(crate) fn new(splits: &[GrowNode], leaves: Vec<f64>) -> Tree {
        let s = splits.len() as u32;
        let index = |c: Child| match c {
            Child::Split(k) => k,
            Child::Leaf(l) => s + l,
        };
        let mut nodes: Vec<Node> = splits
            .iter()
            .map(|n| Node {
                threshold: n.threshold,
                feature: n.feature,
                left: index(n.left),
                right: index(n.right),
                bin: n.bin,
                nan_left: n.nan_left,
            })
            .collect();
        for l in 0..leaves.len() as u32 {
            let me = s + l;
            nodes.push(Node {
                threshold: 0.0,
                feature: 0,
                left: me,
                right: me,
                bin: 0,
                nan_left: true,
            });
        }
        // The deepest leaf's depth: the steps every row takes.
        let mut depth = 0;
        let mut stack = vec![(0u32, 0usize)];
        while let Some((k, d)) = stack.pop() {
            if k >= s {
                depth = depth.max(d);
            } else {
                let n = nodes[k as usize];
                stack.push((n.left, d + 1));
                stack.push((n.right, d + 1));
            }
        }
        Tree { nodes, leaves, n_splits: splits.len(), depth }
    }

    /// Whether the tree can be walked on rows of `n_features` values: every split's children come
    /// after it and inside the nodes, every leaf node points at itself, and [`Tree::depth`] is
    /// the longest path (so a walk of that many steps ends on a leaf).
    fn check(&self, n_features: usize) -> Result<(), String> {
        let (s, n) = (self.n_splits, self.nodes.len());
        if n != s + self.leaves.len() || self.leaves.is_empty() {
            return Err(format!("{n} nodes for {s} splits and {} leaves", self.leaves.len()));
        }
        let mut depth = vec![0usize; n];
        for k in (0..n).rev() {
            let node = &self.nodes[k];
            let (l, r) = (node.left as usize, node.right as usize);
            if k >= s {
                if l != k || r != k {
                    return Err(format!("leaf node {k} does not point at itself"));
                }
                continue;
            }
            if l <= k || r <= k || l >= n || r >= n {
                return Err(format!("split {k} has children {l} and {r} out of order"));
            }
            if node.feature as usize >= n_features {
                return Err(format!("split {k} reads feature {} of {n_features}", node.feature));
            }
            depth[k] = 1 + depth[l].max(depth[r]);
        }
        if depth[0] != self.depth {
            return Err(format!("depth {} where the splits give {}", self.depth, depth[0]));
        }
        Ok(())
    }

    /// The leaf a row reaches, `go_left(split)` deciding at each split.
    #[inline]
    pub(crate) fn leaf(&self, mut go_left: impl FnMut(&Node) -> bool) -> usize {
        let mut k = 0;
        while k < self.n_splits {
            let n = &self.nodes[k];
            k = (if go_left(n) { n.left } else { n.right }) as usize;
        }
        k - self.n_splits
    }

    /// Adds the tree's output to `out[k]` for each row `k` of `rows` (row-major, `p` values a
    /// row). Every row takes [`Tree::depth`] steps without a branch on the data, so the rows'
    /// walks overlap in the processor.
    fn add_to(&self, rows: &[f64], p: usize, out: &mut [f64]) {
        let s = self.n_splits;
        let nodes = &self.nodes[..];
        let step = |k: usize, row: &[f64]| {
            let n = &nodes[k];
            let v = row[n.feature as usize];
            let left = (v <= n.threshold) | (v.is_nan() & n.nan_left);
            (if left { n.left } else { n.right }) as usize
        };
        // Eight rows at a time, step by step: eight independent walks in flight.
        const LANES: usize = 8;
        let mut outs = out.chunks_exact_mut(LANES);
        let mut groups = rows.chunks_exact(p * LANES);
        for (o, group) in (&mut outs).zip(&mut groups) {
            let mut k = [0usize; LANES];
            for _ in 0..self.depth {
                for (i, ki) in k.iter_mut().enumerate() {
                    *ki = step(*ki, &group[i * p..(i + 1) * p]);
                }
            }
            for (oi, ki) in o.iter_mut().zip(k) {
                *oi += self.leaves[ki - s];
            }
        }
        for (o, row) in outs.into_remainder().iter_mut().zip(groups.remainder().chunks_exact(p)) {
            let mut k = 0usize;
            for _ in 0..self.depth {
                k = step(k, row);
            }
            *o += self.leaves[k - s];
        }
    }
}

/// A fitted ensemble. It serializes with serde (a saved model) and [`Booster::check`] tells whether
/// one read back can be used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booster {
    objective: Objective,
    init: f64,
    trees: Vec<Tree>,
    n_features: usize,
    gain: Vec<f64>,
    best_iteration: Option<usize>,
}

impl Booster {
    /// The raw score of each row of `x` (columns): the sum of the trees, log-odds for
    /// [`Objective::Binary`]. Features beyond those fitted are ignored; a missing one panics
    /// never: rows of a shorter column are read as NaN.
    pub fn predict_raw(&self, x: &[&[f64]]) -> Vec<f64> {
        let n = x.first().map_or(0, |c| c.len());
        if x.len() < self.n_features {
            return vec![f64::NAN; n];
        }
        let mut out = vec![self.init; n];
        // Rows in blocks of 256, copied row by row into one buffer: every tree then walks rows
        // whose values sit side by side and stay in cache.
        const BLOCK: usize = 256;
        let p = self.n_features;
        let mut buf = vec![0.0; BLOCK * p];
        for (b, chunk) in out.chunks_mut(BLOCK).enumerate() {
            let first = b * BLOCK;
            for (j, col) in x[..p].iter().enumerate() {
                for k in 0..chunk.len() {
                    buf[k * p + j] = col.get(first + k).copied().unwrap_or(f64::NAN);
                }
            }
            let rows = &buf[..chunk.len() * p];
            for tree in &self.trees {
                tree.add_to(rows, p, chunk);
            }
        }
        out
    }

    /// The prediction for each row: a value, or a probability for [`Objective::Binary`].
    /// All columns must have the same length.
    pub fn predict(&self, x: &[&[f64]]) -> Vec<f64> {
        let mut raw = self.predict_raw(x);
        if self.objective == Objective::Binary {
            for r in &mut raw {
                *r = sigmoid(*r);
            }
        }
        raw
    }

    /// Whether a model read back from a file can predict without a fault: every tree well formed
    /// (see the trees' structure above) and the gains one per feature.
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self) -> Result<(), String> {
        if self.gain.len() != self.n_features {
            return Err(format!("{} gains for {} features", self.gain.len(), self.n_features));
        }
        for (k, tree) in self.trees.iter().enumerate() {
            tree.check(self.n_features).map_err(|e| format!("tree {}: {e}", k + 1))?;
        }
        Ok(())
    }

    /// Trees kept.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// With early stopping: the number of rounds kept (the best on the hold-out).
    pub fn best_iteration(&self) -> Option<usize> {
        self.best_iteration
    }

    /// Total gain of the splits on each feature.
    pub fn feature_importance_gain(&self) -> Vec<f64> {
        self.gain.clone()
    }

    /// Features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}

/// Fits on feature columns `x` (NaN = missing), outcome `y` and optional weights.
///
/// # Errors
/// Bad parameters, empty or ragged data, non-finite values, a non-0/1 outcome for log loss, or
/// bad weights.
pub fn fit(
    params: &GbdtParams,
    x: &[&[f64]],
    y: &[f64],
    weights: Option<&[f64]>,
) -> Result<Booster, GbdtError> {
    params.validate()?;
    if x.is_empty() || y.is_empty() {
        return Err(GbdtError::Empty);
    }
    for (j, c) in x.iter().enumerate() {
        if c.len() != y.len() {
            return Err(GbdtError::Length {
                what: format!("feature {j}"),
                expected: y.len(),
                got: c.len(),
            });
        }
    }
    let binned = BinnedMatrix::new(x, params.max_bin)?;
    let rows: Vec<usize> = (0..y.len()).collect();
    fit_binned(params, &binned, &rows, y, weights)
}

/// Fits on the rows `rows` of an already binned matrix; `y` and `weights` are indexed like the
/// matrix's rows (so several models can share one binning).
///
/// # Errors
/// As [`fit`]; also a row index out of range.
pub fn fit_binned(
    params: &GbdtParams,
    x: &BinnedMatrix,
    rows: &[usize],
    y: &[f64],
    weights: Option<&[f64]>,
) -> Result<Booster, GbdtError> {
    params.validate()?;
    let n = x.n_rows();
    if rows.is_empty() || x.n_features() == 0 {
        return Err(GbdtError::Empty);
    }
    if y.len() != n {
        return Err(GbdtError::Length { what: "the outcome".into(), expected: n, got: y.len() });
    }
    if let Some(&r) = rows.iter().find(|&&r| r >= n) {
        return Err(GbdtError::Length { what: format!("row index {r}"), expected: n, got: r + 1 });
    }
    for &r in rows {
        if !y[r].is_finite() {
            return Err(GbdtError::NotFinite { what: "the outcome".into(), row: r });
        }
        if params.objective == Objective::Binary && y[r] != 0.0 && y[r] != 1.0 {
            return Err(GbdtError::NotBinary { row: r });
        }
    }
    if let Some(w) = weights {
        if w.len() != n {
            return Err(GbdtError::Length {
                what: "the weights".into(),
                expected: n,
                got: w.len(),
            });
        }
        if let Some(&r) = rows.iter().find(|&&r| !w[r].is_finite()) {
            return Err(GbdtError::NotFinite { what: "the weights".into(), row: r });
        }
        if rows.iter().any(|&r| w[r] < 0.0) || !(rows.iter().map(|&r| w[r]).sum::<f64>() > 0.0) {
            return Err(GbdtError::Weights);
        }
    }
    Ok(grow::boost(params, x, rows, y, weights))
}
