//! Uplift trees and forests for a 0/1 outcome, split as causalml 0.18's `UpliftTreeClassifier`
//! and `UpliftRandomForestClassifier` split (KL, ED, Chi and CTS criteria).
//!
//! causalml 0.18 grows these trees on its scikit-learn-style kernel
//! (`causalml/inference/tree/_uplift/_criterion.pyx`), not on the percentile candidates of the
//! older `uplift.pyx`: every boundary between two distinct values of a feature in the node is a
//! candidate, at the midpoint of the two values taken as 32-bit floats. This module does the same:
//!
//! * **Groups:** 0 is the control, 1..=k the treatment arms. In a node, each group's rate
//!   P(y = 1) is shrunk toward the parent's shrunk rate, `(n⁺ + n_reg·p_parent)/(n + n_reg)`, when
//!   the group has more than `min_samples_treatment` rows, and is the parent's rate otherwise; the
//!   root keeps its raw rates. A candidate's children are shrunk toward the node.
//! * **Admissible split:** at least `min_samples_leaf` rows on each side and at least
//!   `min_samples_treatment` rows of every group on each side.
//! * **Gain** = p·D(left) + (1 − p)·D(right) − D(node), p the left share, D the sum over arms of
//!   the divergence from the control (KL, 2·(p_t − p_c)² for ED, (p_t − p_c)²·(1/p_c + 1/(1 − p_c))
//!   for Chi, p and 1 − p floored at 1e-6) or, for CTS, the largest group rate. With
//!   `normalization` (not for CTS) the gain is divided by Rzepakowski's factor, computed as
//!   causalml does from the raw counts of the node and of its `x > threshold` child.
//! * **Growth:** depth first; the root has depth 0 and nodes at `max_depth` are leaves. A node
//!   splits on the best admissible candidate when its gain is at least −2.2e-16 (scikit-learn's
//!   `improvement + EPSILON < min_impurity_decrease` with a decrease of 0).
//! * **Leaves** keep each group's raw rate (honesty re-estimates it on a held-out half).
//!
//! Ties between features of exactly equal gain go to the first feature here; scikit-learn's
//! splitter visits features in a random order. Rows go left when `x ≤ threshold`. NaN in a
//! feature is refused here: the engine drops or imputes missing covariates before a tree sees
//! them. causalml's kernel instead sends a node's NaN rows to the side that gains more (and, at
//! prediction, to the larger child where training saw none); that path is not reproduced.

use cf_estimate::SplitMix64;
use cf_gbdt::bins::{BinnedColumn, BinnedMatrix};
use std::fmt;

/// The split criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Kullback–Leibler divergence.
    Kl,
    /// Euclidean distance.
    Ed,
    /// Chi-squared divergence.
    Chi,
    /// Contextual treatment selection (the best group's rate).
    Cts,
}

impl Criterion {
    /// `kl`, `ed`, `chi` or `cts`.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Kl => "kl",
            Criterion::Ed => "ed",
            Criterion::Chi => "chi",
            Criterion::Cts => "cts",
        }
    }
}

/// How a node's candidate thresholds are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitSearch {
    /// Every boundary between distinct values (causalml 0.18's kernel): the parity mode.
    Exact,
    /// Every boundary between the (at most 255) quantile bins of each feature, binned once per
    /// fit ([`cf_gbdt::bins`]): counts per bin and group in one pass over the node's rows, at
    /// most 254 candidates per feature.
    Histogram,
}

/// Settings of one tree (causalml's defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct UpliftTreeParams {
    /// The criterion.
    pub criterion: Criterion,
    /// Deepest leaf (root = 0).
    pub max_depth: usize,
    /// Fewest rows in a child.
    pub min_samples_leaf: usize,
    /// Fewest rows of each group in a child, and the shrinkage threshold.
    pub min_samples_treatment: usize,
    /// Weight of the parent's rate in the shrinkage, in rows.
    pub n_reg: f64,
    /// Divide the gain by Rzepakowski's normalization factor (KL, ED, Chi).
    pub normalization: bool,
    /// Features tried per node (`None` = all); drawn from `seed`.
    pub max_features: Option<usize>,
    /// Estimate the leaves on a held-out share of the rows (`estimation_sample_size`).
    pub honesty: bool,
    /// That share.
    pub estimation_sample_size: f64,
    /// Seed of feature sampling and of the honest split.
    pub seed: u64,
    /// Candidate thresholds.
    pub split: SplitSearch,
}

impl Default for UpliftTreeParams {
    fn default() -> Self {
        UpliftTreeParams {
            criterion: Criterion::Kl,
            max_depth: 3,
            min_samples_leaf: 100,
            min_samples_treatment: 10,
            n_reg: 100.0,
            normalization: true,
            max_features: None,
            honesty: false,
            estimation_sample_size: 0.5,
            seed: 0,
            split: SplitSearch::Exact,
        }
    }
}

/// Why a tree could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum UpliftError {
    /// No rows, no features, or columns of different lengths.
    Shape(String),
    /// The outcome is not 0/1 (row, 0-based).
    NotBinary(usize),
    /// A feature value that is not a finite number.
    NotFinite {
        /// Feature index.
        feature: usize,
        /// Row, 0-based.
        row: usize,
    },
    /// A group without rows (the control, or an arm between 1 and the largest).
    EmptyGroup(usize),
    /// A setting out of range.
    Param(String),
    /// The caller asked to stop.
    Cancelled,
}

impl fmt::Display for UpliftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpliftError::Shape(m) | UpliftError::Param(m) => f.write_str(m),
            UpliftError::NotBinary(r) => {
                write!(f, "uplift trees need a 0/1 outcome; row {} is neither", r + 1)
            }
            UpliftError::NotFinite { feature, row } => {
                write!(f, "covariate {} is missing or not finite in row {}", feature + 1, row + 1)
            }
            UpliftError::EmptyGroup(0) => write!(f, "no control rows"),
            UpliftError::EmptyGroup(g) => write!(f, "treatment arm {g} has no rows"),
            UpliftError::Cancelled => write!(f, "cancelled"),
        }
    }
}

impl std::error::Error for UpliftError {}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// Raw P(y = 1) per group.
    Leaf(Vec<f64>),
}

/// A fitted uplift tree. It serializes with serde (a saved model); [`UpliftTree::check`] tells
/// whether one read back can be used.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UpliftTree {
    nodes: Vec<Node>,
    n_groups: usize,
    importance: Vec<f64>,
}

/// Per-group counts of a set of rows.
#[derive(Debug, Clone, PartialEq)]
struct Counts {
    n: Vec<f64>,
    pos: Vec<f64>,
}

impl Counts {
    fn zero(k: usize) -> Counts {
        Counts { n: vec![0.0; k], pos: vec![0.0; k] }
    }
    fn total(&self) -> f64 {
        self.n.iter().sum()
    }
}

struct Problem<'a> {
    p: &'a UpliftTreeParams,
    x: Vec<Vec<f32>>,
    k: usize,
}

const EPS: f64 = 1e-6;

fn kl(pt: f64, pc: f64) -> f64 {
    if pc == 0.0 {
        return 0.0;
    }
    let q = pc.clamp(EPS, 1.0 - EPS);
    if pt == 0.0 {
        -libm::log(1.0 - q)
    } else if pt == 1.0 {
        -libm::log(q)
    } else {
        pt * libm::log(pt / q) + (1.0 - pt) * libm::log((1.0 - pt) / (1.0 - q))
    }
}

/// causalml's `entropyH(p, q)`: −p·ln q, or −p·ln p with `q = None`.
fn entropy_h(p: f64, q: Option<f64>) -> f64 {
    match q {
        None if p > 0.0 => -p * libm::log(p),
        Some(q) if q > 0.0 => -p * libm::log(q),
        _ => 0.0,
    }
}

impl Problem<'_> {
    fn metric(&self, s: &[f64]) -> f64 {
        match self.p.criterion {
            Criterion::Cts => s.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            c => s[1..]
                .iter()
                .map(|&pt| {
                    let pc = s[0];
                    match c {
                        Criterion::Kl => kl(pt, pc),
                        Criterion::Ed => 2.0 * (pt - pc) * (pt - pc),
                        _ => {
                            let d = (pt - pc) * (pt - pc);
                            d / pc.max(EPS) + d / (1.0 - pc).max(EPS)
                        }
                    }
                })
                .sum(),
        }
    }

    /// Shrunk rates of `c` toward `target` (raw at the root).
    fn shrunk(&self, c: &Counts, target: Option<&[f64]>) -> Vec<f64> {
        let mut out = vec![0.0; self.k];
        self.shrink_into(&c.n, &c.pos, target, &mut out);
        out
    }

    fn shrink_into(&self, n: &[f64], pos: &[f64], target: Option<&[f64]>, out: &mut [f64]) {
        for g in 0..self.k {
            out[g] = match target {
                None => {
                    if n[g] > 0.0 {
                        pos[g] / n[g]
                    } else {
                        0.0
                    }
                }
                Some(t) if n[g] > self.p.min_samples_treatment as f64 => {
                    (pos[g] + t[g] * self.p.n_reg) / (n[g] + self.p.n_reg)
                }
                Some(t) => t[g],
            };
        }
    }

    /// Rzepakowski's factor from the node's counts and its `x > threshold` child's.
    fn norm_factor(&self, node: &Counts, right: &Counts) -> f64 {
        let n_c = node.n[0];
        let n_c_gt = right.n[0];
        let sum_t: f64 = node.n[1..].iter().sum();
        let sum_t_gt: f64 = right.n[1..].iter().sum();
        let pt_a = sum_t_gt / (sum_t + 0.1);
        let pc_a = n_c_gt / (n_c + 0.1);
        let mut r =
            0.9 * entropy_h(sum_t / (sum_t + n_c), Some(n_c / (sum_t + n_c))) * kl(pt_a, pc_a);
        for g in 1..self.k {
            let n_t = node.n[g];
            let pt_ai = right.n[g] / (n_t + 0.1);
            r += 0.1 * entropy_h(n_t / (n_t + n_c), Some(n_c / (n_t + n_c))) * kl(pt_ai, pc_a);
            r += n_t / (sum_t + n_c) * entropy_h(pt_ai, None);
        }
        r + n_c / (sum_t + n_c) * entropy_h(pc_a, None) + 0.5
    }

    fn gain(&self, node: &Counts, s_node: &[f64], left: &Counts, buf: &mut Scratch) -> f64 {
        let floor = self.p.min_samples_treatment as f64;
        for g in 0..self.k {
            buf.right.n[g] = node.n[g] - left.n[g];
            buf.right.pos[g] = node.pos[g] - left.pos[g];
            if left.n[g] < floor || buf.right.n[g] < floor {
                return f64::NEG_INFINITY;
            }
        }
        self.shrink_into(&left.n, &left.pos, Some(s_node), &mut buf.sl);
        self.shrink_into(&buf.right.n, &buf.right.pos, Some(s_node), &mut buf.sr);
        let p = left.total() / node.total();
        let g = p * self.metric(&buf.sl) + (1.0 - p) * self.metric(&buf.sr) - self.metric(s_node);
        if self.p.normalization && self.p.criterion != Criterion::Cts {
            g / self.norm_factor(node, &buf.right)
        } else {
            g
        }
    }
}

/// Buffers of the gain, reused over candidates.
struct Scratch {
    right: Counts,
    sl: Vec<f64>,
    sr: Vec<f64>,
}

impl Scratch {
    fn new(k: usize) -> Scratch {
        Scratch { right: Counts::zero(k), sl: vec![0.0; k], sr: vec![0.0; k] }
    }
}

/// The best split of one node: (gain, feature, position in the sorted segment, threshold).
type Best = Option<(f64, usize, usize, f64)>;

/// A node waiting to be grown: id, segment start and end, depth, the parent's shrunk rates.
type Pending = (usize, usize, usize, usize, Option<Vec<f64>>);

impl UpliftTree {
    /// P(y = 1) for each group at each row of `x`.
    pub fn predict(&self, x: &[&[f64]]) -> Vec<Vec<f64>> {
        let n = x.first().map_or(0, |c| c.len());
        (0..n).map(|r| self.leaf(x, r).to_vec()).collect()
    }

    fn leaf(&self, x: &[&[f64]], r: usize) -> &[f64] {
        let mut k = 0;
        loop {
            match &self.nodes[k] {
                Node::Leaf(p) => return p,
                Node::Split { feature, threshold, left, right } => {
                    // Compared as 32-bit floats, as causalml's kernel stores X.
                    let v = f64::from(x[*feature][r] as f32);
                    k = if v <= *threshold { *left } else { *right };
                }
            }
        }
    }

    /// The effect of each arm (1..=k) against the control, per row.
    pub fn uplift(&self, x: &[&[f64]]) -> Vec<Vec<f64>> {
        self.predict(x).into_iter().map(|p| p[1..].iter().map(|v| v - p[0]).collect()).collect()
    }

    /// Groups (control and arms).
    pub fn n_groups(&self) -> usize {
        self.n_groups
    }

    /// Whether a tree read back from a file predicts from `n_features` covariates without a
    /// fault: every split's children come after it and inside the nodes, it reads a covariate
    /// there is, and every leaf holds one rate per group.
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, n_features: usize) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 || self.n_groups < 2 {
            return Err("an empty tree".into());
        }
        for (k, node) in self.nodes.iter().enumerate() {
            match node {
                Node::Split { feature, left, right, .. } => {
                    if *left <= k || *right <= k || *left >= n || *right >= n {
                        return Err(format!(
                            "split {k} has children {left} and {right} out of order"
                        ));
                    }
                    if *feature >= n_features {
                        return Err(format!("split {k} reads feature {feature} of {n_features}"));
                    }
                }
                Node::Leaf(p) if p.len() != self.n_groups => {
                    return Err(format!(
                        "leaf {k} has {} rates for {} groups",
                        p.len(),
                        self.n_groups
                    ));
                }
                Node::Leaf(_) => {}
            }
        }
        Ok(())
    }

    /// Leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| matches!(n, Node::Leaf(_))).count()
    }

    /// Sum of the (normalised) gains of each feature's splits.
    pub fn feature_importance(&self) -> &[f64] {
        &self.importance
    }
}

fn check(x: &[&[f64]], group: &[usize], y: &[f64]) -> Result<usize, UpliftError> {
    let n = y.len();
    if n == 0 || x.is_empty() {
        return Err(UpliftError::Shape("no rows or no covariates to fit on".into()));
    }
    if group.len() != n || x.iter().any(|c| c.len() != n) {
        return Err(UpliftError::Shape(
            "covariates, treatment and outcome have different lengths".into(),
        ));
    }
    if let Some(r) = y.iter().position(|&v| v != 0.0 && v != 1.0) {
        return Err(UpliftError::NotBinary(r));
    }
    for (j, c) in x.iter().enumerate() {
        if let Some(r) = c.iter().position(|v| !v.is_finite() || !(v.abs() < f64::from(f32::MAX))) {
            return Err(UpliftError::NotFinite { feature: j, row: r });
        }
    }
    let k = group.iter().copied().max().unwrap_or(0) + 1;
    if k < 2 {
        return Err(UpliftError::Shape(
            "uplift trees need a control group and at least one arm".into(),
        ));
    }
    for g in 0..k {
        if !group.contains(&g) {
            return Err(UpliftError::EmptyGroup(g));
        }
    }
    Ok(k)
}

/// Fits a tree on covariate columns `x`, groups `group` (0 = control) and 0/1 outcome `y`.
///
/// # Errors
/// Empty or ragged data, a non-0/1 outcome, a missing or infinite covariate, a group without
/// rows, a bad setting.
pub fn fit_tree(
    params: &UpliftTreeParams,
    x: &[&[f64]],
    group: &[usize],
    y: &[f64],
) -> Result<UpliftTree, UpliftError> {
    let k = check(x, group, y)?;
    let rows: Vec<usize> = (0..y.len()).collect();
    let binned = binned_for(params, x)?;
    fit_rows(params, &Data { x, group, y, k }, &rows, binned.as_ref(), &mut SplitMix64(params.seed))
}

/// The checked data of a fit: covariates, groups, outcome and the number of groups.
struct Data<'a> {
    x: &'a [&'a [f64]],
    group: &'a [usize],
    y: &'a [f64],
    k: usize,
}

fn fit_rows(
    params: &UpliftTreeParams,
    data: &Data<'_>,
    rows: &[usize],
    binned: Option<&BinnedMatrix>,
    rng: &mut SplitMix64,
) -> Result<UpliftTree, UpliftError> {
    let Data { x, group, y, k } = *data;
    if params.min_samples_leaf == 0 {
        return Err(UpliftError::Param("min_samples_leaf must be at least 1".into()));
    }
    if !(params.n_reg >= 0.0) {
        return Err(UpliftError::Param("n_reg must be ≥ 0".into()));
    }
    let (grow, estimate): (Vec<usize>, Vec<usize>) = if params.honesty {
        if !(params.estimation_sample_size > 0.0 && params.estimation_sample_size < 1.0) {
            return Err(UpliftError::Param("estimation_sample_size must be in (0, 1)".into()));
        }
        let mut r = rows.to_vec();
        let m = ((r.len() as f64) * params.estimation_sample_size).round() as usize;
        for i in 0..m {
            let j = i + rng.below(r.len() - i);
            r.swap(i, j);
        }
        let (e, g) = r.split_at(m);
        (g.to_vec(), e.to_vec())
    } else {
        (rows.to_vec(), Vec::new())
    };
    let prob = Problem {
        p: params,
        // The values as 32-bit floats, for the exact search and honest leaves only.
        x: if params.split == SplitSearch::Exact || params.honesty || binned.is_none() {
            x.iter().map(|c| c.iter().map(|&v| v as f32).collect()).collect()
        } else {
            Vec::new()
        },
        k,
    };
    let (nodes, importance) = match binned {
        Some(bins) if params.split == SplitSearch::Histogram => {
            grow_binned(&prob, bins, group, y, &grow, rng)
        }
        _ => grow_exact(&prob, group, y, &grow, rng),
    };
    let mut tree = UpliftTree { nodes, n_groups: k, importance };
    if params.honesty {
        // Leaves re-estimated on the held-out rows: each group's raw rate (0 when absent).
        let mut sums: Vec<Counts> = vec![Counts::zero(k); tree.nodes.len()];
        for &r in &estimate {
            let mut at = 0;
            while let Node::Split { feature, threshold, left, right } = &tree.nodes[at] {
                at = if f64::from(prob.x[*feature][r]) <= *threshold { *left } else { *right };
            }
            sums[at].n[group[r]] += 1.0;
            sums[at].pos[group[r]] += y[r];
        }
        for (node, c) in tree.nodes.iter_mut().zip(&sums) {
            if let Node::Leaf(v) = node {
                *v = (0..k).map(|g| if c.n[g] > 0.0 { c.pos[g] / c.n[g] } else { 0.0 }).collect();
            }
        }
    }
    Ok(tree)
}

/// Grows a tree over `grow` with every boundary between distinct values as a candidate.
fn grow_exact(
    prob: &Problem<'_>,
    group: &[usize],
    y: &[f64],
    grow: &[usize],
    rng: &mut SplitMix64,
) -> (Vec<Node>, Vec<f64>) {
    let params = prob.p;
    let k = prob.k;
    let p = prob.x.len();
    // Each feature's rows sorted by value; a node is one segment of every feature's order.
    let mut order: Vec<Vec<usize>> = (0..p)
        .map(|j| {
            let mut o = grow.to_vec();
            o.sort_by(|&a, &b| prob.x[j][a].total_cmp(&prob.x[j][b]));
            o
        })
        .collect();
    let mut nodes: Vec<Node> = vec![Node::Leaf(Vec::new())];
    let mut importance = vec![0.0; p];
    let mut goes_left = vec![false; y.len()];
    let mut scratch: Vec<usize> = Vec::with_capacity(grow.len());
    let mut stack: Vec<Pending> = vec![(0, 0, grow.len(), 0, None)];
    let mut features: Vec<usize> = (0..p).collect();
    let mut buf = Scratch::new(k);
    while let Some((id, start, end, depth, parent)) = stack.pop() {
        let mut c = Counts::zero(k);
        for &r in &order[0][start..end] {
            c.n[group[r]] += 1.0;
            c.pos[group[r]] += y[r];
        }
        let s_node = prob.shrunk(&c, parent.as_deref());
        let leaf_value: Vec<f64> =
            (0..k).map(|g| if c.n[g] > 0.0 { c.pos[g] / c.n[g] } else { 0.0 }).collect();
        let n = end - start;
        let can_split = depth < params.max_depth && n >= 2 * params.min_samples_leaf && n >= 2;
        let mut best: Best = None;
        if can_split {
            let tried = crate::sample_features(&mut features, params.max_features, rng);
            for &j in tried {
                let seg = &order[j][start..end];
                let xs = &prob.x[j];
                if xs[seg[n - 1]] <= xs[seg[0]] + 1e-7 {
                    continue; // constant in the node
                }
                let mut left = Counts::zero(k);
                let mut pos = 0;
                while pos < n {
                    // Take every row of this value (values within 1e-7 count as one).
                    let r = seg[pos];
                    left.n[group[r]] += 1.0;
                    left.pos[group[r]] += y[r];
                    pos += 1;
                    while pos < n && xs[seg[pos]] <= xs[seg[pos - 1]] + 1e-7 {
                        let r = seg[pos];
                        left.n[group[r]] += 1.0;
                        left.pos[group[r]] += y[r];
                        pos += 1;
                    }
                    if pos >= n {
                        break;
                    }
                    if pos < params.min_samples_leaf || n - pos < params.min_samples_leaf {
                        continue;
                    }
                    let g = prob.gain(&c, &s_node, &left, &mut buf);
                    if best.is_none_or(|b| g > b.0) && g > f64::NEG_INFINITY {
                        let (a, b) = (f64::from(xs[seg[pos - 1]]), f64::from(xs[seg[pos]]));
                        let mut t = a / 2.0 + b / 2.0;
                        if t == b || t.is_infinite() {
                            t = a;
                        }
                        best = Some((g, j, pos, t));
                    }
                }
            }
        }
        match best {
            Some((g, j, pos, threshold)) if g + f64::EPSILON >= 0.0 => {
                importance[j] += g;
                for &r in &order[j][start..start + pos] {
                    goes_left[r] = true;
                }
                for o in order.iter_mut() {
                    scratch.clear();
                    let seg = &mut o[start..end];
                    let mut w = 0;
                    for i in 0..seg.len() {
                        let r = seg[i];
                        if goes_left[r] {
                            seg[w] = r;
                            w += 1;
                        } else {
                            scratch.push(r);
                        }
                    }
                    seg[w..].copy_from_slice(&scratch);
                }
                for &r in &order[j][start..start + pos] {
                    goes_left[r] = false;
                }
                let (l, rt) = (nodes.len(), nodes.len() + 1);
                nodes.push(Node::Leaf(Vec::new()));
                nodes.push(Node::Leaf(Vec::new()));
                nodes[id] = Node::Split { feature: j, threshold, left: l, right: rt };
                // Right first on the stack so the left subtree is grown first.
                stack.push((rt, start + pos, end, depth + 1, Some(s_node.clone())));
                stack.push((l, start, start + pos, depth + 1, Some(s_node)));
            }
            _ => nodes[id] = Node::Leaf(leaf_value),
        }
    }
    (nodes, importance)
}

/// The features binned once, for [`SplitSearch::Histogram`]: the values as 32-bit floats (as the
/// exact mode and prediction see them).
fn binned_for(
    params: &UpliftTreeParams,
    x: &[&[f64]],
) -> Result<Option<BinnedMatrix>, UpliftError> {
    if params.split != SplitSearch::Histogram {
        return Ok(None);
    }
    // One converted column at a time: the fit never holds a copy of all the data.
    let cols = x
        .iter()
        .map(|c| {
            let v: Vec<f64> = c.iter().map(|&v| f64::from(v as f32)).collect();
            BinnedColumn::new(&v, 255)
        })
        .collect();
    BinnedMatrix::from_columns(cols).map(Some).map_err(|e| UpliftError::Shape(e.to_string()))
}

/// Grows a tree over `grow` with the boundaries between histogram bins as candidates.
fn grow_binned(
    prob: &Problem<'_>,
    bins: &BinnedMatrix,
    group: &[usize],
    y: &[f64],
    grow: &[usize],
    rng: &mut SplitMix64,
) -> (Vec<Node>, Vec<f64>) {
    let params = prob.p;
    let k = prob.k;
    let p = bins.n_features();
    let mut idx = grow.to_vec();
    let mut nodes: Vec<Node> = vec![Node::Leaf(Vec::new())];
    let mut importance = vec![0.0; p];
    let mut scratch: Vec<usize> = Vec::with_capacity(idx.len());
    let mut stack: Vec<Pending> = vec![(0, 0, idx.len(), 0, None)];
    let mut features: Vec<usize> = (0..p).collect();
    let mut buf = Scratch::new(k);
    let mut hist_n: Vec<f64> = Vec::new();
    let mut hist_pos: Vec<f64> = Vec::new();
    while let Some((id, start, end, depth, parent)) = stack.pop() {
        let mut c = Counts::zero(k);
        for &r in &idx[start..end] {
            c.n[group[r]] += 1.0;
            c.pos[group[r]] += y[r];
        }
        let s_node = prob.shrunk(&c, parent.as_deref());
        let n = end - start;
        let mut best: Option<(f64, usize, usize)> = None;
        if depth < params.max_depth && n >= 2 * params.min_samples_leaf && n >= 2 {
            let tried = crate::sample_features(&mut features, params.max_features, rng);
            for &j in tried {
                let col = bins.column(j);
                let nb = col.n_bins();
                let b = col.bins();
                hist_n.clear();
                hist_n.resize(nb * k, 0.0);
                hist_pos.clear();
                hist_pos.resize(nb * k, 0.0);
                for &r in &idx[start..end] {
                    let at = b[r] as usize * k + group[r];
                    hist_n[at] += 1.0;
                    hist_pos[at] += y[r];
                }
                let mut left = Counts::zero(k);
                let mut rows_left = 0.0;
                for bin in 0..nb.saturating_sub(1) {
                    for g in 0..k {
                        left.n[g] += hist_n[bin * k + g];
                        left.pos[g] += hist_pos[bin * k + g];
                    }
                    let before = rows_left;
                    rows_left = left.total();
                    if rows_left == before || rows_left as usize == n {
                        continue; // an empty bin: the same split as the previous one
                    }
                    if (rows_left as usize) < params.min_samples_leaf
                        || n - (rows_left as usize) < params.min_samples_leaf
                    {
                        continue;
                    }
                    let g = prob.gain(&c, &s_node, &left, &mut buf);
                    if g > f64::NEG_INFINITY && best.is_none_or(|bst| g > bst.0) {
                        best = Some((g, j, bin));
                    }
                }
            }
        }
        match best {
            Some((g, j, bin)) if g + f64::EPSILON >= 0.0 => {
                importance[j] += g;
                let b = bins.column(j).bins();
                let cut = u8::try_from(bin).unwrap_or(u8::MAX);
                let w = crate::partition(&mut idx, start, end, &mut scratch, |r| b[r] <= cut);
                let (l, rt) = (nodes.len(), nodes.len() + 1);
                nodes.push(Node::Leaf(Vec::new()));
                nodes.push(Node::Leaf(Vec::new()));
                nodes[id] = Node::Split {
                    feature: j,
                    threshold: bins.column(j).upper_bound(bin),
                    left: l,
                    right: rt,
                };
                stack.push((rt, w, end, depth + 1, Some(s_node.clone())));
                stack.push((l, start, w, depth + 1, Some(s_node)));
            }
            _ => {
                nodes[id] = Node::Leaf(
                    (0..k).map(|g| if c.n[g] > 0.0 { c.pos[g] / c.n[g] } else { 0.0 }).collect(),
                )
            }
        }
    }
    (nodes, importance)
}

/// Settings of a forest (causalml's `UpliftRandomForestClassifier` defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct UpliftForestParams {
    /// Settings of each tree (`seed` is replaced per tree).
    pub tree: UpliftTreeParams,
    /// Trees.
    pub n_estimators: usize,
    /// Seed of the bootstrap samples and of each tree.
    pub seed: u64,
}

impl Default for UpliftForestParams {
    fn default() -> Self {
        UpliftForestParams {
            tree: UpliftTreeParams {
                max_depth: 5,
                n_reg: 10.0,
                max_features: Some(10),
                ..UpliftTreeParams::default()
            },
            n_estimators: 10,
            seed: 0,
        }
    }
}

/// A fitted forest: trees on bootstrap samples, their group rates averaged. It serializes with
/// serde; [`UpliftForest::check`] tells whether one read back can be used.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UpliftForest {
    trees: Vec<UpliftTree>,
    n_groups: usize,
}

/// Fits a forest; `on_tree(done, total)` is called after each tree and stops the fit with
/// [`UpliftError::Cancelled`] when it returns false.
///
/// # Errors
/// As [`fit_tree`]; no trees asked for; cancelled.
pub fn fit_forest(
    params: &UpliftForestParams,
    x: &[&[f64]],
    group: &[usize],
    y: &[f64],
    on_tree: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<UpliftForest, UpliftError> {
    let k = check(x, group, y)?;
    if params.n_estimators == 0 {
        return Err(UpliftError::Param("a forest needs at least one tree".into()));
    }
    let n = y.len();
    let binned = binned_for(&params.tree, x)?;
    let mut rng = SplitMix64(params.seed);
    let mut trees = Vec::with_capacity(params.n_estimators);
    for t in 0..params.n_estimators {
        // A bootstrap sample of n rows with replacement, as causalml's `rng.choice(n, n)`.
        let mut rows: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
        rows.sort_unstable();
        let mut tree_rng = SplitMix64(rng.next_u64());
        trees.push(fit_rows(
            &params.tree,
            &Data { x, group, y, k },
            &rows,
            binned.as_ref(),
            &mut tree_rng,
        )?);
        if !on_tree(t + 1, params.n_estimators) {
            return Err(UpliftError::Cancelled);
        }
    }
    Ok(UpliftForest { trees, n_groups: k })
}

impl UpliftForest {
    /// The mean over trees of P(y = 1) per group, per row.
    pub fn predict(&self, x: &[&[f64]]) -> Vec<Vec<f64>> {
        let n = x.first().map_or(0, |c| c.len());
        let mut out = vec![vec![0.0; self.n_groups]; n];
        for tree in &self.trees {
            for (r, o) in out.iter_mut().enumerate() {
                for (a, b) in o.iter_mut().zip(tree.leaf(x, r)) {
                    *a += b;
                }
            }
        }
        let m = self.trees.len() as f64;
        out.iter_mut().for_each(|o| o.iter_mut().for_each(|v| *v /= m));
        out
    }

    /// The effect of each arm against the control, per row.
    pub fn uplift(&self, x: &[&[f64]]) -> Vec<Vec<f64>> {
        self.predict(x).into_iter().map(|p| p[1..].iter().map(|v| v - p[0]).collect()).collect()
    }

    /// Trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// Groups (control and arms).
    pub fn n_groups(&self) -> usize {
        self.n_groups
    }

    /// The trees' [`UpliftTree::feature_importance`], averaged.
    pub fn feature_importance(&self) -> Vec<f64> {
        let p = self.trees.first().map_or(0, |t| t.importance.len());
        let mut sum = vec![0.0; p];
        for t in &self.trees {
            for (s, v) in sum.iter_mut().zip(&t.importance) {
                *s += v;
            }
        }
        let n = self.trees.len().max(1) as f64;
        sum.iter().map(|s| s / n).collect()
    }

    /// Whether a forest read back from a file can be used ([`UpliftTree::check`] on each tree,
    /// all with the forest's groups).
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, n_features: usize) -> Result<(), String> {
        if self.trees.is_empty() {
            return Err("a forest without trees".into());
        }
        for (k, t) in self.trees.iter().enumerate() {
            if t.n_groups != self.n_groups {
                return Err(format!(
                    "tree {} has {} groups, the forest {}",
                    k + 1,
                    t.n_groups,
                    self.n_groups
                ));
            }
            t.check(n_features).map_err(|e| format!("tree {}: {e}", k + 1))?;
        }
        Ok(())
    }
}
