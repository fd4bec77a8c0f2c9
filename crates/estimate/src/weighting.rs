//! The weighting estimators: inverse probability weighting and its augmented (doubly robust)
//! form, both on the logistic propensity model of [`crate::logistic_l2`].

use crate::estimator::{Effect, EffectData, EffectFit, Estimator};
use crate::linear::Linear;
use crate::logistic::UnitDesign;
use crate::{Error, Estimand, LogisticFit, count_groups, linalg};

/// Inverse probability weighting with normalized (Hajek) weights.
///
/// The propensity `P(t = 1 | X)` is a logistic regression on the covariates (plus an
/// intercept), the shared [`EffectData::propensity`] or, without one, fitted here with penalty
/// `l2` ([`logistic_l2`](crate::logistic_l2)). ATE weights treated rows by 1/p and control rows by 1/(1 − p); ATT
/// weights control rows by p/(1 − p). Each arm's weights are normalized to sum to one.
///
/// Rows with p outside [`trim`, 1 − `trim`] are left out (no trimming when 0); the propensity
/// model is fitted on all rows first.
///
/// The standard error comes from the estimator's influence function including the term for the
/// estimated propensity model (Lunceford & Davidian 2004), i.e. the sandwich of the stacked
/// estimating equations. DoWhy's `propensity_score_weighting`.
///
/// Errors: those of [`logistic_l2`](crate::logistic_l2) (when fitting its own model), a treatment group with fewer
/// than two rows, `trim` outside [0, 0.5), or trimming that empties a group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IpwParams {
    /// ATE or ATT ([`Estimand::Late`] counts as the ATE).
    pub estimand: Estimand,
    /// Leave out rows with a propensity outside [trim, 1 − trim] (0: keep all).
    pub trim: f64,
    /// L2 penalty of the propensity model when it is fitted here (0: maximum likelihood).
    pub l2: f64,
}

impl Default for IpwParams {
    fn default() -> Self {
        IpwParams { estimand: Estimand::Ate, trim: 0.0, l2: 0.0 }
    }
}

/// Augmented inverse probability weighting (doubly robust) with linear outcome models.
///
/// The propensity is that of [`IpwParams`] (unclipped; rows outside [`trim`, 1 − `trim`] are
/// left out); `μ₁`, `μ₀` are least-squares fits of y on `[1, X]` in each arm (no cross-fitting).
///
/// * ATE: mean of `ψᵢ = μ₁(xᵢ) − μ₀(xᵢ) + tᵢ(yᵢ − μ₁(xᵢ))/pᵢ − (1 − tᵢ)(yᵢ − μ₀(xᵢ))/(1 − pᵢ)`;
/// * ATT: `Σ [tᵢ − (1 − tᵢ) pᵢ/(1 − pᵢ)] (yᵢ − μ₀(xᵢ)) / N₁` (Moodie et al. 2018).
///
/// The standard error is that of the efficient influence function, `√(Σ (ψᵢ − θ)²) / n` (for the
/// ATT, with `ψ` scaled by n/N₁); its estimating equation is orthogonal to both models, so their
/// estimation adds no first-order term.
///
/// Errors: those of [`IpwParams`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AipwParams {
    /// ATE or ATT ([`Estimand::Late`] counts as the ATE).
    pub estimand: Estimand,
    /// Leave out rows with a propensity outside [trim, 1 − trim] (0: keep all).
    pub trim: f64,
    /// L2 penalty of the propensity model when it is fitted here (0: maximum likelihood).
    pub l2: f64,
}

impl Default for AipwParams {
    fn default() -> Self {
        AipwParams { estimand: Estimand::Ate, trim: 0.0, l2: 0.0 }
    }
}

/// The fit of [`IpwParams`] or [`AipwParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct WeightingFit {
    /// The effect over the rows kept.
    pub effect: Effect,
    /// Rows left out by trimming.
    pub n_trimmed: usize,
    /// The propensity model, when the estimator fitted it (`None` when it was shared through
    /// [`EffectData::propensity`]).
    pub propensity: Option<LogisticFit>,
}

impl EffectFit for WeightingFit {
    fn effect(&self) -> &Effect {
        &self.effect
    }
}

/// The checks the weighting estimators make before they need the propensity model.
fn check(t: &[f64], trim: f64) -> Result<(), Error> {
    if !(0.0..0.5).contains(&trim) {
        return Err(Error::InvalidTrim(trim));
    }
    count_groups(t)?;
    Ok(())
}

/// Runs `effect` on the shared propensity model or one fitted with `l2`.
fn weighting_fit(
    data: &EffectData<'_>,
    trim: f64,
    l2: f64,
    effect: impl FnOnce(&LogisticFit) -> Result<(Effect, usize), Error>,
) -> Result<WeightingFit, Error> {
    check(data.t, trim)?;
    let model = data.propensity_or_fit(l2)?;
    let (effect, n_trimmed) = effect(&model)?;
    let propensity = match model {
        std::borrow::Cow::Owned(m) => Some(m),
        std::borrow::Cow::Borrowed(_) => None,
    };
    Ok(WeightingFit { effect, n_trimmed, propensity })
}

impl Estimator for IpwParams {
    type Fit = WeightingFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<WeightingFit, Error> {
        weighting_fit(data, self.trim, self.l2, |m| ipw_effect(data, self, m))
    }
}

impl Estimator for AipwParams {
    type Fit = WeightingFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<WeightingFit, Error> {
        weighting_fit(data, self.trim, self.l2, |m| aipw_effect(data, self, m))
    }
}

/// IPW's effect and the number of rows trimmed, on the propensity model `fit`.
fn ipw_effect(
    data: &EffectData<'_>,
    params: &IpwParams,
    fit: &LogisticFit,
) -> Result<(Effect, usize), Error> {
    let (y, t, covariates, names) = (data.y, data.t, data.covariates, data.covariate_names);
    let IpwParams { estimand, trim, l2 } = *params;
    let estimand = if estimand == Estimand::Att { Estimand::Att } else { Estimand::Ate };
    let ps = &fit.probabilities;
    let Hajek { keep, used, k1, k0, a1, a0, mu1, mu0 } = hajek(y, t, ps, None, estimand, trim)?;
    let (k1, k0) = (k1 as usize, k0 as usize);
    let estimate = mu1 - mu0;
    let (w1, w0): (Vec<f64>, Vec<f64>) = t
        .iter()
        .zip(ps)
        .zip(&keep)
        .map(|((&ti, &p), &k)| if k { arm_weights(estimand, ti, p) } else { (0.0, 0.0) })
        .unzip();
    let nf = t.len() as f64;

    // Influence function: φᵢ + H' I⁻¹ sᵢ, with sᵢ = (tᵢ − pᵢ) xᵢ the propensity score and
    // H = E[∂φ/∂β] (trimmed rows have φ = 0 and do not move with β).
    // Column-wise, with the intercept as a column of ones and the covariates centred and scaled
    // (the influence function is invariant to that, the arithmetic is not).
    let k = covariates.len() + 1;
    let name = |j: usize| names.get(j).cloned().unwrap_or_default();
    let design = UnitDesign::new(t.len(), covariates, &name)?;
    let cols = design.columns();
    let root_w: Vec<f64> = ps.iter().map(|p| (p * (1.0 - p)).sqrt()).collect();
    let mut info = design.gram(Some(&root_w)).div_scalar(nf);
    // The penalized score adds −l2·β to the slopes' equations, so l2/n to their information.
    for j in 1..k {
        info[(j, j)] += l2 / nf;
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
        return Err(Error::SingularInformation);
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
    let effect = Effect { estimand, estimate, std_error, n: used, n_treated: k1, n_control: k0 };
    Ok((effect, t.len() - used))
}

/// IPW's point estimate alone, as [`IpwParams`] computes it, on the propensities `ps`, with
/// the rows counted `freq` times when given (a bootstrap resample's counts, 0/1 for a subset):
/// what a refutation test's replication needs, with no standard error.
///
/// # Errors
/// [`Error::NothingLeft`] when trimming (or the weights) leave fewer than two rows in an arm.
pub fn ipw_estimate(
    y: &[f64],
    t: &[f64],
    ps: &[f64],
    freq: Option<&[f64]>,
    params: &IpwParams,
) -> Result<f64, Error> {
    let estimand = if params.estimand == Estimand::Att { Estimand::Att } else { Estimand::Ate };
    let h = hajek(y, t, ps, freq, estimand, params.trim)?;
    Ok(h.mu1 - h.mu0)
}

/// The unnormalized weights (treated, control) of a row with treatment `t` and propensity `p`.
fn arm_weights(estimand: Estimand, t: f64, p: f64) -> (f64, f64) {
    match estimand {
        Estimand::Ate | Estimand::Late => (t / p, (1.0 - t) / (1.0 - p)),
        Estimand::Att => (t, (1.0 - t) * p / (1.0 - p)),
    }
}

/// The rows IPW keeps and its weighted means of each arm.
struct Hajek {
    keep: Vec<bool>,
    used: usize,
    /// Rows kept in each arm (counted `freq` times).
    k1: f64,
    k0: f64,
    /// Each arm's mean weight over all rows, and its weighted mean outcome.
    a1: f64,
    a0: f64,
    mu1: f64,
    mu0: f64,
}

/// [`Hajek`] of the rows with a propensity inside [`trim`, 1 − `trim`], each counted `freq`
/// times when given. Every sum runs over the rows in order.
fn hajek(
    y: &[f64],
    t: &[f64],
    ps: &[f64],
    freq: Option<&[f64]>,
    estimand: Estimand,
    trim: f64,
) -> Result<Hajek, Error> {
    let keep: Vec<bool> = ps.iter().map(|&p| p >= trim && p <= 1.0 - trim).collect();
    let (mut k1, mut k0, mut nf) = (0.0, 0.0, 0.0);
    let (mut s1, mut s0, mut sy1, mut sy0) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..t.len() {
        let f = freq.map_or(1.0, |f| f[i]);
        nf += f;
        if !keep[i] {
            continue;
        }
        if t[i] == 1.0 {
            k1 += f;
        } else {
            k0 += f;
        }
        let (mut w1, mut w0) = arm_weights(estimand, t[i], ps[i]);
        if let Some(f) = freq {
            w1 *= f[i];
            w0 *= f[i];
        }
        s1 += w1;
        s0 += w0;
        sy1 += w1 * y[i];
        sy0 += w0 * y[i];
    }
    let used = keep.iter().filter(|&&k| k).count();
    if k1 < 2.0 || k0 < 2.0 {
        return Err(Error::NothingLeft { trimmed: t.len() - used });
    }
    let (a1, a0) = (s1 / nf, s0 / nf);
    Ok(Hajek { keep, used, k1, k0, a1, a0, mu1: sy1 / (a1 * nf), mu0: sy0 / (a0 * nf) })
}

/// AIPW's effect and the number of rows trimmed, on the propensity model `fit`.
fn aipw_effect(
    data: &EffectData<'_>,
    params: &AipwParams,
    fit: &LogisticFit,
) -> Result<(Effect, usize), Error> {
    let (y, t, covariates) = (data.y, data.t, data.covariates);
    let AipwParams { estimand, trim, .. } = *params;
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
    let effect = Effect {
        estimand,
        estimate: theta,
        std_error,
        n: keep.len(),
        n_treated: treated.len(),
        n_control: control.len(),
    };
    Ok((effect, t.len() - keep.len()))
}
