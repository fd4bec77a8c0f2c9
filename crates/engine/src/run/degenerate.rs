//! Fits that cannot give a valid interval: covariates that reproduce the outcome (a column
//! computed from it, or measured after it), and standard errors of exactly zero.
//!
//! Both make every outcome-model method report its effect with a zero-width interval, which reads
//! as a precise answer. They are refused, naming the columns, instead of being shown as numbers.

use std::borrow::Cow;

use cf_estimate::Linear;

/// An outcome model this close to a perfect fit is taken as a reproduction of the outcome.
pub(super) const MAX_R2: f64 = 1.0 - 1e-9;
/// Most covariates refitted without one another to find those that reproduce the outcome.
const MAX_NAMED: usize = 60;

/// 1 − R² of `y` on `[1, columns]` (least squares; dependent columns dropped); `None` when `y`
/// does not vary or the fit fails.
fn unexplained(y: &[f64], columns: &[&[f64]]) -> Option<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let total: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    if !(total > 0.0) {
        return None;
    }
    let fit = Linear::fit(columns, y, None, None).ok()?;
    let pred = fit.predict_all(columns, n);
    let resid: f64 = y.iter().zip(&pred).map(|(a, b)| (a - b) * (a - b)).sum();
    Some(resid / total)
}

/// Why the outcome models of this comparison would be degenerate: the treatment and covariates
/// reproduce the outcome (R² ≥ [`MAX_R2`]). The message names the covariates without which the
/// fit is no longer perfect.
pub(super) fn reproduced_outcome(
    outcome: &str,
    y: &[f64],
    t: &[f64],
    covariates: &[Cow<'_, [f64]>],
    names: &[String],
) -> Option<String> {
    let mut columns: Vec<&[f64]> = vec![t];
    columns.extend(covariates.iter().map(|c| &c[..]));
    let left = unexplained(y, &columns)?;
    if left > 1.0 - MAX_R2 {
        return None;
    }
    if unexplained(y, &[t]).is_some_and(|u| u <= 1.0 - MAX_R2) {
        return Some(format!(
            "the outcome `{outcome}` has one value among the treated and one among the controls: with no variation within the groups no interval can be trusted"
        ));
    }
    let essential: Vec<String> = if names.len() <= MAX_NAMED {
        (0..names.len())
            .filter(|&j| {
                let without: Vec<&[f64]> = std::iter::once(t)
                    .chain(
                        covariates.iter().enumerate().filter(|(k, _)| *k != j).map(|(_, c)| &c[..]),
                    )
                    .collect();
                unexplained(y, &without).is_some_and(|u| u > 1.0 - MAX_R2)
            })
            .map(|j| format!("`{}`", names[j]))
            .collect()
    } else {
        Vec::new()
    };
    let which = match essential.len() {
        0 => "a combination of the covariates gives it".to_string(),
        1 => format!("{} gives it", essential[0]),
        _ => format!("{} together give it", essential.join(", ")),
    };
    Some(format!(
        "the covariates reproduce the outcome `{outcome}` exactly (R² = 1 − {left:.0e}): {which}, so the model's residuals are zero and no interval can be trusted. Leave out columns computed from the outcome or measured after the treatment"
    ))
}

/// The refusal of a result whose standard error is exactly zero.
pub(super) const ZERO_SE: &str = "the standard error is exactly 0, so the interval has no width and the number cannot be trusted (do the covariates reproduce the outcome, or does it not vary?)";
