//! What the report shows beside the effects: the bootstrap summary, the overlap histograms and
//! covariate balance.

use std::borrow::Cow;

use crate::{Balance, BalanceRow, BootstrapSummary, EstimandChoice, Options, Overlap};

/// Bins of the overlap histogram on [0, 1].
const OVERLAP_BINS: usize = 20;

pub(super) fn summarize_bootstrap(mut reps: Vec<f64>, alpha: f64) -> Option<BootstrapSummary> {
    if reps.len() < 2 {
        return None;
    }
    reps.sort_by(f64::total_cmp);
    let n = reps.len();
    let mean = reps.iter().sum::<f64>() / n as f64;
    let sd = (reps.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt();
    // numpy's default ("linear") percentile.
    let q = |p: f64| {
        let h = (n - 1) as f64 * p;
        let (lo, frac) = (h.floor() as usize, h - h.floor());
        reps[lo] + frac * (reps[(lo + 1).min(n - 1)] - reps[lo])
    };
    Some(BootstrapSummary {
        replications: n,
        std_error: sd,
        ci_low: q(alpha / 2.0),
        ci_high: q(1.0 - alpha / 2.0),
    })
}

pub(super) fn overlap(ps: &[f64], t: &[f64], arm: Option<String>) -> Overlap {
    let edges: Vec<f64> = (0..=OVERLAP_BINS).map(|i| i as f64 / OVERLAP_BINS as f64).collect();
    let mut treated = vec![0; OVERLAP_BINS];
    let mut control = vec![0; OVERLAP_BINS];
    for (&p, &ti) in ps.iter().zip(t) {
        let b = ((p * OVERLAP_BINS as f64) as usize).min(OVERLAP_BINS - 1);
        if ti == 1.0 {
            treated[b] += 1;
        } else {
            control[b] += 1;
        }
    }
    Overlap { arm, edges, treated, control }
}

/// Standardized mean differences: (m₁ − m₀) / √((s₁² + s₀²)/2), the denominator always from the
/// unadjusted sample (as cobalt and causalml's `create_table_one` do).
pub(super) fn balance(
    t: &[f64],
    covariates: &[Cow<'_, [f64]>],
    names: &[String],
    ps: &[f64],
    matches: Option<&[Option<usize>]>,
    options: &Options,
    arm: Option<String>,
) -> Balance {
    let n = t.len();
    let ipw_w: Vec<f64> = (0..n)
        .map(|i| {
            let p = ps[i];
            match (options.estimand, t[i] == 1.0) {
                (EstimandChoice::Ate, true) => 1.0 / p,
                (EstimandChoice::Ate, false) => 1.0 / (1.0 - p),
                (EstimandChoice::Att, true) => 1.0,
                (EstimandChoice::Att, false) => p / (1.0 - p),
            }
        })
        .collect();
    // Matched sample: each matched treated unit once, each control as often as it is used.
    let match_w: Option<Vec<f64>> = matches.map(|m| {
        let mut w = vec![0.0; n];
        for (i, c) in m.iter().enumerate() {
            if let Some(c) = c {
                w[i] += 1.0;
                w[*c] += 1.0;
            }
        }
        w
    });
    // One pass per weighting gives both arms' weighted means.
    let means = |x: &[f64], w: Option<&[f64]>| {
        let (mut a, mut b) = ([0.0; 2], [0.0; 2]); // [Σw, Σwx] of treated, control
        for i in 0..n {
            let wi = w.map_or(1.0, |w| w[i]);
            let acc = if t[i] == 1.0 { &mut a } else { &mut b };
            acc[0] += wi;
            acc[1] += wi * x[i];
        }
        (a[1] / a[0], b[1] / b[0])
    };
    let rows = covariates
        .iter()
        .zip(names)
        .map(|(x, name)| {
            let (m1, m0) = means(x, None);
            // Arm variances about the arm means (second pass, no cancellation).
            let (mut ss, mut cnt) = ([0.0; 2], [0.0; 2]);
            for i in 0..n {
                let (k, m) = if t[i] == 1.0 { (0, m1) } else { (1, m0) };
                ss[k] += (x[i] - m) * (x[i] - m);
                cnt[k] += 1.0;
            }
            let sd = ((ss[0] / cnt[0] + ss[1] / cnt[1]) / 2.0).sqrt();
            let smd = |(a, b): (f64, f64)| if sd > 0.0 { Some((a - b) / sd) } else { None };
            BalanceRow {
                covariate: name.clone(),
                smd_before: smd((m1, m0)).unwrap_or(0.0),
                smd_weighted: smd(means(x, Some(&ipw_w))).filter(|v| v.is_finite()),
                smd_matched: match_w
                    .as_ref()
                    .and_then(|w| smd(means(x, Some(w))))
                    .filter(|v| v.is_finite()),
            }
        })
        .collect();
    Balance { arm, rows }
}
