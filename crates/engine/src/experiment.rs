//! Experiment mode: the read-out of a randomized A/B test; and benchmarking mode: observational
//! estimates held against the difference in means of an experiment on the same population
//! (LaLonde's test).
//!
//! [`analyze`] reports, for each comparison of the treatment (0/1, or each level of a
//! multi-valued treatment against the control, as a run compares them), the two group means with
//! their standard errors, the lift (difference in means, Welch's standard error, normal interval)
//! and the lift relative to the control mean (delta method), the covariates' balance (standardized
//! mean differences as in the run's balance table, and the joint F-test that they do not predict
//! the treatment), the minimum detectable effect at 80 % power, and the CUPED estimate (Deng, Xu,
//! Kohavi and Walker 2013) that uses the covariates as pre-period measurements to narrow the
//! interval.
//!
//! [`benchmark`] is the difference in means of an experimental file; [`compare`] measures every
//! row of an observational run against it.
//!
//! Every number leaving this module is finite: a quantity that does not exist on the data at hand
//! is `None`, with the reason in a warning or a `…_skipped` field.

use cf_data::Table;
use cf_estimate::{DiffMeansParams, EffectData, Estimator, Robust, dist, ols};
use serde::{Deserialize, Serialize};

use crate::{AnalysisError, AnalysisSpec, Design, Method, Report, format};

/// The power at which [`ExperimentComparison::mde`] is computed.
pub const MDE_POWER: f64 = 0.8;

/// A number with its standard error and normal `(1 − alpha)` interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// `estimate ∓ z_{1−alpha/2} · std_error`.
    pub ci: [f64; 2],
}

impl Estimate {
    fn normal(estimate: f64, std_error: f64, z: f64) -> Self {
        Estimate { estimate, std_error, ci: [estimate - z * std_error, estimate + z * std_error] }
    }

    fn is_finite(&self) -> bool {
        [self.estimate, self.std_error, self.ci[0], self.ci[1]].iter().all(|v| v.is_finite())
    }
}

/// The mean outcome of one group (its rate, for a 0/1 outcome).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMean {
    /// The mean.
    pub mean: f64,
    /// Its standard error, `s / √n` (`s` the sample standard deviation, divisor `n − 1`).
    pub std_error: f64,
    /// Rows in the group.
    pub n: usize,
}

/// The standardized mean difference of one covariate between the groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmdRow {
    /// The covariate (after encoding, as in [`Report::covariates`]).
    pub covariate: String,
    /// `(m₁ − m₀) / √((s₁² + s₀²)/2)`, the run's balance table's definition (variances with
    /// divisor `n`); `None` when the covariate varies in neither group.
    pub smd: Option<f64>,
}

/// The joint F-test that the covariates do not predict the treatment: OLS of the 0/1 treatment
/// on an intercept and the covariates, `F = ((TSS − RSS)/k) / (RSS/(n − k − 1))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FTest {
    /// The F statistic.
    pub f: f64,
    /// Numerator degrees of freedom `k` (the covariates).
    pub df1: usize,
    /// Denominator degrees of freedom `n − k − 1`.
    pub df2: usize,
    /// `P(F(df1, df2) > f)`.
    pub p_value: f64,
}

/// Whether the groups look alike on the covariates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceCheck {
    /// One row per covariate.
    pub rows: Vec<SmdRow>,
    /// The omnibus test, when it can be computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_test: Option<FTest>,
    /// Why there is no test (no covariates, a constant or collinear covariate, too few rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f_test_skipped: Option<String>,
    /// In words, with the caveat that a balance test cannot prove randomization.
    pub verdict: String,
}

/// The smallest effect the experiment detects with probability [`MDE_POWER`] in a two-sided
/// test at `alpha`: `(z_{1−alpha/2} + z_{power}) × SE(lift)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mde {
    /// The power (0.8).
    pub power: f64,
    /// The test's level.
    pub alpha: f64,
    /// In the outcome's units (a proportion for a 0/1 outcome).
    pub absolute: f64,
    /// Relative to the control mean (`absolute / |control mean|`); `None` when it is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative: Option<f64>,
}

/// The lift on the CUPED-adjusted outcome `Y − (X − X̄)θ`, `θ` from the pooled OLS of the outcome
/// on the covariates (the treatment left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cuped {
    /// The covariates used (after encoding).
    pub covariates: Vec<String>,
    /// `θ`, one coefficient per covariate.
    pub theta: Vec<f64>,
    /// Difference in means of the adjusted outcome, Welch's standard error, normal interval.
    pub lift: Estimate,
    /// The adjusted treated mean over the adjusted control mean, minus 1, with the delta-method
    /// standard error of the unadjusted relative lift computed on the adjusted outcome (`θ` taken
    /// as known, as CUPED does); `None` when the adjusted control mean is 0 or too close to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_lift: Option<Estimate>,
    /// `1 − (SE_adjusted / SE_unadjusted)²`: the share of the lift's variance removed.
    pub variance_reduction: f64,
}

/// The read-out of one comparison: treated (a level, for a multi-valued treatment) against
/// control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentComparison {
    /// For a multi-valued treatment, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Control rows.
    pub n_control: usize,
    /// Treated rows.
    pub n_treated: usize,
    /// Whether the outcome holds only 0 and 1 (the means are rates, the lift a difference of
    /// proportions, shown in percentage points).
    pub binary_outcome: bool,
    /// The control group's mean (rate).
    pub control: GroupMean,
    /// The treated group's mean (rate).
    pub treated: GroupMean,
    /// Treated mean − control mean.
    pub lift: Estimate,
    /// `treated mean / control mean − 1`, with the delta-method standard error
    /// `√(var(t)/c² + t²·var(c)/c⁴)` (the two means independent); `None` when the control mean
    /// is 0 (see the warnings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_lift: Option<Estimate>,
    /// Balance of the covariates.
    pub balance: BalanceCheck,
    /// The minimum detectable effect for these group sizes.
    pub mde: Mde,
    /// The CUPED estimate, when there are covariates to adjust with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuped: Option<Cuped>,
    /// Why there is no CUPED estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuped_skipped: Option<String>,
    /// Caveats about this comparison's numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What [`analyze`] gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentReport {
    /// The treatment column.
    pub treatment: String,
    /// The outcome column.
    pub outcome: String,
    /// For a multi-valued treatment, the control level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// The level of the intervals and tests.
    pub alpha: f64,
    /// Rows used (after the missing-value policy).
    pub n: usize,
    /// The covariates (after encoding): balance and CUPED use them.
    pub covariates: Vec<String>,
    /// One per comparison.
    pub comparisons: Vec<ExperimentComparison>,
    /// Caveats (dropped rows, encoded columns).
    pub warnings: Vec<String>,
}

/// The difference in means of an experiment: the effect the observational estimates are held
/// against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// For a multi-valued treatment, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Treated mean − control mean.
    pub estimate: f64,
    /// Welch's standard error.
    pub std_error: f64,
    /// The normal `(1 − alpha)` interval.
    pub ci: [f64; 2],
    /// Rows used.
    pub n: usize,
    /// Treated rows.
    pub n_treated: usize,
    /// Control rows.
    pub n_control: usize,
}

/// One observational estimate against the experimental benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkRow {
    /// The method.
    pub method: Method,
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// What it estimates (`ATE`, `ATT`, `LATE`).
    pub estimand: String,
    /// Its estimate.
    pub estimate: f64,
    /// `estimate − benchmark`.
    pub bias: f64,
    /// `bias / benchmark`; `None` when the benchmark is 0.
    pub relative_bias: Option<f64>,
    /// Whether the estimate's interval holds the benchmark.
    pub covers: bool,
    /// In words.
    pub sentence: String,
}

/// One comparison: which rows of the design, and the 0/1 treatment over them.
type Arm = crate::run::Comparison;

/// The comparisons the treatment asks for, as a run decides them: one for a 0/1 treatment (with
/// no control level, or control `0`); else each level against `spec.control`.
fn arms(design: &Design<'_>, spec: &AnalysisSpec) -> Result<Vec<Arm>, AnalysisError> {
    // Any method but 2SLS alone: a dose is no comparison here.
    let mut spec = spec.clone();
    spec.methods = vec![crate::Method::DiffMeans];
    let out = crate::run::comparisons(design, &spec)?;
    if out.is_empty() {
        // Only the control level is present.
        return Err(AnalysisError::SmallGroup {
            name: spec.treatment.clone(),
            group: "treated".into(),
            size: 0,
        });
    }
    Ok(out)
}

/// `v` over the comparison's rows.
fn pick(rows: &Option<Vec<usize>>, v: &[f64]) -> Vec<f64> {
    match rows {
        Some(r) => r.iter().map(|&i| v[i]).collect(),
        None => v.to_vec(),
    }
}

/// Mean and sample variance (divisor `n − 1`) of the rows of group `arm`, as
/// [`DiffMeansParams`] computes them.
fn moments(y: &[f64], t: &[f64], arm: f64) -> (f64, f64, usize) {
    let n = t.iter().filter(|&&ti| ti == arm).count();
    let nf = n as f64;
    let m = y.iter().zip(t).filter(|&(_, &ti)| ti == arm).map(|(v, _)| v).sum::<f64>() / nf;
    let ss: f64 =
        y.iter().zip(t).filter(|&(_, &ti)| ti == arm).map(|(v, _)| (v - m) * (v - m)).sum();
    (m, ss / (nf - 1.0), n)
}

/// The two-sided normal critical value at `alpha`.
fn z_two_sided(alpha: f64) -> f64 {
    dist::normal_quantile(1.0 - alpha / 2.0)
}

/// The groups' sizes, checked: each needs two rows for a standard error.
fn check_groups(t: &[f64], arm: Option<&str>, spec: &AnalysisSpec) -> Result<(), AnalysisError> {
    let n1 = t.iter().filter(|&&v| v == 1.0).count();
    let n0 = t.len() - n1;
    let control = match (arm, &spec.control) {
        (Some(_), Some(c)) => c.clone(),
        _ => "control".to_string(),
    };
    let treated = arm.unwrap_or("treated").to_string();
    for (group, size) in [(control, n0), (treated, n1)] {
        if size < 2 {
            return Err(AnalysisError::SmallGroup { name: spec.treatment.clone(), group, size });
        }
    }
    Ok(())
}

/// The lift of `y` on the 0/1 `t` by [`DiffMeansParams`] (the run's difference in means).
fn lift(
    y: &[f64],
    t: &[f64],
    arm: Option<&str>,
    spec: &AnalysisSpec,
) -> Result<Estimate, AnalysisError> {
    check_groups(t, arm, spec)?;
    let too_large = || AnalysisError::NotFinite { name: spec.outcome.clone() };
    let e = DiffMeansParams::default().fit(&EffectData::new(y, t)).map_err(|_| too_large())?;
    let out = Estimate::normal(e.estimate, e.std_error, z_two_sided(spec.options.alpha));
    if out.is_finite() { Ok(out) } else { Err(too_large()) }
}

/// Reads out a randomized experiment: per comparison, the group means, the lift and the relative
/// lift with their intervals, balance and its F-test, the minimum detectable effect, and CUPED.
///
/// The treatment, outcome, covariates, categorical columns, control level, missing-value policy
/// and `alpha` of `spec` are used (its methods are not).
///
/// # Errors
/// Roles that do not resolve; a treatment that is neither 0/1 nor has a control level; a group
/// with fewer than two rows; an outcome that does not vary or whose numbers are too large to
/// average. A covariate that cannot be used for the F-test or CUPED (constant, collinear) does not
/// fail the analysis: that part is skipped, with the reason.
pub fn analyze(table: &Table, spec: &AnalysisSpec) -> Result<ExperimentReport, AnalysisError> {
    spec.options.validate().map_err(AnalysisError::Option)?;
    let design = Design::build(table, spec)?;
    for_design(&design, spec)
}

/// [`analyze`] on a design already built (a run's, when [`crate::Options::randomized`] is set).
pub(crate) fn for_design(
    design: &Design<'_>,
    spec: &AnalysisSpec,
) -> Result<ExperimentReport, AnalysisError> {
    let arms = arms(design, spec)?;
    let mut comparisons = Vec::with_capacity(arms.len());
    for arm in &arms {
        comparisons.push(comparison(design, spec, arm)?);
    }
    Ok(ExperimentReport {
        treatment: spec.treatment.clone(),
        outcome: spec.outcome.clone(),
        control: spec.control.clone().filter(|_| arms.iter().any(|a| a.arm.is_some())),
        alpha: spec.options.alpha,
        n: design.y.len(),
        covariates: design.covariate_names.clone(),
        comparisons,
        warnings: design.warnings.clone(),
    })
}

fn comparison(
    design: &Design<'_>,
    spec: &AnalysisSpec,
    arm: &Arm,
) -> Result<ExperimentComparison, AnalysisError> {
    let alpha = spec.options.alpha;
    let z = z_two_sided(alpha);
    let y = pick(&arm.rows, &design.y);
    let t = &arm.t;
    let x: Vec<Vec<f64>> = design.covariates.iter().map(|c| pick(&arm.rows, c)).collect();
    let lift = lift(&y, t, arm.arm.as_deref(), spec)?;
    if y.iter().all(|&v| v == y[0]) {
        return Err(AnalysisError::ConstantOutcome { name: spec.outcome.clone() });
    }
    let mut warnings = Vec::new();
    let (m1, v1, n1) = moments(&y, t, 1.0);
    let (m0, v0, n0) = moments(&y, t, 0.0);
    let (var1, var0) = (v1 / n1 as f64, v0 / n0 as f64);
    let treated = GroupMean { mean: m1, std_error: var1.sqrt(), n: n1 };
    let control = GroupMean { mean: m0, std_error: var0.sqrt(), n: n0 };
    if !(lift.std_error > 0.0) {
        warnings.push(format!(
            "`{}` does not vary within either group: the standard error of the lift is 0, and the interval says nothing",
            spec.outcome
        ));
    }
    let relative_lift = match relative_lift(&y, t, z) {
        Ok(e) => Some(e),
        Err(why) => {
            warnings.push(format!("the control mean of `{}` {why}", spec.outcome));
            None
        }
    };
    let mde_abs = (z + dist::normal_quantile(MDE_POWER)) * lift.std_error;
    let mde = Mde {
        power: MDE_POWER,
        alpha,
        absolute: mde_abs,
        relative: Some(mde_abs / m0.abs()).filter(|v| m0 != 0.0 && v.is_finite()),
    };
    let xr: Vec<&[f64]> = x.iter().map(|c| &c[..]).collect();
    let balance = balance(t, &xr, &design.covariate_names, alpha);
    let (cuped, cuped_skipped) = match cuped(&y, t, &xr, &design.covariate_names, &lift, spec, arm)
    {
        Ok(c) => (Some(c), None),
        Err(why) => (None, Some(why)),
    };
    Ok(ExperimentComparison {
        arm: arm.arm.clone(),
        n_control: n0,
        n_treated: n1,
        binary_outcome: y.iter().all(|&v| v == 0.0 || v == 1.0),
        control,
        treated,
        lift,
        relative_lift,
        balance,
        mde,
        cuped,
        cuped_skipped,
        warnings,
    })
}

/// `treated mean / control mean − 1` of `y`, with the delta-method standard error
/// `√(var(t)/c² + t²·var(c)/c⁴)` (the two means independent), or why it is not defined (the end
/// of a sentence about the control mean).
fn relative_lift(y: &[f64], t: &[f64], z: f64) -> Result<Estimate, &'static str> {
    let (m1, v1, n1) = moments(y, t, 1.0);
    let (m0, v0, n0) = moments(y, t, 0.0);
    let (var1, var0) = (v1 / n1 as f64, v0 / n0 as f64);
    if m0 == 0.0 {
        return Err("is 0: a lift relative to it is not defined");
    }
    let r = m1 / m0 - 1.0;
    let var = var1 / (m0 * m0) + m1 * m1 * var0 / (m0 * m0 * m0 * m0);
    Some(Estimate::normal(r, var.sqrt(), z))
        .filter(Estimate::is_finite)
        .ok_or("is too close to 0 for a lift relative to it")
}

/// The standardized mean difference of `x`, as the run's balance table computes it.
fn smd(t: &[f64], x: &[f64]) -> Option<f64> {
    let (m1, m0, sd) = crate::run::diagnostics::arm_means_sd(t, x);
    Some((m1 - m0) / sd).filter(|v| sd > 0.0 && v.is_finite())
}

/// The balance table, the F-test and the verdict.
fn balance(t: &[f64], x: &[&[f64]], names: &[String], alpha: f64) -> BalanceCheck {
    let rows: Vec<SmdRow> = x
        .iter()
        .zip(names)
        .map(|(c, name)| SmdRow { covariate: name.clone(), smd: smd(t, c) })
        .collect();
    const CAVEAT: &str = "A balance test can support randomization but cannot prove it: it sees only the covariates measured.";
    let (f_test, f_test_skipped) = match f_test(t, x, names) {
        Ok(f) => (Some(f), None),
        Err(why) => (None, Some(why)),
    };
    let level = format!("{} %", format::with_separators(100.0 * alpha, 0));
    let verdict = match (&f_test, &f_test_skipped) {
        (Some(f), _) => {
            let stat = format!(
                "F = {} on {} and {} degrees of freedom, p = {}",
                format::with_separators(f.f, 2),
                f.df1,
                format::count(f.df2),
                format::p_value(f.p_value).replace(format::NBSP, " ")
            );
            if f.p_value < alpha {
                format!(
                    "the covariates predict the treatment ({stat}): the groups differ by more than chance usually makes them at the {level} level (chance alone does so in {level} of randomized experiments); check how the treatment was assigned, and adjust for the covariates (CUPED). {CAVEAT}"
                )
            } else {
                format!(
                    "the covariates do not predict the treatment ({stat}), as expected under randomization. {CAVEAT}"
                )
            }
        }
        (None, Some(why)) => format!("no balance test: {why}"),
        (None, None) => "no balance test".to_string(),
    };
    BalanceCheck { rows, f_test, f_test_skipped, verdict }
}

/// The F-test of OLS of `t` on `[1, x]` against the intercept alone.
fn f_test(t: &[f64], x: &[&[f64]], names: &[String]) -> Result<FTest, String> {
    if x.is_empty() {
        return Err("there are no covariates to test".into());
    }
    let fit = ols(t, x, names, Robust::Only(usize::MAX)).map_err(|e| e.to_string())?;
    let n = t.len() as f64;
    let mean = t.iter().sum::<f64>() / n;
    let tss: f64 = t.iter().map(|v| (v - mean) * (v - mean)).sum();
    let (k, df2) = (x.len(), fit.df_resid);
    if !(fit.rss > 0.0) {
        return Err("the covariates predict the treatment exactly: it was not assigned at random with respect to them".into());
    }
    let f = ((tss - fit.rss).max(0.0) / k as f64) / (fit.rss / df2 as f64);
    let p_value = dist::f_sf(f, k as f64, df2 as f64);
    if !(f.is_finite() && p_value.is_finite()) {
        return Err("the F statistic is not a finite number".into());
    }
    Ok(FTest { f, df1: k, df2, p_value })
}

/// CUPED on the covariates `x` of the comparison's rows.
fn cuped(
    y: &[f64],
    t: &[f64],
    x: &[&[f64]],
    names: &[String],
    unadjusted: &Estimate,
    spec: &AnalysisSpec,
    arm: &Arm,
) -> Result<Cuped, String> {
    if x.is_empty() {
        return Err(
            "no covariates were given: CUPED adjusts the outcome with pre-period measurements (covariates recorded before the treatment)"
                .into(),
        );
    }
    let fit = ols(y, x, names, Robust::Only(usize::MAX)).map_err(|e| e.to_string())?;
    if !fit.coef.iter().all(|c| c.is_finite()) {
        return Err("the regression of the outcome on the covariates is not a finite number (are some values extremely large?)".into());
    }
    let n = y.len() as f64;
    let means: Vec<f64> = x.iter().map(|c| c.iter().sum::<f64>() / n).collect();
    let adjusted: Vec<f64> = (0..y.len())
        .map(|i| {
            let shift: f64 =
                x.iter().zip(&means).zip(&fit.coef).map(|((c, m), th)| (c[i] - m) * th).sum();
            y[i] - shift
        })
        .collect();
    let lift = lift(&adjusted, t, arm.arm.as_deref(), spec).map_err(|_| {
        "the adjusted outcome is not a finite number (are some covariates extremely large?)"
            .to_string()
    })?;
    let relative_lift = relative_lift(&adjusted, t, z_two_sided(spec.options.alpha)).ok();
    let ratio = lift.std_error / unadjusted.std_error;
    let variance_reduction = 1.0 - ratio * ratio;
    if !variance_reduction.is_finite() {
        return Err("the unadjusted lift has no variance to reduce".into());
    }
    Ok(Cuped {
        covariates: names.to_vec(),
        theta: fit.coef,
        lift,
        relative_lift,
        variance_reduction,
    })
}

/// The two-sided power of a normal test at level `alpha` to detect `effect` when the estimate's
/// standard error is `se`: `Φ(|effect|/se − z) + Φ(−|effect|/se − z)`, `z = z_{1−alpha/2}`
/// (statsmodels' `NormalIndPower`, both tails).
///
/// 0 for inputs that give no power: `se` not a positive number, `alpha` outside (0, 1), an
/// effect that is not finite.
pub fn power(effect: f64, se: f64, alpha: f64) -> f64 {
    if !(se > 0.0 && se.is_finite() && alpha > 0.0 && alpha < 1.0 && effect.is_finite()) {
        return 0.0;
    }
    let z = z_two_sided(alpha);
    let d = effect.abs() / se;
    dist::normal_cdf(d - z) + dist::normal_cdf(-d - z)
}

/// Rows per group (two groups of equal size, outcome standard deviation `sd` in each) for a
/// two-sided normal test at `alpha` to detect `mde` with probability `power`, both tails counted
/// as in [`power`] (statsmodels' `NormalIndPower().solve_power(…, ratio=1)`); not rounded up.
/// Near `2 (z_{1−alpha/2} + z_power)² sd² / mde²`, a little below it by the far tail. `None` for
/// inputs that do not define one (`mde` or `sd` not a positive number, `alpha` outside (0, 1),
/// `power` not in (`alpha`, 1): any sample has at least the power `alpha`).
pub fn sample_size_for(mde: f64, sd: f64, alpha: f64, power: f64) -> Option<f64> {
    let ok = mde.abs() > 0.0
        && mde.is_finite()
        && sd > 0.0
        && sd.is_finite()
        && alpha > 0.0
        && alpha < 1.0
        && power > alpha
        && power < 1.0;
    if !ok {
        return None;
    }
    let z = z_two_sided(alpha) + dist::normal_quantile(power);
    let closed = 2.0 * z * z * sd * sd / (mde * mde);
    if !closed.is_finite() {
        return None;
    }
    // The power of n rows per group rises with n; the closed form, which leaves out the far
    // tail, has at least the power asked for. Bisection between 0 and it.
    let at = |n: f64| self::power(mde, sd * (2.0 / n).sqrt(), alpha);
    let (mut lo, mut hi) = (0.0, closed);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if at(mid) < power {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

/// The experimental benchmark: the difference in means of `spec`'s outcome between its treated
/// and control rows (covariates ignored), with Welch's standard error and a normal interval at
/// `spec.options.alpha`.
///
/// # Errors
/// As [`analyze`]; a treatment with several treated levels ([`AnalysisError::SeveralArms`]).
pub fn benchmark(table: &Table, spec: &AnalysisSpec) -> Result<Benchmark, AnalysisError> {
    spec.options.validate().map_err(AnalysisError::Option)?;
    let plain = AnalysisSpec { covariates: Some(Vec::new()), ..spec.clone() };
    let design = Design::build(table, &plain)?;
    let mut arms = arms(&design, &plain)?;
    if arms.len() > 1 {
        return Err(AnalysisError::SeveralArms {
            name: spec.treatment.clone(),
            arms: arms.iter().filter_map(|a| a.arm.clone()).collect(),
        });
    }
    let Some(arm) = arms.pop() else {
        return Err(AnalysisError::NoCompleteRows);
    };
    let y = pick(&arm.rows, &design.y);
    let e = lift(&y, &arm.t, arm.arm.as_deref(), &plain)?;
    let n1 = arm.t.iter().filter(|&&v| v == 1.0).count();
    Ok(Benchmark {
        arm: arm.arm,
        estimate: e.estimate,
        std_error: e.std_error,
        ci: e.ci,
        n: y.len(),
        n_treated: n1,
        n_control: y.len() - n1,
    })
}

/// Every result row of an observational `report` held against the experimental `benchmark`:
/// its bias, relative bias, whether its interval holds the benchmark, and a sentence.
pub fn compare(report: &Report, benchmark: &Benchmark) -> Vec<BenchmarkRow> {
    let b = benchmark.estimate;
    report
        .results
        .iter()
        .map(|r| {
            let bias = r.estimate - b;
            let relative_bias = Some(bias / b).filter(|v| b != 0.0 && v.is_finite());
            let covers = r.ci_low <= b && b <= r.ci_high;
            let d = format::decimals_for(r.std_error.min(benchmark.std_error));
            let num = |v: f64| format::with_separators(v, d);
            let who = match &r.arm {
                Some(a) => format!("{} ({a})", r.method.short_label()),
                None => r.method.short_label().to_string(),
            };
            let share = relative_bias
                .map(|v| format!(" ({} %)", format::signed(100.0 * v, 0)))
                .unwrap_or_default();
            let holds = if covers { "holds" } else { "misses" };
            BenchmarkRow {
                method: r.method,
                arm: r.arm.clone(),
                estimand: r.estimand.as_str().to_string(),
                estimate: r.estimate,
                bias,
                relative_bias,
                covers,
                sentence: format!(
                    "{who}: {} against the experiment's {}, a bias of {}{share}; its interval [{}, {}] {holds} the experimental effect.",
                    num(r.estimate),
                    num(b),
                    format::signed(bias, d),
                    num(r.ci_low),
                    num(r.ci_high),
                ),
            }
        })
        .collect()
}
