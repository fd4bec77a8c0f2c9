//! Sensitivity of a regression estimate to an unmeasured confounder (Cinelli & Hazlett 2020, as
//! sensemakr computes it) and E-values (VanderWeele & Ding 2017).
//!
//! Everything here works on summary numbers: the estimate, its classical standard error and the
//! residual degrees of freedom of the OLS fit `y ~ 1 + d + X`, and partial R² of a benchmark
//! covariate. The engine fits the regressions.
//!
//! * **Partial R² of the treatment with the outcome:** `t² / (t² + dof)`.
//! * **Robustness value** `RV_q`: the partial R² a confounder needs with both the treatment and
//!   the outcome to cut the estimate by `100 q` %; `RV_{q,α}`: to make it lose significance at
//!   level α. sensemakr's `robustness_value`, its "extreme" case included (when
//!   `f_q > 1 / f*` the constraint on the outcome side binds).
//! * **Bounds from a benchmark:** a confounder `k_d` times as strong as covariate `X_j` in
//!   explaining the treatment and `k_y` times in explaining the outcome (sensemakr's
//!   `ovb_partial_r2_bound`), and the estimate, standard error and interval adjusted for it.
//! * **E-value:** the risk ratio a confounder needs with both the treatment and the outcome to
//!   explain the estimate away: `E = RR + √(RR (RR − 1))` for `RR ≥ 1` (a ratio below 1 is
//!   inverted first); for the interval, the limit nearest the null, and 1 when the interval
//!   covers it.

use crate::dist::{normal_quantile, t_quantile};

/// The sensitivity statistics of one coefficient (sensemakr's `sensitivity_stats`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensitivityStats {
    /// The coefficient.
    pub estimate: f64,
    /// Its classical standard error.
    pub se: f64,
    /// `estimate / se`.
    pub t_statistic: f64,
    /// Residual degrees of freedom of the regression.
    pub dof: f64,
    /// Partial R² of the treatment with the outcome, `t² / (t² + dof)`.
    pub r2yd_x: f64,
    /// Partial Cohen's f², `t² / dof`.
    pub f2yd_x: f64,
    /// Robustness value for cutting the estimate by `100 q` %.
    pub rv_q: f64,
    /// Robustness value for losing significance at α.
    pub rv_qa: f64,
}

/// sensemakr's `robustness_value(t, dof, q, alpha)`; `alpha = 1` gives `RV_q`.
pub fn robustness_value(t_statistic: f64, dof: f64, q: f64, alpha: f64) -> f64 {
    let fq = q * (t_statistic / dof.sqrt()).abs();
    let f_crit = if alpha >= 1.0 {
        0.0
    } else {
        t_quantile(alpha / 2.0, dof - 1.0).abs() / (dof - 1.0).sqrt()
    };
    let fqa = fq - f_crit;
    if fqa < 0.0 {
        return 0.0;
    }
    if fqa > 0.0 && f_crit > 0.0 && fq > 1.0 / f_crit {
        // The extreme case: the confounder would need all of the outcome's residual variance.
        return (fq * fq - f_crit * f_crit) / (1.0 + fq * fq);
    }
    0.5 * ((fqa.powi(4) + 4.0 * fqa * fqa).sqrt() - fqa * fqa)
}

/// Partial R² from a t statistic and the degrees of freedom of its regression.
pub fn partial_r2(t_statistic: f64, dof: f64) -> f64 {
    t_statistic * t_statistic / (t_statistic * t_statistic + dof)
}

/// The statistics of `estimate` (standard error `se`, `dof` residual degrees of freedom).
pub fn sensitivity_stats(estimate: f64, se: f64, dof: f64, q: f64, alpha: f64) -> SensitivityStats {
    let t = estimate / se;
    SensitivityStats {
        estimate,
        se,
        t_statistic: t,
        dof,
        r2yd_x: partial_r2(t, dof),
        f2yd_x: t * t / dof,
        rv_q: robustness_value(t, dof, q, 1.0),
        rv_qa: robustness_value(t, dof, q, alpha),
    }
}

/// Why a benchmark multiple cannot be used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoundError {
    /// `k_d` times the benchmark's strength would explain all of the treatment.
    ImpossibleKd(f64),
}

impl std::fmt::Display for BoundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundError::ImpossibleKd(kd) => write!(
                f,
                "a confounder {kd}× as strong as the benchmark would explain all of the treatment's residual variance; try a smaller multiple"
            ),
        }
    }
}

/// The partial R² of a confounder `kd` times as strong as a benchmark covariate in explaining
/// the treatment and `ky` times in explaining the outcome, from the benchmark's partial R² with
/// the treatment (`r2dxj_x`, given the other covariates) and with the outcome (`r2yxj_dx`, given
/// the treatment and the other covariates): `(r2dz_x, r2yz_dx)`, the second capped at 1.
///
/// # Errors
/// [`BoundError::ImpossibleKd`] when the implied partial R² with the treatment reaches 1.
pub fn partial_r2_bound(
    r2dxj_x: f64,
    r2yxj_dx: f64,
    kd: f64,
    ky: f64,
) -> Result<(f64, f64), BoundError> {
    let r2dz_x = kd * (r2dxj_x / (1.0 - r2dxj_x));
    if r2dz_x >= 1.0 {
        return Err(BoundError::ImpossibleKd(kd));
    }
    let r2zxj_xd = kd * r2dxj_x * r2dxj_x / ((1.0 - kd * r2dxj_x) * (1.0 - r2dxj_x));
    if r2zxj_xd >= 1.0 {
        return Err(BoundError::ImpossibleKd(kd));
    }
    let eta = (ky.sqrt() + r2zxj_xd.sqrt()) / (1.0 - r2zxj_xd).sqrt();
    let r2yz_dx = (eta * eta * (r2yxj_dx / (1.0 - r2yxj_dx))).min(1.0);
    Ok((r2dz_x, r2yz_dx))
}

/// The estimate after removing the bias of a confounder with partial R² `r2dz_x` (treatment)
/// and `r2yz_dx` (outcome): toward zero when `reduce`, away from it otherwise.
pub fn adjusted_estimate(s: &SensitivityStats, r2dz_x: f64, r2yz_dx: f64, reduce: bool) -> f64 {
    let bias = (r2yz_dx * r2dz_x / (1.0 - r2dz_x)).sqrt() * s.se * s.dof.sqrt();
    let sign = if s.estimate < 0.0 { -1.0 } else { 1.0 };
    if reduce { sign * (s.estimate.abs() - bias) } else { sign * (s.estimate.abs() + bias) }
}

/// The standard error of [`adjusted_estimate`].
pub fn adjusted_se(s: &SensitivityStats, r2dz_x: f64, r2yz_dx: f64) -> f64 {
    ((1.0 - r2yz_dx) / (1.0 - r2dz_x)).sqrt() * s.se * (s.dof / (s.dof - 1.0)).sqrt()
}

/// One benchmark bound with its adjusted estimate (a row of sensemakr's `bounds`).
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustedBound {
    /// Partial R² of the confounder with the treatment.
    pub r2dz_x: f64,
    /// Partial R² of the confounder with the outcome.
    pub r2yz_dx: f64,
    /// The estimate adjusted for it.
    pub adjusted_estimate: f64,
    /// Its standard error.
    pub adjusted_se: f64,
    /// `adjusted_estimate / adjusted_se`.
    pub adjusted_t: f64,
    /// Lower end of its interval at level 1 − α (Student t with `dof` degrees of freedom).
    pub adjusted_lower_ci: f64,
    /// Upper end.
    pub adjusted_upper_ci: f64,
}

/// The estimate, standard error and interval adjusted for a confounder `(r2dz_x, r2yz_dx)`.
pub fn adjust(
    s: &SensitivityStats,
    r2dz_x: f64,
    r2yz_dx: f64,
    alpha: f64,
    reduce: bool,
) -> AdjustedBound {
    let est = adjusted_estimate(s, r2dz_x, r2yz_dx, reduce);
    let se = adjusted_se(s, r2dz_x, r2yz_dx);
    let m = t_quantile(alpha / 2.0, s.dof).abs();
    AdjustedBound {
        r2dz_x,
        r2yz_dx,
        adjusted_estimate: est,
        adjusted_se: se,
        adjusted_t: est / se,
        adjusted_lower_ci: est - m * se,
        adjusted_upper_ci: est + m * se,
    }
}

/// The adjusted estimate over a grid of confounder strengths, for a contour plot: `values[i][j]`
/// is the estimate for `r2dz_x = grid[i]`, `r2yz_dx = grid[j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    /// The partial R² values of each axis, from 0 to the limit.
    pub grid: Vec<f64>,
    /// The adjusted estimates.
    pub values: Vec<Vec<f64>>,
}

/// [`Contour`] on `points` values from 0 to `lim` (below 1) on each axis.
pub fn contour(s: &SensitivityStats, lim: f64, points: usize, reduce: bool) -> Contour {
    let points = points.max(2);
    let lim = lim.clamp(1e-6, 0.999);
    let grid: Vec<f64> = (0..points).map(|i| lim * i as f64 / (points - 1) as f64).collect();
    let values = grid
        .iter()
        .map(|&d| grid.iter().map(|&y| adjusted_estimate(s, d, y, reduce)).collect())
        .collect();
    Contour { grid, values }
}

/// An E-value of a point estimate and of its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EValue {
    /// The risk ratio the E-value is computed on (for a continuous outcome, the approximation
    /// `exp(0.91 d)`).
    pub rr: f64,
    /// Its interval.
    pub rr_ci: (f64, f64),
    /// For a continuous outcome, the standardized difference `d = estimate / sd(y)`.
    pub d: Option<f64>,
    /// E-value of the point estimate.
    pub evalue_point: f64,
    /// E-value of the interval limit nearest the null (1 when the interval covers it).
    pub evalue_ci: f64,
}

/// `RR + √(RR (RR − 1))`, a ratio below 1 inverted first.
pub fn evalue_of_ratio(rr: f64) -> f64 {
    let rr = if rr < 1.0 { 1.0 / rr } else { rr };
    rr + (rr * (rr - 1.0)).sqrt()
}

/// The E-value of a risk ratio `rr` with interval `(lo, hi)`.
pub fn evalue_rr(rr: f64, lo: f64, hi: f64) -> EValue {
    let evalue_ci =
        if lo <= 1.0 && 1.0 <= hi { 1.0 } else { evalue_of_ratio(if rr > 1.0 { lo } else { hi }) };
    EValue { rr, rr_ci: (lo, hi), d: None, evalue_point: evalue_of_ratio(rr), evalue_ci }
}

/// The E-value of a difference in a continuous outcome (R's `EValue::evalues.OLS` with δ = 1):
/// `d = estimate / sd_y`, `RR ≈ exp(0.91 d)`, the interval from `estimate ± z se` (normal).
pub fn evalue_difference(estimate: f64, se: f64, sd_y: f64, alpha: f64) -> EValue {
    let z = normal_quantile(1.0 - alpha / 2.0);
    let rr = |v: f64| (0.91 * v / sd_y).exp();
    let mut e = evalue_rr(rr(estimate), rr(estimate - z * se), rr(estimate + z * se));
    e.d = Some(estimate / sd_y);
    e
}

/// The E-value of a difference in the probability of a 0/1 outcome, on the risk ratio
/// `(p₀ + estimate) / p₀` with `p₀` the control group's rate, the interval from `estimate ± z se`
/// with `p₀` held fixed. `None` when a ratio is not positive (`p₀` is 0, or an end of the
/// interval gives a negative risk).
pub fn evalue_risk_difference(estimate: f64, se: f64, p0: f64, alpha: f64) -> Option<EValue> {
    let z = normal_quantile(1.0 - alpha / 2.0);
    let rr = |v: f64| (p0 + v) / p0;
    let (point, lo, hi) = (rr(estimate), rr(estimate - z * se), rr(estimate + z * se));
    (p0 > 0.0 && lo > 0.0 && point > 0.0 && hi.is_finite()).then(|| evalue_rr(point, lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_darfur_statistics() {
        // Cinelli & Hazlett (2020): t = 4.18445, dof = 783.
        let s = sensitivity_stats(0.09731582, 0.02325654, 783.0, 1.0, 0.05);
        assert!((s.r2yd_x - 0.021873).abs() < 1e-5, "{}", s.r2yd_x);
        assert!((s.f2yd_x - 0.022362).abs() < 1e-5);
        assert!((s.rv_q - 0.139).abs() < 5e-4, "{}", s.rv_q);
        assert!((s.rv_qa - 0.076).abs() < 5e-4, "{}", s.rv_qa);
        // sensemakr's documented adjusted estimate for r2dz = r2yz = 0.05.
        let b = adjust(&s, 0.05, 0.05, 0.05, true);
        assert!((b.adjusted_estimate - 0.06393).abs() < 1e-5);
        assert!((b.adjusted_se - 0.02327).abs() < 1e-5);
        assert!((b.adjusted_t - 2.74724).abs() < 1e-4);
    }

    #[test]
    fn a_robustness_value_is_zero_when_the_estimate_is_not_significant() {
        assert_eq!(robustness_value(1.0, 100.0, 1.0, 0.05), 0.0);
        assert!(robustness_value(1.0, 100.0, 1.0, 1.0) > 0.0);
        // The extreme case: a huge t with few degrees of freedom.
        let rv = robustness_value(40.0, 10.0, 1.0, 0.05);
        assert!(rv > 0.0 && rv < 1.0, "{rv}");
    }

    #[test]
    fn an_evalue_inverts_a_protective_ratio_and_is_one_across_the_null() {
        let e = evalue_rr(0.5, 0.3, 0.8);
        assert!((e.evalue_point - (2.0 + 2f64.sqrt())).abs() < 1e-12);
        assert!((e.evalue_ci - evalue_of_ratio(1.0 / 0.8)).abs() < 1e-12);
        assert_eq!(evalue_rr(1.2, 0.9, 1.5).evalue_ci, 1.0);
        assert!(evalue_risk_difference(0.1, 0.05, 0.0, 0.05).is_none());
        let e = evalue_risk_difference(0.05, 0.01, 0.1, 0.05).unwrap_or_else(|| panic!("none"));
        assert!((e.rr - 1.5).abs() < 1e-12);
    }

    #[test]
    fn a_benchmark_that_explains_everything_is_refused() {
        assert_eq!(partial_r2_bound(0.6, 0.1, 1.0, 1.0), Err(BoundError::ImpossibleKd(1.0)));
        let (d, y) = partial_r2_bound(0.01, 0.99, 3.0, 3.0).unwrap_or_else(|e| panic!("{e}"));
        assert!(d > 0.0 && y == 1.0);
    }
}
