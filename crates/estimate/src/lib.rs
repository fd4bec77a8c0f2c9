//! Causal effect estimators on clean numeric arrays.
//!
//! Every estimator takes the outcome `y`, a 0/1 treatment `t` and, where it adjusts, covariate
//! columns, all of one length and free of missing values (the engine drops or imputes before it
//! calls here). Each returns an [`Estimate`]: point, standard error and a normal confidence
//! interval at level `1 − alpha`.
//!
//! | function | estimand | standard error | reference |
//! |---|---|---|---|
//! | [`difference_in_means`] | ATE | Welch: √(s₁²/n₁ + s₀²/n₀) | `mean(y|t=1) − mean(y|t=0)` |
//! | [`regression_adjustment`] | ATE | HC1 robust | causalml `LRSRegressor` (OLS of y on [1, t, X]) |
//! | [`ipw`] | ATE or ATT | influence function, propensity estimation included | Hajek (normalized) weights; DoWhy `propensity_score_weighting` |
//! | [`aipw`] | ATE or ATT | influence function | augmented IPW with linear outcome models |
//! | [`psm`] | ATT | Abadie–Imbens | causalml `NearestNeighborMatch` on the logit propensity |
//! | [`t_learner`], [`x_learner`], [`r_learner`], [`dr_learner`] | ATE + CATE | causalml's analytic (R: corrected) | causalml `BaseTRegressor` … `BaseDRRegressor` |
//! | [`two_sls`] | LATE | HC0 robust (also unadjusted, small-sample) | linearmodels `IV2SLS`, causalml `IVRegressor` |
//!
//! [`ols`] exposes the full regression (classical and HC1 errors) as statsmodels reports it.

pub mod dist;
mod iv;
mod linalg;
mod linear;
mod logistic;
mod matching;
mod meta;
mod ols;

pub use iv::{two_sls, IvFit, WEAK_F};
pub use linear::Linear;
pub use logistic::{logistic, logistic_l2, LogisticFit};
pub use matching::{psm, MatchFit};
pub use meta::{
    clip_propensity, dr_learner, folds, r_learner, t_learner, x_learner, MetaFit, SplitMix64, CLIP,
};
pub use ols::{ols, OlsFit, Robust, COLLINEAR_TOL};

use std::fmt;

/// What an estimate estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimand {
    /// Average treatment effect over everyone.
    Ate,
    /// Average treatment effect on the treated.
    Att,
    /// The effect an instrument identifies (local to the units it moves; the ATE when effects are
    /// homogeneous).
    Late,
}

impl Estimand {
    /// Upper-case short name.
    pub fn as_str(self) -> &'static str {
        match self {
            Estimand::Ate => "ATE",
            Estimand::Att => "ATT",
            Estimand::Late => "LATE",
        }
    }
}

/// A treatment-effect estimate with its uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// What is estimated.
    pub estimand: Estimand,
    /// The point estimate.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Lower bound of the confidence interval.
    pub ci_low: f64,
    /// Upper bound of the confidence interval.
    pub ci_high: f64,
    /// Rows used.
    pub n: usize,
    /// Treated rows used.
    pub n_treated: usize,
    /// Control rows used.
    pub n_control: usize,
}

/// Why an estimator could not give a number.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Not enough rows for the model.
    TooFewRows {
        /// Rows needed.
        need: usize,
        /// Rows available.
        got: usize,
    },
    /// A treatment group has fewer than two rows.
    SmallGroup {
        /// "treated" or "control".
        group: &'static str,
        /// Its size.
        size: usize,
    },
    /// A regressor does not vary.
    Constant {
        /// The column.
        column: String,
    },
    /// A regressor is a linear combination of other regressors (and the intercept).
    Collinear {
        /// The column that adds nothing.
        column: String,
        /// The earlier columns it is a combination of (empty: the intercept alone).
        with: Vec<String>,
    },
    /// The confidence level is not in (0, 1).
    InvalidAlpha(f64),
    /// A covariate (or a combination) predicts the treatment perfectly.
    Separation {
        /// The covariate with the largest standardized coefficient.
        column: String,
    },
    /// The propensity model did not converge.
    NotConverged {
        /// Iterations run.
        iterations: usize,
    },
    /// Trimming left no treated or no control row.
    NothingLeft {
        /// How many rows were trimmed.
        trimmed: usize,
    },
    /// A trimming bound outside [0, 0.5).
    InvalidTrim(f64),
    /// Cross-fitting folds that cannot be used.
    BadFolds {
        /// What is wrong.
        detail: String,
    },
    /// Matching found (almost) no treated unit within the caliper.
    NoMatches {
        /// The caliper on the logit scale.
        caliper: f64,
        /// Treated units matched.
        matched: usize,
    },
    /// A penalty that is negative or not a number.
    InvalidPenalty(f64),
    /// 2SLS without an instrument.
    NoInstrument,
    /// The instruments do not move the treatment once the covariates are accounted for.
    IrrelevantInstrument,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooFewRows { need, got } => {
                write!(f, "the model needs at least {need} complete rows, but only {got} remain")
            }
            Error::SmallGroup { group, size } => write!(
                f,
                "the {group} group has {size} row(s); at least 2 are needed for a standard error"
            ),
            Error::Constant { column } => write!(
                f,
                "`{column}` has the same value in every row used, so its effect cannot be separated from the intercept; remove it"
            ),
            Error::Collinear { column, with } if with.is_empty() => write!(
                f,
                "`{column}` is constant up to rounding and cannot be separated from the intercept; remove it"
            ),
            Error::Collinear { column, with } => {
                let list: Vec<String> = with.iter().map(|w| format!("`{w}`")).collect();
                write!(
                    f,
                    "`{column}` is a linear combination of {} (and the intercept): the design is rank-deficient; remove one of these columns",
                    list.join(", ")
                )
            }
            Error::InvalidAlpha(a) => write!(f, "alpha must be in (0, 1), got {a}"),
            Error::Separation { column } => write!(
                f,
                "`{column}` separates treated from control rows (perfectly or almost): the propensity model has no finite maximum and weights would be infinite; remove or coarsen `{column}`"
            ),
            Error::NotConverged { iterations } => {
                write!(f, "the propensity model did not converge in {iterations} iterations")
            }
            Error::NothingLeft { trimmed } => write!(
                f,
                "trimming removed {trimmed} rows and left a treatment group empty; lower the trimming bound"
            ),
            Error::InvalidTrim(v) => write!(f, "the trimming bound must be in [0, 0.5), got {v}"),
            Error::BadFolds { detail } => write!(f, "the cross-fitting folds cannot be used: {detail}"),
            Error::NoMatches { caliper, matched } => write!(
                f,
                "only {matched} treated unit(s) have a control within the caliper ({caliper:.4} on the logit scale): treated and control propensities do not overlap"
            ),
            Error::InvalidPenalty(v) => {
                write!(f, "the L2 penalty of the propensity model must be 0 or more, got {v}")
            }
            Error::NoInstrument => write!(f, "2SLS needs at least one instrument"),
            Error::IrrelevantInstrument => write!(
                f,
                "the instruments do not predict the treatment once the covariates are accounted for: the effect is not identified"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Normal two-sided critical value for level `1 − alpha`.
fn z_crit(alpha: f64) -> Result<f64, Error> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::InvalidAlpha(alpha));
    }
    Ok(dist::normal_quantile(1.0 - alpha / 2.0))
}

/// Treated and control counts; each group needs two rows for a standard error.
fn count_groups(t: &[f64]) -> Result<(usize, usize), Error> {
    let n1 = t.iter().filter(|&&v| v == 1.0).count();
    let n0 = t.len() - n1;
    for (group, size) in [("treated", n1), ("control", n0)] {
        if size < 2 {
            return Err(Error::SmallGroup { group, size });
        }
    }
    Ok((n1, n0))
}

impl Estimate {
    /// An estimate with a normal interval `estimate ± z · std_error`.
    #[allow(clippy::too_many_arguments)] // plain data, named at every call site
    fn normal(
        estimand: Estimand,
        estimate: f64,
        std_error: f64,
        z: f64,
        n: usize,
        n_treated: usize,
        n_control: usize,
    ) -> Self {
        Estimate {
            estimand,
            estimate,
            std_error,
            ci_low: estimate - z * std_error,
            ci_high: estimate + z * std_error,
            n,
            n_treated,
            n_control,
        }
    }
}

/// Difference in means with Welch's standard error and a normal interval.
///
/// `t` holds 1 for treated rows and 0 for control rows.
///
/// # Errors
/// A group with fewer than two rows; `alpha` outside (0, 1).
pub fn difference_in_means(y: &[f64], t: &[f64], alpha: f64) -> Result<Estimate, Error> {
    let z = z_crit(alpha)?;
    let (n1, n0) = count_groups(t)?;
    let moments = |arm: f64, n: usize| {
        let nf = n as f64;
        let m = y.iter().zip(t).filter(|(_, &ti)| ti == arm).map(|(v, _)| v).sum::<f64>() / nf;
        let ss: f64 =
            y.iter().zip(t).filter(|(_, &ti)| ti == arm).map(|(v, _)| (v - m) * (v - m)).sum();
        (m, ss / (nf - 1.0))
    };
    let (m1, v1) = moments(1.0, n1);
    let (m0, v0) = moments(0.0, n0);
    let estimate = m1 - m0;
    let std_error = (v1 / n1 as f64 + v0 / n0 as f64).sqrt();
    Ok(Estimate::normal(Estimand::Ate, estimate, std_error, z, y.len(), n1, n0))
}

/// Regression adjustment (the linear S-learner, causalml's `LRSRegressor`): OLS of `y` on
/// `[1, t, X]`; the effect is the coefficient of `t`, with its HC1 standard error and a normal
/// interval.
///
/// `names` label `t` and then the covariates, for error messages.
///
/// # Errors
/// See [`ols`]; also a treatment group with fewer than two rows, and `alpha` outside (0, 1).
pub fn regression_adjustment(
    y: &[f64],
    t: &[f64],
    covariates: &[&[f64]],
    names: &[String],
    alpha: f64,
) -> Result<Estimate, Error> {
    let z = z_crit(alpha)?;
    let (n1, n0) = count_groups(t)?;
    let mut x: Vec<&[f64]> = Vec::with_capacity(covariates.len() + 1);
    x.push(t);
    x.extend_from_slice(covariates);
    let fit = ols(y, &x, names, Robust::Only(0))?;
    let estimate = fit.coef[0];
    let std_error = fit.se_hc1[0].unwrap_or(f64::NAN);
    Ok(Estimate::normal(Estimand::Ate, estimate, std_error, z, y.len(), n1, n0))
}

/// The checks and the propensity model the weighting estimators share.
fn weighting_prologue(
    t: &[f64],
    options: Weighting,
    alpha: f64,
    propensity: impl FnOnce() -> Result<LogisticFit, Error>,
) -> Result<(f64, LogisticFit), Error> {
    let z = z_crit(alpha)?;
    if !(0.0..0.5).contains(&options.trim) {
        return Err(Error::InvalidTrim(options.trim));
    }
    count_groups(t)?;
    Ok((z, propensity()?))
}

/// Options of the weighting estimators' propensity model.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Weighting {
    /// Leave out rows with a propensity outside [trim, 1 − trim] (0: keep all).
    pub trim: f64,
    /// L2 penalty on the standardized slopes (0: maximum likelihood), see [`logistic_l2`].
    pub l2: f64,
}

/// Inverse probability weighting with normalized (Hajek) weights.
///
/// The propensity `P(t = 1 | X)` is an unpenalized logistic regression on `covariates` (plus an
/// intercept). ATE weights treated rows by 1/p and control rows by 1/(1 − p); ATT weights control
/// rows by p/(1 − p). Each arm's weights are normalized to sum to one.
///
/// Rows with p outside [`Weighting::trim`, 1 − trim] are left out (no trimming when 0); the
/// propensity model is fitted on all rows first, with the optional L2 penalty [`Weighting::l2`].
///
/// The standard error comes from the estimator's influence function including the term for the
/// estimated propensity model (Lunceford & Davidian 2004), i.e. the sandwich of the stacked
/// estimating equations; the interval is normal.
///
/// # Errors
/// Those of [`logistic`], a treatment group with fewer than two rows, `alpha` outside (0, 1),
/// `trim` outside [0, 0.5), or trimming that empties a group.
pub fn ipw(
    y: &[f64],
    t: &[f64],
    covariates: &[&[f64]],
    names: &[String],
    estimand: Estimand,
    options: Weighting,
    alpha: f64,
) -> Result<(Estimate, LogisticFit), Error> {
    let fit = || logistic_l2(t, covariates, names, options.l2);
    ipw_with(y, t, covariates, names, estimand, options, alpha, fit)
}

/// As [`ipw`], with the propensity model from `propensity` (called after the argument checks): it
/// must be the fit [`logistic_l2`] gives on `t`, `covariates` and `options.l2`. Lets a caller
/// running several weighting methods fit that model once.
///
/// # Errors
/// Those of [`ipw`].
#[allow(clippy::too_many_arguments)] // ipw's arguments and the model
pub fn ipw_with(
    y: &[f64],
    t: &[f64],
    covariates: &[&[f64]],
    names: &[String],
    estimand: Estimand,
    options: Weighting,
    alpha: f64,
    propensity: impl FnOnce() -> Result<LogisticFit, Error>,
) -> Result<(Estimate, LogisticFit), Error> {
    let (z, fit) = weighting_prologue(t, options, alpha, propensity)?;
    let trim = options.trim;
    let estimand = if estimand == Estimand::Att { Estimand::Att } else { Estimand::Ate };
    let ps = &fit.probabilities;
    let keep: Vec<bool> = ps.iter().map(|&p| p >= trim && p <= 1.0 - trim).collect();
    let used = keep.iter().filter(|&&k| k).count();
    let (k1, k0) = t.iter().zip(&keep).filter(|(_, &k)| k).fold((0, 0), |(a, b), (&ti, _)| {
        if ti == 1.0 {
            (a + 1, b)
        } else {
            (a, b + 1)
        }
    });
    if k1 < 2 || k0 < 2 {
        return Err(Error::NothingLeft { trimmed: t.len() - used });
    }

    // Weighted means of each arm; `w1`, `w0` are the unnormalized weights.
    let (w1, w0): (Vec<f64>, Vec<f64>) = t
        .iter()
        .zip(ps)
        .zip(&keep)
        .map(|((&ti, &p), &k)| {
            if !k {
                return (0.0, 0.0);
            }
            match estimand {
                Estimand::Ate | Estimand::Late => (ti / p, (1.0 - ti) / (1.0 - p)),
                Estimand::Att => (ti, (1.0 - ti) * p / (1.0 - p)),
            }
        })
        .unzip();
    let nf = t.len() as f64;
    let a1 = w1.iter().sum::<f64>() / nf;
    let a0 = w0.iter().sum::<f64>() / nf;
    let mu1 = w1.iter().zip(y).map(|(w, y)| w * y).sum::<f64>() / (a1 * nf);
    let mu0 = w0.iter().zip(y).map(|(w, y)| w * y).sum::<f64>() / (a0 * nf);
    let estimate = mu1 - mu0;

    // Influence function: φᵢ + H' I⁻¹ sᵢ, with sᵢ = (tᵢ − pᵢ) xᵢ the propensity score and
    // H = E[∂φ/∂β] (trimmed rows have φ = 0 and do not move with β).
    // Column-wise, with the intercept as a column of ones and the covariates centred and scaled
    // (the influence function is invariant to that, the arithmetic is not).
    let k = covariates.len() + 1;
    let name = |j: usize| names.get(j).cloned().unwrap_or_default();
    let design = logistic::UnitDesign::new(t.len(), covariates, &name)?;
    let cols = design.columns();
    let root_w: Vec<f64> = ps.iter().map(|p| (p * (1.0 - p)).sqrt()).collect();
    let mut info = design.gram(Some(&root_w)).div_scalar(nf);
    // The penalized score adds −l2·β to the slopes' equations, so l2/n to their information.
    for j in 1..k {
        info[(j, j)] += options.l2 / nf;
    }
    let mut phi = vec![0.0; t.len()];
    let mut dphi = vec![0.0; t.len()];
    for i in 0..t.len() {
        if !keep[i] {
            continue;
        }
        let p = ps[i];
        let (r1, r0) = (y[i] - mu1, y[i] - mu0);
        phi[i] = w1[i] * r1 / a1 - w0[i] * r0 / a0;
        // ∂φᵢ/∂β = dᵢ xᵢ: d(1/p) = −(1−p)/p·x, d(1/(1−p)) = p/(1−p)·x, d(p/(1−p)) = p/(1−p)·x.
        dphi[i] = match estimand {
            Estimand::Ate | Estimand::Late => -w1[i] * (1.0 - p) * r1 / a1 - w0[i] * p * r0 / a0,
            Estimand::Att => -w0[i] * r0 / a0,
        };
    }
    let h: Vec<f64> = cols
        .iter()
        .enumerate()
        .map(|(j, c)| c.iter().zip(&dphi).map(|(x, d)| design.z(j, *x) * d).sum::<f64>() / nf)
        .collect();
    let Ok(g) = linalg::Cholesky::new(&info, 0.0).map(|c| c.solve(&h, linalg::Sweep::RowsDot))
    else {
        return Err(Error::NotConverged { iterations: fit.n_iter });
    };
    // ψᵢ = φᵢ + (tᵢ − pᵢ) zᵢ'g.
    let mut xg = vec![0.0; t.len()];
    for (j, (c, gj)) in cols.iter().zip(g.iter()).enumerate() {
        xg.iter_mut().zip(c.iter()).for_each(|(s, x)| *s += design.z(j, *x) * gj);
    }
    let var: f64 = (0..t.len())
        .map(|i| {
            let psi = phi[i] + (t[i] - ps[i]) * xg[i];
            psi * psi
        })
        .sum();
    let std_error = var.sqrt() / nf;
    Ok((Estimate::normal(estimand, estimate, std_error, z, used, k1, k0), fit))
}

/// Augmented inverse probability weighting (doubly robust) with linear outcome models.
///
/// The propensity is the logistic model of [`ipw`] (unclipped; rows outside [`trim`, 1 − `trim`]
/// are left out); `μ₁`, `μ₀` are least-squares fits of y on `[1, X]` in each arm (no cross-fitting).
///
/// * ATE: mean of `ψᵢ = μ₁(xᵢ) − μ₀(xᵢ) + tᵢ(yᵢ − μ₁(xᵢ))/pᵢ − (1 − tᵢ)(yᵢ − μ₀(xᵢ))/(1 − pᵢ)`;
/// * ATT: `Σ [tᵢ − (1 − tᵢ) pᵢ/(1 − pᵢ)] (yᵢ − μ₀(xᵢ)) / N₁` (Moodie et al. 2018).
///
/// The standard error is that of the efficient influence function, `√(Σ (ψᵢ − θ)²) / n` (for the
/// ATT, with `ψ` scaled by n/N₁); its estimating equation is orthogonal to both models, so their
/// estimation adds no first-order term.
///
/// # Errors
/// Those of [`ipw`].
pub fn aipw(
    y: &[f64],
    t: &[f64],
    covariates: &[&[f64]],
    names: &[String],
    estimand: Estimand,
    options: Weighting,
    alpha: f64,
) -> Result<(Estimate, LogisticFit), Error> {
    let fit = || logistic_l2(t, covariates, names, options.l2);
    aipw_with(y, t, covariates, estimand, options, alpha, fit)
}

/// As [`aipw`], with the propensity model from `propensity`, as [`ipw_with`].
///
/// # Errors
/// Those of [`ipw`].
pub fn aipw_with(
    y: &[f64],
    t: &[f64],
    covariates: &[&[f64]],
    estimand: Estimand,
    options: Weighting,
    alpha: f64,
    propensity: impl FnOnce() -> Result<LogisticFit, Error>,
) -> Result<(Estimate, LogisticFit), Error> {
    let (z, fit) = weighting_prologue(t, options, alpha, propensity)?;
    let trim = options.trim;
    let ps = &fit.probabilities;
    let keep: Vec<usize> = (0..t.len()).filter(|&i| ps[i] >= trim && ps[i] <= 1.0 - trim).collect();
    let treated: Vec<usize> = keep.iter().copied().filter(|&i| t[i] == 1.0).collect();
    let control: Vec<usize> = keep.iter().copied().filter(|&i| t[i] != 1.0).collect();
    if treated.len() < 2 || control.len() < 2 {
        return Err(Error::NothingLeft { trimmed: t.len() - keep.len() });
    }
    let mu0 = Linear::fit(covariates, y, Some(&control), None)?;
    let nk = keep.len() as f64;
    let n1 = treated.len() as f64;
    let psi: Vec<f64> = match estimand {
        Estimand::Att => keep
            .iter()
            .map(|&i| {
                let (p, r0) = (ps[i], y[i] - mu0.predict(covariates, i));
                let w = if t[i] == 1.0 { 1.0 } else { -p / (1.0 - p) };
                w * r0 * nk / n1
            })
            .collect(),
        _ => {
            let mu1 = Linear::fit(covariates, y, Some(&treated), None)?;
            keep.iter()
                .map(|&i| {
                    let (p, m1, m0) =
                        (ps[i], mu1.predict(covariates, i), mu0.predict(covariates, i));
                    if t[i] == 1.0 {
                        m1 - m0 + (y[i] - m1) / p
                    } else {
                        m1 - m0 - (y[i] - m0) / (1.0 - p)
                    }
                })
                .collect()
        }
    };
    let theta = psi.iter().sum::<f64>() / nk;
    let std_error = psi.iter().map(|v| (v - theta) * (v - theta)).sum::<f64>().sqrt() / nk;
    let estimand = if estimand == Estimand::Att { Estimand::Att } else { Estimand::Ate };
    let est =
        Estimate::normal(estimand, theta, std_error, z, keep.len(), treated.len(), control.len());
    Ok((est, fit))
}

/// A test of `x ⟂ y | z` by partial correlation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartialCorrelation {
    /// The partial correlation of x and y given z.
    pub r: f64,
    /// Fisher's z statistic, `atanh(r) √(n − |z| − 3)`.
    pub z: f64,
    /// Two-sided p-value (normal).
    pub p_value: f64,
    /// Rows used.
    pub n: usize,
}

/// Partial correlation of `x` and `y` given the columns `given` (the correlation of their
/// least-squares residuals on `[1, given]`), tested with Fisher's z transform: under
/// independence (and joint normality) `atanh(r) √(n − k − 3)` is standard normal, k = |given|.
/// This is DAGitty's and pcalg's `gaussCItest`.
///
/// # Errors
/// Fewer than `k + 4` rows; a constant x or y (after adjustment).
pub fn partial_correlation(
    x: &[f64],
    y: &[f64],
    given: &[&[f64]],
) -> Result<PartialCorrelation, Error> {
    let n = x.len();
    let k = given.len();
    if n < k + 4 {
        return Err(Error::TooFewRows { need: k + 4, got: n });
    }
    let resid = |v: &[f64]| -> Result<Vec<f64>, Error> {
        let fit = Linear::fit(given, v, None, None)?;
        Ok((0..n).map(|i| v[i] - fit.predict(given, i)).collect())
    };
    let (rx, ry) = (resid(x)?, resid(y)?);
    let sxx: f64 = rx.iter().map(|v| v * v).sum();
    let syy: f64 = ry.iter().map(|v| v * v).sum();
    let sxy: f64 = rx.iter().zip(&ry).map(|(a, b)| a * b).sum();
    let scale_x: f64 = x.iter().map(|v| v * v).sum::<f64>().max(f64::MIN_POSITIVE);
    let scale_y: f64 = y.iter().map(|v| v * v).sum::<f64>().max(f64::MIN_POSITIVE);
    if !(sxx > 1e-24 * scale_x) {
        return Err(Error::Constant { column: "x".into() });
    }
    if !(syy > 1e-24 * scale_y) {
        return Err(Error::Constant { column: "y".into() });
    }
    let r = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let z = r.atanh() * ((n - k - 3) as f64).sqrt();
    let p_value = if z.is_finite() { 2.0 * (1.0 - dist::normal_cdf(z.abs())) } else { 0.0 };
    Ok(PartialCorrelation { r, z, p_value, n })
}
