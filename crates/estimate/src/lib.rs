//! Causal effect estimators on clean numeric arrays.
//!
//! Every estimator takes the outcome `y`, a 0/1 treatment `t` and, where it adjusts, covariate
//! columns, all of one length and free of missing values (the engine drops or imputes before it
//! calls here), borrowed in an [`EffectData`]. Each estimator is a `…Params` struct implementing
//! [`Estimator`]; its fit implements [`EffectFit`]: the [`Effect`] (point, standard error, sample
//! sizes), a confidence interval at any level, and per-unit effects where the method gives them.
//!
//! | parameters | estimand | standard error | reference |
//! |---|---|---|---|
//! | [`DiffMeansParams`] | ATE | Welch: √(s₁²/n₁ + s₀²/n₀) | `mean(y|t=1) − mean(y|t=0)` |
//! | [`OlsParams`] | ATE | HC1 robust | causalml `LRSRegressor` (OLS of y on [1, t, X]) |
//! | [`IpwParams`] | ATE or ATT | influence function, propensity estimation included | Hajek (normalized) weights; DoWhy `propensity_score_weighting` |
//! | [`AipwParams`] | ATE or ATT | influence function | augmented IPW with linear outcome models |
//! | [`MatchingParams`] | ATT | Abadie–Imbens | causalml `NearestNeighborMatch` on the logit propensity |
//! | [`SLearnerParams`], [`TLearnerParams`], [`XLearnerParams`], [`RLearnerParams`], [`DrLearnerParams`] | ATE + CATE | causalml's analytic (R: corrected) | causalml `BaseSRegressor` … `BaseDRRegressor` (and `Base*Classifier`), on linear or boosted [`Learners`] |
//! | [`TwoSlsParams`] | LATE | HC0 robust (also unadjusted, small-sample) | linearmodels `IV2SLS`, causalml `IVRegressor` |
//!
//! [`ols`] exposes the full regression (classical and HC1 errors) as statsmodels reports it,
//! [`logistic_l2`] the propensity model, [`Linear`] the meta-learners' base learner and
//! [`partial_correlation`] the conditional-independence test.
//!
#![warn(missing_docs)]

pub mod dist;
mod estimator;
mod iv;
mod learner;
mod linalg;
mod linear;
mod logistic;
mod matching;
mod meta;
mod ols;
mod refit;
pub mod sensitivity;
mod weighting;

pub use estimator::{Effect, EffectData, EffectFit, Estimator};
pub use iv::{TwoSlsFit, TwoSlsParams, WEAK_F};
pub use learner::{BaseLearner, CateKind, CateLearner, CateModel, FittedLearner, Learners};
pub use linear::Linear;
pub use logistic::{LogisticFit, logistic, logistic_l2};
pub use matching::{MatchingFit, MatchingParams};
pub use meta::{
    CLIP, DrLearnerParams, MetaLearnerFit, RLearnerParams, SLearnerParams, SplitMix64,
    TLearnerParams, XLearnerParams, clip_propensity, folds,
};
pub use ols::{COLLINEAR_TOL, OlsFit, Residualizer, Robust, ols, weighted_slope};
pub use refit::PropensityRefits;
pub use weighting::{AipwParams, IpwParams, WeightingFit, ipw_estimate};

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
    /// Columns of different lengths were given (a caller's mistake, not the data's).
    LengthMismatch {
        /// Which input is off: `propensity` or `fold ids`.
        what: &'static str,
        /// The outcome's length.
        expected: usize,
        /// Its length.
        got: usize,
    },
    /// The propensity model's information matrix cannot be inverted, so the weighting estimate's
    /// standard error (which accounts for estimating that model) does not exist.
    SingularInformation,
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
    /// A gradient-boosted base learner refused its data or settings.
    Gbdt(cf_gbdt::GbdtError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooFewRows { need, got } => {
                write!(f, "the model needs at least {need} complete rows, but only {got} remain")
            }
            Error::SmallGroup { group, size } => write!(
                f,
                "the {group} group has {size} {}; at least 2 are needed for a standard error",
                if *size == 1 { "row" } else { "rows" }
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
            Error::LengthMismatch { what, expected, got } => {
                write!(f, "{got} {what} were given for {expected} rows")
            }
            Error::SingularInformation => write!(
                f,
                "the propensity model's information matrix is singular, so the standard error of the weighting estimate cannot be computed (is a covariate almost constant among the rows kept?)"
            ),
            Error::NotConverged { iterations } => {
                write!(f, "the propensity model did not converge in {iterations} iterations")
            }
            Error::NothingLeft { trimmed } => write!(
                f,
                "trimming removed {trimmed} rows and left a treatment group empty; lower the trimming bound"
            ),
            Error::InvalidTrim(v) => write!(f, "the trimming bound must be in [0, 0.5), got {v}"),
            Error::BadFolds { detail } => {
                write!(f, "the cross-fitting folds cannot be used: {detail}")
            }
            Error::NoMatches { caliper, matched } => write!(
                f,
                "only {matched} treated unit(s) have a control within the caliper ({caliper:.4} on the logit scale): treated and control propensities do not overlap"
            ),
            Error::InvalidPenalty(v) => {
                write!(f, "the L2 penalty of the propensity model must be 0 or more, got {v}")
            }
            Error::NoInstrument => write!(f, "2SLS needs at least one instrument"),
            Error::Gbdt(e) => write!(f, "{e}"),
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

/// Difference in means with Welch's standard error `√(s₁²/n₁ + s₀²/n₀)`: `mean(y|t=1) −
/// mean(y|t=0)`, the ATE in a randomized experiment.
///
/// Errors: a treatment group with fewer than two rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffMeansParams {}

impl Estimator for DiffMeansParams {
    type Fit = Effect;

    fn fit(&self, data: &EffectData<'_>) -> Result<Effect, Error> {
        let (y, t) = (data.y, data.t);
        let (n1, n0) = count_groups(t)?;
        let moments = |arm: f64, n: usize| {
            let nf = n as f64;
            let m = y.iter().zip(t).filter(|&(_, &ti)| ti == arm).map(|(v, _)| v).sum::<f64>() / nf;
            let ss: f64 =
                y.iter().zip(t).filter(|&(_, &ti)| ti == arm).map(|(v, _)| (v - m) * (v - m)).sum();
            (m, ss / (nf - 1.0))
        };
        let (m1, v1) = moments(1.0, n1);
        let (m0, v0) = moments(0.0, n0);
        let estimate = m1 - m0;
        let std_error = (v1 / n1 as f64 + v0 / n0 as f64).sqrt();
        Ok(Effect {
            estimand: Estimand::Ate,
            estimate,
            std_error,
            n: y.len(),
            n_treated: n1,
            n_control: n0,
        })
    }
}

/// Regression adjustment (the linear S-learner, causalml's `LRSRegressor`): OLS of `y` on
/// `[1, t, X]`; the effect is the coefficient of `t`, with its HC1 standard error.
///
/// Errors: those of [`ols`] (columns named by [`EffectData::treatment_name`] and
/// [`EffectData::covariate_names`]); a treatment group with fewer than two rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OlsParams {}

/// The fit of [`OlsParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionFit {
    /// The coefficient of the treatment.
    pub effect: Effect,
    /// The whole regression, the treatment's slope first (HC1 errors only for that slope).
    pub regression: OlsFit,
}

impl EffectFit for RegressionFit {
    fn effect(&self) -> &Effect {
        &self.effect
    }
}

impl Estimator for OlsParams {
    type Fit = RegressionFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<RegressionFit, Error> {
        regression_fit(data.y, data.t, data.covariates, &data.t_and_covariate_names())
    }
}

/// [`OlsParams`]' fit; `names` label `t` and then the covariates.
fn regression_fit(
    y: &[f64],
    t: &[f64],
    covariates: &[&[f64]],
    names: &[String],
) -> Result<RegressionFit, Error> {
    let (n1, n0) = count_groups(t)?;
    let mut x: Vec<&[f64]> = Vec::with_capacity(covariates.len() + 1);
    x.push(t);
    x.extend_from_slice(covariates);
    let regression = ols(y, &x, names, Robust::Only(0))?;
    let effect = Effect {
        estimand: Estimand::Ate,
        estimate: regression.coef[0],
        std_error: regression.se_hc1[0].unwrap_or(f64::NAN),
        n: y.len(),
        n_treated: n1,
        n_control: n0,
    };
    Ok(RegressionFit { effect, regression })
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
/// `names` name x and y in errors.
///
/// # Errors
/// Fewer than `k + 4` rows; a constant x or y (after adjustment).
pub fn partial_correlation(
    x: &[f64],
    y: &[f64],
    given: &[&[f64]],
    names: [&str; 2],
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
        return Err(Error::Constant { column: names[0].into() });
    }
    if !(syy > 1e-24 * scale_y) {
        return Err(Error::Constant { column: names[1].into() });
    }
    let r = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let z = r.atanh() * ((n - k - 3) as f64).sqrt();
    let p_value = if z.is_finite() { 2.0 * (1.0 - dist::normal_cdf(z.abs())) } else { 0.0 };
    Ok(PartialCorrelation { r, z, p_value, n })
}
