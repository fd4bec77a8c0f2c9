//! Sensitivity of the OLS estimate to an unmeasured confounder, as sensemakr computes it, and its
//! E-value: how strong a confounder left out would have to be to explain the effect away.
//!
//! The regression is OLS of the outcome on `[1, treatment, covariates]` with classical standard
//! errors (statsmodels' `OLS(...).fit()`, which sensemakr reads), over the rows the design keeps.
//! A benchmark is a covariate column of the table: a numeric one is one regressor (its partial
//! R² from its t statistic, as sensemakr's `partial_r2`), a categorical one is its group of
//! indicators (its partial R² from the residual sums of squares with and without them, which is
//! sensemakr's `group_partial_r2` by another route).

use cf_data::Table;
use cf_estimate::sensitivity::{self as sens, EValue, SensitivityStats};
use cf_estimate::{OlsFit, Robust, ols};
use serde::{Deserialize, Serialize};

use crate::{AnalysisError, AnalysisSpec, Design, format};

/// What to compute beyond the regression of [`AnalysisSpec`] (whose treatment, outcome,
/// covariates, categorical columns, missing-value policy and `alpha` are used).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivitySpec {
    /// Covariates (table columns) whose strength a confounder is measured against.
    pub benchmarks: Vec<String>,
    /// Multiples of a benchmark's strength with the treatment (sensemakr's default: 1).
    pub kd: Vec<f64>,
    /// Multiples with the outcome, one per `kd`; `None`: equal to `kd`.
    pub ky: Option<Vec<f64>>,
    /// The share of the estimate a confounder would remove for the robustness value (1: all).
    pub q: f64,
    /// Whether the confounder moves the estimate toward zero (`true`) or away from it.
    pub reduce: bool,
}

impl Default for SensitivitySpec {
    fn default() -> Self {
        SensitivitySpec {
            benchmarks: Vec::new(),
            kd: vec![1.0, 2.0, 3.0],
            ky: None,
            q: 1.0,
            reduce: true,
        }
    }
}

/// sensemakr's sensitivity statistics and bounds, with the names sensemakr gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The treatment's coefficient.
    pub estimate: f64,
    /// Its classical standard error.
    pub se: f64,
    /// `estimate / se`.
    pub t_statistic: f64,
    /// Residual degrees of freedom.
    pub dof: f64,
    /// Partial R² of the treatment with the outcome.
    pub r2yd_x: f64,
    /// Partial Cohen's f² of the treatment with the outcome.
    pub f2yd_x: f64,
    /// Robustness value for removing `100 q` % of the estimate.
    pub rv_q: f64,
    /// Robustness value for losing significance at `alpha`.
    pub rv_qa: f64,
    /// The `q` of `rv_q`.
    pub q: f64,
    /// The significance level of `rv_qa` and of the adjusted intervals.
    pub alpha: f64,
    /// One per benchmark and multiple.
    pub bounds: Vec<Bound>,
}

impl Sensitivity {
    /// Among the benchmarks `of` accepts, the one whose single multiple (kd = ky = 1) is the
    /// strongest confounder: the largest partial R² with the treatment or the outcome.
    pub fn strongest_benchmark(&self, of: impl Fn(&str) -> bool) -> Option<&str> {
        self.bounds
            .iter()
            .filter(|b| b.kd == 1.0 && b.ky == 1.0 && of(&b.benchmark))
            .max_by(|a, b| a.r2dz_x.max(a.r2yz_dx).total_cmp(&b.r2dz_x.max(b.r2yz_dx)))
            .map(|b| b.benchmark.as_str())
    }
}

/// A confounder as strong as a multiple of a benchmark covariate, and the estimate adjusted for
/// it (a row of sensemakr's `bounds`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    /// `1x female`, `2x female`, … (`kd/ky` when the two differ).
    pub bound_label: String,
    /// The benchmark column.
    pub benchmark: String,
    /// Multiple of its strength with the treatment.
    pub kd: f64,
    /// Multiple of its strength with the outcome.
    pub ky: f64,
    /// Partial R² of the confounder with the treatment.
    pub r2dz_x: f64,
    /// Partial R² of the confounder with the outcome.
    pub r2yz_dx: f64,
    /// The estimate adjusted for it.
    pub adjusted_estimate: f64,
    /// Its standard error.
    pub adjusted_se: f64,
    /// Its t statistic.
    pub adjusted_t: f64,
    /// Its interval, lower end.
    #[serde(rename = "adjusted_lower_CI")]
    pub adjusted_lower_ci: f64,
    /// Its interval, upper end.
    #[serde(rename = "adjusted_upper_CI")]
    pub adjusted_upper_ci: f64,
}

impl Bound {
    /// Whether, for an unadjusted `estimate` of this sign, the adjusted interval reaches zero or
    /// the adjusted estimate is past it.
    pub fn crosses_zero(&self, estimate: f64) -> bool {
        if estimate >= 0.0 { self.adjusted_lower_ci <= 0.0 } else { self.adjusted_upper_ci >= 0.0 }
    }
}

/// The E-value of the estimate, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EValueReport {
    /// The risk ratio it is computed on.
    pub rr: f64,
    /// Its interval.
    pub rr_ci: [f64; 2],
    /// For a continuous outcome, the standardized difference `estimate / sd(y)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<f64>,
    /// E-value of the estimate.
    pub evalue_point: f64,
    /// E-value of the interval limit nearest the null.
    pub evalue_ci: f64,
    /// How the risk ratio was formed.
    pub scale: String,
}

impl EValueReport {
    pub(crate) fn of(e: EValue, scale: &str) -> Self {
        EValueReport {
            rr: e.rr,
            rr_ci: [e.rr_ci.0, e.rr_ci.1],
            d: e.d,
            evalue_point: e.evalue_point,
            evalue_ci: e.evalue_ci,
            scale: scale.into(),
        }
    }

    /// The sentence the page and the CLI show.
    pub fn sentence(&self) -> String {
        let point = format::with_separators(self.evalue_point, 2);
        let ci = format::with_separators(self.evalue_ci, 2);
        let tail = if self.evalue_ci <= 1.0 {
            "; the interval already includes no effect, so no confounding is needed to reach it"
                .to_string()
        } else {
            format!(", and a ratio of {ci} to move the interval to include no effect")
        };
        format!(
            "an unmeasured confounder would need a risk ratio of {point} with both the treatment and the outcome to explain the effect away{tail}"
        )
    }
}

/// The adjusted estimate over a grid of confounder strengths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContourGrid {
    /// Partial R² values of both axes, from 0.
    pub grid: Vec<f64>,
    /// `values[i][j]`: the estimate for `r2dz_x = grid[i]`, `r2yz_dx = grid[j]`.
    pub values: Vec<Vec<f64>>,
}

/// What [`sensitivity`] gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityReport {
    /// sensemakr's statistics and bounds.
    pub sensitivity: Sensitivity,
    /// The E-value.
    pub evalue: EValueReport,
    /// The grid of the contour plot.
    pub contour: ContourGrid,
    /// The regression's covariate columns.
    pub covariates: Vec<String>,
    /// Rows used.
    pub n: usize,
    /// The treatment column.
    pub treatment: String,
    /// The outcome column.
    pub outcome: String,
    /// In words: how fragile the estimate is.
    pub verdict: String,
    /// Caveats (encoding, dropped rows).
    pub warnings: Vec<String>,
    /// In a run's report, the benchmark the page compares with first: the strongest covariate
    /// of one regressor (see [`Sensitivity::strongest_benchmark`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare_first: Option<String>,
}

/// Why the sensitivity analysis cannot run.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityError {
    /// The roles do not resolve.
    Roles(AnalysisError),
    /// Anything else, in words.
    Invalid(String),
}

impl std::fmt::Display for SensitivityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SensitivityError::Roles(e) => e.fmt(f),
            SensitivityError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SensitivityError {}

impl From<AnalysisError> for SensitivityError {
    fn from(e: AnalysisError) -> Self {
        SensitivityError::Roles(e)
    }
}

/// Points per axis of [`SensitivityReport::contour`].
pub const CONTOUR_POINTS: usize = 41;

/// A multiple as sensemakr labels it: `1`, `2.5`.
fn multiple(k: f64) -> String {
    let s = format!("{k}");
    s.strip_suffix(".0").map(String::from).unwrap_or(s)
}

/// Runs the regression and the sensitivity analysis of its treatment coefficient.
///
/// # Errors
/// Roles that do not resolve; a text treatment; a benchmark that is not a covariate; a multiple
/// that is not positive or implies a confounder that explains all of the treatment; a regression
/// that cannot be fitted (collinear columns, too few rows) or fits exactly.
pub fn sensitivity(
    table: &Table,
    spec: &AnalysisSpec,
    s: &SensitivitySpec,
) -> Result<SensitivityReport, SensitivityError> {
    let invalid = |m: String| SensitivityError::Invalid(m);
    spec.options.validate().map_err(AnalysisError::Option)?;
    if !(s.q > 0.0 && s.q.is_finite()) {
        return Err(invalid(format!("q must be a number above 0, got {}", s.q)));
    }
    let ky = s.ky.clone().unwrap_or_else(|| s.kd.clone());
    if ky.len() != s.kd.len() {
        return Err(invalid(format!(
            "give one outcome multiple (ky) per treatment multiple (kd): {} and {}",
            ky.len(),
            s.kd.len()
        )));
    }
    if let Some(k) = s.kd.iter().chain(&ky).find(|k| !(**k > 0.0 && k.is_finite())) {
        return Err(invalid(format!("a multiple (kd, ky) must be a number above 0, got {k}")));
    }
    let design = Design::build(table, spec)?;
    on_design(&design, spec, s)
}

/// [`sensitivity`] on a design already built from `spec`.
pub(crate) fn on_design(
    design: &Design<'_>,
    spec: &AnalysisSpec,
    s: &SensitivitySpec,
) -> Result<SensitivityReport, SensitivityError> {
    with_benchmarks(design, spec, s, true)
}

/// [`on_design`]; `strict`: a benchmark whose bounds cannot be computed (one too strong for a
/// multiple, sensemakr's error) fails the whole analysis; else it is left out, and so is a bound
/// with a zero-width interval (a confounder that would explain all of the outcome).
fn with_benchmarks(
    design: &Design<'_>,
    spec: &AnalysisSpec,
    s: &SensitivitySpec,
    strict: bool,
) -> Result<SensitivityReport, SensitivityError> {
    let invalid = |m: String| SensitivityError::Invalid(m);
    let ky = s.ky.clone().unwrap_or_else(|| s.kd.clone());
    if design.t_levels.is_some() {
        return Err(invalid(format!(
            "the sensitivity analysis needs a numeric treatment (0/1 or a dose); `{}` holds text",
            spec.treatment
        )));
    }
    let alpha = spec.options.alpha;
    let x: Vec<&[f64]> = design.covariates.iter().map(|c| &c[..]).collect();
    let mut regressors: Vec<&[f64]> = vec![&design.t];
    regressors.extend_from_slice(&x);
    let mut names = vec![spec.treatment.clone()];
    names.extend(design.covariate_names.iter().cloned());
    let fit_err = |e: cf_estimate::Error| invalid(e.to_string());
    let outcome = ols(&design.y, &regressors, &names, Robust::Only(0)).map_err(fit_err)?;
    if !(outcome.se[0] > 0.0) || !(outcome.rss > 0.0) {
        return Err(invalid(format!(
            "the covariates and `{}` reproduce `{}` exactly: there is no residual variation to analyse",
            spec.treatment, spec.outcome
        )));
    }
    if outcome.df_resid < 2 {
        return Err(invalid("too few rows for the number of covariates".into()));
    }
    let dof = outcome.df_resid as f64;
    let stats = sens::sensitivity_stats(outcome.coef[0], outcome.se[0], dof, s.q, alpha);

    let mut bounds = Vec::new();
    // Only benchmarks need the treatment's fit; without `strict` its failure leaves them out.
    let treatment_fit = if s.benchmarks.is_empty() {
        None
    } else {
        match ols(&design.t, &x, &design.covariate_names, Robust::Only(0)) {
            Ok(fit) => Some(fit),
            Err(e) if strict => return Err(fit_err(e)),
            Err(_) => None,
        }
    };
    if let Some(treatment_fit) = &treatment_fit {
        for b in &s.benchmarks {
            let cols: Vec<usize> = (0..design.encoding.len())
                .filter(|&j| design.encoding[j].column() == b.as_str())
                .collect();
            if cols.is_empty() {
                return Err(invalid(format!(
                    "the benchmark `{b}` is not among the covariates of the regression"
                )));
            }
            let r2 = benchmark_r2(&design.y, &regressors, &outcome, &cols, 1)
                .and_then(|r2y| Ok((r2y, benchmark_r2(&design.t, &x, treatment_fit, &cols, 0)?)));
            let (r2y, r2d) = match r2 {
                Ok(r2) => r2,
                Err(e) if strict => return Err(fit_err(e)),
                Err(_) => continue,
            };
            for (&kd, &ky) in s.kd.iter().zip(&ky) {
                let (r2dz_x, r2yz_dx) = match sens::partial_r2_bound(r2d, r2y, kd, ky) {
                    Ok(r2) => r2,
                    Err(e) if strict => return Err(invalid(e.to_string())),
                    Err(_) => continue,
                };
                let a = sens::adjust(&stats, r2dz_x, r2yz_dx, alpha, s.reduce);
                // A confounder explaining all of the outcome's residual variance leaves a
                // zero-width interval: no bound to show beside the others.
                let shown = a.adjusted_se > 0.0 && a.adjusted_t.is_finite();
                if !strict && !shown {
                    continue;
                }
                let label = if kd == ky {
                    format!("{}x {b}", multiple(kd))
                } else {
                    format!("{}/{}x {b}", multiple(kd), multiple(ky))
                };
                bounds.push(Bound {
                    bound_label: label,
                    benchmark: b.clone(),
                    kd,
                    ky,
                    r2dz_x,
                    r2yz_dx,
                    adjusted_estimate: a.adjusted_estimate,
                    adjusted_se: a.adjusted_se,
                    adjusted_t: a.adjusted_t,
                    adjusted_lower_ci: a.adjusted_lower_ci,
                    adjusted_upper_ci: a.adjusted_upper_ci,
                });
            }
        }
    }
    let evalue = evalue_of(&design.y, &design.t, stats.estimate, stats.se, alpha);
    let lim =
        bounds.iter().map(|b| b.r2dz_x.max(b.r2yz_dx) + 0.1).fold(0.4_f64, f64::max).min(0.99);
    let c = sens::contour(&stats, lim, CONTOUR_POINTS, s.reduce);
    let verdict = verdict(&stats, &bounds, alpha);
    Ok(SensitivityReport {
        sensitivity: Sensitivity {
            estimate: stats.estimate,
            se: stats.se,
            t_statistic: stats.t_statistic,
            dof,
            r2yd_x: stats.r2yd_x,
            f2yd_x: stats.f2yd_x,
            rv_q: stats.rv_q,
            rv_qa: stats.rv_qa,
            q: s.q,
            alpha,
            bounds,
        },
        evalue,
        contour: ContourGrid { grid: c.grid, values: c.values },
        covariates: design.covariate_names.clone(),
        n: design.y.len(),
        treatment: spec.treatment.clone(),
        outcome: spec.outcome.clone(),
        verdict,
        warnings: design.warnings.clone(),
        compare_first: None,
    })
}

/// At most this many multiply-adds (rows × regressors² per benchmark) are spent on the
/// benchmarks of categorical covariates, which need a fit each, in [`for_run`].
const PAGE_BENCHMARK_WORK: f64 = 2e9;

/// The sensitivity analysis a run's report carries: every covariate column as a benchmark at 1,
/// 2 and 3 times its strength, so that the page can compare the estimate with any of them without
/// another fit (a numeric covariate costs nothing, its partial R² comes from its t-statistic; a
/// categorical one a fit, skipped beyond [`PAGE_BENCHMARK_WORK`]; a bound that cannot be shown is
/// left out). The verdict names no benchmark, the design's warnings and covariates are the
/// report's already, and the contour holds the bounds of the one compared with first.
pub(crate) fn for_run(
    design: &Design<'_>,
    spec: &AnalysisSpec,
) -> Result<SensitivityReport, SensitivityError> {
    let mut columns: Vec<(&str, usize)> = Vec::new();
    for e in &design.encoding {
        match columns.iter_mut().find(|(c, _)| *c == e.column()) {
            Some((_, k)) => *k += 1,
            None => columns.push((e.column(), 1)),
        }
    }
    let p = (design.covariates.len() + 1) as f64;
    let per_fit = design.y.len() as f64 * p * p;
    let mut budget = PAGE_BENCHMARK_WORK;
    let single: Vec<&str> = columns.iter().filter(|(_, k)| *k == 1).map(|(c, _)| *c).collect();
    let benchmarks: Vec<String> = columns
        .iter()
        .copied()
        .filter(|&(_, k)| {
            if k == 1 {
                return true;
            }
            budget -= 2.0 * per_fit;
            budget >= 0.0
        })
        .map(|(c, _)| c.to_string())
        .collect();
    let s = SensitivitySpec { benchmarks, ..SensitivitySpec::default() };
    let mut report = with_benchmarks(design, spec, &s, false)?;
    report.warnings.clear();
    report.covariates.clear();
    let r = &report.sensitivity;
    let stats = sens::sensitivity_stats(r.estimate, r.se, r.dof, r.q, r.alpha);
    report.verdict = verdict(&stats, &[], r.alpha);
    // The page compares first with a covariate of one regressor: a categorical one with many
    // levels is a set of fixed effects (Darfur's villages), rarely a plausible single confounder.
    let first = r
        .strongest_benchmark(|b| single.contains(&b))
        .or_else(|| r.strongest_benchmark(|_| true))
        .map(str::to_string);
    let lim = r
        .bounds
        .iter()
        .filter(|b| Some(&b.benchmark) == first.as_ref())
        .map(|b| b.r2dz_x.max(b.r2yz_dx) + 0.1)
        .fold(0.4_f64, f64::max)
        .min(0.99);
    let c = sens::contour(&stats, lim, CONTOUR_POINTS, s.reduce);
    report.contour = ContourGrid { grid: c.grid, values: c.values };
    report.compare_first = first;
    Ok(report)
}

/// The partial R² of the regressors `cols` (positions among the covariates; `offset` regressors
/// come before the covariates in `x`) in the fit `full` of `y` on `x`.
fn benchmark_r2(
    y: &[f64],
    x: &[&[f64]],
    full: &OlsFit,
    cols: &[usize],
    offset: usize,
) -> Result<f64, cf_estimate::Error> {
    let dof = full.df_resid as f64;
    if let [j] = cols {
        let j = j + offset;
        return Ok(sens::partial_r2(full.coef[j] / full.se[j], dof));
    }
    let drop: Vec<usize> = cols.iter().map(|j| j + offset).collect();
    let kept: Vec<&[f64]> =
        x.iter().enumerate().filter(|(j, _)| !drop.contains(j)).map(|(_, c)| *c).collect();
    let restricted = ols(y, &kept, &[], Robust::Only(usize::MAX))?;
    Ok(1.0 - full.rss / restricted.rss)
}

/// The E-value: on the risk ratio against the control rate for a 0/1 outcome and treatment, on
/// the standardized difference otherwise.
pub(crate) fn evalue_of(y: &[f64], t: &[f64], estimate: f64, se: f64, alpha: f64) -> EValueReport {
    let binary = |v: &[f64]| v.iter().all(|&x| x == 0.0 || x == 1.0);
    if binary(y) && binary(t) {
        let (sum, n) = y
            .iter()
            .zip(t)
            .filter(|(_, t)| **t == 0.0)
            .fold((0.0, 0usize), |(s, n), (y, _)| (s + y, n + 1));
        if n > 0
            && let Some(e) = sens::evalue_risk_difference(estimate, se, sum / n as f64, alpha)
        {
            return EValueReport::of(e, "risk ratio: (control rate + effect) / control rate");
        }
    }
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let sd = (y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)).sqrt();
    EValueReport::of(
        sens::evalue_difference(estimate, se, sd, alpha),
        "standardized difference d = effect / sd(outcome), risk ratio ≈ exp(0.91 d)",
    )
}

/// How fragile the estimate is, in a sentence.
fn verdict(s: &SensitivityStats, bounds: &[Bound], alpha: f64) -> String {
    let pct = |v: f64| format::percent(v).replace(format::NBSP, " ");
    let level = format!("{} %", format::with_separators(100.0 * (1.0 - alpha), 0));
    let mut out = format!(
        "a confounder explaining {} of the residual variance of both the treatment and the outcome would explain the whole estimate away; {} would make it lose significance at {level}",
        pct(s.rv_q),
        pct(s.rv_qa)
    );
    let crossed: Vec<&str> = bounds
        .iter()
        .filter(|b| b.crosses_zero(s.estimate))
        .map(|b| b.bound_label.as_str())
        .collect();
    if let Some(first) = crossed.first() {
        out += &format!(
            ". Fragile: a confounder as strong as {first} would bring the interval to include no effect, or past it"
        );
    } else if !bounds.is_empty() {
        out += ". Even a confounder as strong as the strongest benchmark multiple leaves the interval away from zero";
    }
    if s.rv_qa == 0.0 {
        out = format!("the estimate is not significant at {level}: {out}");
    }
    out
}
