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
            let (m1, m0, sd) = arm_means_sd(t, x);
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

/// The treated and control means of `x` and the standardized mean difference's denominator
/// `√((s₁² + s₀²)/2)`, with the arm variances about the arm means (divisor `n`; a second pass, no
/// cancellation): the balance table's definition.
pub(crate) fn arm_means_sd(t: &[f64], x: &[f64]) -> (f64, f64, f64) {
    let (mut sum, mut cnt) = ([0.0; 2], [0.0; 2]); // treated, control
    for (&ti, &xi) in t.iter().zip(x) {
        let k = usize::from(ti != 1.0);
        sum[k] += xi;
        cnt[k] += 1.0;
    }
    let (m1, m0) = (sum[0] / cnt[0], sum[1] / cnt[1]);
    let mut ss = [0.0; 2];
    for (&ti, &xi) in t.iter().zip(x) {
        let (k, m) = if ti == 1.0 { (0, m1) } else { (1, m0) };
        ss[k] += (xi - m) * (xi - m);
    }
    (m1, m0, ((ss[0] / cnt[0] + ss[1] / cnt[1]) / 2.0).sqrt())
}

/// A row whose propensity for its own group (p for a treated row, 1 − p for a control) is below
/// this has an inverse-propensity weight of 100 or more: an extreme weight.
pub(crate) const EXTREME_PROPENSITY: f64 = 0.01;

/// A weighting estimate is flagged as not to be trusted when rows with extreme weights carry
/// more than this share of one group's total weight.
///
/// The rule: with inverse-propensity weights (the estimand's: `1/p` and `1/(1 − p)` for the ATE,
/// `1` and `p/(1 − p)` for the ATT; the propensities the method itself uses, clipped for the
/// DR-learner, trimmed rows left out for IPW and AIPW), sum the weight of each group and the
/// part of it carried by rows with extreme weights. Above 10 % in either group, a handful of
/// rows (whose outcomes can be anything) decide the estimate, and its standard error, which
/// treats the propensities as accurate, understates how far off it can be. In a randomized
/// experiment no row has an extreme weight and the share is 0.
pub(crate) const EXTREME_WEIGHT_SHARE: f64 = 0.1;

/// The share of a group's weight carried by rows with extreme weights: the larger of the two.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WeightShare {
    /// Share in [0, 1].
    pub(crate) share: f64,
    /// The group it is in: treated (true) or control.
    pub(crate) treated: bool,
    /// Rows with extreme weights in that group.
    pub(crate) rows: usize,
}

/// The [`WeightShare`] of propensities `p` (rows outside [`trim`, 1 − `trim`] left out, as the
/// weighting estimators do when `trim` > 0); `None` when a group has no weight.
pub(crate) fn extreme_weight_share(
    p: &[f64],
    t: &[f64],
    att: bool,
    trim: f64,
) -> Option<WeightShare> {
    // [total, extreme] weight and extreme rows, of the treated and the control.
    let (mut total, mut extreme, mut rows) = ([0.0_f64; 2], [0.0_f64; 2], [0_usize; 2]);
    for (&p, &ti) in p.iter().zip(t) {
        if !p.is_finite() || (trim > 0.0 && (p < trim || p > 1.0 - trim)) {
            continue;
        }
        let treated = ti == 1.0;
        let own = if treated { p } else { 1.0 - p };
        let w = match (att, treated) {
            (false, _) => 1.0 / own,
            (true, true) => 1.0,
            (true, false) => p / own,
        };
        if !w.is_finite() {
            continue;
        }
        let k = usize::from(!treated);
        total[k] += w;
        // For the ATT the treated weigh 1 each: only controls can carry extreme weights.
        if own < EXTREME_PROPENSITY && !(att && treated) {
            extreme[k] += w;
            rows[k] += 1;
        }
    }
    if !(total[0] > 0.0 && total[1] > 0.0) {
        return None;
    }
    let share = [extreme[0] / total[0], extreme[1] / total[1]];
    let k = usize::from(share[1] > share[0]);
    Some(WeightShare { share: share[k], treated: k == 0, rows: rows[k] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_weights_are_measured_per_group() {
        // Ten treated, two of them with p = 0.001 (weight 1,000 each), eight with p = 0.5.
        let mut p = vec![0.001, 0.001];
        p.extend([0.5; 8]);
        let mut t = vec![1.0; 10];
        p.extend([0.5; 10]);
        t.extend([0.0; 10]);
        let s = extreme_weight_share(&p, &t, false, 0.0).unwrap();
        assert!(s.treated && s.rows == 2, "{s:?}");
        assert!((s.share - 2000.0 / 2016.0).abs() < 1e-12, "{s:?}");
        // For the ATT the treated weigh 1: nothing extreme.
        assert_eq!(extreme_weight_share(&p, &t, true, 0.0).unwrap().share, 0.0);
        // Trimming at 0.01 leaves them out.
        assert_eq!(extreme_weight_share(&p, &t, false, 0.01).unwrap().share, 0.0);
        // A randomized design: no extreme weight.
        let even = vec![0.5; 20];
        assert_eq!(extreme_weight_share(&even, &t, false, 0.0).unwrap().share, 0.0);
        // A control with p = 0.995 under the ATT weighs 199.
        let (p2, t2) = (vec![0.5, 0.5, 0.995, 0.5], vec![1.0, 1.0, 0.0, 0.0]);
        let s = extreme_weight_share(&p2, &t2, true, 0.0).unwrap();
        assert!(!s.treated && s.rows == 1 && s.share > 0.99, "{s:?}");
        // A group without rows has no share.
        assert_eq!(extreme_weight_share(&[0.5], &[1.0], false, 0.0), None);
    }
}
