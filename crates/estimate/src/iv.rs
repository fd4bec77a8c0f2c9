//! Two-stage least squares with one endogenous treatment, one or more instruments and exogenous
//! covariates, as `linearmodels.IV2SLS` (and causalml's `IVRegressor`) fit it.
//!
//! By Frisch–Waugh–Lovell the coefficient of the treatment `d` is `Σ r̃ᵢ yᵢ / Σ r̃ᵢ²`, where `d̂` is the
//! first-stage fit of `d` on `[1, W, Z]` and `r̃` is `d̂` with `[1, W]` partialled out. Residuals
//! are structural: `e = y − β d − [1, W] γ`, with the observed `d`.
//!
//! Standard errors of β:
//! * `robust` (the reported one, linearmodels' default): `√(Σ r̃² e²) / Σ r̃²` (HC0);
//! * `unadjusted` (linearmodels): `√(σ² / Σ r̃²)` with `σ² = Σ e² / n`;
//! * `small-sample` (causalml / statsmodels' `IV2SLS`): the same with `σ² = Σ e² / (n − k)`.
//!
//! The first-stage partial F statistic tests the instruments in the first stage:
//! `((RSS_W − RSS_WZ) / q) / (RSS_WZ / n)`, the Wald form linearmodels reports with unadjusted
//! covariance. With no covariates and one binary instrument the estimate is the Wald ratio
//! `(E[y|z=1] − E[y|z=0]) / (E[d|z=1] − E[d|z=0])`, DoWhy's `iv.instrumental_variable`.

use crate::estimator::{Effect, EffectData, EffectFit, Estimator};
use crate::{Error, Estimand, Robust, ols};

/// Below this first-stage F the instruments are weak (Staiger & Stock's rule of thumb).
pub const WEAK_F: f64 = 10.0;

/// Two-stage least squares: `y = c + β t + W γ + e` with [`EffectData::instruments`] for the
/// treatment `t` (any numeric treatment) and the covariates as the exogenous `W`; see the module
/// documentation.
///
/// Errors: no instrument; collinear or constant columns in the first stage (named by the
/// covariate and instrument names); an instrument that does not move the treatment at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TwoSlsParams {}

/// The fit of [`TwoSlsParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct TwoSlsFit {
    /// The treatment coefficient with its robust (HC0) standard error; `n_treated` and
    /// `n_control` count the rows with `t` = 1 and 0.
    pub effect: Effect,
    /// Standard error with homoskedastic errors, σ² = RSS / n.
    pub se_unadjusted: f64,
    /// Standard error with homoskedastic errors, σ² = RSS / (n − k).
    pub se_small_sample: f64,
    /// First-stage partial F statistic of the instruments.
    pub first_stage_f: f64,
}

impl TwoSlsFit {
    /// The first-stage F is below [`WEAK_F`].
    pub fn weak_instruments(&self) -> bool {
        self.first_stage_f < WEAK_F
    }
}

impl EffectFit for TwoSlsFit {
    fn effect(&self) -> &Effect {
        &self.effect
    }
}

impl Estimator for TwoSlsParams {
    type Fit = TwoSlsFit;

    fn fit(&self, data: &EffectData<'_>) -> Result<TwoSlsFit, Error> {
        // Covariates with missing names would take instruments' names: pad them.
        let names: Vec<String> = (0..data.covariates.len())
            .map(|j| data.covariate_names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1)))
            .chain(data.instrument_names.iter().cloned())
            .collect();
        two_sls_fit(data.y, data.t, data.covariates, data.instruments, &names)
    }
}

/// [`TwoSlsParams`]' fit; `names` label `W` then `Z`.
fn two_sls_fit(
    y: &[f64],
    d: &[f64],
    exog: &[&[f64]],
    instruments: &[&[f64]],
    names: &[String],
) -> Result<TwoSlsFit, Error> {
    if instruments.is_empty() {
        return Err(Error::NoInstrument);
    }
    let n = y.len();
    let nf = n as f64;
    let q = instruments.len();
    let mut first_x: Vec<&[f64]> = exog.to_vec();
    first_x.extend_from_slice(instruments);
    let first = ols(d, &first_x, names, Robust::Only(usize::MAX))?;
    let d_hat: Vec<f64> = (0..n)
        .map(|i| {
            first.intercept + first.coef.iter().zip(&first_x).map(|(b, c)| b * c[i]).sum::<f64>()
        })
        .collect();
    // Partial out [1, W].
    let partial = |v: &[f64]| -> Result<(Vec<f64>, f64), Error> {
        if exog.is_empty() {
            let m = v.iter().sum::<f64>() / nf;
            let r: Vec<f64> = v.iter().map(|x| x - m).collect();
            let rss = r.iter().map(|x| x * x).sum();
            return Ok((r, rss));
        }
        let fit = ols(v, exog, names, Robust::Only(usize::MAX))?;
        let r: Vec<f64> = (0..n)
            .map(|i| {
                v[i] - fit.intercept - fit.coef.iter().zip(exog).map(|(b, c)| b * c[i]).sum::<f64>()
            })
            .collect();
        Ok((r, fit.rss))
    };
    let (r, _) = partial(&d_hat)?;
    let srr: f64 = r.iter().map(|x| x * x).sum();
    let (_, rss_restricted) = partial(d)?;
    if !(srr > 1e-12 * rss_restricted.max(f64::MIN_POSITIVE)) {
        return Err(Error::IrrelevantInstrument);
    }
    let beta = r.iter().zip(y).map(|(r, y)| r * y).sum::<f64>() / srr;
    let y_rest: Vec<f64> = y.iter().zip(d).map(|(y, d)| y - beta * d).collect();
    let (e, rss) = partial(&y_rest)?;
    let k = exog.len() + 2;
    let se_unadjusted = (rss / nf / srr).sqrt();
    let se_small_sample = if n > k { (rss / (n - k) as f64 / srr).sqrt() } else { f64::NAN };
    let meat: f64 = r.iter().zip(&e).map(|(r, e)| r * r * e * e).sum();
    let se = meat.sqrt() / srr;
    let first_stage_f = ((rss_restricted - first.rss) / q as f64) / (first.rss / nf);
    let n1 = d.iter().filter(|&&v| v == 1.0).count();
    let n0 = d.iter().filter(|&&v| v == 0.0).count();
    Ok(TwoSlsFit {
        effect: Effect {
            estimand: Estimand::Late,
            estimate: beta,
            std_error: se,
            n,
            n_treated: n1,
            n_control: n0,
        },
        se_unadjusted,
        se_small_sample,
        first_stage_f,
    })
}
