//! Linear base learner: (weighted) least squares with an intercept on a subset of rows, as
//! scikit-learn's `LinearRegression` fits it for the meta-learners.
//!
//! Unlike [`crate::ols`], which reports standard errors and refuses a rank-deficient design, a
//! base learner only predicts: a column that is constant in the rows fitted, or a linear
//! combination of the columns before it, gets a zero coefficient (scikit-learn's minimum-norm
//! least squares gives the same fitted values and, for a constant column, the same zero). Both
//! treatment arms of a meta-learner are often fitted on data where some indicator never varies,
//! so this must not be an error.
//!
//! The arithmetic is that of [`crate::ols`]: weighted centring and scaling, the Cholesky factor of
//! the scaled Gram matrix (from [`crate::linalg`], leaving out dependent columns instead of
//! refusing them), one step of iterative refinement on the residuals.

use crate::Error;
use crate::linalg::{self, Cholesky, Sweep, dot};

/// A pivot below this (1 − R² of a column on the kept columns before it) drops the column.
const DROP_TOL: f64 = 1e-10;

/// A fitted linear predictor `intercept + x'coef`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Linear {
    /// Intercept.
    pub intercept: f64,
    /// One slope per column (0 for a dropped column).
    pub coef: Vec<f64>,
}

impl Linear {
    /// Fits `y ~ 1 + x` by least squares on `rows` (all rows when `None`), weighting row `i` by
    /// `weights[i]` when given (indexed like `y`).
    ///
    /// # Errors
    /// [`Error::TooFewRows`] when fewer than two rows are given (or their weights sum to zero).
    pub fn fit(
        x: &[&[f64]],
        y: &[f64],
        rows: Option<&[usize]>,
        weights: Option<&[f64]>,
    ) -> Result<Linear, Error> {
        let idx: Vec<usize> = match rows {
            Some(r) => r.to_vec(),
            None => (0..y.len()).collect(),
        };
        let m = idx.len();
        let w: Vec<f64> = match weights {
            Some(w) => idx.iter().map(|&i| w[i]).collect(),
            None => vec![1.0; m],
        };
        let sw: f64 = w.iter().sum();
        if m < 2 || !(sw > 0.0) {
            return Err(Error::TooFewRows { need: 2, got: m });
        }
        let p = x.len();
        let wmean = |v: &dyn Fn(usize) -> f64| {
            let a = idx.iter().zip(&w).map(|(&i, w)| w * v(i)).sum::<f64>() / sw;
            a + idx.iter().zip(&w).map(|(&i, w)| w * (v(i) - a)).sum::<f64>() / sw
        };
        let ym = wmean(&|i| y[i]);
        let means: Vec<f64> = x.iter().map(|c| wmean(&|i| c[i])).collect();
        // Centred, scaled, root-weighted columns: z[j][r] = √w_r (x_rj − m_j) / s_j.
        let rw: Vec<f64> = w.iter().map(|w| w.sqrt()).collect();
        let mut scales = Vec::with_capacity(p);
        let mut z: Vec<Vec<f64>> = Vec::with_capacity(p);
        for (j, c) in x.iter().enumerate() {
            let col: Vec<f64> = idx.iter().zip(&rw).map(|(&i, r)| r * (c[i] - means[j])).collect();
            let s = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            let magnitude = idx.iter().fold(0.0_f64, |a, &i| a.max(c[i].abs()));
            let s =
                if s > 1e-12 * magnitude.max(f64::MIN_POSITIVE) * (sw.sqrt()) { s } else { 0.0 };
            scales.push(s);
            z.push(if s > 0.0 { col.into_iter().map(|v| v / s).collect() } else { col });
        }
        let ry: Vec<f64> = idx.iter().zip(&rw).map(|(&i, r)| r * (y[i] - ym)).collect();

        // Cholesky of the Gram matrix over the columns that vary. The rows are standardized
        // already, so they are one block.
        let cols: Vec<&[f64]> = z.iter().map(|c| &c[..]).collect();
        let g = linalg::gram(&cols, &vec![0.0; p], &vec![1.0; p], None, m);
        let skip: Vec<bool> = scales.iter().map(|&s| s == 0.0).collect();
        let chol = Cholesky::dropping(&g, DROP_TOL, &skip);
        let kept = chol.kept();
        let zt = |v: &[f64]| -> Vec<f64> { z.iter().map(|c| dot(c, v)).collect() };
        let mut beta = chol.solve(&zt(&ry), Sweep::Rows);
        let resid = |beta: &[f64]| {
            let mut r = ry.clone();
            for &j in kept {
                let b = beta[j];
                r.iter_mut().zip(&z[j]).for_each(|(r, z)| *r -= b * z);
            }
            r
        };
        // One step of refinement on the residuals (semi-normal equations).
        let r = resid(&beta);
        beta.iter_mut().zip(chol.solve(&zt(&r), Sweep::Rows)).for_each(|(b, d)| *b += d);

        let coef: Vec<f64> =
            (0..p).map(|j| if scales[j] > 0.0 { beta[j] / scales[j] } else { 0.0 }).collect();
        let intercept = ym - coef.iter().zip(&means).map(|(b, m)| b * m).sum::<f64>();
        Ok(Linear { intercept, coef })
    }

    /// The prediction for row `i`.
    pub fn predict(&self, x: &[&[f64]], i: usize) -> f64 {
        self.intercept + self.coef.iter().zip(x).map(|(b, c)| b * c[i]).sum::<f64>()
    }

    /// Predictions for every row.
    pub fn predict_all(&self, x: &[&[f64]], n: usize) -> Vec<f64> {
        let mut out = vec![self.intercept; n];
        for (b, c) in self.coef.iter().zip(x) {
            if *b != 0.0 {
                out.iter_mut().zip(c.iter()).for_each(|(o, v)| *o += b * v);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn exact_fit_on_a_subset_with_weights() {
        let x1: Vec<f64> = (0..40).map(|i| f64::from(i) * 0.5).collect();
        let x2: Vec<f64> = (0..40).map(|i| f64::from((i * 7) % 9)).collect();
        let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| 1.0 - 2.0 * a + 0.25 * b).collect();
        let rows: Vec<usize> = (0..40).filter(|i| i % 3 != 0).collect();
        let w: Vec<f64> = (0..40).map(|i| 1.0 + f64::from(i % 4)).collect();
        let fit = Linear::fit(&[&x1, &x2], &y, Some(&rows), Some(&w)).unwrap();
        assert!((fit.intercept - 1.0).abs() < 1e-12);
        assert!((fit.coef[0] + 2.0).abs() < 1e-12);
        assert!((fit.coef[1] - 0.25).abs() < 1e-12);
        assert!((fit.predict(&[&x1, &x2], 3) - y[3]).abs() < 1e-12);
    }

    #[test]
    fn weighted_fit_minimizes_the_weighted_residuals() {
        let x: Vec<f64> = (0..60).map(|i| (f64::from(i) * 0.7).sin()).collect();
        let y: Vec<f64> = (0..60).map(|i| (f64::from(i) * 1.3).cos() + x[i as usize]).collect();
        let w: Vec<f64> = (0..60).map(|i| 0.1 + f64::from(i % 5)).collect();
        let fit = Linear::fit(&[&x], &y, None, Some(&w)).unwrap();
        // Weighted normal equations: Σ w r = 0 and Σ w r x = 0.
        let r: Vec<f64> = (0..60).map(|i| y[i] - fit.predict(&[&x], i)).collect();
        let s0: f64 = r.iter().zip(&w).map(|(r, w)| r * w).sum();
        let s1: f64 = r.iter().zip(&w).zip(&x).map(|((r, w), x)| r * w * x).sum();
        assert!(s0.abs() < 1e-12 && s1.abs() < 1e-12, "{s0} {s1}");
    }

    #[test]
    fn constant_and_dependent_columns_get_zero() {
        let a: Vec<f64> = (0..30).map(|i| f64::from(i % 7)).collect();
        let k = vec![1.0; 30];
        let b: Vec<f64> = a.iter().map(|v| 2.0 * v + 1.0).collect();
        let y: Vec<f64> = a.iter().map(|v| 3.0 * v - 1.0).collect();
        let fit = Linear::fit(&[&a, &k, &b], &y, None, None).unwrap();
        assert_eq!(fit.coef[1], 0.0);
        assert_eq!(fit.coef[2], 0.0);
        assert!((fit.coef[0] - 3.0).abs() < 1e-12);
        assert!(Linear::fit(&[&a], &y, Some(&[3]), None).is_err());
    }
}
