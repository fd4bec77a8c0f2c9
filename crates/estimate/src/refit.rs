//! Refits of one propensity model on data changed the way the refutation tests change it: the
//! rows weighted (a subset, or a bootstrap resample's counts), the treatment replaced (a
//! permutation), or a column added (a random common cause).
//!
//! Each refit is the same maximum-likelihood fit as [`logistic_l2`](crate::logistic_l2) on the
//! changed data, found by Newton steps whose matrix is held fixed at the information of a nearby
//! fit (a chord method): the full-data fit's for weighted rows and an added column, the null
//! model's for a new treatment. The changed data's optimum lies within O(1/√n) of that fit, so
//! each step gains about as many digits as √n has, and a step costs one pass over the rows in
//! blocks (linear predictor, residuals and score, O(n·k)) where a Newton step builds the weighted
//! Gram matrix (O(n·k²)); Anderson acceleration extrapolates the steps. The iteration stops on
//! the fit's own criterion (the next step moves no coefficient on the standardized scale by more
//! than 1e-10) and returns the probabilities of that point, so they equal a fit from scratch to
//! about that precision, not to the bit. A refit that does not settle quickly is an error: the
//! caller then fits from scratch.

use crate::linalg::{BLOCK, Cholesky, Matrix, Sweep, dot};
use crate::logistic::{SEPARATION_COEF, STEP_TOL, UnitDesign, clamp_probability, sigmoid};
use crate::{Error, LogisticFit};

/// Chord steps before a refit gives up (a fit from scratch then takes over).
const MAX_STEPS: usize = 40;

/// The full-data fit, ready to be refitted on changed data.
pub struct PropensityRefits<'a> {
    t: &'a [f64],
    l2: f64,
    design: UnitDesign<'a>,
    /// The full fit's coefficients on the standardized scale, the intercept's first.
    beta: Vec<f64>,
    /// `p(1 − p)` at the full fit.
    w: Vec<f64>,
    /// `Z'WZ` at the full fit, and `Z'Z`, without the penalty.
    info: Matrix,
    unweighted: Matrix,
}

impl<'a> PropensityRefits<'a> {
    /// Prepares refits of `full`, the fit of `logistic_l2(t, x, names, l2)`.
    ///
    /// # Errors
    /// A constant covariate (as the fit itself reports it).
    pub fn new(
        t: &'a [f64],
        x: &'a [&'a [f64]],
        names: &[String],
        l2: f64,
        full: &LogisticFit,
    ) -> Result<Self, Error> {
        let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
        let design = UnitDesign::new(t.len(), x, &name)?;
        let (means, scales) = (&design.means[1..], &design.scales[1..]);
        let mut beta = Vec::with_capacity(x.len() + 1);
        beta.push(full.intercept + full.coef.iter().zip(means).map(|(c, m)| c * m).sum::<f64>());
        beta.extend(full.coef.iter().zip(scales).map(|(c, s)| c * s));
        let w: Vec<f64> = full.probabilities.iter().map(|p| p * (1.0 - p)).collect();
        let root_w: Vec<f64> = w.iter().map(|v| v.sqrt()).collect();
        let info = design.gram(Some(&root_w));
        let unweighted = design.gram(None);
        Ok(PropensityRefits { t, l2, design, beta, w, info, unweighted })
    }

    /// The propensities refitted with the rows weighted by `freq` (0/1 for a subset, the
    /// number of draws for a bootstrap resample), one per row of the full data.
    ///
    /// # Errors
    /// [`Error::NotConverged`] when the steps do not settle (separation among them), and always
    /// under a penalty (`l2 > 0`), which is on the covariates standardized over the rows fitted.
    pub fn weighted(&self, freq: &[f64]) -> Result<Vec<f64>, Error> {
        if self.l2 > 0.0 {
            // The penalty is on the covariates standardized over the rows fitted, so weighting
            // the rows moves the penalized optimum itself: only a fit from scratch has it.
            return Err(Error::NotConverged { iterations: 0 });
        }
        let share = freq.iter().sum::<f64>() / self.t.len() as f64;
        let mut h = self.info.clone();
        self.scale_and_penalize(&mut h, share);
        self.chord(self.t, Some(freq), None, self.beta.clone(), &h)
    }

    /// The propensities of a new treatment `t` (0/1, one per row) on the same covariates.
    ///
    /// # Errors
    /// As [`PropensityRefits::weighted`].
    pub fn with_treatment(&self, t: &[f64]) -> Result<Vec<f64>, Error> {
        let share = t.iter().sum::<f64>() / t.len() as f64;
        let mut h = self.unweighted.clone();
        self.scale_and_penalize(&mut h, share * (1.0 - share));
        let mut beta = vec![0.0; self.beta.len()];
        beta[0] = (share / (1.0 - share)).ln();
        self.chord(t, None, None, beta, &h)
    }

    /// The propensities with the column `u` added to the covariates.
    ///
    /// # Errors
    /// [`Error::Constant`] for a constant `u`; [`Error::NotConverged`] when it is a combination
    /// of the covariates or the steps do not settle.
    pub fn with_column(&self, u: &[f64]) -> Result<Vec<f64>, Error> {
        let name = |_: usize| "(added column)".to_string();
        let column = [u];
        let extra = UnitDesign::new(u.len(), &column, &name)?;
        let (m, s) = (extra.means[1], extra.scales[1]);
        let k = self.beta.len();
        let mut h = Matrix::zeros(k + 1);
        for a in 0..k {
            for b in 0..k {
                h[(a, b)] = self.info[(a, b)];
            }
        }
        let wz: Vec<f64> = u.iter().zip(&self.w).map(|(v, w)| w * (v - m) / s).collect();
        for (j, c) in self.design.columns().iter().enumerate() {
            let (mj, sj) = (self.design.means[j], self.design.scales[j]);
            let v = c.iter().zip(&wz).map(|(x, wz)| (x - mj) / sj * wz).sum::<f64>();
            h[(j, k)] = v;
            h[(k, j)] = v;
        }
        h[(k, k)] = u.iter().zip(&wz).map(|(v, wz)| (v - m) / s * wz).sum::<f64>();
        self.scale_and_penalize(&mut h, 1.0);
        let mut beta = self.beta.clone();
        beta.push(0.0);
        self.chord(self.t, None, Some((u, m, s)), beta, &h)
    }

    /// `h` times `share`, plus the penalty on the slopes' diagonal.
    fn scale_and_penalize(&self, h: &mut Matrix, share: f64) {
        for a in 0..h.n() {
            for b in 0..h.n() {
                h[(a, b)] *= share;
            }
            if a > 0 {
                h[(a, a)] += self.l2;
            }
        }
    }

    /// Steps `β ← β + H⁻¹ g(β)` from `beta` until the largest is below the fit's tolerance.
    fn chord(
        &self,
        t: &[f64],
        freq: Option<&[f64]>,
        extra: Option<(&[f64], f64, f64)>,
        mut beta: Vec<f64>,
        h: &Matrix,
    ) -> Result<Vec<f64>, Error> {
        let n = t.len();
        let mut cols = self.design.columns();
        let mut means = self.design.means.clone();
        let mut scales = self.design.scales.clone();
        if let Some((u, m, s)) = extra {
            cols.push(u);
            means.push(m);
            scales.push(s);
        }
        let not_converged = Err(Error::NotConverged { iterations: MAX_STEPS });
        let Ok(chol) = Cholesky::new(h, 0.0) else { return not_converged };
        let k = cols.len();
        let (mut eta, mut resid) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
        let mut probs = vec![0.0; n];
        let mut smallest = f64::INFINITY;
        let mut accel = Anderson::default();
        for _ in 0..MAX_STEPS {
            // The score Σ fᵢ (tᵢ − pᵢ) zᵢ in one pass over blocks of rows: each block's linear
            // predictor, residuals and cross-products while its columns are in cache.
            let coef: Vec<f64> = (0..k).map(|j| beta[j] / scales[j]).collect();
            let mut grad = vec![0.0; k];
            let mut start = 0;
            while start < n {
                let len = BLOCK.min(n - start);
                let (eta, resid) = (&mut eta[..len], &mut resid[..len]);
                eta.fill(0.0);
                for (j, c) in cols.iter().enumerate() {
                    let (cj, m) = (coef[j], means[j]);
                    eta.iter_mut()
                        .zip(&c[start..start + len])
                        .for_each(|(e, v)| *e += cj * (v - m));
                }
                let (tb, pb) = (&t[start..start + len], &mut probs[start..start + len]);
                for (((r, p), t), e) in resid.iter_mut().zip(pb).zip(tb).zip(eta.iter()) {
                    *p = sigmoid(*e);
                    *r = t - *p;
                }
                if let Some(f) = freq {
                    resid.iter_mut().zip(&f[start..start + len]).for_each(|(r, f)| *r *= f);
                }
                for (j, c) in cols.iter().enumerate() {
                    grad[j] += centred_dot(&c[start..start + len], means[j], resid);
                }
                start += len;
            }
            for j in 0..k {
                grad[j] /= scales[j];
                if j > 0 {
                    grad[j] -= self.l2 * beta[j];
                }
            }
            let step = chol.solve(&grad, Sweep::RowsDot);
            let moved = step.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
            if !moved.is_finite() || moved > 10.0 * smallest {
                return not_converged;
            }
            smallest = smallest.min(moved);
            if moved < STEP_TOL {
                // As a fit from scratch stops: the next step would move no coefficient by more
                // than the tolerance.
                probs.iter_mut().for_each(|p| *p = clamp_probability(*p));
                return Ok(probs);
            }
            beta = accel.next(&beta, &step);
            if self.l2 == 0.0 && beta.iter().skip(1).any(|b| b.abs() > SEPARATION_COEF) {
                return not_converged;
            }
        }
        not_converged
    }
}

/// Anderson acceleration (depth [`Anderson::DEPTH`]) of the fixed-point iteration
/// `β ← β + s(β)`: the next point combines the last few so that their steps cancel as far as a
/// least-squares fit of the steps' changes allows. The chord steps shrink by a nearly constant
/// factor, which this extrapolates; the iteration still stops only on a small step, so where it
/// ends does not depend on the acceleration.
#[derive(Default)]
struct Anderson {
    last: Option<(Vec<f64>, Vec<f64>)>,
    /// The latest changes of the point and of the step, newest last.
    db: Vec<Vec<f64>>,
    ds: Vec<Vec<f64>>,
}

impl Anderson {
    const DEPTH: usize = 3;

    fn next(&mut self, beta: &[f64], step: &[f64]) -> Vec<f64> {
        if let Some((b0, s0)) = self.last.take() {
            self.db.push(beta.iter().zip(&b0).map(|(a, b)| a - b).collect());
            self.ds.push(step.iter().zip(&s0).map(|(a, b)| a - b).collect());
            if self.db.len() > Self::DEPTH {
                self.db.remove(0);
                self.ds.remove(0);
            }
        }
        self.last = Some((beta.to_vec(), step.to_vec()));
        let plain = || beta.iter().zip(step).map(|(b, s)| b + s).collect();
        let m = self.ds.len();
        if m == 0 {
            return plain();
        }
        // γ = argmin ‖step − ΔS γ‖ by the normal equations, with a ridge for near-dependence.
        let mut g = Matrix::zeros(m);
        let mut rhs = vec![0.0; m];
        for a in 0..m {
            for b in 0..m {
                g[(a, b)] = dot(&self.ds[a], &self.ds[b]);
            }
            rhs[a] = dot(&self.ds[a], step);
        }
        let ridge = 1e-12 * (0..m).map(|a| g[(a, a)]).fold(0.0, f64::max);
        for a in 0..m {
            g[(a, a)] += ridge;
        }
        let Ok(chol) = Cholesky::new(&g, 0.0) else { return plain() };
        let gamma = chol.solve(&rhs, Sweep::Rows);
        if gamma.iter().any(|v| !v.is_finite()) {
            return plain();
        }
        (0..beta.len())
            .map(|j| {
                let back: f64 = (0..m).map(|a| gamma[a] * (self.db[a][j] + self.ds[a][j])).sum();
                beta[j] + step[j] - back
            })
            .collect()
    }
}

/// `Σ (vᵢ − m) rᵢ` with four accumulators.
fn centred_dot(v: &[f64], m: f64, r: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (vc, rc) = (v.chunks_exact(4), r.chunks_exact(4));
    let (vt, rt) = (vc.remainder(), rc.remainder());
    for (a, b) in vc.zip(rc) {
        for l in 0..4 {
            acc[l] += (a[l] - m) * b[l];
        }
    }
    let tail: f64 = vt.iter().zip(rt).map(|(a, b)| (a - m) * b).sum();
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logistic_l2;

    /// A propensity that depends on two covariates, on 3,000 rows.
    fn data() -> (Vec<f64>, Vec<Vec<f64>>) {
        let n = 3000;
        let x1: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.37).sin() * 2.0).collect();
        let x2: Vec<f64> = (0..n).map(|i| ((i % 11) as f64) + 1e6).collect();
        let t = (0..n)
            .map(|i| {
                let z = 0.8 * x1[i] - 0.2 * (x2[i] - 1e6 - 5.0) + ((i as f64) * 1.7).cos() * 1.5;
                f64::from(u8::from(z > 0.3))
            })
            .collect();
        (t, vec![x1, x2])
    }

    fn close(a: &[f64], b: &[f64]) {
        let worst = a.iter().zip(b).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-10, "largest difference {worst}");
    }

    #[test]
    fn every_refit_equals_a_fit_from_scratch() {
        let (t, cols) = data();
        let x: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
        let names = vec!["x1".to_string(), "x2".to_string()];
        for l2 in [0.0, 2.5] {
            let full = logistic_l2(&t, &x, &names, l2).unwrap();
            let refits = PropensityRefits::new(&t, &x, &names, l2, &full).unwrap();

            // Rows weighted by counts: a fit on the rows repeated.
            let freq: Vec<f64> = (0..t.len()).map(|i| ((i * 7919) % 3) as f64).collect();
            let idx: Vec<usize> =
                (0..t.len()).flat_map(|i| std::iter::repeat_n(i, freq[i] as usize)).collect();
            let pick = |v: &[f64]| idx.iter().map(|&i| v[i]).collect::<Vec<f64>>();
            let (tr, x1r, x2r) = (pick(&t), pick(&cols[0]), pick(&cols[1]));
            let scratch = logistic_l2(&tr, &[&x1r, &x2r], &names, l2).unwrap();
            match refits.weighted(&freq) {
                Ok(refit) => close(&pick(&refit), &scratch.probabilities),
                Err(e) => assert!(l2 > 0.0, "{e}"),
            }

            // A permuted treatment.
            let mut tp = t.clone();
            tp.rotate_left(977);
            let scratch = logistic_l2(&tp, &x, &names, l2).unwrap();
            close(&refits.with_treatment(&tp).unwrap(), &scratch.probabilities);

            // An added column.
            let u: Vec<f64> = (0..t.len()).map(|i| ((i as f64) * 2.3).sin() + 0.3).collect();
            let scratch = logistic_l2(&t, &[x[0], x[1], &u], &names, l2).unwrap();
            close(&refits.with_column(&u).unwrap(), &scratch.probabilities);
        }
    }

    #[test]
    fn an_added_copy_of_a_covariate_is_refused() {
        let (t, cols) = data();
        let x: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
        let names = vec!["x1".to_string(), "x2".to_string()];
        let full = logistic_l2(&t, &x, &names, 0.0).unwrap();
        let refits = PropensityRefits::new(&t, &x, &names, 0.0, &full).unwrap();
        assert!(refits.with_column(&cols[0]).is_err());
        assert!(refits.with_column(&vec![1.0; t.len()]).is_err());
    }
}
