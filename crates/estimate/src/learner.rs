//! Base learners and meta-learners that predict: fitted on some rows, they give each new row its
//! effect (as causalml's `fit` then `predict(X)`), which is what an uplift model evaluated on a
//! held-out split needs.
//!
//! A base learner is linear (least squares, [`crate::Linear`]) or gradient-boosted trees
//! ([`cf_gbdt`], LightGBM's defaults). With `classify`, a gradient-boosted learner fits log loss and
//! predicts probabilities, as causalml's `Base*Classifier` with an `LGBMClassifier`; the linear
//! learner stays least squares (a linear probability model, as causalml's `Base*Regressor` with
//! `LinearRegression` on a 0/1 outcome).
//!
//! * S-learner: one model of y on [t, x]; the effect is f(1, x) − f(0, x).
//! * T-learner: one model per arm; μ₁(x) − μ₀(x).
//! * X-learner: outcome models per arm, imputed effects μ₁(x) − y on controls and y − μ₀(x) on the
//!   treated, one effect model (always a regressor) on each, combined as p(x)·τ₀(x) +
//!   (1 − p(x))·τ₁(x) with the logistic propensity fitted on the training rows, clipped to
//!   [`crate::CLIP`] (causalml's `BaseXClassifier`/`BaseXRegressor`).
//! * R-learner and DR-learner: fitted as [`crate::RLearnerParams`] and [`crate::DrLearnerParams`]
//!   with their default folds (5 stratified folds, 3 folds, seed 42) and that same propensity; a
//!   new row's effect is the R-learner's effect model (the DR-learner's: the mean of its three).

use crate::meta::{clip_propensity, dr_fit, folds, r_fit};
use crate::{CLIP, DrLearnerParams, Error, Linear, LogisticFit, RLearnerParams, logistic};
use cf_gbdt::{Booster, GbdtParams, Objective};
use serde::{Deserialize, Serialize};

/// The model fitted inside a meta-learner.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BaseLearner {
    /// Least squares with an intercept.
    #[default]
    Linear,
    /// Histogram gradient-boosted trees with these parameters (the objective is set by the
    /// meta-learner: squared error, or log loss for a classifier).
    Gbdt(GbdtParams),
}

/// A fitted base learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FittedLearner {
    /// Least squares.
    Linear(Linear),
    /// Boosted trees.
    Gbdt(Booster),
}

impl BaseLearner {
    /// Fits `y` on the columns `x` over `rows` (indices into them), weighted when `weights` are
    /// given (indexed like `y`); `classify` asks for probabilities of a 0/1 `y`.
    ///
    /// # Errors
    /// Those of the learner: too few rows, a non-0/1 outcome for a classifier, bad settings.
    pub fn fit(
        &self,
        x: &[&[f64]],
        y: &[f64],
        rows: &[usize],
        weights: Option<&[f64]>,
        classify: bool,
    ) -> Result<FittedLearner, Error> {
        match self {
            BaseLearner::Linear => {
                Linear::fit(x, y, Some(rows), weights).map(FittedLearner::Linear)
            }
            BaseLearner::Gbdt(p) => {
                let params = GbdtParams {
                    objective: if classify { Objective::Binary } else { Objective::SquaredError },
                    ..p.clone()
                };
                let pick = |c: &[f64]| rows.iter().map(|&r| c[r]).collect::<Vec<f64>>();
                let xs: Vec<Vec<f64>> = x.iter().map(|c| pick(c)).collect();
                let xr: Vec<&[f64]> = xs.iter().map(|c| &c[..]).collect();
                let w = weights.map(pick);
                cf_gbdt::fit(&params, &xr, &pick(y), w.as_deref())
                    .map(FittedLearner::Gbdt)
                    .map_err(Error::Gbdt)
            }
        }
    }
}

impl FittedLearner {
    /// Predictions for every row of `x` (values, or probabilities of a classifier).
    pub fn predict(&self, x: &[&[f64]]) -> Vec<f64> {
        self.predict_all(x, x.first().map_or(0, |c| c.len()))
    }

    /// Predictions for the `n` rows of `x` (`n` says how many rows there are when `x` has no
    /// columns: a linear model without covariates predicts its intercept).
    pub fn predict_all(&self, x: &[&[f64]], n: usize) -> Vec<f64> {
        match self {
            FittedLearner::Linear(l) => l.predict_all(x, n),
            FittedLearner::Gbdt(b) => b.predict(x),
        }
    }

    /// Predictions for the rows `rows` of `x`, in that order.
    pub fn predict_rows(&self, x: &[&[f64]], rows: &[usize]) -> Vec<f64> {
        match self {
            FittedLearner::Linear(l) => rows.iter().map(|&i| l.predict(x, i)).collect(),
            FittedLearner::Gbdt(b) => {
                let xs: Vec<Vec<f64>> =
                    x.iter().map(|c| rows.iter().map(|&r| c[r]).collect()).collect();
                let xr: Vec<&[f64]> = xs.iter().map(|c| &c[..]).collect();
                b.predict(&xr)
            }
        }
    }
}

/// The base learners of an estimating meta-learner ([`crate::SLearnerParams`] …
/// [`crate::DrLearnerParams`]): the outcome models' learner, the effect models' learner (X, R and
/// DR; always a regressor), and whether the outcome models are classifiers.
///
/// With `classify` (a 0/1 outcome), a gradient-boosted outcome learner fits log loss and its
/// predictions are probabilities, as causalml's `Base*Classifier` with an `LGBMClassifier`. A
/// linear outcome learner ignores `classify` and stays least squares, a linear probability model:
/// causalml's classifier forms need a `predict_proba` learner (logistic regression, say), whose
/// probabilities would change every linear result this crate has always given on 0/1 outcomes and
/// that the references check (causalml's `Base*Regressor` with `LinearRegression` on the 0/1
/// outcome).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Learners {
    /// The outcome models' learner.
    pub outcome: BaseLearner,
    /// The effect models' learner (X-, R- and DR-learners).
    pub effect: BaseLearner,
    /// Fit the outcome models as classifiers of a 0/1 outcome.
    pub classify: bool,
}

impl Learners {
    /// Fits an outcome model on `rows`.
    pub(crate) fn fit_outcome(
        &self,
        x: &[&[f64]],
        y: &[f64],
        rows: &[usize],
    ) -> Result<FittedLearner, Error> {
        self.outcome.fit(x, y, rows, None, self.classify)
    }

    /// Fits an effect model (a regressor) on `rows`, weighted when `weights` are given.
    pub(crate) fn fit_effect(
        &self,
        x: &[&[f64]],
        y: &[f64],
        rows: &[usize],
        weights: Option<&[f64]>,
    ) -> Result<FittedLearner, Error> {
        self.effect.fit(x, y, rows, weights, false)
    }
}

/// Which meta-learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CateKind {
    /// One model on [t, x].
    S,
    /// One model per arm.
    T,
    /// Outcome models per arm, effect models on imputed effects, propensity-weighted.
    X,
    /// One weighted effect model on the residuals of a cross-fitted outcome model.
    R,
    /// Three effect models on doubly robust pseudo-outcomes, three-way cross-fitted.
    Dr,
}

/// A meta-learner that predicts effects for new rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CateLearner {
    /// S, T, X, R or DR.
    pub kind: CateKind,
    /// The outcome models' learner.
    pub outcome: BaseLearner,
    /// The X-, R- and DR-learners' effect models' learner (always a regressor).
    pub effect: BaseLearner,
    /// Fit the outcome models as classifiers (a 0/1 outcome).
    pub classify: bool,
}

/// A fitted [`CateLearner`]. It serializes with serde (a saved model); [`CateModel::check`] tells
/// whether one read back can be used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CateModel {
    kind: CateKind,
    models: Vec<FittedLearner>,
    /// X-learner: the propensity model's intercept and coefficients.
    propensity: Option<(f64, Vec<f64>)>,
}

impl CateLearner {
    /// Fits on covariate columns `x`, 0/1 treatment `t` and outcome `y` (all rows).
    ///
    /// # Errors
    /// An arm with fewer than two rows; those of the base learners and of the propensity model.
    pub fn fit(&self, x: &[&[f64]], t: &[f64], y: &[f64]) -> Result<CateModel, Error> {
        let treated: Vec<usize> = (0..t.len()).filter(|&i| t[i] == 1.0).collect();
        let control: Vec<usize> = (0..t.len()).filter(|&i| t[i] != 1.0).collect();
        for (group, rows) in [("treated", &treated), ("control", &control)] {
            if rows.len() < 2 {
                return Err(Error::SmallGroup { group, size: rows.len() });
            }
        }
        let all: Vec<usize> = (0..t.len()).collect();
        match self.kind {
            CateKind::S => {
                let mut cols: Vec<&[f64]> = vec![t];
                cols.extend_from_slice(x);
                let m = self.outcome.fit(&cols, y, &all, None, self.classify)?;
                Ok(CateModel { kind: CateKind::S, models: vec![m], propensity: None })
            }
            CateKind::T => {
                let m1 = self.outcome.fit(x, y, &treated, None, self.classify)?;
                let m0 = self.outcome.fit(x, y, &control, None, self.classify)?;
                Ok(CateModel { kind: CateKind::T, models: vec![m0, m1], propensity: None })
            }
            CateKind::X => {
                let m1 = self.outcome.fit(x, y, &treated, None, self.classify)?;
                let m0 = self.outcome.fit(x, y, &control, None, self.classify)?;
                // Imputed effects: y − μ₀(x) on the treated, μ₁(x) − y on controls; each outcome
                // model predicts only the other arm's rows.
                let rows_of = |rows: &[usize]| -> Vec<Vec<f64>> {
                    x.iter().map(|c| rows.iter().map(|&r| c[r]).collect()).collect()
                };
                let (xt, xc) = (rows_of(&treated), rows_of(&control));
                let xt_ref: Vec<&[f64]> = xt.iter().map(|c| &c[..]).collect();
                let xc_ref: Vec<&[f64]> = xc.iter().map(|c| &c[..]).collect();
                let mu0_t = m0.predict(&xt_ref);
                let mu1_c = m1.predict(&xc_ref);
                let mut d = vec![0.0; t.len()];
                for (k, &i) in treated.iter().enumerate() {
                    d[i] = y[i] - mu0_t[k];
                }
                for (k, &i) in control.iter().enumerate() {
                    d[i] = mu1_c[k] - y[i];
                }
                let tau1 = self.effect.fit(x, &d, &treated, None, false)?;
                let tau0 = self.effect.fit(x, &d, &control, None, false)?;
                let p = propensity(t, x)?;
                Ok(CateModel {
                    kind: CateKind::X,
                    models: vec![tau0, tau1],
                    propensity: Some((p.intercept, p.coef)),
                })
            }
            CateKind::R | CateKind::Dr => {
                let (p, _) = clip_propensity(&propensity(t, x)?.probabilities);
                let learners = Learners {
                    outcome: self.outcome.clone(),
                    effect: self.effect.clone(),
                    classify: self.classify,
                };
                // The estimating learners' default folds.
                let models = if self.kind == CateKind::R {
                    let d = RLearnerParams::default();
                    let f = folds(t.len(), d.folds, d.seed, Some(t));
                    vec![r_fit(y, t, x, &p, &f, &learners)?.1]
                } else {
                    let f = folds(t.len(), 3, DrLearnerParams::default().seed, None);
                    dr_fit(y, t, x, &p, &f, &learners)?.1
                };
                Ok(CateModel { kind: self.kind, models, propensity: None })
            }
        }
    }
}

/// The unpenalized logistic propensity of `t` on the columns `x` (named x1, x2, … in errors).
fn propensity(t: &[f64], x: &[&[f64]]) -> Result<LogisticFit, Error> {
    let names: Vec<String> = (1..=x.len()).map(|j| format!("x{j}")).collect();
    logistic(t, x, &names)
}

impl FittedLearner {
    /// Whether this learner fits rows of `n` columns (see [`CateModel::check`]).
    fn check(&self, n: usize) -> Result<(), String> {
        match self {
            FittedLearner::Linear(l) if l.coef.len() != n => {
                Err(format!("a linear model with {} slopes for {n} columns", l.coef.len()))
            }
            FittedLearner::Linear(_) => Ok(()),
            FittedLearner::Gbdt(b) if b.n_features() != n => {
                Err(format!("boosted trees on {} columns for {n}", b.n_features()))
            }
            FittedLearner::Gbdt(b) => b.check(),
        }
    }
}

impl CateModel {
    /// Whether a model read back from a file predicts from `n_features` covariates without a
    /// fault: as many fitted models as its kind has (S 1, T and X 2, R 1, DR at least 1), each on
    /// the columns it reads, and the X-learner's propensity on the covariates.
    ///
    /// # Errors
    /// What is wrong, in words.
    pub fn check(&self, n_features: usize) -> Result<(), String> {
        let count = self.models.len();
        let fits = match self.kind {
            CateKind::S | CateKind::R => count == 1,
            CateKind::T | CateKind::X => count == 2,
            CateKind::Dr => count >= 1,
        };
        if !fits {
            return Err(format!("{count} fitted models for a {:?}-learner", self.kind));
        }
        let columns = n_features + usize::from(self.kind == CateKind::S);
        for m in &self.models {
            m.check(columns)?;
        }
        match (&self.propensity, self.kind) {
            (Some((_, b)), CateKind::X) if b.len() == n_features => Ok(()),
            (None, CateKind::S | CateKind::T | CateKind::R | CateKind::Dr) => Ok(()),
            _ => Err(format!("the propensity model does not fit a {:?}-learner", self.kind)),
        }
    }

    /// The effect predicted for every row of `x` (the covariates in the order fitted).
    pub fn predict(&self, x: &[&[f64]]) -> Vec<f64> {
        let n = x.first().map_or(0, |c| c.len());
        match self.kind {
            CateKind::S => {
                let ones = vec![1.0; n];
                let zeros = vec![0.0; n];
                let mut c1: Vec<&[f64]> = vec![&ones];
                c1.extend_from_slice(x);
                let mut c0: Vec<&[f64]> = vec![&zeros];
                c0.extend_from_slice(x);
                let (f1, f0) = (self.models[0].predict(&c1), self.models[0].predict(&c0));
                f1.iter().zip(&f0).map(|(a, b)| a - b).collect()
            }
            CateKind::T => {
                let (f0, f1) = (self.models[0].predict(x), self.models[1].predict(x));
                f1.iter().zip(&f0).map(|(a, b)| a - b).collect()
            }
            CateKind::X => {
                let (t0, t1) = (self.models[0].predict(x), self.models[1].predict(x));
                let (b0, b) = self.propensity.clone().unwrap_or((0.0, Vec::new()));
                (0..n)
                    .map(|i| {
                        let z = b0 + b.iter().zip(x).map(|(b, c)| b * c[i]).sum::<f64>();
                        let p = (1.0 / (1.0 + libm::exp(-z))).clamp(CLIP.0, CLIP.1);
                        p * t0[i] + (1.0 - p) * t1[i]
                    })
                    .collect()
            }
            CateKind::R | CateKind::Dr => {
                let k = self.models.len() as f64;
                let mut out = vec![0.0; n];
                for m in &self.models {
                    for (o, v) in out.iter_mut().zip(m.predict_all(x, n)) {
                        *o += v / k;
                    }
                }
                out
            }
        }
    }
}
