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
pub mod format;

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
}

impl Method {
    /// All methods, in display order.
    pub const ALL: [Method; 3] = [Method::DiffMeans, Method::Ols, Method::Ipw];

    /// The name used on the command line, in JSON and in `data-testid`s.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::DiffMeans => "diff-means",
            Method::Ols => "ols",
            Method::Ipw => "ipw",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Method::DiffMeans => "Difference in means",
            Method::Ols => "Regression adjustment (OLS)",
            Method::Ipw => "Inverse probability weighting",
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The propensity model, when a weighting method ran.
    #[serde(default)]
    pub propensity: Option<PropensitySummary>,
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
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::UnknownColumn { role, name } => {
                write!(f, "the {role} column `{name}` is not in the data")
            }
            AnalysisError::TreatmentNotBinary { name, kind, example } => write!(
                f,
                "the treatment `{name}` must hold only 0 and 1 (treated / control), but it is {} with values such as \"{example}\"",
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
    /// Mean of the present values (numeric and binary only).
    pub mean: Option<f64>,
}

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
            let (n_levels, mean) = match c.data() {
                cf_data::ColumnData::Categorical { levels, .. } => (Some(levels.len()), None),
                cf_data::ColumnData::Numeric(v) => {
                    let present = v.len() - c.n_missing();
                    let sum: f64 = v.iter().filter(|x| !x.is_nan()).sum();
                    (None, (present > 0).then(|| sum / present as f64))
                }
            };
            ColumnSummary {
                name: c.name().to_string(),
                kind: c.kind().as_str().to_string(),
                n_missing: c.n_missing(),
                n_levels,
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
    if spec.methods.is_empty() {
        return Err(AnalysisError::NoMethods);
    }
    let design = Design::build(table, spec)?;
    let mut report = Report {
        results: Vec::new(),
        warnings: design.warnings.clone(),
        errors: Vec::new(),
        covariates: design.covariate_names.clone(),
        propensity: None,
    };
    let cols: Vec<&[f64]> = design.covariates.iter().map(|c| &c[..]).collect();
    for &method in &spec.methods {
        let outcome = match method {
            Method::DiffMeans => cf_estimate::difference_in_means(&design.y, &design.t, spec.alpha),
            Method::Ols => {
                let mut names = vec![spec.treatment.clone()];
                names.extend(design.covariate_names.iter().cloned());
                cf_estimate::regression_adjustment(&design.y, &design.t, &cols, &names, spec.alpha)
            }
            Method::Ipw => {
                let estimand = match spec.estimand {
                    EstimandChoice::Ate => cf_estimate::Estimand::Ate,
                    EstimandChoice::Att => cf_estimate::Estimand::Att,
                };
                cf_estimate::ipw(
                    &design.y,
                    &design.t,
                    &cols,
                    &design.covariate_names,
                    estimand,
                    spec.trim,
                    spec.alpha,
                )
                .map(|(e, fit)| {
                    let (min, max) = fit.range();
                    let n_trimmed = design.y.len() - e.n;
                    let extreme = fit.probabilities.iter().filter(|&&p| !(0.01..=0.99).contains(&p)).count();
                    if extreme > 0 {
                        report.warnings.push(format!(
                            "{extreme} rows have a propensity below 0.01 or above 0.99 (range {min:.2e} to {max:.4}): their weights are extreme and overlap is poor; consider trimming"
                        ));
                    }
                    if n_trimmed > 0 {
                        report.warnings.push(format!(
                            "weighting left out {n_trimmed} rows with a propensity outside [{t}, {}]",
                            1.0 - spec.trim,
                            t = spec.trim
                        ));
                    }
                    report.propensity = Some(PropensitySummary { min, max, n_iter: fit.n_iter, n_trimmed });
                    e
                })
            }
        };
        match outcome {
            Ok(e)
                if ![e.estimate, e.std_error, e.ci_low, e.ci_high]
                    .iter()
                    .all(|v| v.is_finite()) =>
            {
                report.errors.push(MethodFailure {
                    method: method.as_str().to_string(),
                    message: "the result is not a finite number (are some values extremely large?); rescale the outcome or covariates".into(),
                });
            }
            Ok(e) => report.results.push(EffectRow {
                method: method.as_str().to_string(),
                estimand: e.estimand.as_str().to_string(),
                estimate: e.estimate,
                std_error: e.std_error,
                ci_low: e.ci_low,
                ci_high: e.ci_high,
                n: e.n,
                n_treated: e.n_treated,
                n_control: e.n_control,
            }),
            Err(e) => report.errors.push(MethodFailure {
                method: method.as_str().to_string(),
                message: e.to_string(),
            }),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
