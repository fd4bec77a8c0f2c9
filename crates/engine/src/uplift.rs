//! Uplift evaluation: fit effect models on a training split, rank the held-out rows by predicted
//! effect, and score the ranking with causalml's curves and coefficients
//! ([`cf_uplift::metrics`], where the one definition used everywhere is written down).
//!
//! The caller times each model: [`prepare`] once, then per model [`fit_scores`] (the clock goes
//! around this call; the engine has none) and [`evaluate`]; [`run`] does all of it with the
//! caller's clock (the CLI and the page's worker). A column of scores from another model
//! ([`UpliftSpec::scores`]) is evaluated the same way, so rankings from any tool can be compared on
//! one split.

use std::fmt;
use std::str::FromStr;

use cf_data::Table;
pub use cf_estimate::CateKind;
use cf_estimate::{BaseLearner, CateLearner};
use cf_gbdt::GbdtParams;
pub use cf_uplift::Criterion;
use cf_uplift::decision;
pub use cf_uplift::decision::{
    ArmCost, ArmPricing, Cumulative, Decile, Economics, PolicyCurve, ProfitCurve, best_arms,
    best_share, cumulative, deciles, policy_curve, profit_curve,
};
use cf_uplift::metrics::{self, MetricError};
use cf_uplift::{
    CausalForestParams, CausalTreeParams, SplitSearch, UpliftForestParams, UpliftTreeParams,
};
use serde::{Deserialize, Serialize};

use crate::{AnalysisError, AnalysisSpec, Design};

/// A model to fit and evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum UpliftModel {
    /// A meta-learner on boosted (`boosted`) or linear base learners.
    Meta {
        /// S, T, X, R or DR.
        kind: CateKind,
        /// Gradient-boosted trees (true) or least squares.
        boosted: bool,
    },
    /// One uplift tree (0/1 outcome).
    Tree(Criterion),
    /// An uplift random forest (0/1 outcome).
    Forest(Criterion),
    /// A causal tree (`causal_mse`, honest; any numeric outcome).
    CausalTree,
    /// A forest of causal trees.
    CausalForest,
}

impl UpliftModel {
    /// Every model, in the order `--model` lists them.
    pub const ALL: [UpliftModel; 20] = [
        UpliftModel::Tree(Criterion::Kl),
        UpliftModel::Tree(Criterion::Ed),
        UpliftModel::Tree(Criterion::Chi),
        UpliftModel::Tree(Criterion::Cts),
        UpliftModel::Forest(Criterion::Kl),
        UpliftModel::Forest(Criterion::Ed),
        UpliftModel::Forest(Criterion::Chi),
        UpliftModel::Forest(Criterion::Cts),
        UpliftModel::CausalTree,
        UpliftModel::CausalForest,
        UpliftModel::Meta { kind: CateKind::S, boosted: true },
        UpliftModel::Meta { kind: CateKind::T, boosted: true },
        UpliftModel::Meta { kind: CateKind::X, boosted: true },
        UpliftModel::Meta { kind: CateKind::R, boosted: true },
        UpliftModel::Meta { kind: CateKind::Dr, boosted: true },
        UpliftModel::Meta { kind: CateKind::S, boosted: false },
        UpliftModel::Meta { kind: CateKind::T, boosted: false },
        UpliftModel::Meta { kind: CateKind::X, boosted: false },
        UpliftModel::Meta { kind: CateKind::R, boosted: false },
        UpliftModel::Meta { kind: CateKind::Dr, boosted: false },
    ];

    /// The name as `--model` takes it: `uplift-forest-kl`, `t-learner-gbdt`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            UpliftModel::Tree(Criterion::Kl) => "uplift-tree-kl",
            UpliftModel::Tree(Criterion::Ed) => "uplift-tree-ed",
            UpliftModel::Tree(Criterion::Chi) => "uplift-tree-chi",
            UpliftModel::Tree(Criterion::Cts) => "uplift-tree-cts",
            UpliftModel::Forest(Criterion::Kl) => "uplift-forest-kl",
            UpliftModel::Forest(Criterion::Ed) => "uplift-forest-ed",
            UpliftModel::Forest(Criterion::Chi) => "uplift-forest-chi",
            UpliftModel::Forest(Criterion::Cts) => "uplift-forest-cts",
            UpliftModel::CausalTree => "causal-tree",
            UpliftModel::CausalForest => "causal-forest",
            UpliftModel::Meta { kind: CateKind::S, boosted: true } => "s-learner-gbdt",
            UpliftModel::Meta { kind: CateKind::T, boosted: true } => "t-learner-gbdt",
            UpliftModel::Meta { kind: CateKind::X, boosted: true } => "x-learner-gbdt",
            UpliftModel::Meta { kind: CateKind::R, boosted: true } => "r-learner-gbdt",
            UpliftModel::Meta { kind: CateKind::Dr, boosted: true } => "dr-learner-gbdt",
            UpliftModel::Meta { kind: CateKind::S, boosted: false } => "s-learner-linear",
            UpliftModel::Meta { kind: CateKind::T, boosted: false } => "t-learner-linear",
            UpliftModel::Meta { kind: CateKind::X, boosted: false } => "x-learner-linear",
            UpliftModel::Meta { kind: CateKind::R, boosted: false } => "r-learner-linear",
            UpliftModel::Meta { kind: CateKind::Dr, boosted: false } => "dr-learner-linear",
        }
    }
}

/// Settings of the uplift trees and forests; `None` takes causalml's default for the model
/// (tree: depth 3, 100 rows per leaf, 10 per group, `n_reg` 100; forest: 10 trees, depth 5, 100
/// rows per leaf, 10 per group, `n_reg` 10, 10 features per node).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TreeOptions {
    /// Deepest leaf (root = 0).
    pub max_depth: Option<usize>,
    /// Fewest rows per leaf.
    pub min_samples_leaf: Option<usize>,
    /// Fewest rows of each group per leaf.
    pub min_samples_treatment: Option<usize>,
    /// Shrinkage toward the parent, in rows.
    pub n_reg: Option<f64>,
    /// Trees of a forest.
    pub trees: Option<usize>,
    /// Features tried per node of a forest's tree.
    pub max_features: Option<usize>,
    /// Estimate leaves on a held-out half of the training rows (default: no for uplift trees,
    /// yes for causal trees).
    pub honesty: Option<bool>,
    /// Candidate thresholds between histogram bins (true) or between every two distinct values
    /// (false, causalml's search); `None` = distinct values for a tree, bins for a forest.
    pub histogram: Option<bool>,
}

impl TreeOptions {
    /// Causal-tree settings: depth 5, 100 rows per leaf, 10 per group, honest; a forest of 100
    /// trees tries 10 features per node.
    fn causal(&self, forest: bool, seed: u64) -> CausalForestParams {
        let d = CausalForestParams::default();
        let t = &d.tree;
        CausalForestParams {
            tree: CausalTreeParams {
                max_depth: self.max_depth.unwrap_or(t.max_depth),
                min_samples_leaf: self.min_samples_leaf.unwrap_or(t.min_samples_leaf),
                min_samples_treatment: self
                    .min_samples_treatment
                    .unwrap_or(t.min_samples_treatment),
                honesty: self.honesty.unwrap_or(true),
                max_features: if forest { self.max_features.or(t.max_features) } else { None },
                seed,
                ..t.clone()
            },
            n_estimators: self.trees.unwrap_or(d.n_estimators),
            seed,
        }
    }

    fn tree(&self, criterion: Criterion, forest: bool, seed: u64) -> (UpliftTreeParams, usize) {
        let d = if forest {
            UpliftForestParams::default()
        } else {
            UpliftForestParams {
                tree: UpliftTreeParams::default(),
                ..UpliftForestParams::default()
            }
        };
        let t = d.tree;
        (
            UpliftTreeParams {
                criterion,
                max_depth: self.max_depth.unwrap_or(t.max_depth),
                min_samples_leaf: self.min_samples_leaf.unwrap_or(t.min_samples_leaf),
                min_samples_treatment: self
                    .min_samples_treatment
                    .unwrap_or(t.min_samples_treatment),
                n_reg: self.n_reg.unwrap_or(t.n_reg),
                max_features: if forest { self.max_features.or(t.max_features) } else { None },
                honesty: self.honesty.unwrap_or(false),
                split: if self.histogram.unwrap_or(forest) {
                    SplitSearch::Histogram
                } else {
                    SplitSearch::Exact
                },
                seed,
                ..t
            },
            self.trees.unwrap_or(d.n_estimators),
        )
    }
}

impl FromStr for UpliftModel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        UpliftModel::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = UpliftModel::ALL.iter().map(|m| m.as_str()).collect();
            format!("unknown uplift model `{s}` (known: {})", names.join(", "))
        })
    }
}

impl TryFrom<String> for UpliftModel {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<UpliftModel> for String {
    fn from(m: UpliftModel) -> String {
        m.as_str().into()
    }
}

/// Which rows evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpliftSplit {
    /// A 0/1 column of the file: 1 = test row.
    Column(String),
    /// A stratified random share (treatment × outcome for a 0/1 outcome), from a seed.
    Fraction {
        /// Share of rows in the test split, in (0, 1).
        test_fraction: f64,
        /// Seed of the draw.
        seed: u64,
    },
}

/// Gradient-boosting settings of the boosted learners (LightGBM's defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GbdtOptions {
    /// Trees.
    pub trees: usize,
    /// Leaves per tree.
    pub leaves: usize,
    /// Learning rate.
    pub rate: f64,
    /// Fewest rows per leaf.
    pub min_leaf: usize,
    /// Deepest leaf (`None` = no limit).
    pub max_depth: Option<usize>,
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// Seed (for subsampling).
    pub seed: u64,
}

impl Default for GbdtOptions {
    fn default() -> Self {
        let d = GbdtParams::default();
        GbdtOptions {
            trees: d.n_estimators,
            leaves: d.num_leaves,
            rate: d.learning_rate,
            min_leaf: d.min_data_in_leaf,
            max_depth: d.max_depth,
            l2: d.lambda_l2,
            seed: d.seed,
        }
    }
}

impl GbdtOptions {
    /// The boosting parameters.
    pub fn params(&self) -> GbdtParams {
        GbdtParams {
            n_estimators: self.trees,
            num_leaves: self.leaves,
            learning_rate: self.rate,
            min_data_in_leaf: self.min_leaf,
            max_depth: self.max_depth,
            lambda_l2: self.l2,
            seed: self.seed,
            ..GbdtParams::default()
        }
    }
}

/// What to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpliftSpec {
    /// Roles (treatment 0/1, outcome, covariates, categorical, missing-value policy); its
    /// methods are not used.
    pub roles: AnalysisSpec,
    /// Models to fit on the training rows.
    pub models: Vec<UpliftModel>,
    /// Columns of precomputed scores to evaluate.
    #[serde(default)]
    pub scores: Vec<String>,
    /// The evaluation split.
    pub split: UpliftSplit,
    /// Bootstrap replicates of the intervals.
    pub bootstrap: usize,
    /// Interval level 1 − alpha.
    pub alpha: f64,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Outcome models' boosting settings.
    #[serde(default)]
    pub gbdt: GbdtOptions,
    /// The X-learner's effect models' boosting settings.
    #[serde(default)]
    pub effect_gbdt: GbdtOptions,
    /// The uplift trees' and forests' settings.
    #[serde(default)]
    pub tree: TreeOptions,
    /// A column holding each row's true uplift (simulated data, where it is known): every
    /// model's ranking is then also judged by the true incremental outcomes it captures
    /// ([`UpliftModelResult::truth`]). Never a covariate. For a 0/1 treatment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truth: Option<String>,
}

/// Why an uplift evaluation could not run.
#[derive(Debug, Clone, PartialEq)]
pub enum UpliftError {
    /// The roles do not resolve (see [`AnalysisError`]).
    Roles(AnalysisError),
    /// Anything else, said in words.
    Invalid(String),
}

impl fmt::Display for UpliftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpliftError::Roles(e) => e.fmt(f),
            UpliftError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for UpliftError {}

impl From<AnalysisError> for UpliftError {
    fn from(e: AnalysisError) -> Self {
        UpliftError::Roles(e)
    }
}

/// The rows, split, ready for fitting.
#[derive(Debug, Clone)]
pub struct UpliftData {
    pub(crate) outcome: String,
    pub(crate) treatment: String,
    binary: bool,
    x_train: Vec<Vec<f64>>,
    /// Every row's covariates (training and test rows in table order), for the targeting list.
    x_all: Vec<Vec<f64>>,
    /// The covariates' names (as the design encodes them: a category is `name=level`).
    pub(crate) covariates: Vec<String>,
    /// How each covariate is computed from the table, and the table's columns read.
    pub(crate) encoding: Vec<crate::design::Encoding>,
    pub(crate) inputs: Vec<crate::design::Input>,
    /// Positions in the rows of [`UpliftData::rows`] of the test rows.
    test_pos: Vec<usize>,
    /// 0 = control, 1..=k the arms.
    group_train: Vec<usize>,
    y_train: Vec<f64>,
    group_test: Vec<usize>,
    y_test: Vec<f64>,
    /// The arms' levels, for a treatment with more than two values (`None` for 0/1).
    pub arms: Option<Vec<String>>,
    /// Table rows of the test split (for per-row output).
    pub test_rows: Vec<usize>,
    /// Table rows of every row the models see (training and test, in table order): the rows the
    /// missing-value policy kept. [`fit_scores`] predicts them all.
    pub rows: Vec<usize>,
    scores: Vec<(String, Vec<f64>)>,
    /// The true uplift of the test rows, when the spec names its column.
    truth_test: Option<Vec<f64>>,
    /// Rows in the training split.
    pub n_train: usize,
    /// Rows in the test split.
    pub n_test: usize,
    /// Caveats (dropped rows, small arms).
    pub warnings: Vec<String>,
}

/// Resolves the roles, applies the missing-value policy and splits the rows.
///
/// # Errors
/// Roles that do not resolve, a treatment that is not 0/1, a split column that is not 0/1 or
/// leaves a split without treated or control rows, bad settings.
pub fn prepare(table: &Table, spec: &UpliftSpec) -> Result<UpliftData, UpliftError> {
    let invalid = |m: String| Err(UpliftError::Invalid(m));
    if !(spec.alpha > 0.0 && spec.alpha < 1.0) {
        return invalid(format!("alpha must be in (0, 1), got {}", spec.alpha));
    }
    if spec.bootstrap < 2 {
        return invalid("the intervals need at least 2 bootstrap replicates".into());
    }
    for g in [&spec.gbdt, &spec.effect_gbdt] {
        g.params().validate().map_err(|e| UpliftError::Invalid(e.to_string()))?;
    }
    if spec.models.is_empty() && spec.scores.is_empty() {
        return invalid("nothing to evaluate: name a model or a score column".into());
    }
    let mut extra: Vec<(&'static str, &str)> = Vec::new();
    if let UpliftSplit::Column(c) = &spec.split {
        extra.push(("split column", c));
    }
    for s in &spec.scores {
        extra.push(("score column", s));
    }
    if let Some(t) = &spec.truth {
        if spec.roles.covariates.as_ref().is_some_and(|c| c.contains(t)) {
            return invalid(format!(
                "the true-uplift column `{t}` is among the covariates: a model would learn the answer from it"
            ));
        }
        extra.push(("true-uplift column", t));
    }
    let mut roles = spec.roles.clone();
    if roles.covariates.is_none() {
        // Without covariates named, every numeric column that is not a split or score column.
        let skip: Vec<&str> = extra.iter().map(|(_, n)| *n).collect();
        roles.covariates = Some(
            crate::default_covariates(table, &roles)
                .into_iter()
                .filter(|c| !skip.contains(&c.as_str()))
                .collect(),
        );
    }
    let d = Design::build_with(table, &roles, &extra)?;
    let (group, arms) = groups(&d, &roles)?;
    let n = d.y.len();
    let binary = d.y.iter().all(|&v| v == 0.0 || v == 1.0);
    let test: Vec<bool> = match &spec.split {
        UpliftSplit::Column(name) => {
            let col = &d.extra[0];
            if let Some(r) = col.iter().position(|&v| v != 0.0 && v != 1.0) {
                return invalid(format!(
                    "the split column `{name}` must be 0 (train) or 1 (test); row {} holds {}",
                    d.rows[r] + 1,
                    col[r]
                ));
            }
            col.iter().map(|&v| v == 1.0).collect()
        }
        UpliftSplit::Fraction { test_fraction, seed } => {
            if !(*test_fraction > 0.0 && *test_fraction < 1.0) {
                return invalid(format!(
                    "the test fraction must be in (0, 1), got {test_fraction}"
                ));
            }
            cf_uplift::split::stratified(&group, &d.y, *test_fraction, *seed)
        }
    };
    let train_idx: Vec<usize> = (0..n).filter(|&r| !test[r]).collect();
    let test_idx: Vec<usize> = (0..n).filter(|&r| test[r]).collect();
    let pick = |c: &[f64], idx: &[usize]| idx.iter().map(|&r| c[r]).collect::<Vec<f64>>();
    let group_test: Vec<usize> = test_idx.iter().map(|&r| group[r]).collect();
    let mut warnings = d.warnings.clone();
    let k = arms.as_ref().map_or(1, Vec::len);
    for g in 0..=k {
        let m = group_test.iter().filter(|&&v| v == g).count();
        let what = match (g, &arms) {
            (0, _) => "control".to_string(),
            (_, Some(a)) => format!("`{}`", a[g - 1]),
            _ => "treated".to_string(),
        };
        if m == 0 {
            return invalid(format!(
                "the test split has no {what} rows: it needs treated and control rows"
            ));
        }
        if m < 100 {
            warnings.push(format!("the test split has only {m} {what} rows: its curves are noisy"));
        }
    }
    let offset = usize::from(matches!(spec.split, UpliftSplit::Column(_)));
    let truth_test = match &spec.truth {
        Some(t) if arms.is_some() => {
            return invalid(format!(
                "a true-uplift column (`{t}`) is for a 0/1 treatment; this one has several arms"
            ));
        }
        Some(_) => Some(pick(&d.extra[offset + spec.scores.len()], &test_idx)),
        None => None,
    };
    let scores = spec
        .scores
        .iter()
        .enumerate()
        .map(|(k, name)| (name.clone(), pick(&d.extra[offset + k], &test_idx)))
        .collect();
    Ok(UpliftData {
        outcome: roles.outcome.clone(),
        binary,
        x_train: d.covariates.iter().map(|c| pick(c, &train_idx)).collect(),
        x_all: d.covariates.iter().map(|c| c.to_vec()).collect(),
        covariates: d.covariate_names.clone(),
        encoding: d.encoding.clone(),
        inputs: d.inputs.clone(),
        treatment: roles.treatment.clone(),
        test_pos: test_idx.clone(),
        group_train: train_idx.iter().map(|&r| group[r]).collect(),
        y_train: pick(&d.y, &train_idx),
        group_test,
        arms,
        y_test: pick(&d.y, &test_idx),
        test_rows: test_idx.iter().map(|&r| d.rows[r]).collect(),
        rows: d.rows.clone(),
        scores,
        truth_test,
        n_train: train_idx.len(),
        n_test: test_idx.len(),
        warnings,
    })
}

/// Each row's group (0 = control, 1..=k the arms in level order) and the arms' names for a
/// treatment with more than two values, whose control is [`AnalysisSpec::control`].
fn groups(
    d: &Design<'_>,
    roles: &AnalysisSpec,
) -> Result<(Vec<usize>, Option<Vec<String>>), UpliftError> {
    let t = &d.t;
    let binary = d.t_levels.is_none() && t.iter().all(|&v| v == 0.0 || v == 1.0);
    if binary && roles.control.as_deref().is_none_or(|c| c == "0") {
        return Ok((t.iter().map(|&v| usize::from(v == 1.0)).collect(), None));
    }
    let mut values: Vec<f64> = t.to_vec();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let labels: Vec<String> = values
        .iter()
        .map(|&v| match &d.t_levels {
            Some(levels) => levels.get(v as usize).cloned().unwrap_or_default(),
            None => format!("{v}"),
        })
        .collect();
    let Some(control) = &roles.control else {
        return Err(
            AnalysisError::NeedControl { name: roles.treatment.clone(), levels: labels }.into()
        );
    };
    let Some(c) = labels.iter().position(|l| l == control) else {
        return Err(AnalysisError::UnknownLevel {
            name: roles.treatment.clone(),
            level: control.clone(),
            levels: labels,
        }
        .into());
    };
    // Group of each distinct value: the control 0, the others 1.. in order.
    let mut code = vec![0usize; values.len()];
    let mut arms = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        if i != c {
            arms.push(l.clone());
            code[i] = arms.len();
        }
    }
    let group = t.iter().map(|v| code[values.partition_point(|x| x < v)]).collect();
    Ok((group, Some(arms)))
}

/// A fitted uplift model: what [`fit_model`] gives and a model file keeps. It predicts the effect
/// of each arm against the control from the covariates in the order fitted
/// ([`FittedUplift::predict`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FittedUplift {
    /// One causal tree per arm.
    CausalTree(Vec<cf_uplift::CausalTree>),
    /// One causal forest per arm.
    CausalForest(Vec<cf_uplift::CausalForest>),
    /// One meta-learner per arm.
    Meta(Vec<cf_estimate::CateModel>),
    /// One uplift tree for every arm.
    Tree(cf_uplift::UpliftTree),
    /// One uplift forest for every arm.
    Forest(cf_uplift::UpliftForest),
}

impl FittedUplift {
    /// The predicted effect of each of `arms` arms (one column each) for every row of `x`.
    pub fn predict(&self, x: &[&[f64]], arms: usize) -> Vec<Vec<f64>> {
        let by_rows = |uplift: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
            (0..arms)
                .map(|a| uplift.iter().map(|u| u.get(a).copied().unwrap_or(f64::NAN)).collect())
                .collect()
        };
        match self {
            FittedUplift::CausalTree(m) => m.iter().map(|t| t.predict(x)).collect(),
            FittedUplift::CausalForest(m) => m.iter().map(|f| f.predict(x)).collect(),
            FittedUplift::Meta(m) => m.iter().map(|l| l.predict(x)).collect(),
            FittedUplift::Tree(t) => by_rows(t.uplift(x)),
            FittedUplift::Forest(f) => by_rows(f.uplift(x)),
        }
    }

    /// Whether a model read back from a file predicts `arms` arms from `n_features` covariates
    /// without a fault.
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, n_features: usize, arms: usize) -> Result<(), String> {
        let count = |n: usize| {
            if n == arms { Ok(()) } else { Err(format!("{n} fitted models for {arms} arms")) }
        };
        match self {
            FittedUplift::CausalTree(m) => {
                count(m.len())?;
                m.iter().try_for_each(|t| t.check(n_features))
            }
            FittedUplift::CausalForest(m) => {
                count(m.len())?;
                m.iter().try_for_each(|f| f.check(n_features))
            }
            FittedUplift::Meta(m) => {
                count(m.len())?;
                m.iter().try_for_each(|l| l.check(n_features))
            }
            FittedUplift::Tree(t) => {
                count(t.n_groups().saturating_sub(1))?;
                t.check(n_features)
            }
            FittedUplift::Forest(f) => {
                count(f.n_groups().saturating_sub(1))?;
                f.check(n_features)
            }
        }
    }
}

/// Fits `model` on the training rows. A boosted model on a 0/1 outcome uses classifier outcome
/// models (probabilities), as causalml's `Base*Classifier`.
///
/// # Errors
/// Those of the learners (an arm too small in the training split, bad settings).
pub fn fit_model(
    data: &UpliftData,
    spec: &UpliftSpec,
    model: UpliftModel,
    on_tree: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<FittedUplift, UpliftError> {
    let fail = |e: &dyn fmt::Display| UpliftError::Invalid(format!("{}: {e}", model.as_str()));
    let x: Vec<&[f64]> = data.x_train.iter().map(|c| &c[..]).collect();
    let group = &data.group_train;
    let k = data.arms.as_ref().map_or(1, Vec::len);
    match model {
        UpliftModel::CausalTree | UpliftModel::CausalForest => {
            let forest = model == UpliftModel::CausalForest;
            let p = spec.tree.causal(forest, spec.seed);
            if forest {
                (1..=k)
                    .map(|a| {
                        let (xa, ta, ya) = arm_rows(data, a);
                        let xr: Vec<&[f64]> = xa.iter().map(|c| &c[..]).collect();
                        cf_uplift::fit_causal_forest(&p, &xr, &ta, &ya, on_tree)
                            .map_err(|e| fail(&e))
                    })
                    .collect::<Result<_, _>>()
                    .map(FittedUplift::CausalForest)
            } else {
                (1..=k)
                    .map(|a| {
                        let (xa, ta, ya) = arm_rows(data, a);
                        let xr: Vec<&[f64]> = xa.iter().map(|c| &c[..]).collect();
                        cf_uplift::fit_causal_tree(&p.tree, &xr, &ta, &ya).map_err(|e| fail(&e))
                    })
                    .collect::<Result<_, _>>()
                    .map(FittedUplift::CausalTree)
            }
        }
        UpliftModel::Meta { kind, boosted } => {
            let base = |g: &GbdtOptions| {
                if boosted { BaseLearner::Gbdt(g.params()) } else { BaseLearner::Linear }
            };
            let learner = CateLearner {
                kind,
                outcome: base(&spec.gbdt),
                effect: base(&spec.effect_gbdt),
                classify: boosted && data.binary,
            };
            // One learner per arm, on that arm's and the control's training rows.
            (1..=k)
                .map(|a| {
                    let (xa, ta, ya) = arm_rows(data, a);
                    let xr: Vec<&[f64]> = xa.iter().map(|c| &c[..]).collect();
                    learner.fit(&xr, &ta, &ya).map_err(|e| fail(&e))
                })
                .collect::<Result<_, _>>()
                .map(FittedUplift::Meta)
        }
        UpliftModel::Tree(c) | UpliftModel::Forest(c) => {
            if !data.binary {
                return Err(fail(
                    &"uplift trees and forests need a 0/1 outcome (use a meta-learner for a continuous one)",
                ));
            }
            let forest = matches!(model, UpliftModel::Forest(_));
            let (tree, trees) = spec.tree.tree(c, forest, spec.seed);
            if forest {
                let p = UpliftForestParams { tree, n_estimators: trees, seed: spec.seed };
                cf_uplift::fit_forest(&p, &x, group, &data.y_train, on_tree)
                    .map(FittedUplift::Forest)
                    .map_err(|e| fail(&e))
            } else {
                cf_uplift::fit_tree(&tree, &x, group, &data.y_train)
                    .map(FittedUplift::Tree)
                    .map_err(|e| fail(&e))
            }
        }
    }
}

/// Fits `model` on the training rows ([`fit_model`]) and predicts the effect of every row
/// ([`UpliftData::rows`]; [`test_part`] picks the test rows), one column per arm.
///
/// # Errors
/// Those of [`fit_model`].
pub fn fit_scores(
    data: &UpliftData,
    spec: &UpliftSpec,
    model: UpliftModel,
    on_tree: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Vec<f64>>, UpliftError> {
    let fitted = fit_model(data, spec, model, on_tree)?;
    Ok(predict_all(data, &fitted))
}

/// `fitted`'s predictions for every row of `data`, one column per arm.
fn predict_all(data: &UpliftData, fitted: &FittedUplift) -> Vec<Vec<f64>> {
    let xt: Vec<&[f64]> = data.x_all.iter().map(|c| &c[..]).collect();
    fitted.predict(&xt, data.arms.as_ref().map_or(1, Vec::len))
}

/// The test rows' entries of a column over every row ([`fit_scores`]' predictions).
pub fn test_part(data: &UpliftData, all: &[f64]) -> Vec<f64> {
    data.test_pos.iter().map(|&r| all[r]).collect()
}

/// Arm `a`'s and the control's training rows: covariates, 0/1 treatment, outcome.
fn arm_rows(data: &UpliftData, a: usize) -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
    let g = &data.group_train;
    let rows: Vec<usize> = (0..g.len()).filter(|&r| g[r] == 0 || g[r] == a).collect();
    let x = data.x_train.iter().map(|c| rows.iter().map(|&r| c[r]).collect()).collect();
    let t = rows.iter().map(|&r| f64::from(u8::from(g[r] == a))).collect();
    let y = rows.iter().map(|&r| data.y_train[r]).collect();
    (x, t, y)
}

/// The precomputed score columns, on the test rows.
pub fn score_columns(data: &UpliftData) -> &[(String, Vec<f64>)] {
    &data.scores
}

/// A curve at 101 points (the top ⌊k·n/100⌋ test rows, k = 0..=100), raw (in outcome units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoints {
    /// Share of test rows targeted.
    pub fraction: Vec<f64>,
    /// Cumulative gain (incremental outcomes if that share were treated, causalml's `get_cumgain`).
    pub gain: Vec<f64>,
    /// Qini curve (causalml's `get_qini`).
    pub qini: Vec<f64>,
    /// Cumulative lift: the difference in means among the rows targeted (causalml's `get_cumlift`).
    pub lift: Vec<f64>,
    /// Pointwise bootstrap interval of `gain` at level 1 − alpha (lower, upper).
    #[serde(default)]
    pub gain_band: [Vec<f64>; 2],
    /// Pointwise bootstrap interval of `qini`.
    #[serde(default)]
    pub qini_band: [Vec<f64>; 2],
}

/// A ranking of the test rows judged by their true uplift (known in simulated data): the true
/// incremental outcomes among the top share, against the best possible ranking (by the true
/// uplift itself) and a random one (the share of the total), at 101 shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Share of test rows targeted.
    pub fraction: Vec<f64>,
    /// Sum of the true uplift over the top ⌊k·n/100⌋ rows of the model's ranking.
    pub model: Vec<f64>,
    /// The same for the ranking by the true uplift.
    pub best: Vec<f64>,
    /// The same, expected, for a random ranking: k/100 of the total.
    pub random: Vec<f64>,
}

impl Truth {
    /// The ranking judged by `truth`, for `scores` of the same rows (ties in row order, as the
    /// curves rank).
    pub fn new(scores: &[f64], truth: &[f64]) -> Truth {
        let n = scores.len();
        let sums = |order: &[usize]| {
            let mut acc = vec![0.0; n + 1];
            for (k, &r) in order.iter().enumerate() {
                acc[k + 1] = acc[k] + truth[r];
            }
            acc
        };
        let model = sums(&metrics::order(scores));
        let best = sums(&metrics::order(truth));
        let total = model[n];
        let at = |k: usize| k * n / 100;
        Truth {
            fraction: (0..=100).map(|k| k as f64 / 100.0).collect(),
            model: (0..=100).map(|k| model[at(k)]).collect(),
            best: (0..=100).map(|k| best[at(k)]).collect(),
            random: (0..=100).map(|k| total * k as f64 / 100.0).collect(),
        }
    }

    /// Of the true incremental outcomes the best list captures at `percent` % targeted, the share
    /// this ranking captures (`None` when the best captures nothing).
    pub fn share_of_best(&self, percent: usize) -> Option<f64> {
        let (m, b) = (*self.model.get(percent)?, *self.best.get(percent)?);
        (b > 0.0).then(|| m / b)
    }

    /// The same for a random list.
    pub fn share_of_best_random(&self, percent: usize) -> Option<f64> {
        let (m, b) = (*self.random.get(percent)?, *self.best.get(percent)?);
        (b > 0.0).then(|| m / b)
    }
}

/// A band as its lower and its upper curve.
fn split_band(band: &[(f64, f64)]) -> [Vec<f64>; 2] {
    [band.iter().map(|b| b.0).collect(), band.iter().map(|b| b.1).collect()]
}

/// The share of `population` customers that a budget of at most `customers` allows, in (0, 1]
/// (for [`decide`]'s budget share).
pub fn budget_share(customers: usize, population: usize) -> f64 {
    if population == 0 {
        1.0
    } else {
        (customers as f64 / population as f64).clamp(f64::MIN_POSITIVE, 1.0)
    }
}

/// Bins of [`UpliftModelResult::distribution`].
pub const HISTOGRAM_BINS: usize = 30;

/// Counts of values in equal-width bins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges, one more than the bins (empty when no value is finite).
    pub edges: Vec<f64>,
    /// Values in each bin (the last bin includes its upper edge).
    pub counts: Vec<usize>,
    /// Values that are not numbers (rows a model could not score), not counted in a bin.
    pub missing: usize,
}

impl Histogram {
    /// `bins` equal bins from the smallest to the largest finite value (one bin of width 0
    /// when all are equal).
    pub fn of(values: &[f64], bins: usize) -> Histogram {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) =
            finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let missing = values.iter().filter(|v| !v.is_finite()).count();
        if lo > hi || bins == 0 {
            return Histogram { edges: Vec::new(), counts: Vec::new(), missing };
        }
        let bins = if hi > lo { bins } else { 1 };
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0; bins];
        for v in values.iter().copied().filter(|v| v.is_finite()) {
            let k = if width > 0.0 { ((v - lo) / width) as usize } else { 0 };
            counts[k.min(bins - 1)] += 1;
        }
        let edges =
            (0..=bins).map(|k| if k == bins { hi } else { lo + width * k as f64 }).collect();
        Histogram { edges, counts, missing }
    }
}

/// How much one covariate column drives a model's predicted effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    /// The table's column (its dummies and missing indicator together).
    pub column: String,
    /// Permutation importance: the mean absolute change of the predicted effect on the test
    /// rows when this column's values are shuffled among them (seeded), in outcome units.
    pub permutation: f64,
    /// The column's share of the split gain, for uplift trees and forests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_gain: Option<f64>,
}

/// Test rows the permutation importance predicts at most (the first ones of the test split).
pub const IMPORTANCE_ROWS: usize = 5000;

/// What drives each arm's predicted effect: for every covariate column, the permutation
/// importance on the test rows (up to [`IMPORTANCE_ROWS`]; the column's values shuffled with a
/// generator seeded by `seed`, its dummies together) and, for uplift trees and forests, its share
/// of the split gain. One list per arm, most important first (ties in column order).
pub fn importance(data: &UpliftData, fitted: &FittedUplift, seed: u64) -> Vec<Vec<Importance>> {
    let arms = data.arms.as_ref().map_or(1, Vec::len);
    let rows: Vec<usize> = data.test_pos.iter().copied().take(IMPORTANCE_ROWS).collect();
    let x: Vec<Vec<f64>> =
        data.x_all.iter().map(|c| rows.iter().map(|&r| c[r]).collect()).collect();
    let view = |x: &[Vec<f64>]| -> Vec<Vec<f64>> {
        let cols: Vec<&[f64]> = x.iter().map(|c| &c[..]).collect();
        fitted.predict(&cols, arms)
    };
    let base = view(&x);
    let mut columns: Vec<&str> = Vec::new();
    for e in &data.encoding {
        if !columns.contains(&e.column()) {
            columns.push(e.column());
        }
    }
    let gain: Option<Vec<f64>> = match fitted {
        FittedUplift::Tree(t) => Some(t.feature_importance().to_vec()),
        FittedUplift::Forest(f) => Some(f.feature_importance()),
        _ => None,
    };
    let gain_total: f64 = gain.as_ref().map_or(0.0, |g| g.iter().sum());
    let mut rng = cf_estimate::SplitMix64(seed);
    let mut out: Vec<Vec<Importance>> = vec![Vec::new(); arms];
    for column in columns {
        let idx: Vec<usize> =
            (0..data.encoding.len()).filter(|&j| data.encoding[j].column() == column).collect();
        // Fisher-Yates on the row order, one shuffle for all of the column's covariates.
        let mut perm: Vec<usize> = (0..rows.len()).collect();
        for i in (1..perm.len()).rev() {
            perm.swap(i, rng.below(i + 1));
        }
        let mut xp = x.clone();
        for &j in &idx {
            xp[j] = perm.iter().map(|&r| x[j][r]).collect();
        }
        let shuffled = view(&xp);
        let split_gain = gain.as_ref().map(|g| {
            let s: f64 = idx.iter().map(|&j| g.get(j).copied().unwrap_or(0.0)).sum();
            if gain_total > 0.0 { s / gain_total } else { 0.0 }
        });
        for a in 0..arms {
            let (b, p) = (&base[a], &shuffled[a]);
            let diffs = b.iter().zip(p).map(|(u, v)| (u - v).abs()).filter(|d| d.is_finite());
            let (sum, n) = diffs.fold((0.0, 0usize), |(s, n), d| (s + d, n + 1));
            let permutation = if n > 0 { sum / n as f64 } else { f64::NAN };
            out[a].push(Importance { column: column.to_string(), permutation, split_gain });
        }
    }
    for list in &mut out {
        list.sort_by(|a, b| b.permutation.total_cmp(&a.permutation));
    }
    out
}

/// One model's evaluation on the test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpliftModelResult {
    /// The model's name, or the score column's.
    pub model: String,
    /// The outcome.
    pub outcome: String,
    /// For a treatment with several arms: the arm compared with the control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Normalised AUUC (0.5 = a random ranking).
    pub auuc: f64,
    /// Raw AUUC (in outcome units × rows).
    pub auuc_raw: f64,
    /// Normalised Qini coefficient (0 = random).
    pub qini: f64,
    /// Raw Qini coefficient.
    pub qini_raw: f64,
    /// Bootstrap interval of `auuc`.
    pub auuc_ci: [f64; 2],
    /// Bootstrap interval of `qini`.
    pub qini_ci: [f64; 2],
    /// Bootstrap interval of `auuc_raw`.
    pub auuc_raw_ci: [f64; 2],
    /// Bootstrap interval of `qini_raw`.
    pub qini_raw_ci: [f64; 2],
    /// Seconds the fit took (0 for a score column), measured by the caller.
    pub fit_seconds: f64,
    /// The curves at 101 points.
    pub curves: CurvePoints,
    /// Calibration by deciles of predicted uplift on the test rows
    /// ([`cf_uplift::decision::deciles`], intervals at level 1 − alpha).
    #[serde(default)]
    pub deciles: Vec<Decile>,
    /// Treated and control counts and outcome sums among the top share of the test ranking at 101
    /// shares: what a profit curve for any costs is computed from
    /// ([`cf_uplift::decision::profit_curve`]).
    #[serde(default)]
    pub cumulative: Cumulative,
    /// The targeting decision for given costs and values ([`decide`]), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Readable segments of every row by a shallow tree on the predicted effects ([`segments`]),
    /// highest predicted uplift first (none for a score column).
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// The distribution of the predicted effects over every row the model scored (a score
    /// column: its test rows); filled in by [`run`], empty from [`evaluate`] alone.
    #[serde(default)]
    pub distribution: Histogram,
    /// What drives the predicted effect, by covariate column, most first ([`importance`]; none
    /// for a score column).
    #[serde(default)]
    pub importance: Vec<Importance>,
    /// The ranking judged by the true uplift, when the spec names its column ([`Truth`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truth: Option<Truth>,
    /// Distinct predicted effects among the test rows.
    pub n_distinct: usize,
    /// Caveats about this model's numbers.
    pub warnings: Vec<String>,
}

/// Scores a ranking of the test rows.
///
/// # Errors
/// A prediction that is not a finite number (named with its test row).
pub fn evaluate(
    data: &UpliftData,
    spec: &UpliftSpec,
    model: &str,
    arm: usize,
    all_scores: &[f64],
) -> Result<UpliftModelResult, UpliftError> {
    let fail = |e: MetricError| UpliftError::Invalid(format!("{model}: {e}"));
    // The arm's and the control's test rows.
    let rows: Vec<usize> = (0..data.group_test.len())
        .filter(|&r| data.group_test[r] == 0 || data.group_test[r] == arm)
        .collect();
    let scores: Vec<f64> = rows.iter().map(|&r| all_scores[r]).collect();
    let scores = &scores[..];
    let treated: Vec<bool> = rows.iter().map(|&r| data.group_test[r] == arm).collect();
    let y: Vec<f64> = rows.iter().map(|&r| data.y_test[r]).collect();
    let c = metrics::curves(scores, &treated, &y).map_err(fail)?;
    let k = metrics::coefficients(&c);
    let iv = metrics::bootstrap(scores, &treated, &y, spec.bootstrap, spec.seed, spec.alpha)
        .map_err(fail)?;
    let z = cf_estimate::dist::normal_quantile(1.0 - spec.alpha / 2.0);
    let deciles = decision::deciles(scores, &treated, &y, z).map_err(fail)?;
    let cumulative = decision::cumulative(scores, &treated, &y).map_err(fail)?;
    let (fraction, gain) = metrics::at_percents(&c.gain);
    let (_, qini) = metrics::at_percents(&c.qini);
    let (_, lift) = metrics::at_percents(&c.lift);
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let mut warnings = Vec::new();
    if sorted.len() == 1 {
        warnings.push(format!(
            "{model} predicts the same effect for every test row: its curve only reflects the file's row order"
        ));
    } else if sorted.len() * 2 < scores.len() {
        warnings.push(format!(
            "{model} gives {} distinct predictions for {} test rows: tied rows keep the file's order (causalml's unstable sort may order them otherwise)",
            sorted.len(),
            scores.len()
        ));
    }
    let truth = match &data.truth_test {
        Some(t) => {
            let t: Vec<f64> = rows.iter().map(|&r| t[r]).collect();
            if let Some(r) = t.iter().position(|v| !v.is_finite()) {
                return Err(UpliftError::Invalid(format!(
                    "the true-uplift column has no number in test row {}",
                    data.test_rows[rows[r]] + 1
                )));
            }
            Some(Truth::new(scores, &t))
        }
        None => None,
    };
    if !k.auuc.is_finite() {
        warnings.push("the gain curve ends at 0 (no average difference in the test split): the normalised values are undefined".into());
    }
    Ok(UpliftModelResult {
        model: model.into(),
        outcome: data.outcome.clone(),
        arm: data.arms.as_ref().and_then(|a| a.get(arm - 1).cloned()),
        auuc: k.auuc,
        auuc_raw: k.auuc_raw,
        qini: k.qini,
        qini_raw: k.qini_raw,
        auuc_ci: [iv.auuc.0, iv.auuc.1],
        qini_ci: [iv.qini.0, iv.qini.1],
        auuc_raw_ci: [iv.auuc_raw.0, iv.auuc_raw.1],
        qini_raw_ci: [iv.qini_raw.0, iv.qini_raw.1],
        fit_seconds: 0.0,
        curves: CurvePoints {
            fraction,
            gain,
            qini,
            lift,
            gain_band: split_band(&iv.gain_band),
            qini_band: split_band(&iv.qini_band),
        },
        deciles,
        cumulative,
        decision: None,
        segments: Vec::new(),
        // Set by `run`: over every row for a fitted model, the test rows for a score column.
        distribution: Histogram::default(),
        importance: Vec::new(),
        truth,
        n_distinct: sorted.len(),
        warnings,
    })
}

/// The profit-optimal share to target, from a model's held-out ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The costs and values it was computed for.
    pub economics: Economics,
    /// Customers the shares are taken of.
    pub population: usize,
    /// The largest share allowed (1 without a budget).
    pub max_share: f64,
    /// The best share to target (0: target nobody).
    pub share: f64,
    /// Customers in that share (the share of the population, rounded).
    pub customers: usize,
    /// Expected incremental profit of targeting them, against targeting nobody.
    pub profit: f64,
    /// Its pointwise normal interval at level 1 − alpha.
    pub profit_ci: [f64; 2],
    /// Expected incremental profit of targeting everyone.
    pub profit_everyone: f64,
    /// Its interval.
    pub profit_everyone_ci: [f64; 2],
    /// The profit curve at the 101 shares.
    pub curve: ProfitCurve,
}

/// The best share of `population` customers to target under `max_share`, for a model's held-out
/// sums ([`UpliftModelResult::cumulative`]), with intervals at level 1 − `alpha`. `None` when the
/// model has no sums or no share has a defined profit.
pub fn decide(
    m: &UpliftModelResult,
    economics: Economics,
    population: usize,
    max_share: f64,
    alpha: f64,
) -> Option<Decision> {
    let z = cf_estimate::dist::normal_quantile(1.0 - alpha / 2.0);
    let curve = profit_curve(&m.cumulative, &economics, population as f64, z);
    let k = best_share(&curve, max_share)?;
    let last = curve.fraction.len().checked_sub(1)?;
    Some(Decision {
        economics,
        population,
        max_share,
        share: curve.fraction[k],
        customers: (curve.fraction[k] * population as f64).round() as usize,
        profit: curve.profit[k],
        profit_ci: [curve.lo[k], curve.hi[k]],
        profit_everyone: curve.profit[last],
        profit_everyone_ci: [curve.lo[last], curve.hi[last]],
        curve,
    })
}

/// Pricing that fits `arms` (several arms, one cost entry each, finite and not negative).
///
/// # Errors
/// Otherwise, in words.
pub fn check_pricing<'a>(
    pricing: &'a ArmPricing,
    arms: &[String],
) -> Result<&'a ArmPricing, UpliftError> {
    if arms.len() < 2 {
        return Err(UpliftError::Invalid(
            "costs per arm are for a treatment with several arms".into(),
        ));
    }
    if pricing.costs.len() != arms.len() {
        return Err(UpliftError::Invalid(format!(
            "costs are given for {} arms, the treatment has {} ({})",
            pricing.costs.len(),
            arms.len(),
            arms.join(", ")
        )));
    }
    if !pricing.is_valid() {
        return Err(UpliftError::Invalid(
            "the value and the costs must be numbers, not negative".into(),
        ));
    }
    Ok(pricing)
}

/// The held-out rows of a treatment with several arms, with every fitted model's predictions
/// for each arm: what the best arm per customer net of its cost ([`decide_arms`]) is computed
/// from, again for any costs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PolicyRows {
    /// The arms' levels.
    pub arms: Vec<String>,
    /// Each test row's group: 0 = control, 1..=k the arms.
    pub group: Vec<usize>,
    /// Each test row's outcome.
    pub y: Vec<f64>,
    /// Per fitted model (named as in the report): the test rows' predictions, one column per arm.
    pub models: Vec<(String, Vec<Vec<f64>>)>,
}

/// [`PolicyRows`] of a [`run`] on a treatment with several arms (`None` for a 0/1 treatment).
pub fn policy_rows(data: &UpliftData, run: &UpliftRun) -> Option<PolicyRows> {
    let arms = data.arms.clone().filter(|a| a.len() > 1)?;
    let mut models: Vec<(String, Vec<Vec<f64>>)> = Vec::new();
    for (k, (_, all)) in run.predictions.iter().enumerate() {
        let name = &run.report.models.get(k)?.model;
        let test = test_part(data, all);
        match models.last_mut() {
            Some((m, cols)) if m == name => cols.push(test),
            _ => models.push((name.clone(), vec![test])),
        }
    }
    Some(PolicyRows { arms, group: data.group_test.clone(), y: data.y_test.clone(), models })
}

/// The decision for a treatment with several arms: each customer among the top share gets the
/// arm that pays most for them net of its cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmDecision {
    /// The model whose predictions choose the arms.
    pub model: String,
    /// The value and each arm's costs.
    pub pricing: ArmPricing,
    /// The arms' levels.
    pub arms: Vec<String>,
    /// Customers the shares are taken of.
    pub population: usize,
    /// The largest share allowed.
    pub max_share: f64,
    /// The best share to target (0: nobody).
    pub share: f64,
    /// Customers in that share.
    pub customers: usize,
    /// Of them, those each arm goes to (the held-out assignment scaled to the population).
    pub customers_per_arm: Vec<usize>,
    /// Expected incremental profit against treating nobody.
    pub profit: f64,
    /// Its pointwise normal interval at level 1 − alpha.
    pub profit_ci: [f64; 2],
    /// Expected incremental profit of giving everyone their best arm.
    pub profit_everyone: f64,
    /// Its interval.
    pub profit_everyone_ci: [f64; 2],
    /// The profit curve at the 101 shares.
    pub curve: ProfitCurve,
}

/// The best share of `population` customers under `max_share` when each gets their best arm
/// net of its cost, by the predictions of `rows.models[model]` ([`policy_curve`]). `None` when
/// the model is not there, the pricing does not fit the arms, or no share has a defined profit.
pub fn decide_arms(
    rows: &PolicyRows,
    model: usize,
    pricing: &ArmPricing,
    population: usize,
    max_share: f64,
    alpha: f64,
) -> Option<ArmDecision> {
    let (name, cols) = rows.models.get(model)?;
    check_pricing(pricing, &rows.arms).ok()?;
    let z = cf_estimate::dist::normal_quantile(1.0 - alpha / 2.0);
    let tau: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
    let p = policy_curve(&tau, &rows.group, &rows.y, pricing, population as f64, z).ok()?;
    let k = best_share(&p.curve, max_share)?;
    let last = p.curve.fraction.len().checked_sub(1)?;
    let n = rows.y.len().max(1) as f64;
    let customers = (p.curve.fraction[k] * population as f64).round() as usize;
    Some(ArmDecision {
        model: name.clone(),
        pricing: pricing.clone(),
        arms: rows.arms.clone(),
        population,
        max_share,
        share: p.curve.fraction[k],
        customers,
        customers_per_arm: p
            .assigned
            .iter()
            .map(|a| (a[k] / n * population as f64).round() as usize)
            .collect(),
        profit: p.curve.profit[k],
        profit_ci: [p.curve.lo[k], p.curve.hi[k]],
        profit_everyone: p.curve.profit[last],
        profit_everyone_ci: [p.curve.lo[last], p.curve.hi[last]],
        curve: p.curve,
    })
}

/// A segment of the customers: a leaf of a depth-3 tree fitted to a model's predicted effects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Its rule in the covariates' names and values, e.g. `recency ≤ 4 and womens = 1`
    /// (`everyone` when the tree has no split).
    pub rule: String,
    /// Rows of the file in it (among the rows the models saw).
    pub rows: usize,
    /// Their share of those rows.
    pub share: f64,
    /// Mean predicted effect of its rows.
    pub predicted: f64,
    /// The uplift observed among its held-out rows (this arm's and the control's), with a
    /// normal interval at level 1 − alpha.
    pub observed: cf_uplift::segments::Observed,
}

/// Deepest rule of [`segments`].
pub const SEGMENT_DEPTH: usize = 3;

/// The segments of arm `arm`'s predictions `all` over every row ([`fit_scores`]): a
/// least-squares tree of depth [`SEGMENT_DEPTH`] with leaves of at least 5 % of the rows (and 20
/// rows), split at values of the data. A 0/1 covariate reads `= 0` or `= 1`.
pub fn segments(data: &UpliftData, arm: usize, all: &[f64], alpha: f64) -> Vec<Segment> {
    let n = all.len();
    if n == 0 || data.x_all.is_empty() {
        return Vec::new();
    }
    let x: Vec<&[f64]> = data.x_all.iter().map(|c| &c[..]).collect();
    let min_leaf = (n.div_ceil(20)).max(20);
    let leaves = cf_uplift::segments::shallow_tree(&x, all, SEGMENT_DEPTH, min_leaf);
    // Position among all rows → index among the test rows.
    let mut test_index = vec![usize::MAX; n];
    for (i, &p) in data.test_pos.iter().enumerate() {
        test_index[p] = i;
    }
    let treated: Vec<bool> = data.group_test.iter().map(|&g| g == arm).collect();
    let z = cf_estimate::dist::normal_quantile(1.0 - alpha / 2.0);
    let binary: Vec<bool> =
        data.x_all.iter().map(|c| c.iter().all(|&v| v == 0.0 || v == 1.0)).collect();
    let mut out: Vec<Segment> = leaves
        .iter()
        .map(|leaf| {
            let members: Vec<usize> = leaf
                .rows
                .iter()
                .map(|&p| test_index[p])
                .filter(|&i| {
                    i != usize::MAX && (data.group_test[i] == 0 || data.group_test[i] == arm)
                })
                .collect();
            let rule: Vec<String> = leaf
                .bounds
                .iter()
                .map(|b| {
                    let name = data.covariates.get(b.feature).map_or("?", String::as_str);
                    match (b.lower, b.upper, binary[b.feature]) {
                        (Some(_), None, true) => format!("{name} = 1"),
                        (None, Some(_), true) => format!("{name} = 0"),
                        (Some(lo), Some(hi), _) => format!("{lo} < {name} ≤ {hi}"),
                        (Some(lo), None, _) => format!("{name} > {lo}"),
                        (None, Some(hi), _) => format!("{name} ≤ {hi}"),
                        (None, None, _) => name.to_string(),
                    }
                })
                .collect();
            Segment {
                rule: if rule.is_empty() { "everyone".into() } else { rule.join(" and ") },
                rows: leaf.rows.len(),
                share: leaf.rows.len() as f64 / n as f64,
                predicted: leaf.mean,
                observed: cf_uplift::segments::observed(&members, &treated, &data.y_test, z),
            }
        })
        .collect();
    out.sort_by(|a, b| b.predicted.total_cmp(&a.predicted));
    out
}

/// What a targeting list ranks and marks: the predictions of one model over
/// [`UpliftData::rows`] (one column per arm), which column ranks, how many rows are treated.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec<'a> {
    /// `(header, predictions)`; headers are written as given (defused).
    pub columns: &'a [(String, &'a [f64])],
    /// The column that ranks the rows.
    pub rank_by: usize,
    /// Rows with rank at most this are marked treated ([`Decision::customers`]).
    pub treat: usize,
    /// What a treated row's decision says: `treat`, or the arm's level.
    pub treat_label: &'a str,
    /// A column of the table written beside the row number (a customer id).
    pub key: Option<&'a str>,
    /// For a treatment with several arms priced apart: the value and each arm's costs, and the
    /// arms' levels. The `columns` are then the arms' predictions in the arms' order; the list
    /// adds each row's `net_value` ([`best_arms`]), ranks by it and names the best arm as the
    /// decision of a treated row (`rank_by` and `treat_label` are not read).
    pub pricing: Option<(&'a ArmPricing, &'a [String])>,
}

/// The targeting list as CSV, one line per row of `table` in file order: `row` (the data row's
/// number, 1 for the first row after the header), the key column if one is named, the predicted
/// uplift of each column, `rank` (1 = the highest predicted uplift of the ranking column; ties in
/// file order) and `decision`. Rows the models did not see (dropped for missing values) have
/// empty predictions and rank, and the decision `none (missing values)`. Text from the data is
/// defused as in the other exports.
///
/// # Errors
/// A key column that is not in the table, a ranking column out of range, or columns whose length
/// is not the number of rows the models saw.
pub fn targeting_list(
    table: &Table,
    data: &UpliftData,
    list: &ListSpec<'_>,
) -> Result<String, UpliftError> {
    write_list(table, &data.rows, list)
}

/// [`targeting_list`] for the table rows `rows` that have predictions.
pub(crate) fn write_list(
    table: &Table,
    rows: &[usize],
    list: &ListSpec<'_>,
) -> Result<String, UpliftError> {
    use crate::export::{field, num};
    let n = rows.len();
    let Some((_, by)) = list.columns.get(list.rank_by) else {
        return Err(UpliftError::Invalid("the targeting list has no ranking column".into()));
    };
    if let Some((name, c)) = list.columns.iter().find(|(_, c)| c.len() != n) {
        return Err(UpliftError::Invalid(format!(
            "the predictions `{name}` have {} rows, the models saw {n}",
            c.len()
        )));
    }
    let key = match list.key {
        None => None,
        Some(k) => Some(table.column(k).ok_or_else(|| {
            UpliftError::Invalid(format!("the key column `{k}` is not in the file"))
        })?),
    };
    // With arms priced apart: each row's best arm and its net value, which ranks.
    let priced = list.pricing.map(|(pricing, names)| {
        let tau: Vec<&[f64]> = list.columns.iter().map(|(_, c)| *c).collect();
        let (arm, net) = best_arms(&tau, pricing);
        (arm, net, names)
    });
    let by = priced.as_ref().map_or(*by, |(_, net, _)| &net[..]);
    let mut rank = vec![0usize; n];
    for (k, &p) in metrics::order(by).iter().enumerate() {
        rank[p] = k + 1;
    }
    // Table row → position among the rows the models saw.
    let mut seen = vec![usize::MAX; table.n_rows()];
    for (p, &r) in rows.iter().enumerate() {
        if let Some(slot) = seen.get_mut(r) {
            *slot = p;
        }
    }
    let mut out = String::from("row");
    if let Some(k) = list.key {
        out += &format!(",{}", field(k));
    }
    for (name, _) in list.columns {
        out += &format!(",{}", field(name));
    }
    if priced.is_some() {
        out += ",net_value";
    }
    out += ",rank,decision\n";
    for (r, &p) in seen.iter().enumerate() {
        out += &(r + 1).to_string();
        if let Some(c) = key {
            out += &format!(",{}", field(&c.display(r)));
        }
        if p == usize::MAX {
            out += &",".repeat(list.columns.len() + 1 + usize::from(priced.is_some()));
            out += ",none (missing values)\n";
            continue;
        }
        for (_, c) in list.columns {
            out += &format!(",{}", num(c[p]));
        }
        let label = match &priced {
            Some((arm, net, names)) => {
                out += &format!(",{}", num(net[p]));
                names.get(arm[p]).map_or(list.treat_label, String::as_str)
            }
            None => list.treat_label,
        };
        let decision = if rank[p] <= list.treat { label } else { "none" };
        out += &format!(",{},{}\n", rank[p], field(decision));
    }
    Ok(out)
}

/// The targeting list ([`targeting_list`]) of the report's model `focus` from a [`run`]: that
/// model's predictions for every arm (`uplift`, or `uplift:<arm>`), ranked by the focused arm's,
/// the top `treat` rows marked (`treat`, or the arm's level). With `pricing` for a treatment
/// with several arms, the rows are ranked by their best arm's net value instead and a treated
/// row's decision is that arm ([`ListSpec::pricing`]).
///
/// # Errors
/// A `focus` that is not a fitted model (a score column has no predictions for the training
/// rows), pricing without several arms or with another number of arms, and those of
/// [`targeting_list`].
pub fn targeting_csv(
    table: &Table,
    data: &UpliftData,
    run: &UpliftRun,
    focus: usize,
    treat: usize,
    key: Option<&str>,
    pricing: Option<&ArmPricing>,
) -> Result<String, UpliftError> {
    let (Some(m), Some(_)) = (run.report.models.get(focus), run.predictions.get(focus)) else {
        return Err(UpliftError::Invalid(
            "a targeting list needs a model fitted here (not a score column)".into(),
        ));
    };
    // The model's entries: one per arm, next to each other in the report.
    let same: Vec<usize> =
        (0..run.predictions.len()).filter(|&k| run.report.models[k].model == m.model).collect();
    let columns: Vec<(String, &[f64])> = same
        .iter()
        .map(|&k| {
            let name = match &run.report.models[k].arm {
                Some(a) => format!("uplift:{a}"),
                None => "uplift".to_string(),
            };
            (name, &run.predictions[k].1[..])
        })
        .collect();
    let rank_by = same.iter().position(|&k| k == focus).unwrap_or(0);
    let no_arms: &[String] = &[];
    let arms = data.arms.as_deref().unwrap_or(no_arms);
    let pricing = match pricing {
        Some(p) => Some((check_pricing(p, arms)?, arms)),
        None => None,
    };
    let spec = ListSpec {
        columns: &columns,
        rank_by,
        treat,
        treat_label: m.arm.as_deref().unwrap_or("treat"),
        key,
        pricing,
    };
    targeting_list(table, data, &spec)
}

/// What [`run`] gives: the report, every model's test-row predictions (one column per model and
/// arm, named `model` or `model:arm`) and what failed.
#[derive(Debug, Clone, PartialEq)]
pub struct UpliftRun {
    /// The evaluation.
    pub report: UpliftReport,
    /// Predicted effects of every row ([`UpliftData::rows`]), per model and arm, in the order of
    /// the report's models.
    pub predictions: Vec<(String, Vec<f64>)>,
    /// Each model fitted, in the order of the spec (those that failed left out).
    pub fitted: Vec<(UpliftModel, FittedUplift)>,
    /// Models or score columns that could not be evaluated, in words (also in the report's
    /// warnings).
    pub errors: Vec<String>,
}

/// Fits and scores every model of `spec`, then evaluates its score columns. `clock()` reads
/// seconds (the caller's clock: the engine has none), for each model's `fit_seconds`;
/// `progress(fraction)` is told the share done after each tree of a forest and each model.
/// A model that fails is reported in `errors` and the others still run.
pub fn run(
    data: &UpliftData,
    spec: &UpliftSpec,
    clock: &dyn Fn() -> f64,
    progress: &mut dyn FnMut(f64),
) -> UpliftRun {
    let mut report = UpliftReport {
        models: Vec::new(),
        n_train: data.n_train,
        n_test: data.n_test,
        warnings: data.warnings.clone(),
        arm_decisions: Vec::new(),
        policy: None,
    };
    let mut predictions = Vec::new();
    let mut models = Vec::new();
    let mut errors = Vec::new();
    let arms: Vec<Option<String>> = match &data.arms {
        Some(a) => a.iter().cloned().map(Some).collect(),
        None => vec![None],
    };
    let n_models = spec.models.len().max(1) as f64;
    for (i, &model) in spec.models.iter().enumerate() {
        let t0 = clock();
        let fitted = fit_model(data, spec, model, &mut |done, total| {
            progress((i as f64 + done as f64 / total.max(1) as f64) / n_models);
            true
        })
        .map(|f| {
            let per_arm = predict_all(data, &f);
            (f, per_arm)
        });
        let seconds = clock() - t0;
        let results = fitted.and_then(|(f, per_arm)| {
            let mut importance = importance(data, &f, spec.seed).into_iter();
            per_arm
                .into_iter()
                .zip(&arms)
                .enumerate()
                .map(|(k, (s, arm))| {
                    let mut r = evaluate(data, spec, model.as_str(), k + 1, &test_part(data, &s))?;
                    r.fit_seconds = seconds;
                    r.segments = segments(data, k + 1, &s, spec.alpha);
                    r.distribution = Histogram::of(&s, HISTOGRAM_BINS);
                    r.importance = importance.next().unwrap_or_default();
                    let name = match arm {
                        Some(a) => format!("{}:{a}", model.as_str()),
                        None => model.as_str().to_string(),
                    };
                    Ok((r, name, s))
                })
                .collect::<Result<Vec<_>, UpliftError>>()
                .map(|v| (f, v))
        });
        match results {
            Ok((f, v)) => {
                for (r, name, s) in v {
                    report.models.push(r);
                    predictions.push((name, s));
                }
                models.push((model, f));
            }
            Err(e) => {
                report.warnings.push(format!("{} failed: {e}", model.as_str()));
                errors.push(e.to_string());
            }
        }
        progress((i + 1) as f64 / n_models);
    }
    for (name, s) in score_columns(data) {
        for k in 0..arms.len() {
            match evaluate(data, spec, name, k + 1, s) {
                Ok(mut r) => {
                    r.distribution = Histogram::of(s, HISTOGRAM_BINS);
                    report.models.push(r);
                }
                Err(e) => {
                    report.warnings.push(e.to_string());
                    errors.push(e.to_string());
                }
            }
        }
    }
    UpliftRun { report, predictions, fitted: models, errors }
}

/// The whole evaluation, for callers without a clock (fit times stay 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpliftReport {
    /// One entry per model and score column.
    pub models: Vec<UpliftModelResult>,
    /// Training rows.
    pub n_train: usize,
    /// Test rows.
    pub n_test: usize,
    /// Caveats about the data and the split.
    pub warnings: Vec<String>,
    /// For a treatment with several arms and costs per arm: each fitted model's decision when
    /// every customer targeted gets their best arm net of its cost ([`decide_arms`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arm_decisions: Vec<ArmDecision>,
    /// The held-out rows with each model's predictions per arm ([`policy_rows`]), for a caller
    /// that prices the arms again and again (the page); [`run`] leaves it empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyRows>,
}

impl UpliftReport {
    /// The entry with the highest finite Qini coefficient (the last of equals), or the first entry
    /// when none is finite: the model the page ranks by unless the user picks another.
    pub fn best_by_qini(&self) -> Option<usize> {
        let m = &self.models;
        (0..m.len())
            .filter(|&k| m[k].qini.is_finite())
            .max_by(|&a, &b| m[a].qini.total_cmp(&m[b].qini))
            .or((!m.is_empty()).then_some(0))
    }
}
