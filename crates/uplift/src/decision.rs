//! From a ranking of held-out rows to a decision: a calibration table by deciles of predicted
//! uplift, and the incremental profit of targeting the top share of customers for given costs and
//! values.
//!
//! Rows are ranked as in [`crate::metrics`] (score highest first, ties in row order).
//!
//! **Deciles.** Rank `k` of `n` falls in decile `⌊10k/n⌋` (decile 1 holds the highest predictions).
//! Per decile: the rows, treated and control counts, the mean prediction, and the observed uplift
//! ȳ_t − ȳ_c with a normal interval ± z·√(s_t²/n_t + s_c²/n_c) (sample variances; no interval with
//! fewer than 2 rows in an arm). A well-calibrated model's observed uplift falls with the decile
//! and sits near its mean prediction.
//!
//! **Profit.** Targeting one customer costs `cost_per_treated` (an impression, a coupon sent); a
//! customer who converts when treated brings `value` minus `cost_per_conversion` (a redeemed
//! discount); one who converts untreated brings `value`. With ȳ_t(f), ȳ_c(f) the treated and
//! control means among the top share f of the held-out ranking, targeting that share of a
//! population of N customers earns, against targeting nobody,
//!
//! ```text
//! profit(f) = N·f · [ (value − cost_per_conversion)·ȳ_t(f) − value·ȳ_c(f) − cost_per_treated ]
//! ```
//!
//! with a pointwise normal band from the same variances: N·f·z·√((value − c_conv)²·s_t²/n_t +
//! value²·s_c²/n_c). For a continuous outcome (spend, say), `value` is the worth of one unit.
//! The shares are the 101 points k/100 of [`cumulative`]; profit(0) = 0.

use crate::metrics::{MetricError, order};
use serde::{Deserialize, Serialize};

/// Treated and control counts and outcome sums among the top share of the ranked rows, at the
/// 101 shares k/100 (the top ⌊k·n/100⌋ rows).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cumulative {
    /// Share of the rows, k/100 rounded down to whole rows.
    pub fraction: Vec<f64>,
    /// Treated rows among them.
    pub n_t: Vec<f64>,
    /// Control rows.
    pub n_c: Vec<f64>,
    /// Sum of the treated rows' outcomes.
    pub y_t: Vec<f64>,
    /// Sum of the control rows' outcomes.
    pub y_c: Vec<f64>,
    /// Sum of the treated rows' squared outcomes.
    pub yy_t: Vec<f64>,
    /// Sum of the control rows' squared outcomes.
    pub yy_c: Vec<f64>,
}

/// One decile of predicted uplift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decile {
    /// 1 = the highest predictions.
    pub decile: usize,
    /// Rows in it.
    pub rows: usize,
    /// Treated rows.
    pub treated: usize,
    /// Control rows.
    pub control: usize,
    /// Mean predicted uplift.
    pub predicted: f64,
    /// Observed uplift ȳ_t − ȳ_c (NaN without a treated or a control row).
    pub observed: f64,
    /// Its normal interval (NaN with fewer than 2 rows in an arm).
    pub observed_ci: [f64; 2],
}

fn check(score: &[f64], treated: &[bool], y: &[f64]) -> Result<(), MetricError> {
    if score.len() != treated.len() || y.len() != treated.len() {
        return Err(MetricError::Length);
    }
    if let Some(r) = (0..y.len()).find(|&r| !score[r].is_finite() || !y[r].is_finite()) {
        return Err(MetricError::NotFinite(r));
    }
    if score.is_empty() {
        return Err(MetricError::NoGroup);
    }
    Ok(())
}

/// Running sums of one arm.
#[derive(Clone, Copy, Default)]
pub(crate) struct Arm {
    pub(crate) n: f64,
    pub(crate) s: f64,
    pub(crate) ss: f64,
}

impl Arm {
    pub(crate) fn add(&mut self, y: f64) {
        self.n += 1.0;
        self.s += y;
        self.ss += y * y;
    }
}

/// Mean and sample variance over n from sums; the variance is NaN for n < 2.
pub(crate) fn mean_var(n: f64, s: f64, ss: f64) -> (f64, f64) {
    if n < 1.0 {
        return (f64::NAN, f64::NAN);
    }
    let m = s / n;
    let v = if n >= 2.0 { ((ss - n * m * m) / (n - 1.0)).max(0.0) } else { f64::NAN };
    (m, v)
}

/// The calibration table of `score` on rows with treatment `treated` and outcome `y`; `z` is the
/// interval's normal quantile (1.96 for 95 %). Fewer than 10 rows give fewer deciles.
///
/// # Errors
/// Lengths differ, no rows, or a non-finite score or outcome.
pub fn deciles(
    score: &[f64],
    treated: &[bool],
    y: &[f64],
    z: f64,
) -> Result<Vec<Decile>, MetricError> {
    check(score, treated, y)?;
    let n = score.len();
    let ord = order(score);
    let mut arms = [[Arm::default(); 2]; 10];
    let mut pred = [(0usize, 0.0f64); 10];
    for (k, &r) in ord.iter().enumerate() {
        let d = (k * 10 / n).min(9);
        arms[d][usize::from(treated[r])].add(y[r]);
        pred[d].0 += 1;
        pred[d].1 += score[r];
    }
    let mut out = Vec::new();
    for d in 0..10 {
        let (rows, sum) = pred[d];
        if rows == 0 {
            continue;
        }
        let [c, t] = arms[d];
        let (mt, vt) = mean_var(t.n, t.s, t.ss);
        let (mc, vc) = mean_var(c.n, c.s, c.ss);
        let observed = mt - mc;
        let half = z * (vt / t.n + vc / c.n).sqrt();
        out.push(Decile {
            decile: d + 1,
            rows,
            treated: t.n as usize,
            control: c.n as usize,
            predicted: sum / rows as f64,
            observed,
            observed_ci: [observed - half, observed + half],
        });
    }
    Ok(out)
}

/// The arms' counts and sums among the top share k/100 of the ranking, k = 0..=100.
///
/// # Errors
/// Lengths differ, no rows, or a non-finite score or outcome.
pub fn cumulative(score: &[f64], treated: &[bool], y: &[f64]) -> Result<Cumulative, MetricError> {
    check(score, treated, y)?;
    let n = score.len();
    let ord = order(score);
    let mut c = Cumulative::default();
    let [mut ac, mut at] = [Arm::default(); 2];
    let mut taken = 0;
    for k in 0..=100 {
        let until = k * n / 100;
        for &r in &ord[taken..until] {
            if treated[r] { at.add(y[r]) } else { ac.add(y[r]) }
        }
        taken = until;
        c.fraction.push(until as f64 / n as f64);
        c.n_t.push(at.n);
        c.n_c.push(ac.n);
        c.y_t.push(at.s);
        c.y_c.push(ac.s);
        c.yy_t.push(at.ss);
        c.yy_c.push(ac.ss);
    }
    Ok(c)
}

/// Value of an outcome and costs of treating, in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Economics {
    /// Worth of one conversion (one unit of the outcome).
    pub value: f64,
    /// Cost of treating one customer, whether or not they convert.
    pub cost_per_treated: f64,
    /// Cost of each conversion among treated customers (a redeemed discount).
    pub cost_per_conversion: f64,
}

/// The profit curve: incremental profit of targeting the top share, with its band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfitCurve {
    /// Share targeted.
    pub fraction: Vec<f64>,
    /// Expected incremental profit for the population (NaN where a share has no treated or no
    /// control row yet).
    pub profit: Vec<f64>,
    /// Lower end of the pointwise band.
    pub lo: Vec<f64>,
    /// Upper end.
    pub hi: Vec<f64>,
}

/// The profit of targeting each share of `population` customers, from the held-out sums `c`;
/// `z` is the band's normal quantile.
pub fn profit_curve(c: &Cumulative, e: &Economics, population: f64, z: f64) -> ProfitCurve {
    let mut out = ProfitCurve {
        fraction: c.fraction.clone(),
        profit: Vec::with_capacity(c.fraction.len()),
        lo: Vec::with_capacity(c.fraction.len()),
        hi: Vec::with_capacity(c.fraction.len()),
    };
    let kept = e.value - e.cost_per_conversion;
    for k in 0..c.fraction.len() {
        let f = c.fraction[k];
        if f == 0.0 {
            out.profit.push(0.0);
            out.lo.push(0.0);
            out.hi.push(0.0);
            continue;
        }
        let (mt, vt) = mean_var(c.n_t[k], c.y_t[k], c.yy_t[k]);
        let (mc, vc) = mean_var(c.n_c[k], c.y_c[k], c.yy_c[k]);
        let scale = population * f;
        let p = scale * (kept * mt - e.value * mc - e.cost_per_treated);
        let se = scale * (kept * kept * vt / c.n_t[k] + e.value * e.value * vc / c.n_c[k]).sqrt();
        out.profit.push(p);
        out.lo.push(p - z * se);
        out.hi.push(p + z * se);
    }
    out
}

/// The best share under a budget of at most `max_share` of the customers: its index in the
/// curve, or `None` when no share within the budget has a defined profit. Targeting nobody
/// (share 0, profit 0) is a candidate, so a campaign that loses money everywhere recommends it.
pub fn best_share(curve: &ProfitCurve, max_share: f64) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (k, (&f, &p)) in curve.fraction.iter().zip(&curve.profit).enumerate() {
        if f > max_share + 1e-12 || !p.is_finite() {
            continue;
        }
        if best.is_none_or(|b| p > curve.profit[b]) {
            best = Some(k);
        }
    }
    best
}

/// What treating a customer with one arm costs: per customer treated and per treated
/// conversion (the value of a conversion is shared by the arms, [`ArmPricing::value`]).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ArmCost {
    /// Cost of treating one customer with this arm.
    pub cost_per_treated: f64,
    /// Cost of each conversion among customers treated with it.
    pub cost_per_conversion: f64,
}

/// The value of a conversion and each arm's costs, for a treatment with several arms.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ArmPricing {
    /// Worth of one conversion (one unit of the outcome).
    pub value: f64,
    /// One entry per arm, in the arms' order.
    pub costs: Vec<ArmCost>,
}

impl ArmPricing {
    /// Arm `a`'s costs with the shared value, as [`Economics`].
    pub fn economics(&self, a: usize) -> Economics {
        let c = self.costs.get(a).copied().unwrap_or_default();
        Economics {
            value: self.value,
            cost_per_treated: c.cost_per_treated,
            cost_per_conversion: c.cost_per_conversion,
        }
    }

    /// Whether every number is finite and not negative.
    pub fn is_valid(&self) -> bool {
        self.value.is_finite()
            && self.value >= 0.0
            && self.costs.iter().all(|c| {
                [c.cost_per_treated, c.cost_per_conversion]
                    .iter()
                    .all(|v| v.is_finite() && *v >= 0.0)
            })
    }
}

/// Each customer's best arm net of its cost, and that net value: with τ̂_a the predicted uplift
/// of arm `a` (`tau[a][r]`), the arm maximising (value − cost_per_conversion_a)·τ̂_a −
/// cost_per_treated_a (the first of equals). The expected gain of treating the customer with
/// that arm against not treating them; a non-finite prediction gives a NaN net (ranked last).
pub fn best_arms(tau: &[&[f64]], pricing: &ArmPricing) -> (Vec<usize>, Vec<f64>) {
    let n = tau.first().map_or(0, |t| t.len());
    let mut arm = vec![0usize; n];
    let mut net = vec![f64::NAN; n];
    for (a, t) in tau.iter().enumerate() {
        let e = pricing.economics(a);
        for r in 0..n {
            let v = (e.value - e.cost_per_conversion) * t.get(r).copied().unwrap_or(f64::NAN)
                - e.cost_per_treated;
            if v.is_finite() && !(net[r] >= v) {
                net[r] = v;
                arm[r] = a;
            }
        }
    }
    (arm, net)
}

/// The held-out profit curve of giving each of the top customers their best arm net of its cost
/// ([`best_arms`]), ranked by that net value: at each share f (the 101 points of [`cumulative`]),
/// with n_a(f) the held-out rows assigned arm a among the top f, ȳ_a the mean outcome of those
/// that got arm a and ȳ_c of those that got the control,
///
/// ```text
/// profit(f) = N/n · Σ_a n_a(f) · [ (value − cost_per_conversion_a)·ȳ_a − value·ȳ_c − cost_per_treated_a ]
/// ```
///
/// with the arms' terms independent in the band (they use disjoint rows). With one arm this is
/// [`profit_curve`] of the ranking by the net value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyCurve {
    /// The curve and its band.
    pub curve: ProfitCurve,
    /// Held-out rows assigned each arm among the top share, `assigned[a][k]`.
    pub assigned: Vec<Vec<f64>>,
}

/// [`PolicyCurve`] of the held-out rows with predictions `tau` (one slice per arm), groups
/// `group` (0 = control, 1..=k the arms) and outcomes `y`, for `population` customers; `z` is
/// the band's normal quantile.
///
/// # Errors
/// Lengths differ, no arm or no rows, or a non-finite outcome.
pub fn policy_curve(
    tau: &[&[f64]],
    group: &[usize],
    y: &[f64],
    pricing: &ArmPricing,
    population: f64,
    z: f64,
) -> Result<PolicyCurve, MetricError> {
    let n = y.len();
    if tau.is_empty() || n == 0 {
        return Err(MetricError::NoGroup);
    }
    if group.len() != n || tau.iter().any(|t| t.len() != n) {
        return Err(MetricError::Length);
    }
    if let Some(r) = (0..n).find(|&r| !y[r].is_finite()) {
        return Err(MetricError::NotFinite(r));
    }
    let k_arms = tau.len();
    let (arm, net) = best_arms(tau, pricing);
    let ord = order(&net);
    // Per assigned arm: its arm's rows and the control's rows among those assigned it.
    let mut got = vec![Arm::default(); k_arms];
    let mut ctl = vec![Arm::default(); k_arms];
    let mut count = vec![0.0f64; k_arms];
    let mut out = PolicyCurve {
        curve: ProfitCurve {
            fraction: Vec::with_capacity(101),
            profit: Vec::with_capacity(101),
            lo: Vec::with_capacity(101),
            hi: Vec::with_capacity(101),
        },
        assigned: vec![Vec::with_capacity(101); k_arms],
    };
    let scale = population / n as f64;
    let mut taken = 0;
    for k in 0..=100 {
        let until = k * n / 100;
        for &r in &ord[taken..until] {
            let a = arm[r];
            count[a] += 1.0;
            if group[r] == a + 1 {
                got[a].add(y[r]);
            } else if group[r] == 0 {
                ctl[a].add(y[r]);
            }
        }
        taken = until;
        let (mut p, mut var) = (0.0, 0.0);
        for a in 0..k_arms {
            out.assigned[a].push(count[a]);
            if count[a] == 0.0 {
                continue;
            }
            let e = pricing.economics(a);
            let kept = e.value - e.cost_per_conversion;
            let (mt, vt) = mean_var(got[a].n, got[a].s, got[a].ss);
            let (mc, vc) = mean_var(ctl[a].n, ctl[a].s, ctl[a].ss);
            let m = scale * count[a];
            p += m * (kept * mt - e.value * mc - e.cost_per_treated);
            var += m * m * (kept * kept * vt / got[a].n + e.value * e.value * vc / ctl[a].n);
        }
        let se = var.sqrt();
        out.curve.fraction.push(until as f64 / n as f64);
        out.curve.profit.push(p);
        out.curve.lo.push(p - z * se);
        out.curve.hi.push(p + z * se);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 200 rows: the top half (score 1) responds +0.5, the bottom half (score 0) −0.1.
    fn data() -> (Vec<f64>, Vec<bool>, Vec<f64>) {
        let (mut s, mut t, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..200 {
            let top = i < 100;
            let treated = i % 2 == 0;
            // Conversion rates: top 0.2 → 0.7 when treated; bottom 0.3 → 0.2.
            let rate = match (top, treated) {
                (true, true) => 0.7,
                (true, false) => 0.2,
                (false, true) => 0.2,
                (false, false) => 0.3,
            };
            // Deterministic 0/1 pattern with that rate among each arm's 50 rows.
            let j = (i / 2) % 50;
            s.push(if top { 1.0 + i as f64 * 1e-6 } else { i as f64 * 1e-6 });
            t.push(treated);
            y.push(if (j as f64) < rate * 50.0 { 1.0 } else { 0.0 });
        }
        (s, t, y)
    }

    #[test]
    fn deciles_show_the_observed_uplift_per_tenth() {
        let (s, t, y) = data();
        let d = deciles(&s, &t, &y, 1.96).unwrap();
        assert_eq!(d.len(), 10);
        assert!(d.iter().all(|x| x.rows == 20 && x.treated + x.control == 20));
        // The first five deciles are the top half.
        let top: f64 = d[..5].iter().map(|x| x.observed * x.rows as f64).sum::<f64>() / 100.0;
        let bottom: f64 = d[5..].iter().map(|x| x.observed * x.rows as f64).sum::<f64>() / 100.0;
        assert!(top > 0.3 && bottom < 0.0, "top {top}, bottom {bottom}");
        for x in &d {
            assert!(x.observed_ci[0] <= x.observed && x.observed <= x.observed_ci[1]);
            assert!(x.predicted >= 0.0);
        }
        assert!(d[0].predicted > d[9].predicted);
    }

    #[test]
    fn a_decile_interval_is_the_two_sample_normal_one() {
        // 4 rows, treated y = 1, 0 and control y = 0, 0 in one decile (n < 10: one decile each).
        let s = [0.4, 0.3, 0.2, 0.1];
        let t = [true, true, false, false];
        let y = [1.0, 0.0, 0.0, 0.0];
        let d = deciles(&s, &t, &y, 2.0).unwrap();
        assert_eq!(d.len(), 4);
        let all = deciles(&[0.0; 4], &t, &y, 2.0).unwrap();
        assert_eq!(all.len(), 4); // one row per decile
        assert!(all[0].observed.is_nan()); // no control row in decile 1
        // Two rows per arm pooled into a 20-row table: check the formula directly.
        let s2: Vec<f64> = (0..20).map(|i| -(i as f64)).collect();
        let t2: Vec<bool> = (0..20).map(|i| i % 2 == 0).collect();
        let y2: Vec<f64> = (0..20).map(|i| if i % 4 == 0 { 1.0 } else { 0.0 }).collect();
        let d2 = deciles(&s2, &t2, &y2, 2.0).unwrap();
        assert_eq!(d2.len(), 10);
        // Decile 1 = rows 0, 1: one treated (y 1), one control (y 0): no variance, no interval.
        assert_eq!(d2[0].observed, 1.0);
        assert!(d2[0].observed_ci[0].is_nan());
    }

    #[test]
    fn profit_is_the_incremental_margin_of_the_share_targeted() {
        let (s, t, y) = data();
        let c = cumulative(&s, &t, &y).unwrap();
        assert_eq!(c.fraction.len(), 101);
        assert_eq!(c.n_t[100] + c.n_c[100], 200.0);
        let e = Economics { value: 10.0, cost_per_treated: 1.0, cost_per_conversion: 2.0 };
        let p = profit_curve(&c, &e, 1000.0, 1.96);
        // Top half: treated rate 0.7, control 0.2 → per customer 8·0.7 − 10·0.2 − 1 = 2.6.
        assert!((p.profit[50] - 500.0 * 2.6).abs() < 1e-9, "{}", p.profit[50]);
        // Everyone: treated 0.45, control 0.25 → 8·0.45 − 2.5 − 1 = 0.1 per customer.
        assert!((p.profit[100] - 1000.0 * 0.1).abs() < 1e-9, "{}", p.profit[100]);
        assert!(p.lo[50] < p.profit[50] && p.profit[50] < p.hi[50]);
        // The best share lies in the responsive half, and a budget keeps it within its limit.
        let best = best_share(&p, 1.0).unwrap();
        assert!(best <= 50 && p.profit[best] >= p.profit[50]);
        assert!(p.profit.iter().all(|&x| !(x > p.profit[best])));
        let capped = best_share(&p, 0.3).unwrap();
        assert!(capped <= 30 && (0..=30).all(|k| !(p.profit[k] > p.profit[capped])));
        assert!(p.profit[capped] > 0.0);
        // Costs that make every share lose money: target nobody.
        let dear = Economics { value: 1.0, cost_per_treated: 5.0, cost_per_conversion: 0.0 };
        assert_eq!(best_share(&profit_curve(&c, &dear, 1000.0, 1.96), 1.0), Some(0));
    }

    #[test]
    fn one_arm_policy_is_the_profit_curve_of_the_net_ranking() {
        let (s, t, y) = data();
        let pricing = ArmPricing {
            value: 10.0,
            costs: vec![ArmCost { cost_per_treated: 1.0, cost_per_conversion: 2.0 }],
        };
        let group: Vec<usize> = t.iter().map(|&b| usize::from(b)).collect();
        let p = policy_curve(&[&s], &group, &y, &pricing, 1000.0, 1.96).unwrap();
        let want =
            profit_curve(&cumulative(&s, &t, &y).unwrap(), &pricing.economics(0), 1000.0, 1.96);
        for k in 0..=100 {
            let (a, b) = (p.curve.profit[k], want.profit[k]);
            assert!((a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-9, "k {k}: {a} vs {b}");
            assert!(p.curve.lo[k].is_nan() || (p.curve.lo[k] - want.lo[k]).abs() < 1e-9);
        }
        assert_eq!(p.assigned[0][100], 200.0);
    }

    #[test]
    fn each_customer_gets_the_arm_that_pays_most_net_of_its_cost() {
        // 400 rows, groups 0 (control), 1 and 2 in turn-ish order; arm 1 works in the first half,
        // arm 2 in the second half; both predictions say so.
        let (mut t1, mut t2, mut g, mut y) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..600usize {
            let first = i < 300;
            let grp = i % 3;
            let j = (i / 3) % 10;
            let rate = match (first, grp) {
                (_, 0) => 0.2,
                (true, 1) | (false, 2) => 0.6,
                _ => 0.2,
            };
            t1.push(if first { 0.4 } else { 0.0 } + i as f64 * 1e-9);
            t2.push(if first { 0.0 } else { 0.4 } + i as f64 * 1e-9);
            g.push(grp);
            y.push(if (j as f64) < rate * 10.0 { 1.0 } else { 0.0 });
        }
        let cost = |c| ArmCost { cost_per_treated: c, cost_per_conversion: 0.0 };
        let pricing = ArmPricing { value: 10.0, costs: vec![cost(1.0), cost(1.0)] };
        let (arm, net) = best_arms(&[&t1, &t2], &pricing);
        assert!(arm[..300].iter().all(|&a| a == 0) && arm[300..].iter().all(|&a| a == 1));
        assert!((net[0] - 3.0).abs() < 1e-6);
        let p = policy_curve(&[&t1, &t2], &g, &y, &pricing, 600.0, 1.96).unwrap();
        // Everyone with their own arm: uplift 0.4 each, 10·0.4 − 1 = 3 per customer.
        assert!((p.curve.profit[100] - 600.0 * 3.0).abs() < 1e-6, "{}", p.curve.profit[100]);
        assert_eq!(p.assigned[0][100], 300.0);
        assert_eq!(p.assigned[1][100], 300.0);
        assert!(p.curve.lo[100] < p.curve.profit[100] && p.curve.profit[100] < p.curve.hi[100]);
        // Either arm alone for everyone earns 10·0.2 − 1 = 1 per customer: the policy beats it.
        let t: Vec<bool> = g.iter().map(|&x| x == 1).collect();
        let rows: Vec<usize> = (0..600).filter(|&r| g[r] != 2).collect();
        let pick = |v: &[f64]| rows.iter().map(|&r| v[r]).collect::<Vec<f64>>();
        let tt: Vec<bool> = rows.iter().map(|&r| t[r]).collect();
        let alone = profit_curve(
            &cumulative(&pick(&t1), &tt, &pick(&y)).unwrap(),
            &pricing.economics(0),
            600.0,
            1.96,
        );
        assert!(p.curve.profit[100] > alone.profit[100] + 500.0);
        // A dear second arm: nobody gets it, and its half is left untreated at the best share.
        let dear = ArmPricing { value: 10.0, costs: vec![cost(1.0), cost(6.0)] };
        let (arm, net) = best_arms(&[&t1, &t2], &dear);
        assert!(arm[300..].iter().all(|&a| a == 0) && net[300] < 0.0);
        let p = policy_curve(&[&t1, &t2], &g, &y, &dear, 600.0, 1.96).unwrap();
        let k = best_share(&p.curve, 1.0).unwrap();
        assert!((45..=50).contains(&k), "best share {}", p.curve.fraction[k]);
        assert_eq!(p.assigned[1][k], 0.0);
        assert!(!ArmPricing { value: -1.0, costs: vec![] }.is_valid());
        assert_eq!(
            policy_curve(&[&t1], &g[..10], &y, &dear, 1.0, 1.96).unwrap_err(),
            MetricError::Length
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(deciles(&[], &[], &[], 1.96), Err(MetricError::NoGroup));
        assert_eq!(cumulative(&[1.0], &[true, false], &[0.0]), Err(MetricError::Length));
        assert_eq!(deciles(&[f64::NAN], &[true], &[0.0], 1.96), Err(MetricError::NotFinite(0)));
    }
}
