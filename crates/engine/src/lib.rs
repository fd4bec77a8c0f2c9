//! Counterfact's **API boundary**: what the page's worker and the CLI ask of the engine, and what
//! they get back, as plain serde data.
//!
//! * [`summarize`] turns a [`cf_data::Table`] into a [`TableSummary`] (column types, missing
//!   counts, first rows) for display.
//! * [`analyze`] resolves an [`AnalysisSpec`] (column names) against a table, builds the design
//!   (missing-value policy, one-hot encoding), runs each requested [`Method`] and returns a
//!   [`Report`]: one [`EffectRow`] per method that succeeded, one [`MethodFailure`] per method
//!   that did not, and warnings.
//!
//! Nothing here panics on user data: a bad spec is an [`AnalysisError`] whose message names the
//! variable; a method that cannot run on this data fails alone, the others still report.

mod design;
pub mod export;
pub mod format;
pub mod python;
mod run;

use std::fmt;

use cf_data::{Kind, Table};
use serde::{Deserialize, Serialize};

pub use design::Design;

/// An estimation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Difference in means (Welch standard error).
    DiffMeans,
    /// Regression adjustment: OLS of y on [1, t, X], HC1 standard error (causalml `LRSRegressor`).
    Ols,
    /// Inverse probability weighting (Hajek) with a logistic propensity model.
    Ipw,
    /// Augmented IPW (doubly robust) with linear outcome models.
    Aipw,
    /// 1:1 nearest-neighbour matching on the logit propensity (ATT).
    Psm,
    /// T-learner, linear base learners (causalml `BaseTRegressor`).
    TLearner,
    /// X-learner, linear base learners (causalml `BaseXRegressor`).
    XLearner,
    /// R-learner, linear base learners, cross-fitted (causalml `BaseRRegressor`).
    RLearner,
    /// DR-learner, linear base learners, three-way cross-fitting (causalml `BaseDRRegressor`).
    DrLearner,
    /// Two-stage least squares with instruments.
    #[serde(rename = "2sls")]
    TwoSls,
}

impl Method {
    /// All methods, in display order.
    pub const ALL: [Method; 10] = [
        Method::DiffMeans,
        Method::Ols,
        Method::Ipw,
        Method::Aipw,
        Method::Psm,
        Method::TLearner,
        Method::XLearner,
        Method::RLearner,
        Method::DrLearner,
        Method::TwoSls,
    ];

    /// The methods that need no instrument (what "all" means on data without one).
    pub const ADJUSTMENT: [Method; 9] = [
        Method::DiffMeans,
        Method::Ols,
        Method::Ipw,
        Method::Aipw,
        Method::Psm,
        Method::TLearner,
        Method::XLearner,
        Method::RLearner,
        Method::DrLearner,
    ];

    /// Whether the method gives a per-unit effect.
    pub fn has_cate(self) -> bool {
        matches!(self, Method::TLearner | Method::XLearner | Method::RLearner | Method::DrLearner)
    }

    /// Whether the method uses the propensity model.
    pub fn uses_propensity(self) -> bool {
        matches!(
            self,
            Method::Ipw
                | Method::Aipw
                | Method::Psm
                | Method::XLearner
                | Method::RLearner
                | Method::DrLearner
        )
    }

    /// The name used on the command line, in JSON and in `data-testid`s.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::DiffMeans => "diff-means",
            Method::Ols => "ols",
            Method::Ipw => "ipw",
            Method::Aipw => "aipw",
            Method::Psm => "psm",
            Method::TLearner => "t-learner",
            Method::XLearner => "x-learner",
            Method::RLearner => "r-learner",
            Method::DrLearner => "dr-learner",
            Method::TwoSls => "2sls",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Method::DiffMeans => "Difference in means",
            Method::Ols => "Regression adjustment (OLS)",
            Method::Ipw => "Inverse probability weighting",
            Method::Aipw => "Augmented IPW (doubly robust)",
            Method::Psm => "Propensity-score matching",
            Method::TLearner => "T-learner (linear)",
            Method::XLearner => "X-learner (linear)",
            Method::RLearner => "R-learner (linear)",
            Method::DrLearner => "DR-learner (linear)",
            Method::TwoSls => "Instrumental variables (2SLS)",
        }
    }

    /// Parses a CLI / JSON name.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// What to estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisSpec {
    /// The binary treatment column.
    pub treatment: String,
    /// The outcome column.
    pub outcome: String,
    /// Columns to adjust for; `None` means every other numeric column.
    pub covariates: Option<Vec<String>>,
    /// Methods to run, in order.
    pub methods: Vec<Method>,
    /// 1 − confidence level (0.05 for 95% intervals).
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    /// What the weighting methods estimate (difference in means and OLS estimate the ATE).
    #[serde(default)]
    pub estimand: EstimandChoice,
    /// Leave out rows whose propensity is below this or above 1 − this (0: keep all).
    #[serde(default)]
    pub trim: f64,
    /// L2 penalty of the propensity model on standardized covariates (0: maximum likelihood;
    /// `1/C` of scikit-learn's `LogisticRegression` after `StandardScaler`).
    #[serde(default)]
    pub l2: f64,
    /// For a treatment with more than two values: the control level; every other level is
    /// compared with it.
    #[serde(default)]
    pub control: Option<String>,
    /// Instruments for 2SLS.
    #[serde(default)]
    pub instruments: Vec<String>,
    /// Matching with replacement.
    #[serde(default)]
    pub replace: bool,
    /// A column of cross-fitting fold ids (0, 1, …) for the R- and DR-learners.
    #[serde(default)]
    pub fold_column: Option<String>,
    /// Seed for folds and the bootstrap.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Bootstrap replications (0: none).
    #[serde(default)]
    pub bootstrap: usize,
    /// Return the per-unit effects of the meta-learners.
    #[serde(default)]
    pub cate: bool,
    /// What to do with missing covariate values (missing outcomes and treatments always drop the
    /// row).
    #[serde(default)]
    pub missing: MissingPolicy,
}

/// The missing-value policy for covariates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Drop rows with a missing covariate (counted in a warning).
    #[default]
    Drop,
    /// Keep them: a numeric covariate's missing values are set to the mean of the others and
    /// flagged in an added indicator column; a text covariate gets a `(missing)` level.
    Indicator,
}

impl MissingPolicy {
    /// Parses `drop` / `indicator`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "drop" => Some(MissingPolicy::Drop),
            "indicator" => Some(MissingPolicy::Indicator),
            _ => None,
        }
    }
}

fn default_seed() -> u64 {
    42
}

impl AnalysisSpec {
    /// A spec with the defaults: every covariate, the given methods, 95% intervals.
    pub fn new(treatment: &str, outcome: &str, methods: Vec<Method>) -> Self {
        AnalysisSpec {
            treatment: treatment.into(),
            outcome: outcome.into(),
            covariates: None,
            methods,
            alpha: default_alpha(),
            estimand: EstimandChoice::Ate,
            trim: 0.0,
            l2: 0.0,
            control: None,
            instruments: Vec::new(),
            replace: false,
            fold_column: None,
            seed: default_seed(),
            bootstrap: 0,
            cate: false,
            missing: MissingPolicy::Drop,
        }
    }
}

/// The estimand asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EstimandChoice {
    /// Average treatment effect.
    #[default]
    Ate,
    /// Average treatment effect on the treated.
    Att,
}

impl EstimandChoice {
    /// Parses `ate` / `att`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "ate" => Some(EstimandChoice::Ate),
            "att" => Some(EstimandChoice::Att),
            _ => None,
        }
    }
}

fn default_alpha() -> f64 {
    0.05
}

/// One method's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    /// Method name (`diff-means`, `ols`).
    pub method: String,
    /// `ATE` or `ATT`.
    pub estimand: String,
    /// Point estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// Lower confidence bound.
    pub ci_low: f64,
    /// Upper confidence bound.
    pub ci_high: f64,
    /// Rows used.
    pub n: usize,
    /// Treated rows used.
    pub n_treated: usize,
    /// Control rows used.
    pub n_control: usize,
    /// For multi-arm data: the treated level compared with the control level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Caveats about this number (weak instrument, unmatched units, clipped propensities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Matching: treated units matched / left unmatched, distinct controls used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching: Option<MatchingSummary>,
    /// 2SLS: first-stage partial F of the instruments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_stage_f: Option<f64>,
    /// R-learner: the standard error as causalml 0.18 computes it (divided by n, not √n).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub se_causalml: Option<f64>,
    /// Percentile bootstrap interval, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<BootstrapSummary>,
}

/// What matching did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchingSummary {
    /// Treated units with a control within the caliper.
    pub n_treated_matched: usize,
    /// Treated units without one.
    pub n_treated_unmatched: usize,
    /// Distinct controls used.
    pub n_control_unique: usize,
    /// The caliper on the logit scale.
    pub caliper: f64,
    /// With replacement.
    pub replace: bool,
}

/// A bootstrap of one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSummary {
    /// Replications that gave a number.
    pub replications: usize,
    /// Standard deviation of the replicates.
    pub std_error: f64,
    /// Percentile interval, lower bound.
    pub ci_low: f64,
    /// Percentile interval, upper bound.
    pub ci_high: f64,
}

/// Per-unit effects from one meta-learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CateSet {
    /// Method name.
    pub method: String,
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Data rows (0-based, in file order) the effects belong to.
    pub rows: Vec<usize>,
    /// One effect per row.
    pub values: Vec<f64>,
}

/// Propensity histograms of each arm, for the overlap plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overlap {
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Bin edges on [0, 1].
    pub edges: Vec<f64>,
    /// Treated rows per bin.
    pub treated: Vec<usize>,
    /// Control rows per bin.
    pub control: Vec<usize>,
}

/// Standardized mean differences of one covariate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    /// Covariate (after encoding).
    pub covariate: String,
    /// Before adjustment.
    pub smd_before: f64,
    /// After inverse probability weighting (the estimand's weights).
    pub smd_weighted: Option<f64>,
    /// In the matched sample.
    pub smd_matched: Option<f64>,
}

/// Covariate balance of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// One row per covariate.
    pub rows: Vec<BalanceRow>,
}

/// A method that could not run on this data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodFailure {
    /// Method name.
    pub method: String,
    /// What went wrong, for the user.
    pub message: String,
}

/// The result of [`analyze`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One row per method that ran.
    pub results: Vec<EffectRow>,
    /// Caveats (dropped rows, encoded columns).
    pub warnings: Vec<String>,
    /// Methods that failed, with the reason.
    #[serde(default)]
    pub errors: Vec<MethodFailure>,
    /// The covariates actually used (after one-hot encoding).
    #[serde(default)]
    pub covariates: Vec<String>,
    /// The propensity model, when a weighting method ran (the first comparison's, for
    /// multi-arm data).
    #[serde(default)]
    pub propensity: Option<PropensitySummary>,
    /// Propensity histograms per comparison.
    #[serde(default)]
    pub overlap: Vec<Overlap>,
    /// Covariate balance per comparison.
    #[serde(default)]
    pub balance: Vec<Balance>,
    /// Per-unit effects, when asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cate: Vec<CateSet>,
    /// For multi-arm data: the control level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
}

/// What the page and the CLI show of the propensity model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropensitySummary {
    /// Smallest fitted propensity.
    pub min: f64,
    /// Largest fitted propensity.
    pub max: f64,
    /// Newton iterations.
    pub n_iter: usize,
    /// Rows outside the trimming bounds.
    pub n_trimmed: usize,
    /// Rows whose propensity the meta-learners clip to [0.001, 0.999].
    #[serde(default)]
    pub n_clipped: usize,
}

/// The analysis as a whole cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A named column is not in the table.
    UnknownColumn {
        /// Which role the column was given.
        role: &'static str,
        /// The name.
        name: String,
    },
    /// The treatment column is not 0/1.
    TreatmentNotBinary {
        /// The column.
        name: String,
        /// Its kind.
        kind: Kind,
        /// A value that is neither 0 nor 1.
        example: String,
    },
    /// The outcome is text.
    OutcomeNotNumeric {
        /// The column.
        name: String,
    },
    /// The same column in two roles.
    SameColumn {
        /// The column.
        name: String,
        /// The two roles.
        roles: (&'static str, &'static str),
    },
    /// A text covariate has too many distinct values to one-hot encode.
    TooManyLevels {
        /// The column.
        name: String,
        /// Its distinct values in the rows used.
        levels: usize,
    },
    /// A covariate is listed twice.
    DuplicateCovariate {
        /// The column.
        name: String,
    },
    /// No rows are left once rows with missing values are dropped.
    NoCompleteRows,
    /// No method was asked for.
    NoMethods,
    /// A column that must be numeric holds text.
    NotNumeric {
        /// Its role.
        role: &'static str,
        /// The column.
        name: String,
    },
    /// A multi-valued treatment without a control level.
    NeedControl {
        /// The column.
        name: String,
        /// Its values.
        levels: Vec<String>,
    },
    /// The control level is not a value of the treatment.
    UnknownLevel {
        /// The column.
        name: String,
        /// The level asked for.
        level: String,
        /// The values present.
        levels: Vec<String>,
    },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::UnknownColumn { role, name } => {
                write!(f, "the {role} column `{name}` is not in the data")
            }
            AnalysisError::TreatmentNotBinary { name, kind, example } => write!(
                f,
                "the treatment `{name}` must hold only 0 and 1 (treated / control), but it is {} with values such as \"{example}\"; for several treatment arms, name the control level",
                kind.as_str()
            ),
            AnalysisError::OutcomeNotNumeric { name } => {
                write!(f, "the outcome `{name}` holds text; pick a numeric or 0/1 column")
            }
            AnalysisError::SameColumn { name, roles } => {
                write!(f, "`{name}` cannot be both the {} and the {}", roles.0, roles.1)
            }
            AnalysisError::TooManyLevels { name, levels } => write!(
                f,
                "the text column `{name}` has {levels} distinct values (more than {}); it looks like an identifier. Leave it out, or group its values first",
                design::MAX_LEVELS
            ),
            AnalysisError::DuplicateCovariate { name } => {
                write!(f, "the covariate `{name}` is listed twice")
            }
            AnalysisError::NoCompleteRows => {
                write!(f, "no row has a value in every column used; choose other columns")
            }
            AnalysisError::NoMethods => write!(f, "choose at least one method"),
            AnalysisError::NotNumeric { role, name } => {
                write!(f, "the {role} column `{name}` holds text; it must be numeric")
            }
            AnalysisError::NeedControl { name, levels } => write!(
                f,
                "the treatment `{name}` has {} values ({}): choose the control level, and each other level is compared with it",
                levels.len(),
                levels.join(", ")
            ),
            AnalysisError::UnknownLevel { name, level, levels } => write!(
                f,
                "the control level \"{level}\" is not a value of `{name}` (values: {})",
                levels.join(", ")
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}

/// Display information about a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSummary {
    /// Data rows.
    pub n_rows: usize,
    /// One entry per column, in file order.
    pub columns: Vec<ColumnSummary>,
    /// The first rows, as text (missing = empty).
    pub preview: Vec<Vec<String>>,
    /// Reading caveats.
    pub warnings: Vec<String>,
}

/// Display information about a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    /// Name.
    pub name: String,
    /// `numeric`, `binary` or `categorical`.
    pub kind: String,
    /// Missing values.
    pub n_missing: usize,
    /// Distinct levels (categorical only).
    pub n_levels: Option<usize>,
    /// The distinct values (categorical columns, and numeric ones with at most
    /// [`MAX_LISTED_LEVELS`] distinct values), for choosing a control level.
    #[serde(default)]
    pub levels: Option<Vec<String>>,
    /// Mean of the present values (numeric and binary only).
    pub mean: Option<f64>,
}

/// Numeric columns with at most this many distinct values list them in [`ColumnSummary::levels`].
pub const MAX_LISTED_LEVELS: usize = 20;

/// Summarises a table for display: types, missing counts and the first `preview_rows` rows.
pub fn summarize(
    table: &Table,
    warnings: &[cf_data::Warning],
    preview_rows: usize,
) -> TableSummary {
    let columns = table
        .columns()
        .iter()
        .map(|c| {
            let (n_levels, mean, listed) = match c.data() {
                cf_data::ColumnData::Categorical { levels, .. } => {
                    (Some(levels.len()), None, Some(levels.clone()))
                }
                cf_data::ColumnData::Numeric(v) => {
                    let present = v.len() - c.n_missing();
                    let sum: f64 = v.iter().filter(|x| !x.is_nan()).sum();
                    let mut distinct: Vec<f64> = Vec::new();
                    for &x in v.iter().filter(|x| !x.is_nan()) {
                        if !distinct.contains(&x) {
                            distinct.push(x);
                            if distinct.len() > MAX_LISTED_LEVELS {
                                break;
                            }
                        }
                    }
                    distinct.sort_by(f64::total_cmp);
                    let listed = (distinct.len() <= MAX_LISTED_LEVELS)
                        .then(|| distinct.iter().map(|x| format!("{x}")).collect());
                    (None, (present > 0).then(|| sum / present as f64), listed)
                }
            };
            ColumnSummary {
                name: c.name().to_string(),
                kind: c.kind().as_str().to_string(),
                n_missing: c.n_missing(),
                n_levels,
                levels: listed,
                mean,
            }
        })
        .collect();
    let preview = (0..table.n_rows().min(preview_rows))
        .map(|r| table.columns().iter().map(|c| c.display(r)).collect())
        .collect();
    TableSummary {
        n_rows: table.n_rows(),
        columns,
        preview,
        warnings: warnings.iter().map(ToString::to_string).collect(),
    }
}

/// The covariates used when none are named: every numeric or binary column other than the
/// treatment and the outcome, in file order.
pub fn default_covariates(table: &Table, treatment: &str, outcome: &str) -> Vec<String> {
    table
        .columns()
        .iter()
        .filter(|c| c.kind() != Kind::Categorical && c.name() != treatment && c.name() != outcome)
        .map(|c| c.name().to_string())
        .collect()
}

/// Runs the requested methods.
///
/// # Errors
/// An [`AnalysisError`] when the spec does not fit the table (unknown or ill-typed columns, no
/// complete rows). A method that fails on this data is reported in [`Report::errors`] instead.
pub fn analyze(table: &Table, spec: &AnalysisSpec) -> Result<Report, AnalysisError> {
    run::analyze(table, spec, &mut |_| true)
}

/// As [`analyze`], reporting progress in [0, 1] (bootstrap replications); `progress` returns
/// false to stop early (the bootstrap then uses the replications done so far).
///
/// # Errors
/// See [`analyze`].
pub fn analyze_with_progress(
    table: &Table,
    spec: &AnalysisSpec,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Report, AnalysisError> {
    run::analyze(table, spec, progress)
}

/// The per-unit effects of a report as CSV: `row` (the data row's 0-based position in the file,
/// pandas' default index), `arm` for multi-arm data, then one column per meta-learner; `None` when
/// no meta-learner gave per-unit effects.
pub fn cate_csv(report: &Report) -> Option<String> {
    use std::collections::BTreeMap;
    let mut methods: Vec<&str> = Vec::new();
    for set in &report.cate {
        if !methods.contains(&set.method.as_str()) {
            methods.push(&set.method);
        }
    }
    if methods.is_empty() {
        return None;
    }
    // (arm, row) ↦ value per method.
    let mut table: BTreeMap<(Option<&str>, usize), Vec<Option<f64>>> = BTreeMap::new();
    for set in &report.cate {
        let m = methods.iter().position(|x| *x == set.method).unwrap_or(0);
        for (&row, &v) in set.rows.iter().zip(&set.values) {
            let slot =
                table.entry((set.arm.as_deref(), row)).or_insert_with(|| vec![None; methods.len()]);
            slot[m] = Some(v);
        }
    }
    let multi = report.cate.iter().any(|s| s.arm.is_some());
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("row");
    if multi {
        out += ",arm";
    }
    for m in &methods {
        out += &format!(",{m}");
    }
    out.push('\n');
    for ((arm, row), values) in &table {
        out += &row.to_string();
        if multi {
            out += &format!(",{}", quote(arm.unwrap_or("")));
        }
        for v in values {
            out += &format!(",{}", v.map(|v| format!("{v}")).unwrap_or_default());
        }
        out.push('\n');
    }
    Some(out)
}

/// A conditional independence to test: `x ⟂ y | given`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Independence {
    /// One variable.
    pub x: String,
    /// The other.
    pub y: String,
    /// The conditioning set.
    pub given: Vec<String>,
}

/// The result of testing one [`Independence`] against the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndependenceTest {
    /// One variable.
    pub x: String,
    /// The other.
    pub y: String,
    /// The conditioning set.
    pub given: Vec<String>,
    /// The test used.
    pub test: String,
    /// Partial correlation.
    pub r: Option<f64>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// Complete rows used.
    pub n: usize,
    /// Why it could not be tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Tests each implied independence by partial correlation with Fisher's z (numeric and 0/1
/// columns; rows with a missing value in the columns of that test are left out).
pub fn test_independences(table: &Table, list: &[Independence]) -> Vec<IndependenceTest> {
    list.iter()
        .map(|ind| {
            let mut out = IndependenceTest {
                x: ind.x.clone(),
                y: ind.y.clone(),
                given: ind.given.clone(),
                test: "partial correlation, Fisher's z".into(),
                r: None,
                p_value: None,
                n: 0,
                error: None,
            };
            let names: Vec<&String> = [&ind.x, &ind.y].into_iter().chain(&ind.given).collect();
            let mut cols: Vec<&[f64]> = Vec::new();
            for name in &names {
                match table.column(name).map(|c| c.as_numeric()) {
                    Some(Some(v)) => cols.push(v),
                    Some(None) => {
                        out.error = Some(format!("`{name}` holds text; the test needs numbers"));
                        return out;
                    }
                    None => {
                        out.error = Some(format!("`{name}` is not a column of the data"));
                        return out;
                    }
                }
            }
            let keep: Vec<usize> =
                (0..table.n_rows()).filter(|&i| cols.iter().all(|c| !c[i].is_nan())).collect();
            let owned: Vec<Vec<f64>> =
                cols.iter().map(|c| keep.iter().map(|&i| c[i]).collect()).collect();
            let given: Vec<&[f64]> = owned[2..].iter().map(|c| &c[..]).collect();
            out.n = keep.len();
            match cf_estimate::partial_correlation(&owned[0], &owned[1], &given) {
                Ok(pc) => {
                    out.r = Some(pc.r);
                    out.p_value = Some(pc.p_value);
                }
                Err(e) => out.error = Some(e.to_string()),
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests;
