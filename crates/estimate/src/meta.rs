//! Meta-learners on any base learner ([`Learners`]: linear least squares or gradient-boosted
//! trees, regressor or classifier form): the S-, T-, X-, R- and DR-learner of causalml 0.18
//! (`BaseSRegressor` … `BaseDRRegressor`, and `Base*Classifier` for a 0/1 outcome), each giving a
//! per-unit effect (CATE) and the ATE. With linear learners (the default) they are causalml's with
//! `learner=LinearRegression()`, which the reference tests check.
//!
//! The propensity `p` the X, R and DR learners take is clipped to `[1e-3, 1 − 1e-3]` by the
//! caller ([`clip_propensity`]), as causalml does. Cross-fitting folds are given per row (fold
//! ids `0..k`), from a user's fold column or from [`folds`].
//!
//! Standard errors are causalml's analytic ones (`var` with ddof = 0 throughout):
//!
//! * S, T, DR: `√((Var(y − ŷ₀ | c)/(1 − π) + Var(y − ŷ₁ | t)/π + Var(ŷ₁ − ŷ₀)) / n)` with π the
//!   treated share and ŷ the outcome models (for S, the one model at t = 0 and t = 1; for DR,
//!   averaged over the three rounds);
//! * X: `√((Var₁/π + Var₀/(1 − π) + Var(cate)) / n)` with the outcome models' residual variances;
//! * R: the same shape with the cross-fitted residuals of `E[y | x]`, **divided by √n**.
//!   causalml 0.18 divides by n, which makes its interval far too narrow (√n times); we give the
//!   conventional scaling and [`MetaLearnerFit::se_causalml`] keeps causalml's figure for
//!   comparison.
//!
//! A multi-arm treatment is compared arm by arm with the control by the caller (the rows of one
//! arm and the control's), which is what causalml does inside each learner.

use crate::estimator::{Effect, EffectData, EffectFit, Estimator};
use crate::learner::{FittedLearner, Learners};
use crate::{Error, Estimand, count_groups};

/// causalml's default propensity clip bounds for its meta-learners.
pub const CLIP: (f64, f64) = (1e-3, 1.0 - 1e-3);

/// S-learner: one outcome model of y on `[t, x]` over both arms; the effect is
/// `f(1, x) − f(0, x)` (causalml's `BaseSRegressor`, or `BaseSClassifier` with `classify`, whose
/// `f` is the classifier's probability). The effect learner is not used.
///
/// causalml puts the treatment column first as well (`concat_treatment_col`); with a linear
/// learner the effect is the treatment's coefficient for every row.
///
/// Errors: a treatment group with fewer than two rows; those of the base learner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SLearnerParams {
    /// The base learners.
    pub learners: Learners,
}

/// T-learner: one outcome model per arm; the effect is the difference of their predictions
/// (causalml's `BaseTRegressor`, or `BaseTClassifier` with `classify`: a difference of
/// probabilities). The effect learner is not used.
///
/// Errors: a treatment group with fewer than two rows; those of the base learner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TLearnerParams {
    /// The base learners.
    pub learners: Learners,
}

/// X-learner: outcome models per arm, imputed effects `μ₁(x) − y` on controls and `y − μ₀(x)` on
/// the treated, an effect model on each, combined as `p·τ₀(x) + (1 − p)·τ₁(x)`.
///
/// `p` is the propensity ([`EffectData::propensity`], or the logistic model fitted here with
/// penalty `l2`), clipped to [`CLIP`].
///
/// With `classify` the outcome models are classifiers (probabilities) and the effect models
/// regressors, as causalml's `BaseXClassifier`.
///
/// Errors: a treatment group with fewer than two rows; those of the base learners and of the
/// propensity model when it is fitted here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XLearnerParams {
    /// L2 penalty of the propensity model when it is fitted here.
    pub l2: f64,
    /// The base learners.
    pub learners: Learners,
}

/// R-learner (Nie & Wager): `m(x) = E[y | x]` cross-fitted over the folds, then the effect model
/// minimizing the R-loss, i.e. weighted least squares of `(y − m̂)/(t − p)` on x with weights
/// `(t − p)²`, on all rows. The propensity `p` is as for [`XLearnerParams`].
///
/// The folds are [`EffectData::folds`] or, without them, `folds` folds stratified by treatment
/// from `seed` ([`folds()`]).
///
/// `m` is the outcome learner (with `classify`, a classifier's probability, as causalml's
/// `BaseRClassifier` takes `predict_proba` in its `cross_val_predict`); the effect model is the
/// effect learner, fitted with the weights `(t − p)²` (causalml passes them as `sample_weight`).
/// causalml draws its folds with scikit-learn's `KFold(shuffle=True)`, which [`folds()`] does not
/// reproduce: pass a fold column for causalml's exact folds.
///
/// Errors: a treatment group with fewer than two rows; a fold that holds every row, or fewer than
/// two folds; those of the base learners and of the propensity model when it is fitted here.
#[derive(Debug, Clone, PartialEq)]
pub struct RLearnerParams {
    /// How many cross-fitting folds to draw when the data bring none.
    pub folds: usize,
    /// The seed of those folds.
    pub seed: u64,
    /// L2 penalty of the propensity model when it is fitted here.
    pub l2: f64,
    /// The base learners.
    pub learners: Learners,
}

impl Default for RLearnerParams {
    fn default() -> Self {
        RLearnerParams { folds: 5, seed: 42, l2: 0.0, learners: Learners::default() }
    }
}

/// DR-learner (Kennedy): three folds; in round `k` the outcome models are fitted on fold `k + 1`,
/// the doubly robust pseudo-outcome `(t − p)/(p(1 − p))·(y − μ_t(x)) + μ₁(x) − μ₀(x)` is regressed
/// on x in fold `k + 2` (fold `k` is the propensity part, unused when p is given). The effect is
/// the mean of the three effect models. The propensity `p` is as for [`XLearnerParams`].
///
/// The folds (0, 1, 2) are [`EffectData::folds`] or, without them, three unstratified folds from
/// `seed` ([`folds()`]).
///
/// With `classify` the outcome models are classifiers and the pseudo-outcome uses their
/// probabilities. causalml's `BaseDRClassifier` 0.18 calls the classifiers' `predict` there (class
/// labels, 0 or 1) and uses probabilities only when it reports the outcome models; we take the
/// probabilities throughout, which is the estimator as Kennedy defines it.
///
/// Errors: a treatment group with fewer than two rows; a fold id above 2, or a fold without two
/// treated and two control rows; those of the base learners and of the propensity model when it is
/// fitted here.
#[derive(Debug, Clone, PartialEq)]
pub struct DrLearnerParams {
    /// The seed of the folds when the data bring none.
    pub seed: u64,
    /// L2 penalty of the propensity model when it is fitted here.
    pub l2: f64,
    /// The base learners.
    pub learners: Learners,
}

impl Default for DrLearnerParams {
    fn default() -> Self {
        DrLearnerParams { seed: 42, l2: 0.0, learners: Learners::default() }
    }
}

/// The fit of the meta-learners.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaLearnerFit {
    /// The ATE (the mean of `cate`) with its analytic standard error.
    pub effect: Effect,
    /// The estimated effect for each row.
    pub cate: Vec<f64>,
    /// For the R-learner: the standard error as causalml 0.18 computes it (divided by n).
    pub se_causalml: Option<f64>,
    /// Propensities moved by clipping to [`CLIP`] (0 for the T-learner).
    pub n_clipped: usize,
}

impl EffectFit for MetaLearnerFit {
    fn effect(&self) -> &Effect {
        &self.effect
    }

    fn cate(&self) -> Option<&[f64]> {
        Some(&self.cate)
    }
}

impl Estimator for SLearnerParams {
    type Fit = MetaLearnerFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<MetaLearnerFit, Error> {
        s_fit(data.y, data.t, data.covariates, &self.learners)
    }
}

impl Estimator for TLearnerParams {
    type Fit = MetaLearnerFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<MetaLearnerFit, Error> {
        t_fit(data.y, data.t, data.covariates, &self.learners)
    }
}

/// The clipped propensity (shared or fitted with `l2`) and how many values clipping moved.
fn clipped(data: &EffectData<'_>, l2: f64) -> Result<(Vec<f64>, usize), Error> {
    count_groups(data.t)?;
    Ok(clip_propensity(&data.propensity_or_fit(l2)?.probabilities))
}

/// The data's folds, or `draw()`.
fn fold_ids<'a>(
    data: &EffectData<'a>,
    draw: impl FnOnce() -> Vec<usize>,
) -> std::borrow::Cow<'a, [usize]> {
    match data.folds {
        Some(f) => std::borrow::Cow::Borrowed(f),
        None => std::borrow::Cow::Owned(draw()),
    }
}

impl Estimator for XLearnerParams {
    type Fit = MetaLearnerFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<MetaLearnerFit, Error> {
        let (p, n_clipped) = clipped(data, self.l2)?;
        let fit = x_fit(data.y, data.t, data.covariates, &p, &self.learners)?;
        Ok(MetaLearnerFit { n_clipped, ..fit })
    }
}

impl Estimator for RLearnerParams {
    type Fit = MetaLearnerFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<MetaLearnerFit, Error> {
        let (p, n_clipped) = clipped(data, self.l2)?;
        let f = fold_ids(data, || folds(data.y.len(), self.folds, self.seed, Some(data.t)));
        let (fit, _) = r_fit(data.y, data.t, data.covariates, &p, &f, &self.learners)?;
        Ok(MetaLearnerFit { n_clipped, ..fit })
    }
}

impl Estimator for DrLearnerParams {
    type Fit = MetaLearnerFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<MetaLearnerFit, Error> {
        let (p, n_clipped) = clipped(data, self.l2)?;
        let f = fold_ids(data, || folds(data.y.len(), 3, self.seed, None));
        let (fit, _) = dr_fit(data.y, data.t, data.covariates, &p, &f, &self.learners)?;
        Ok(MetaLearnerFit { n_clipped, ..fit })
    }
}

/// `p` clipped to [`CLIP`], and how many values were moved.
pub fn clip_propensity(p: &[f64]) -> (Vec<f64>, usize) {
    let mut moved = 0;
    let out = p
        .iter()
        .map(|&v| {
            let c = v.clamp(CLIP.0, CLIP.1);
            moved += usize::from(c != v);
            c
        })
        .collect();
    (out, moved)
}

/// Fold ids `0..k` for `n` rows from a seed: rows shuffled (within each value of `strata` when
/// given, as a stratified split keeps both arms in every fold) and dealt round-robin.
///
/// The seeded shuffle is SplitMix64 + Fisher–Yates; it does not reproduce scikit-learn's
/// `KFold(shuffle=True, random_state=…)`. To reuse someone's exact folds, pass them as a column.
pub fn folds(n: usize, k: usize, seed: u64, strata: Option<&[f64]>) -> Vec<usize> {
    let mut rng = SplitMix64(seed);
    let mut out = vec![0; n];
    let mut groups: Vec<Vec<usize>> = match strata {
        None => vec![(0..n).collect()],
        Some(s) => {
            let mut g: Vec<(f64, Vec<usize>)> = Vec::new();
            for (i, &v) in s.iter().enumerate() {
                match g.iter_mut().find(|(key, _)| *key == v) {
                    Some((_, rows)) => rows.push(i),
                    None => g.push((v, vec![i])),
                }
            }
            g.sort_by(|a, b| a.0.total_cmp(&b.0));
            g.into_iter().map(|(_, rows)| rows).collect()
        }
    };
    let mut next = 0;
    for rows in &mut groups {
        for i in (1..rows.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        for &r in rows.iter() {
            out[r] = next % k.max(1);
            next += 1;
        }
    }
    out
}

/// A small, fast, seedable generator (Steele, Lea & Flood 2014).
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // Lemire's multiply-shift; the bias for n ≪ 2⁶⁴ is negligible here.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

fn arms(t: &[f64]) -> (Vec<usize>, Vec<usize>) {
    let mut treated = Vec::new();
    let mut control = Vec::new();
    for (i, &v) in t.iter().enumerate() {
        if v == 1.0 {
            treated.push(i);
        } else {
            control.push(i);
        }
    }
    (treated, control)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Population variance (ddof = 0), as numpy's `.var()`.
fn var(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let (n, s) = v.clone().fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    if n == 0 {
        return 0.0;
    }
    let m = s / n as f64;
    v.map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64
}

/// The common checks: both arms present, `p` (and `folds`) one per row.
fn checked(
    y: &[f64],
    t: &[f64],
    p: &[f64],
    folds: Option<&[usize]>,
) -> Result<(usize, usize, usize), Error> {
    let (n1, n0) = count_groups(t)?;
    let n = y.len();
    for (what, len) in [("propensities", Some(p.len())), ("fold ids", folds.map(<[usize]>::len))] {
        match len {
            Some(got) if got != n => return Err(Error::LengthMismatch { what, expected: n, got }),
            _ => {}
        }
    }
    Ok((n1, n0, n))
}

fn finish(
    cate: Vec<f64>,
    se: f64,
    n1: usize,
    n0: usize,
    se_causalml: Option<f64>,
) -> MetaLearnerFit {
    let ate = mean(&cate);
    let effect = Effect {
        estimand: Estimand::Ate,
        estimate: ate,
        std_error: se,
        n: cate.len(),
        n_treated: n1,
        n_control: n0,
    };
    MetaLearnerFit { effect, cate, se_causalml, n_clipped: 0 }
}

/// [`SLearnerParams`]' fit.
fn s_fit(y: &[f64], t: &[f64], x: &[&[f64]], l: &Learners) -> Result<MetaLearnerFit, Error> {
    let (n1, n0) = count_groups(t)?;
    let n = y.len();
    let (treated, control) = arms(t);
    let all: Vec<usize> = (0..n).collect();
    fn with<'a>(w: &'a [f64], x: &[&'a [f64]]) -> Vec<&'a [f64]> {
        let mut cols: Vec<&[f64]> = Vec::with_capacity(x.len() + 1);
        cols.push(w);
        cols.extend_from_slice(x);
        cols
    }
    let model = l.fit_outcome(&with(t, x), y, &all)?;
    let (ones, zeros) = (vec![1.0; n], vec![0.0; n]);
    let mu1 = model.predict_all(&with(&ones, x), n);
    let mu0 = model.predict_all(&with(&zeros, x), n);
    let cate: Vec<f64> = mu1.iter().zip(&mu0).map(|(a, b)| a - b).collect();
    let se = two_model_se(y, &treated, &control, &mu1, &mu0);
    Ok(finish(cate, se, n1, n0, None))
}

/// [`TLearnerParams`]' fit.
fn t_fit(y: &[f64], t: &[f64], x: &[&[f64]], l: &Learners) -> Result<MetaLearnerFit, Error> {
    let (n1, n0) = count_groups(t)?;
    let n = y.len();
    let (treated, control) = arms(t);
    let mu1 = l.fit_outcome(x, y, &treated)?.predict_all(x, n);
    let mu0 = l.fit_outcome(x, y, &control)?.predict_all(x, n);
    let cate: Vec<f64> = mu1.iter().zip(&mu0).map(|(a, b)| a - b).collect();
    let se = two_model_se(y, &treated, &control, &mu1, &mu0);
    Ok(finish(cate, se, n1, n0, None))
}

/// causalml's T/DR-learner standard error (the variance term is that of `μ₁ − μ₀`, which for the
/// DR-learner is not its effect model).
fn two_model_se(y: &[f64], treated: &[usize], control: &[usize], mu1: &[f64], mu0: &[f64]) -> f64 {
    let n = y.len() as f64;
    let pi = treated.len() as f64 / n;
    let v0 = var(control.iter().map(|&i| y[i] - mu0[i]));
    let v1 = var(treated.iter().map(|&i| y[i] - mu1[i]));
    let vt = var(mu1.iter().zip(mu0).map(|(a, b)| a - b));
    ((v0 / (1.0 - pi) + v1 / pi + vt) / n).sqrt()
}

/// [`XLearnerParams`]' fit on the clipped propensity `p`.
fn x_fit(
    y: &[f64],
    t: &[f64],
    x: &[&[f64]],
    p: &[f64],
    l: &Learners,
) -> Result<MetaLearnerFit, Error> {
    let (n1, n0, n) = checked(y, t, p, None)?;
    let (treated, control) = arms(t);
    let mu1 = l.fit_outcome(x, y, &treated)?.predict_all(x, n);
    let mu0 = l.fit_outcome(x, y, &control)?.predict_all(x, n);
    // Imputed effects, each defined on its own arm.
    let d: Vec<f64> =
        (0..n).map(|i| if t[i] == 1.0 { y[i] - mu0[i] } else { mu1[i] - y[i] }).collect();
    let tau1 = l.fit_effect(x, &d, &treated, None)?.predict_all(x, n);
    let tau0 = l.fit_effect(x, &d, &control, None)?.predict_all(x, n);
    let cate: Vec<f64> = (0..n).map(|i| p[i] * tau0[i] + (1.0 - p[i]) * tau1[i]).collect();
    let nf = n as f64;
    let pi = n1 as f64 / nf;
    let v1 = var(treated.iter().map(|&i| y[i] - mu1[i]));
    let v0 = var(control.iter().map(|&i| y[i] - mu0[i]));
    let se = ((v1 / pi + v0 / (1.0 - pi) + var(cate.iter().copied())) / nf).sqrt();
    Ok(finish(cate, se, n1, n0, None))
}

/// [`RLearnerParams`]' fit on the clipped propensity `p` and fold ids `folds`, with its effect
/// model (which predicts new rows).
pub(crate) fn r_fit(
    y: &[f64],
    t: &[f64],
    x: &[&[f64]],
    p: &[f64],
    folds: &[usize],
    l: &Learners,
) -> Result<(MetaLearnerFit, FittedLearner), Error> {
    let (n1, n0, n) = checked(y, t, p, Some(folds))?;
    let k = folds.iter().max().map_or(0, |m| m + 1);
    let mut m_hat = vec![f64::NAN; n];
    for fold in 0..k {
        let train: Vec<usize> = (0..n).filter(|&i| folds[i] != fold).collect();
        let test: Vec<usize> = (0..n).filter(|&i| folds[i] == fold).collect();
        if test.is_empty() {
            continue;
        }
        if train.len() < 2 {
            return Err(Error::BadFolds { detail: format!("fold {fold} holds every row") });
        }
        let fit = l.fit_outcome(x, y, &train)?;
        for (i, m) in test.iter().zip(fit.predict_rows(x, &test)) {
            m_hat[*i] = m;
        }
    }
    if k < 2 {
        return Err(Error::BadFolds { detail: "cross-fitting needs at least two folds".into() });
    }
    let target: Vec<f64> = (0..n).map(|i| (y[i] - m_hat[i]) / (t[i] - p[i])).collect();
    let weight: Vec<f64> = (0..n).map(|i| (t[i] - p[i]) * (t[i] - p[i])).collect();
    let all: Vec<usize> = (0..n).collect();
    let tau = l.fit_effect(x, &target, &all, Some(&weight))?;
    let cate = tau.predict_all(x, n);
    let (treated, control) = arms(t);
    let nf = n as f64;
    let pi = n1 as f64 / nf;
    let v1 = var(treated.iter().map(|&i| y[i] - m_hat[i]));
    let v0 = var(control.iter().map(|&i| y[i] - m_hat[i]));
    let s = (v1 / pi + v0 / (1.0 - pi) + var(cate.iter().copied())).sqrt();
    Ok((finish(cate, s / nf.sqrt(), n1, n0, Some(s / nf)), tau))
}

/// [`DrLearnerParams`]' fit on the clipped propensity `p` and fold ids `folds` (0, 1, 2), with
/// its three effect models (their mean predicts new rows).
pub(crate) fn dr_fit(
    y: &[f64],
    t: &[f64],
    x: &[&[f64]],
    p: &[f64],
    folds: &[usize],
    l: &Learners,
) -> Result<(MetaLearnerFit, Vec<FittedLearner>), Error> {
    let (n1, n0, n) = checked(y, t, p, Some(folds))?;
    if let Some(&bad) = folds.iter().find(|&&f| f > 2) {
        return Err(Error::BadFolds {
            detail: format!("the DR-learner uses three folds (0, 1, 2), found fold {bad}"),
        });
    }
    let mut cate = vec![0.0; n];
    let mut mu1 = vec![0.0; n];
    let mut mu0 = vec![0.0; n];
    let mut taus = Vec::with_capacity(3);
    for k in 0..3 {
        let fold_rows = |f: usize, arm: Option<f64>| -> Vec<usize> {
            (0..n).filter(|&i| folds[i] == f && arm.is_none_or(|a| t[i] == a)).collect()
        };
        let out = (k + 1) % 3;
        let tau = (k + 2) % 3;
        let (o1, o0) = (fold_rows(out, Some(1.0)), fold_rows(out, Some(0.0)));
        if o1.len() < 2 || o0.len() < 2 {
            return Err(Error::BadFolds {
                detail: format!("fold {out} needs at least two treated and two control rows"),
            });
        }
        let m1 = l.fit_outcome(x, y, &o1)?;
        let m0 = l.fit_outcome(x, y, &o0)?;
        let tau_rows = fold_rows(tau, None);
        let mut pseudo = vec![0.0; n];
        let (a1, b0) = (m1.predict_rows(x, &tau_rows), m0.predict_rows(x, &tau_rows));
        for ((&i, a), b) in tau_rows.iter().zip(a1).zip(b0) {
            let (w, pi) = (t[i], p[i]);
            pseudo[i] = (w - pi) / pi / (1.0 - pi) * (y[i] - a * w - b * (1.0 - w)) + a - b;
        }
        let tk = l.fit_effect(x, &pseudo, &tau_rows, None)?;
        let add = |acc: &mut [f64], v: Vec<f64>| {
            acc.iter_mut().zip(v).for_each(|(a, v)| *a += v / 3.0);
        };
        add(&mut cate, tk.predict_all(x, n));
        add(&mut mu1, m1.predict_all(x, n));
        add(&mut mu0, m0.predict_all(x, n));
        taus.push(tk);
    }
    let (treated, control) = arms(t);
    let se = two_model_se(y, &treated, &control, &mu1, &mu0);
    Ok((finish(cate, se, n1, n0, None), taus))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn folds_of_another_length_are_a_length_mismatch() {
        let x: Vec<f64> = (0..20).map(|i| f64::from(i % 7)).collect();
        let t: Vec<f64> = (0..20).map(|i| f64::from(i % 2)).collect();
        let y: Vec<f64> = (0..20).map(|i| x[i] + t[i]).collect();
        let (cols, names) = ([&x[..]], ["x".to_string()]);
        let folds = [0usize, 1].repeat(9);
        let data = EffectData::new(&y, &t).with_covariates(&cols, &names).with_folds(&folds);
        let err = RLearnerParams::default().fit(&data).unwrap_err();
        assert_eq!(err, Error::LengthMismatch { what: "fold ids", expected: 20, got: 18 });
        assert_eq!(err.to_string(), "18 fold ids were given for 20 rows");
    }
}
