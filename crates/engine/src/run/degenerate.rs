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
/// Rows the check looks at first (evenly spaced). A reproduction is exact row by row, so it shows
/// in any sample; only then is it confirmed on every row. The common case costs a least-squares
/// pass over this many rows, not over the whole table.
const SAMPLE_ROWS: usize = 20_000;

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
    let full: Vec<&[f64]> = std::iter::once(t).chain(covariates.iter().map(|c| &c[..])).collect();
    // Evenly spaced rows, when there are many; the check and the naming run on them.
    let n = y.len();
    let step = (n / SAMPLE_ROWS).max(1);
    let pick = |v: &[f64]| -> Vec<f64> { v.iter().step_by(step).copied().collect() };
    let sampled: Option<(Vec<f64>, Vec<Vec<f64>>)> =
        (step > 1).then(|| (pick(y), full.iter().map(|c| pick(c)).collect()));
    let (ys, cols): (&[f64], Vec<&[f64]>) = match &sampled {
        Some((ys, cs)) => (ys, cs.iter().map(|c| &c[..]).collect()),
        None => (y, full.clone()),
    };
    let left_exact =
        |y: &[f64], cols: &[&[f64]]| unexplained(y, cols).filter(|u| *u <= 1.0 - MAX_R2);
    let exact = |y: &[f64], cols: &[&[f64]]| left_exact(y, cols).is_some();
    // The sample's fit, then (only when it is exact and was a sample) the one on every row.
    let left = left_exact(ys, &cols)?;
    let left = if step > 1 { left_exact(y, &full)? } else { left };
    if exact(ys, &cols[..1]) {
        return Some(format!(
            "the outcome `{outcome}` has one value among the treated and one among the controls: with no variation within the groups no interval can be trusted"
        ));
    }
    let essential: Vec<String> = if names.len() <= MAX_NAMED {
        (0..names.len())
            .filter(|&j| {
                let without: Vec<&[f64]> =
                    cols.iter().enumerate().filter(|(k, _)| *k != j + 1).map(|(_, c)| *c).collect();
                !exact(ys, &without)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// 50,000 rows: the check looks at every second row first.
    #[test]
    fn a_reproduction_is_found_from_a_sample_and_confirmed_on_every_row() {
        let n = 50_000;
        let t: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        let a: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| ((i * 7919) % 53) as f64 / 7.0).collect();
        let names = ["a".to_string(), "b".to_string()];
        let cov = [Cow::Borrowed(&a[..]), Cow::Borrowed(&b[..])];
        let y: Vec<f64> = (0..n).map(|i| a[i] - b[i]).collect();
        let why = reproduced_outcome("y", &y, &t, &cov, &names).unwrap();
        assert!(why.contains("`a`, `b` together give it"), "{why}");
        // Exact on the sampled rows only: not a reproduction.
        let mut off = y.clone();
        off[1] += 5.0;
        assert_eq!(reproduced_outcome("y", &off, &t, &cov, &names), None);
        // Noise everywhere: none either.
        let noisy: Vec<f64> = (0..n).map(|i| y[i] + ((i * 31) % 17) as f64).collect();
        assert_eq!(reproduced_outcome("y", &noisy, &t, &cov, &names), None);
    }
}
