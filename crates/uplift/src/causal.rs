//! Causal trees and forests for any numeric outcome (revenue, order value), which causalml's
//! uplift trees cannot take: the `causal_mse` criterion of causalml's `CausalTreeRegressor`
//! (Athey & Imbens 2016), with honest leaves.
//!
//! A node's impurity is `(1 + r)·(s²_t/n_t + s²_c/n_c) − τ̂²`, with `τ̂` the difference in means
//! and `s²` the outcome variances (ddof 0) of the node's treated and control rows; `r` is the
//! ratio of growing to estimation rows when the tree is honest (1 for an even split), else 0. A
//! split's gain is the node's impurity minus the children's, each weighted by its share of rows;
//! the best admissible split (at least `min_samples_leaf` rows and `min_samples_treatment` rows of
//! each group on each side) is taken while its gain is positive and the depth allows.
//! Candidates are the boundaries between histogram bins (255 quantile bins of each feature,
//! [`cf_gbdt::bins`]). With honesty, the tree is grown on one part of the rows and each leaf's
//! effect is the difference in means of the other part's rows in it (the growing rows' when the
//! estimation part lacks a group there).
//!
//! Differences from causalml: causalml's kernel searches every distinct value and adds a group
//! penalty to the impurity; the split search here is the histogram one, without that penalty, so
//! the trees are not causalml's trees (not compared split for split).

use cf_estimate::SplitMix64;
use cf_gbdt::bins::{BinnedColumn, BinnedMatrix};

use crate::UpliftError;

/// Settings of a causal tree.
#[derive(Debug, Clone, PartialEq)]
pub struct CausalTreeParams {
    /// Deepest leaf (root = 0).
    pub max_depth: usize,
    /// Fewest rows in a child.
    pub min_samples_leaf: usize,
    /// Fewest treated and fewest control rows in a child.
    pub min_samples_treatment: usize,
    /// Grow on one part of the rows, estimate the leaves on the other.
    pub honesty: bool,
    /// The estimation part's share with honesty.
    pub estimation_sample_size: f64,
    /// Features tried per node (`None` = all).
    pub max_features: Option<usize>,
    /// Seed of the honest split and of feature sampling.
    pub seed: u64,
}

impl Default for CausalTreeParams {
    fn default() -> Self {
        CausalTreeParams {
            max_depth: 5,
            min_samples_leaf: 100,
            min_samples_treatment: 10,
            honesty: true,
            estimation_sample_size: 0.5,
            max_features: None,
            seed: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Node {
    Split { feature: usize, threshold: f64, left: usize, right: usize },
    Leaf(f64),
}

/// A fitted causal tree. It serializes with serde (a saved model); [`CausalTree::check`] tells
/// whether one read back can be used.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CausalTree {
    nodes: Vec<Node>,
}

/// Sums of one group's rows: count, Σy, Σy².
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: f64,
    s: f64,
    ss: f64,
}

impl Moments {
    fn add(&mut self, y: f64) {
        self.n += 1.0;
        self.s += y;
        self.ss += y * y;
    }
    fn minus(self, o: Moments) -> Moments {
        Moments { n: self.n - o.n, s: self.s - o.s, ss: self.ss - o.ss }
    }
    fn mean(self) -> f64 {
        self.s / self.n
    }
    fn var(self) -> f64 {
        (self.ss / self.n - self.mean() * self.mean()).max(0.0)
    }
}

/// `(1 + r)(s²_t/n_t + s²_c/n_c) − τ̂²` of a node's treated and control moments.
fn impurity(t: Moments, c: Moments, r: f64) -> f64 {
    let tau = t.mean() - c.mean();
    (1.0 + r) * (t.var() / t.n + c.var() / c.n) - tau * tau
}

impl CausalTree {
    /// Whether a tree read back from a file predicts from `n_features` covariates without a
    /// fault: every split's children come after it and inside the nodes, and it reads a
    /// covariate there is.
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, n_features: usize) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 {
            return Err("an empty tree".into());
        }
        for (k, node) in self.nodes.iter().enumerate() {
            if let Node::Split { feature, left, right, .. } = *node {
                if left <= k || right <= k || left >= n || right >= n {
                    return Err(format!("split {k} has children {left} and {right} out of order"));
                }
                if feature >= n_features {
                    return Err(format!("split {k} reads feature {feature} of {n_features}"));
                }
            }
        }
        Ok(())
    }

    /// The effect predicted for each row of `x`.
    pub fn predict(&self, x: &[&[f64]]) -> Vec<f64> {
        let n = x.first().map_or(0, |c| c.len());
        (0..n).map(|r| self.value(x, r)).collect()
    }

    fn value(&self, x: &[&[f64]], r: usize) -> f64 {
        let mut k = 0;
        loop {
            match self.nodes[k] {
                Node::Leaf(v) => return v,
                Node::Split { feature, threshold, left, right } => {
                    k = if x[feature][r] <= threshold { left } else { right };
                }
            }
        }
    }

    /// Leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| matches!(n, Node::Leaf(_))).count()
    }
}

fn check(x: &[&[f64]], t: &[f64], y: &[f64]) -> Result<(), UpliftError> {
    let n = y.len();
    if n == 0 || x.is_empty() {
        return Err(UpliftError::Shape("no rows or no covariates to fit on".into()));
    }
    if t.len() != n || x.iter().any(|c| c.len() != n) {
        return Err(UpliftError::Shape(
            "covariates, treatment and outcome have different lengths".into(),
        ));
    }
    if let Some(r) = t.iter().position(|&v| v != 0.0 && v != 1.0) {
        return Err(UpliftError::Shape(format!(
            "a causal tree needs a 0/1 treatment; row {} is neither",
            r + 1
        )));
    }
    if let Some(r) = y.iter().position(|v| !v.is_finite()) {
        return Err(UpliftError::Shape(format!(
            "the outcome is not a finite number in row {}",
            r + 1
        )));
    }
    for (j, c) in x.iter().enumerate() {
        if let Some(r) = c.iter().position(|v| !v.is_finite()) {
            return Err(UpliftError::NotFinite { feature: j, row: r });
        }
    }
    for g in [0.0, 1.0] {
        if !t.contains(&g) {
            return Err(UpliftError::EmptyGroup(g as usize));
        }
    }
    Ok(())
}

fn binned(x: &[&[f64]]) -> Result<BinnedMatrix, UpliftError> {
    BinnedMatrix::from_columns(x.iter().map(|c| BinnedColumn::new(c, 255)).collect())
        .map_err(|e| UpliftError::Shape(e.to_string()))
}

/// Fits a causal tree on covariates `x`, 0/1 treatment `t` and numeric outcome `y`.
///
/// # Errors
/// Empty or ragged data, a non-0/1 treatment, a missing value, an empty group, a bad setting.
pub fn fit_causal_tree(
    params: &CausalTreeParams,
    x: &[&[f64]],
    t: &[f64],
    y: &[f64],
) -> Result<CausalTree, UpliftError> {
    check(x, t, y)?;
    let bins = binned(x)?;
    let rows: Vec<usize> = (0..y.len()).collect();
    grow(params, &bins, t, y, &rows, &mut SplitMix64(params.seed))
}

fn grow(
    params: &CausalTreeParams,
    bins: &BinnedMatrix,
    t: &[f64],
    y: &[f64],
    rows: &[usize],
    rng: &mut SplitMix64,
) -> Result<CausalTree, UpliftError> {
    if params.min_samples_leaf == 0 || params.min_samples_treatment == 0 {
        return Err(UpliftError::Param(
            "min_samples_leaf and min_samples_treatment must be at least 1".into(),
        ));
    }
    let (mut idx, estimate, ratio) = if params.honesty {
        let f = params.estimation_sample_size;
        if !(f > 0.0 && f < 1.0) {
            return Err(UpliftError::Param("estimation_sample_size must be in (0, 1)".into()));
        }
        let mut r = rows.to_vec();
        let m = ((r.len() as f64) * f).round() as usize;
        for i in 0..m {
            let j = i + rng.below(r.len() - i);
            r.swap(i, j);
        }
        let (e, g) = r.split_at(m);
        (g.to_vec(), e.to_vec(), (1.0 - f) / f)
    } else {
        (rows.to_vec(), Vec::new(), 0.0)
    };
    let p = bins.n_features();
    let mut nodes = vec![Node::Leaf(0.0)];
    let mut stack: Vec<(usize, usize, usize, usize)> = vec![(0, 0, idx.len(), 0)];
    let mut features: Vec<usize> = (0..p).collect();
    let mut scratch = Vec::with_capacity(idx.len());
    let mut hist: Vec<[Moments; 2]> = Vec::new();
    let min_leaf = params.min_samples_leaf as f64;
    let min_group = params.min_samples_treatment as f64;
    while let Some((id, start, end, depth)) = stack.pop() {
        let mut m = [Moments::default(); 2];
        for &r in &idx[start..end] {
            m[t[r] as usize].add(y[r]);
        }
        let value = if m[0].n > 0.0 && m[1].n > 0.0 { m[1].mean() - m[0].mean() } else { 0.0 };
        let n = (end - start) as f64;
        let mut best: Option<(f64, usize, usize)> = None;
        if depth < params.max_depth
            && m[0].n >= 2.0 * min_group
            && m[1].n >= 2.0 * min_group
            && n >= 2.0 * min_leaf
        {
            let parent = impurity(m[1], m[0], ratio);
            let tried = crate::sample_features(&mut features, params.max_features, rng);
            for &j in tried {
                let col = bins.column(j);
                let b = col.bins();
                hist.clear();
                hist.resize(col.n_bins(), [Moments::default(); 2]);
                for &r in &idx[start..end] {
                    hist[b[r] as usize][t[r] as usize].add(y[r]);
                }
                let mut left = [Moments::default(); 2];
                for (bin, h) in hist.iter().enumerate().take(col.n_bins().saturating_sub(1)) {
                    for g in 0..2 {
                        left[g].n += h[g].n;
                        left[g].s += h[g].s;
                        left[g].ss += h[g].ss;
                    }
                    let right = [m[0].minus(left[0]), m[1].minus(left[1])];
                    let (nl, nr) = (left[0].n + left[1].n, right[0].n + right[1].n);
                    if nl < min_leaf
                        || nr < min_leaf
                        || left.iter().chain(&right).any(|g| g.n < min_group)
                    {
                        continue;
                    }
                    let gain = parent
                        - nl / n * impurity(left[1], left[0], ratio)
                        - nr / n * impurity(right[1], right[0], ratio);
                    if gain > 0.0 && best.is_none_or(|bs| gain > bs.0) {
                        best = Some((gain, j, bin));
                    }
                }
            }
        }
        match best {
            Some((_, j, bin)) => {
                let b = bins.column(j).bins();
                let cut = u8::try_from(bin).unwrap_or(u8::MAX);
                let w = crate::partition(&mut idx, start, end, &mut scratch, |r| b[r] <= cut);
                let (l, rt) = (nodes.len(), nodes.len() + 1);
                nodes.push(Node::Leaf(0.0));
                nodes.push(Node::Leaf(0.0));
                nodes[id] = Node::Split {
                    feature: j,
                    threshold: bins.column(j).upper_bound(bin),
                    left: l,
                    right: rt,
                };
                stack.push((rt, w, end, depth + 1));
                stack.push((l, start, w, depth + 1));
            }
            None => nodes[id] = Node::Leaf(value),
        }
    }
    if params.honesty {
        // Each leaf's effect from the estimation rows that reach it.
        let mut sums = vec![[Moments::default(); 2]; nodes.len()];
        for &r in &estimate {
            let mut at = 0;
            while let Node::Split { feature, threshold, left, right } = nodes[at] {
                // Bin b holds the values up to upper_bound(b): the row goes left when that bound does.
                let col = bins.column(feature);
                at =
                    if col.upper_bound(col.bins()[r] as usize) <= threshold { left } else { right };
            }
            sums[at][t[r] as usize].add(y[r]);
        }
        for (node, s) in nodes.iter_mut().zip(&sums) {
            if let Node::Leaf(v) = node
                && s[0].n > 0.0
                && s[1].n > 0.0
            {
                *v = s[1].mean() - s[0].mean();
            }
        }
    }
    Ok(CausalTree { nodes })
}

/// Settings of a causal forest.
#[derive(Debug, Clone, PartialEq)]
pub struct CausalForestParams {
    /// Settings of each tree.
    pub tree: CausalTreeParams,
    /// Trees.
    pub n_estimators: usize,
    /// Seed of the bootstrap samples.
    pub seed: u64,
}

impl Default for CausalForestParams {
    fn default() -> Self {
        CausalForestParams {
            tree: CausalTreeParams { max_features: Some(10), ..CausalTreeParams::default() },
            n_estimators: 100,
            seed: 0,
        }
    }
}

/// A fitted causal forest. It serializes with serde; [`CausalForest::check`] tells whether one
/// read back can be used.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CausalForest {
    trees: Vec<CausalTree>,
}

/// Fits a forest of causal trees on bootstrap samples; `on_tree(done, total)` returning false
/// cancels.
///
/// # Errors
/// As [`fit_causal_tree`]; no trees; cancelled.
pub fn fit_causal_forest(
    params: &CausalForestParams,
    x: &[&[f64]],
    t: &[f64],
    y: &[f64],
    on_tree: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CausalForest, UpliftError> {
    check(x, t, y)?;
    if params.n_estimators == 0 {
        return Err(UpliftError::Param("a forest needs at least one tree".into()));
    }
    let bins = binned(x)?;
    let n = y.len();
    let mut rng = SplitMix64(params.seed);
    let mut trees = Vec::with_capacity(params.n_estimators);
    for k in 0..params.n_estimators {
        let mut rows: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
        rows.sort_unstable();
        let mut tree_rng = SplitMix64(rng.next_u64());
        trees.push(grow(&params.tree, &bins, t, y, &rows, &mut tree_rng)?);
        if !on_tree(k + 1, params.n_estimators) {
            return Err(UpliftError::Cancelled);
        }
    }
    Ok(CausalForest { trees })
}

impl CausalForest {
    /// Whether a forest read back from a file can be used ([`CausalTree::check`] on each tree).
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, n_features: usize) -> Result<(), String> {
        if self.trees.is_empty() {
            return Err("a forest without trees".into());
        }
        for (k, t) in self.trees.iter().enumerate() {
            t.check(n_features).map_err(|e| format!("tree {}: {e}", k + 1))?;
        }
        Ok(())
    }

    /// The mean over trees of each row's effect.
    pub fn predict(&self, x: &[&[f64]]) -> Vec<f64> {
        let n = x.first().map_or(0, |c| c.len());
        let mut out = vec![0.0; n];
        for tree in &self.trees {
            for (r, o) in out.iter_mut().enumerate() {
                *o += tree.value(x, r);
            }
        }
        let m = self.trees.len() as f64;
        out.iter_mut().for_each(|o| *o /= m);
        out
    }
}
