//! Ordinary least squares with an intercept: coefficients, classical and HC1 standard errors.
//!
//! # Algorithm
//! The regressors are centred and scaled to unit norm, which takes the intercept out of the
//! system and equilibrates the columns. The scaled Gram matrix `G = Z'Z` is factored by a
//! Cholesky decomposition in column order; a pivot below [`COLLINEAR_TOL`] means that column is
//! (numerically) a linear combination of the columns before it, and the error names them. The
//! solution is polished by one step of iterative refinement on the residuals (the
//! "semi-normal equations" of Björck), which brings it to QR accuracy while reading the data in
//! cache-friendly blocks: `O(n p²)` time, `O(p²)` extra memory, no copy of the data.
//!
//! HC1 is White's sandwich `(X'X)⁻¹ X' diag(e²) X (X'X)⁻¹` scaled by `n / (n - k)`; by
//! Frisch–Waugh–Lovell the slope block only needs the centred regressors.

use crate::Error;
use crate::linalg::{self, BLOCK, Cholesky, Sweep};

pub use crate::linalg::COLLINEAR_TOL;

/// Below this smallest pivot (1 − R² of the worst column) the solution is refined once.
const REFINE_BELOW: f64 = 1e-3;

/// A fitted least-squares regression of `y` on `[1, x₁, …, x_p]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OlsFit {
    /// Intercept.
    pub intercept: f64,
    /// Slope of each regressor, in the order given.
    pub coef: Vec<f64>,
    /// Classical standard errors of the slopes (σ² = RSS / (n − k)).
    pub se: Vec<f64>,
    /// HC1 heteroskedasticity-robust standard errors of the slopes (`None` where not asked
    /// for, see [`Robust`]).
    pub se_hc1: Vec<Option<f64>>,
    /// Residual degrees of freedom, n − k with k = p + 1.
    pub df_resid: usize,
    /// Number of rows.
    pub n: usize,
    /// Residual sum of squares.
    pub rss: f64,
}

/// Which slopes get an HC1 standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Robust {
    /// Every slope: the full sandwich, one more `O(n p²)` pass.
    All,
    /// Only slope `j`: one `O(n p)` pass (what an effect estimate needs).
    Only(usize),
}

/// Regresses `y` on an intercept and `x` (columns, all of `y`'s length, no missing values).
///
/// `names` label the columns in errors; `robust` says which slopes get HC1 errors.
///
/// # Errors
/// [`Error::TooFewRows`] when n ≤ k, [`Error::Constant`] for a column with no variation,
/// [`Error::Collinear`] for a column that is a linear combination of earlier ones.
pub fn ols(y: &[f64], x: &[&[f64]], names: &[String], robust: Robust) -> Result<OlsFit, Error> {
    let n = y.len();
    let p = x.len();
    let k = p + 1;
    if n <= k {
        return Err(Error::TooFewRows { need: k + 1, got: n });
    }
    let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));

    // Centre and scale.
    let nf = n as f64;
    let (means, scales) = center_scale(x, &name)?;
    let y_mean = mean(y);

    // One pass over the data gives Z'Z and Z'y: y rides along as a last, unscaled column.
    let mut cols: Vec<&[f64]> = x.to_vec();
    cols.push(y);
    let mut cmeans = means.clone();
    cmeans.push(y_mean);
    let mut cscales = scales.clone();
    cscales.push(1.0);
    let g_aug = linalg::gram(&cols, &cmeans, &cscales, None, BLOCK);
    let g = g_aug.leading(p);
    let zty: Vec<f64> = (0..p).map(|j| g_aug[(j, p)]).collect();
    let chol = Cholesky::named(&g, &name)?;

    let mut beta = chol.solve(&zty, Sweep::Columns);
    let mut resid = residuals(y, y_mean, x, &means, &scales, &beta);
    // Normal equations lose accuracy as κ(Z)²; when some column is nearly a combination of
    // others (1 − R² below 1e-3), one step of refinement on the residuals restores it.
    if chol.min_pivot < REFINE_BELOW {
        let ztr = cross(x, &means, &scales, &resid);
        beta.iter_mut().zip(chol.solve(&ztr, Sweep::Columns)).for_each(|(b, d)| *b += d);
        resid = residuals(y, y_mean, x, &means, &scales, &beta);
    }

    let rss: f64 = resid.iter().map(|e| e * e).sum();
    let df_resid = n - k;
    let sigma2 = rss / df_resid as f64;
    let g_inv = chol.inverse();
    let hc1 = nf / df_resid as f64;
    let mut se_hc1 = vec![None; p];
    match robust {
        Robust::All => {
            let meat = linalg::gram(x, &means, &scales, Some(&resid), BLOCK);
            for (j, se) in se_hc1.iter_mut().enumerate() {
                // The diagonal of the sandwich G⁻¹ M G⁻¹.
                let v: f64 = (0..p)
                    .map(|a| {
                        g_inv[(j, a)] * (0..p).map(|b| meat[(a, b)] * g_inv[(b, j)]).sum::<f64>()
                    })
                    .sum();
                *se = Some((hc1 * v).sqrt() / scales[j]);
            }
        }
        Robust::Only(j) if j < p => {
            // Slope j is Σᵢ cᵢ yᵢ with c = Z G⁻¹ eⱼ, so its HC0 variance is Σᵢ cᵢ² eᵢ².
            let mut c = vec![0.0; n];
            for (l, col) in x.iter().enumerate() {
                let (a, m) = (g_inv[(j, l)] / scales[l], means[l]);
                c.iter_mut().zip(col.iter()).for_each(|(c, v)| *c += a * (v - m));
            }
            let v: f64 = c.iter().zip(&resid).map(|(c, e)| (c * e) * (c * e)).sum();
            se_hc1[j] = Some((hc1 * v).sqrt() / scales[j]);
        }
        Robust::Only(_) => {}
    }

    let coef: Vec<f64> = (0..p).map(|j| beta[j] / scales[j]).collect();
    let intercept = y_mean - coef.iter().zip(&means).map(|(b, m)| b * m).sum::<f64>();
    let se = (0..p).map(|j| (sigma2 * g_inv[(j, j)]).sqrt() / scales[j]).collect();
    Ok(OlsFit { intercept, coef, se, se_hc1, df_resid, n, rss })
}

/// The first slope of the weighted least-squares fit of `y` on `[1, x]` with weights `w ≥ 0`
/// (rows of weight 0 left out, a row of weight k counted k times): what the OLS of a bootstrap
/// resample or a subset gives, without copying the rows.
///
/// # Errors
/// Fewer weighted rows than regressors; a constant or collinear column among the weighted rows.
pub fn weighted_slope(y: &[f64], x: &[&[f64]], w: &[f64], names: &[String]) -> Result<f64, Error> {
    let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
    let total: f64 = w.iter().sum();
    let rows = w.iter().filter(|v| **v > 0.0).count();
    if rows <= x.len() + 1 {
        return Err(Error::TooFewRows { need: x.len() + 2, got: rows });
    }
    let mut cols: Vec<&[f64]> = x.to_vec();
    cols.push(y);
    let means: Vec<f64> = cols.iter().map(|c| linalg::dot(c, w) / total).collect();
    let mut scales = Vec::with_capacity(cols.len());
    for (j, c) in cols.iter().enumerate() {
        let (ss, mx) = weighted_spread(c, w, means[j]);
        let sd = ss.sqrt();
        if j < x.len() && !(sd > 1e-12 * mx.max(f64::MIN_POSITIVE) * total.sqrt()) {
            return Err(Error::Constant { column: name(j) });
        }
        scales.push(if j < x.len() { sd } else { 1.0 });
    }
    let root: Vec<f64> = w.iter().map(|v| v.sqrt()).collect();
    let g_aug = linalg::gram(&cols, &means, &scales, Some(&root), BLOCK);
    let p = x.len();
    let g = g_aug.leading(p);
    let zty: Vec<f64> = (0..p).map(|j| g_aug[(j, p)]).collect();
    let chol = Cholesky::named(&g, &name)?;
    let beta = chol.solve(&zty, Sweep::Columns);
    Ok(beta[0] / scales[0])
}

/// `Σᵢ wᵢ (vᵢ − m)²` and the largest `|vᵢ|` among rows of positive weight, with four interleaved
/// accumulators (a single running sum would wait on each addition).
fn weighted_spread(v: &[f64], w: &[f64], m: f64) -> (f64, f64) {
    let (mut ss, mut mx) = ([0.0; 4], [0.0_f64; 4]);
    let chunks = v.len() / 4;
    for (v, w) in v[..4 * chunks].chunks_exact(4).zip(w[..4 * chunks].chunks_exact(4)) {
        for l in 0..4 {
            let d = v[l] - m;
            ss[l] += w[l] * d * d;
            mx[l] = mx[l].max(if w[l] > 0.0 { v[l].abs() } else { 0.0 });
        }
    }
    let mut s = (ss[0] + ss[1]) + (ss[2] + ss[3]);
    let mut x = mx[0].max(mx[1]).max(mx[2].max(mx[3]));
    for (v, w) in v[4 * chunks..].iter().zip(&w[4 * chunks..]) {
        s += w * (v - m) * (v - m);
        if *w > 0.0 {
            x = x.max(v.abs());
        }
    }
    (s, x)
}

/// Residuals on `[1, X]` for any number of vectors, with `X'X` factored once: the
/// Frisch–Waugh–Lovell route to one coefficient of a regression whose other regressors stay the
/// same (a refuter that shuffles the treatment, replaces the outcome or adds one column refits
/// the regression this way in O(n·p) instead of O(n·p²)).
#[derive(Debug, Clone)]
pub struct Residualizer<'a> {
    x: Vec<&'a [f64]>,
    means: Vec<f64>,
    scales: Vec<f64>,
    chol: Cholesky,
}

impl<'a> Residualizer<'a> {
    /// Factors the centred, scaled `X'X` of the columns `x` (all of one length).
    ///
    /// # Errors
    /// A constant or collinear column, named by `names`.
    pub fn new(x: &[&'a [f64]], names: &[String]) -> Result<Self, Error> {
        let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
        let (means, scales) = center_scale(x, &name)?;
        let g = linalg::gram(x, &means, &scales, None, BLOCK);
        let chol = Cholesky::named(&g, &name)?;
        Ok(Residualizer { x: x.to_vec(), means, scales, chol })
    }

    /// The residuals of `v` regressed on `[1, X]` (least squares), refined once when `X` is
    /// nearly collinear, as [`ols`] does.
    pub fn residualize(&self, v: &[f64]) -> Vec<f64> {
        let (x, m, s) = (&self.x[..], &self.means[..], &self.scales[..]);
        let v_mean = mean(v);
        let centred: Vec<f64> = v.iter().map(|a| a - v_mean).collect();
        let beta = self.chol.solve(&cross(x, m, s, &centred), Sweep::Columns);
        let mut r = residuals(v, v_mean, x, m, s, &beta);
        if self.chol.min_pivot < REFINE_BELOW {
            let d = self.chol.solve(&cross(x, m, s, &r), Sweep::Columns);
            r = residuals(&r, mean(&r), x, m, s, &d);
        }
        r
    }
}

/// Column means and root sums of squares about them (`‖x − x̄‖`); a column with no variation,
/// relative to its magnitude, is [`Error::Constant`].
pub(crate) fn center_scale(
    x: &[&[f64]],
    name: &dyn Fn(usize) -> String,
) -> Result<(Vec<f64>, Vec<f64>), Error> {
    let means: Vec<f64> = x.iter().map(|c| mean(c)).collect();
    let mut scales = Vec::with_capacity(x.len());
    for (j, c) in x.iter().enumerate() {
        let m = means[j];
        let (ss, magnitude) =
            c.iter().fold((0.0, 0.0_f64), |(ss, mx), v| (ss + (v - m) * (v - m), mx.max(v.abs())));
        let s = f64::sqrt(ss);
        if !(s > 1e-12 * magnitude.max(f64::MIN_POSITIVE) * (c.len() as f64).sqrt()) {
            return Err(Error::Constant { column: name(j) });
        }
        scales.push(s);
    }
    Ok((means, scales))
}

fn mean(v: &[f64]) -> f64 {
    // Two-pass mean: the correction term removes most of the rounding of the first pass.
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    m + v.iter().map(|x| x - m).sum::<f64>() / n
}

/// `Z' v`.
fn cross(x: &[&[f64]], means: &[f64], scales: &[f64], vals: &[f64]) -> Vec<f64> {
    x.iter()
        .enumerate()
        .map(|(j, c)| {
            let (m, s) = (means[j], scales[j]);
            c.iter().zip(vals).map(|(x, v)| (x - m) * v).sum::<f64>() / s
        })
        .collect()
}

fn residuals(
    y: &[f64],
    y_mean: f64,
    x: &[&[f64]],
    means: &[f64],
    scales: &[f64],
    beta: &[f64],
) -> Vec<f64> {
    let mut r: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
    for (j, c) in x.iter().enumerate() {
        let (m, b) = (means[j], beta[j] / scales[j]);
        r.iter_mut().zip(c.iter()).for_each(|(r, v)| *r -= b * (v - m));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn recovers_exact_coefficients() {
        let x1: Vec<f64> = (0..50).map(|i| f64::from(i) * 0.3).collect();
        let x2: Vec<f64> = (0..50).map(|i| f64::from((i * 7) % 11)).collect();
        let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| 2.0 + 3.0 * a - 0.5 * b).collect();
        let fit = ols(&y, &[&x1, &x2], &names(2), Robust::All).unwrap();
        assert!((fit.intercept - 2.0).abs() < 1e-12);
        assert!((fit.coef[0] - 3.0).abs() < 1e-12);
        assert!((fit.coef[1] + 0.5).abs() < 1e-12);
        assert!(fit.rss < 1e-20);
    }

    #[test]
    fn frisch_waugh_lovell_gives_the_regression_coefficient() {
        let x1: Vec<f64> = (0..300).map(|i| (f64::from(i) * 0.37).sin() * 1e3).collect();
        let x2: Vec<f64> = (0..300).map(|i| f64::from(i % 7)).collect();
        let t: Vec<f64> = (0..300).map(|i| f64::from(u8::from((i * 7919) % 3 == 0))).collect();
        let y: Vec<f64> = (0..300)
            .map(|i| 2.5 * t[i] + 0.01 * x1[i] - x2[i] + (f64::from(i as u32) * 1.3).cos())
            .collect();
        let fit = ols(&y, &[&t, &x1, &x2], &names(3), Robust::Only(0)).unwrap();
        let r = Residualizer::new(&[&x1, &x2], &names(2)).unwrap();
        let tr = r.residualize(&t);
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
        let beta = dot(&tr, &y) / dot(&tr, &tr);
        assert!((beta - fit.coef[0]).abs() < 1e-10 * fit.coef[0].abs(), "{beta} {}", fit.coef[0]);
        // Residuals are orthogonal to the intercept and every column.
        for c in [&x1, &x2] {
            assert!(dot(&tr, c).abs() < 1e-9 * dot(c, c).sqrt());
        }
        assert!(tr.iter().sum::<f64>().abs() < 1e-9);
        assert!(Residualizer::new(&[&x1, &x1], &names(2)).is_err());
    }

    #[test]
    fn a_weighted_slope_is_the_slope_of_the_repeated_rows() {
        let x1: Vec<f64> = (0..200).map(|i| (f64::from(i) * 0.37).sin() * 1e3).collect();
        let t: Vec<f64> = (0..200).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        let y: Vec<f64> = (0..200)
            .map(|i| 2.0 * t[i] + 0.01 * x1[i] + (f64::from(i as u32) * 1.3).cos())
            .collect();
        let w: Vec<f64> = (0..200).map(|i| f64::from((i * 7) as u32 % 4)).collect();
        let pick = |v: &[f64]| -> Vec<f64> {
            v.iter().zip(&w).flat_map(|(a, k)| std::iter::repeat_n(*a, *k as usize)).collect()
        };
        let (tr, xr, yr) = (pick(&t), pick(&x1), pick(&y));
        let full = ols(&yr, &[&tr, &xr], &names(2), Robust::Only(0)).unwrap();
        let got = weighted_slope(&y, &[&t, &x1], &w, &names(2)).unwrap();
        assert!((got - full.coef[0]).abs() < 1e-10 * full.coef[0].abs(), "{got} {}", full.coef[0]);
        let zero = vec![0.0; 200];
        assert!(weighted_slope(&y, &[&t, &x1], &zero, &names(2)).is_err());
    }

    #[test]
    fn residuals_are_orthogonal_to_regressors() {
        let x1: Vec<f64> = (0..200).map(|i| (f64::from(i) * 0.37).sin() * 1e4).collect();
        let x2: Vec<f64> = (0..200).map(|i| f64::from(i % 13)).collect();
        let y: Vec<f64> =
            (0..200u32).map(|i| (f64::from(i) * 1.7).cos() * 50.0 + x2[i as usize]).collect();
        let fit = ols(&y, &[&x1, &x2], &names(2), Robust::All).unwrap();
        let r: Vec<f64> = (0..200)
            .map(|i| y[i] - fit.intercept - fit.coef[0] * x1[i] - fit.coef[1] * x2[i])
            .collect();
        let scale: f64 = y.iter().map(|v| v.abs()).sum();
        assert!(r.iter().sum::<f64>().abs() < 1e-12 * scale);
        for x in [&x1, &x2] {
            let s: f64 = r.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
            let norm: f64 = x.iter().map(|v| v.abs()).sum();
            assert!(s.abs() < 1e-12 * scale * norm / 200.0, "{s}");
        }
    }

    #[test]
    fn collinear_columns_are_named() {
        let a: Vec<f64> = (0..30).map(|i| f64::from(i % 7)).collect();
        let b: Vec<f64> = (0..30).map(|i| f64::from(i % 5)).collect();
        let c: Vec<f64> = a.iter().zip(&b).map(|(a, b)| 2.0 * a - b + 1.0).collect();
        let n = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let err = ols(&a, &[&a, &b, &c], &n, Robust::All).unwrap_err();
        assert_eq!(
            err,
            Error::Collinear { column: "c".into(), with: vec!["a".into(), "b".into()] }
        );
        let k = vec![3.0; 30];
        let err = ols(&a, &[&b, &k], &n, Robust::All).unwrap_err();
        assert_eq!(err, Error::Constant { column: "b".into() });
    }

    #[test]
    fn hc1_for_one_slope_equals_the_full_sandwich() {
        let x1: Vec<f64> = (0..300u32).map(|i| (f64::from(i) * 0.61).sin() * 3.0).collect();
        let x2: Vec<f64> = (0..300u32).map(|i| f64::from(i % 17)).collect();
        let y: Vec<f64> =
            (0..300usize).map(|i| x1[i] * (1.0 + x2[i]) + (i as f64 * 2.3).cos() * x2[i]).collect();
        let all = ols(&y, &[&x1, &x2], &names(2), Robust::All).unwrap();
        for j in 0..2 {
            let one = ols(&y, &[&x1, &x2], &names(2), Robust::Only(j)).unwrap();
            let (a, b) = (all.se_hc1[j].unwrap(), one.se_hc1[j].unwrap());
            assert!((a - b).abs() <= 1e-12 * a, "{a} vs {b}");
            assert_eq!(one.se_hc1[1 - j], None);
        }
    }

    #[test]
    fn too_few_rows() {
        let err = ols(&[1.0, 2.0], &[&[0.0, 1.0]], &names(1), Robust::All).unwrap_err();
        assert_eq!(err, Error::TooFewRows { need: 3, got: 2 });
    }
}
