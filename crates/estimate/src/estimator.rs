//! The estimator shape: parameters that [`Estimator::fit`] data into an [`EffectFit`].
//!
//! An estimator's parameters are a plain struct with [`Default`] (`IpwParams { trim: 0.05,
//! ..Default::default() }`); the data are borrowed once into [`EffectData`]; the fit holds the
//! [`Effect`] and whatever else the method produces (per-unit effects, matches, diagnostics). The
//! confidence level is not a parameter of the fit: [`EffectFit::conf_int`] takes it.

use crate::{Error, Estimand, LogisticFit, z_crit};

/// A treatment-effect estimate with its standard error and sample sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// What is estimated.
    pub estimand: Estimand,
    /// The point estimate.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Rows used.
    pub n: usize,
    /// Treated rows used.
    pub n_treated: usize,
    /// Control rows used.
    pub n_control: usize,
}

impl Effect {
    /// The normal interval `estimate ± z · std_error` at level `1 − alpha`, `z` the standard
    /// normal quantile at `1 − alpha/2`.
    ///
    /// # Errors
    /// `alpha` outside (0, 1).
    pub fn conf_int(&self, alpha: f64) -> Result<(f64, f64), Error> {
        let z = z_crit(alpha)?;
        Ok(self.interval(z))
    }

    /// `estimate ± z · std_error`.
    pub(crate) fn interval(&self, z: f64) -> (f64, f64) {
        (self.estimate - z * self.std_error, self.estimate + z * self.std_error)
    }
}

/// What an estimator needs to know about the data: borrowed columns of one length, free of
/// missing values, with names for error messages.
///
/// Build it with [`EffectData::new`] and the `with_…` methods; every field is public too.
#[derive(Debug, Clone, Copy)]
pub struct EffectData<'a> {
    /// The outcome.
    pub y: &'a [f64],
    /// The treatment: 1 for treated rows, 0 for control rows (2SLS: any numeric treatment).
    pub t: &'a [f64],
    /// Covariate columns to adjust for.
    pub covariates: &'a [&'a [f64]],
    /// Their names, for error messages (missing names become `x1`, `x2`, …).
    pub covariate_names: &'a [String],
    /// The treatment's name, for error messages of the regressions that include it.
    pub treatment_name: &'a str,
    /// Instrument columns (2SLS).
    pub instruments: &'a [&'a [f64]],
    /// Their names.
    pub instrument_names: &'a [String],
    /// Cross-fitting fold ids `0..k`, one per row (the R- and DR-learner draw their own when
    /// `None`).
    pub folds: Option<&'a [usize]>,
    /// A propensity model already fitted on `t` and `covariates` (with the estimator's `l2`),
    /// to share between estimators; those that need one fit their own when `None`.
    pub propensity: Option<&'a LogisticFit>,
}

impl<'a> EffectData<'a> {
    /// Outcome and treatment, nothing else (the treatment is called `t`).
    pub fn new(y: &'a [f64], t: &'a [f64]) -> Self {
        EffectData {
            y,
            t,
            covariates: &[],
            covariate_names: &[],
            treatment_name: "t",
            instruments: &[],
            instrument_names: &[],
            folds: None,
            propensity: None,
        }
    }

    /// With covariates and their names.
    #[must_use]
    pub fn with_covariates(self, covariates: &'a [&'a [f64]], names: &'a [String]) -> Self {
        EffectData { covariates, covariate_names: names, ..self }
    }

    /// With the treatment's name.
    #[must_use]
    pub fn with_treatment_name(self, name: &'a str) -> Self {
        EffectData { treatment_name: name, ..self }
    }

    /// With instruments and their names.
    #[must_use]
    pub fn with_instruments(self, instruments: &'a [&'a [f64]], names: &'a [String]) -> Self {
        EffectData { instruments, instrument_names: names, ..self }
    }

    /// With cross-fitting folds.
    #[must_use]
    pub fn with_folds(self, folds: &'a [usize]) -> Self {
        EffectData { folds: Some(folds), ..self }
    }

    /// With a shared propensity model.
    #[must_use]
    pub fn with_propensity(self, propensity: &'a LogisticFit) -> Self {
        EffectData { propensity: Some(propensity), ..self }
    }

    /// The treatment's name, then the covariates' (the labels of a regression on `[t, X]`).
    pub(crate) fn t_and_covariate_names(&self) -> Vec<String> {
        std::iter::once(self.treatment_name.to_string())
            .chain(self.covariate_names.iter().cloned())
            .collect()
    }

    /// The shared propensity model, or one fitted here with penalty `l2`.
    pub(crate) fn propensity_or_fit(
        &self,
        l2: f64,
    ) -> Result<std::borrow::Cow<'a, LogisticFit>, Error> {
        match self.propensity {
            Some(p) => Ok(std::borrow::Cow::Borrowed(p)),
            None => crate::logistic_l2(self.t, self.covariates, self.covariate_names, l2)
                .map(std::borrow::Cow::Owned),
        }
    }
}

/// A method's parameters, ready to fit data.
///
/// Every estimator of the crate is a `…Params` struct with [`Default`] implementing this trait;
/// its fit implements [`EffectFit`]. A new method (a gradient-boosted meta-learner, an uplift
/// forest) is one more pair: its parameters (the base learner's settings) and its fit (which
/// returns per-unit effects from [`EffectFit::cate`], and may replace the normal interval of
/// [`EffectFit::conf_int`], e.g. by one from the bootstrap). Generic code — a refuter that refits
/// on placebo treatments or subsets — takes any `impl Estimator` and a modified [`EffectData`].
///
/// # Example
/// ```
/// use cf_estimate::{EffectData, EffectFit, Estimator, TLearnerParams};
///
/// // y = 1 + 2·t + x, with a little deterministic noise.
/// let x: Vec<f64> = (0..40).map(|i| f64::from(i % 7)).collect();
/// let t: Vec<f64> = (0..40).map(|i| f64::from(i % 2)).collect();
/// let y: Vec<f64> = (0..40)
///     .map(|i| 1.0 + 2.0 * t[i] + x[i] + 0.1 * (i as f64).sin())
///     .collect();
/// let covariates = [&x[..]];
/// let names = ["x".to_string()];
/// let data = EffectData::new(&y, &t).with_covariates(&covariates, &names);
///
/// let fit = TLearnerParams::default().fit(&data)?;
/// let effect = fit.effect();
/// assert!((effect.estimate - 2.0).abs() < 0.1);
/// let (low, high) = fit.conf_int(0.05)?;
/// assert!(low < effect.estimate && effect.estimate < high);
/// let cate = fit.cate().expect("a T-learner estimates per-unit effects");
/// assert_eq!(cate.len(), y.len());
/// # Ok::<(), cf_estimate::Error>(())
/// ```
pub trait Estimator {
    /// What fitting gives.
    type Fit: EffectFit;

    /// Estimates the effect of `data.t` on `data.y`.
    ///
    /// # Errors
    /// The method's own; see each `…Params` type.
    fn fit(&self, data: &EffectData<'_>) -> Result<Self::Fit, Error>;
}

/// A fitted estimator: the effect, its interval, and per-unit effects where the method gives them.
pub trait EffectFit {
    /// The estimate with its standard error and sample sizes.
    fn effect(&self) -> &Effect;

    /// The confidence interval at level `1 − alpha`; by default the normal one,
    /// `estimate ± z · std_error` ([`Effect::conf_int`]).
    ///
    /// # Errors
    /// `alpha` outside (0, 1).
    fn conf_int(&self, alpha: f64) -> Result<(f64, f64), Error> {
        self.effect().conf_int(alpha)
    }

    /// The estimated effect for each row, for methods that estimate one.
    fn cate(&self) -> Option<&[f64]> {
        None
    }
}

impl EffectFit for Effect {
    fn effect(&self) -> &Effect {
        self
    }
}
