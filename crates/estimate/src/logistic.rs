//! The propensity model: unpenalized maximum-likelihood logistic regression by Newton's method
//! (IRLS), as sklearn's `LogisticRegression(C=np.inf)` and statsmodels' `Logit` fit it.
//!
//! Covariates are centred and scaled first (it changes nothing in the fitted probabilities, only
//! the conditioning); Newton steps are halved while the log-likelihood does not improve.
//! Non-convergence and (quasi-)complete separation are errors that name the covariate, never a
//! silent NaN or probabilities of exactly 0 or 1.

use crate::Error;
use crate::linalg::{self, BLOCK, Cholesky, Matrix, Sweep};

/// Newton iterations before giving up.
const MAX_ITER: usize = 100;
/// Converged when the largest step on the standardized scale is below this.
pub(crate) const STEP_TOL: f64 = 1e-10;
/// A standardized coefficient beyond this means the likelihood keeps rising towards infinity:
/// separation (exp(±40) puts probabilities within 1e-17 of 0 or 1).
pub(crate) const SEPARATION_COEF: f64 = 40.0;

/// A fitted propensity model.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticFit {
    /// Intercept on the original covariate scale.
    pub intercept: f64,
    /// Coefficients on the original covariate scale, in the order given.
    pub coef: Vec<f64>,
    /// Fitted probabilities P(t = 1 | x), one per row, strictly inside (0, 1).
    pub probabilities: Vec<f64>,
    /// Newton iterations used.
    pub n_iter: usize,
    /// Log-likelihood at the optimum.
    pub log_likelihood: f64,
}

impl LogisticFit {
    /// Smallest and largest fitted probability.
    pub fn range(&self) -> (f64, f64) {
        self.probabilities
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &p| (lo.min(p), hi.max(p)))
    }
}

// `exp` and `log` come from the `libm` crate, not the platform's maths library, so that the
// native CLI and the page's WebAssembly build compute bit-identical propensities (matching breaks
// ties on them).
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

/// log(1 + e^z) without overflow.
fn log1pexp(z: f64) -> f64 {
    if z > 35.0 {
        z
    } else if z < -35.0 {
        libm::exp(z)
    } else {
        libm::log1p(libm::exp(z))
    }
}

/// Fits P(t = 1 | x) = σ(b₀ + x'b) by maximum likelihood.
///
/// `t` holds 0/1; `x` are covariate columns; `names` label them in errors.
///
/// # Errors
/// [`Error::Separation`] when a covariate (or a combination) predicts the treatment perfectly,
/// [`Error::NotConverged`] after too many iterations, and the column errors of [`crate::ols`]
/// (constant or collinear covariates).
pub fn logistic(t: &[f64], x: &[&[f64]], names: &[String]) -> Result<LogisticFit, Error> {
    logistic_l2(t, x, names, 0.0)
}

/// As [`logistic`], maximizing the log-likelihood minus `l2/2 · Σ βⱼ²` over the slopes of the
/// standardized covariates (population standard deviation; the intercept is not penalized): the
/// same fit as scikit-learn's `make_pipeline(StandardScaler(), LogisticRegression(C=1/l2))`. A
/// penalty keeps the fit finite under separation, so separation is then not an error.
///
/// # Errors
/// Those of [`logistic`] (separation only without a penalty); a negative or non-finite `l2`.
pub fn logistic_l2(
    t: &[f64],
    x: &[&[f64]],
    names: &[String],
    l2: f64,
) -> Result<LogisticFit, Error> {
    if !(l2 >= 0.0 && l2.is_finite()) {
        return Err(Error::InvalidPenalty(l2));
    }
    let n = t.len();
    let p = x.len();
    let k = p + 1;
    if n <= k {
        return Err(Error::TooFewRows { need: k + 1, got: n });
    }
    let name = |j: usize| names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
    let design = UnitDesign::new(n, x, &name)?;
    let (means, scales) = (&design.means[1..], &design.scales[1..]);
    // Collinear covariates leave the likelihood without a unique maximum: name them, as OLS does.
    if !x.is_empty() {
        let norms: Vec<f64> = scales.iter().map(|s| s * (n as f64).sqrt()).collect();
        Cholesky::named(&linalg::gram(x, means, &norms, None, BLOCK), &name)?;
    }
    let cols = design.columns();
    let linear = |b: &[f64]| -> Vec<f64> {
        let mut eta = vec![b[0]; n];
        for (j, c) in x.iter().enumerate() {
            let (coef, m) = (b[j + 1] / scales[j], means[j]);
            eta.iter_mut().zip(c.iter()).for_each(|(e, v)| *e += coef * (v - m));
        }
        eta
    };

    let mut beta = vec![0.0; k]; // [intercept, slopes] on the standardized scale
    let mut eta = vec![0.0; n];
    let penalty = |b: &[f64]| 0.5 * l2 * b.iter().skip(1).map(|v| v * v).sum::<f64>();
    let loglik = |eta: &[f64], b: &[f64]| -> f64 {
        t.iter().zip(eta).map(|(&ti, &e)| ti * e - log1pexp(e)).sum::<f64>() - penalty(b)
    };
    let mut ll = loglik(&eta, &beta);
    for iter in 1..=MAX_ITER {
        // Gradient X'(t − p) and (negated) Hessian X'WX on the standardized scale.
        let probs: Vec<f64> = eta.iter().map(|&e| sigmoid(e)).collect();
        let resid: Vec<f64> = t.iter().zip(&probs).map(|(t, p)| t - p).collect();
        let root_w: Vec<f64> = probs.iter().map(|p| (p * (1.0 - p)).sqrt()).collect();
        let mut grad: Vec<f64> = cols
            .iter()
            .enumerate()
            .map(|(j, c)| c.iter().zip(&resid).map(|(v, r)| design.z(j, *v) * r).sum::<f64>())
            .collect();
        let mut hess = design.gram(Some(&root_w));
        for j in 1..k {
            grad[j] -= l2 * beta[j];
            hess[(j, j)] += l2;
        }
        // The covariates are not collinear (checked above), so a singular Hessian means the
        // weights p(1 − p) have collapsed: fitted probabilities at 0 or 1.
        let step = match Cholesky::new(&hess, 0.0) {
            Ok(c) => c.solve(&grad, Sweep::RowsDot),
            Err(_) if iter > 1 => return Err(separation(&beta, &name)),
            Err(_) => return Err(Error::NotConverged { iterations: iter }),
        };
        // Step halving until the log-likelihood does not fall.
        let mut scale = 1.0;
        let (new_beta, new_eta, new_ll) = loop {
            let cand: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s * scale).collect();
            let cand_eta = linear(&cand);
            let cand_ll = loglik(&cand_eta, &cand);
            if cand_ll >= ll - 1e-12 * ll.abs() || scale < 1e-8 {
                break (cand, cand_eta, cand_ll);
            }
            scale *= 0.5;
        };
        let moved = largest_change(&new_beta, &beta);
        beta = new_beta;
        eta = new_eta;
        ll = new_ll;
        if l2 == 0.0 && beta.iter().skip(1).any(|b| b.abs() > SEPARATION_COEF) {
            return Err(separation(&beta, &name));
        }
        if moved < STEP_TOL {
            return Ok(finish(&beta, means, scales, &eta, iter, ll));
        }
    }
    Err(Error::NotConverged { iterations: MAX_ITER })
}

/// The design `[1, x]` with each covariate centred and scaled to unit variance (the intercept
/// column stays 1): what the propensity model is fitted on, and what IPW's influence function
/// uses, so neither depends on the covariates' location or units.
pub(crate) struct UnitDesign<'a> {
    ones: Vec<f64>,
    x: &'a [&'a [f64]],
    /// Column means, the intercept's first (0).
    pub(crate) means: Vec<f64>,
    /// Column standard deviations (population), the intercept's first (1).
    pub(crate) scales: Vec<f64>,
}

impl<'a> UnitDesign<'a> {
    /// `n` rows (given, since there may be no covariate to count them).
    pub(crate) fn new(
        n: usize,
        x: &'a [&'a [f64]],
        name: &dyn Fn(usize) -> String,
    ) -> Result<Self, Error> {
        let (means, norms) = crate::ols::center_scale(x, name)?;
        let root_n = (n as f64).sqrt();
        Ok(UnitDesign {
            ones: vec![1.0; n],
            x,
            means: std::iter::once(0.0).chain(means).collect(),
            scales: std::iter::once(1.0).chain(norms.iter().map(|s| s / root_n)).collect(),
        })
    }

    /// The raw columns, the intercept's first.
    pub(crate) fn columns(&self) -> Vec<&[f64]> {
        std::iter::once(&self.ones[..]).chain(self.x.iter().copied()).collect()
    }

    /// Column `j`'s value `v` on the standardized scale.
    pub(crate) fn z(&self, j: usize, v: f64) -> f64 {
        (v - self.means[j]) / self.scales[j]
    }

    /// `Σᵢ wᵢ² zᵢ zᵢ'` (the weights are square roots of the wanted ones).
    pub(crate) fn gram(&self, weights: Option<&[f64]>) -> Matrix {
        linalg::gram(&self.columns(), &self.means, &self.scales, weights, BLOCK)
    }
}

/// `max |aⱼ − bⱼ|`, starting from the first entry and keeping the running maximum unless a later
/// entry is strictly larger.
fn largest_change(a: &[f64], b: &[f64]) -> f64 {
    let mut d = a.iter().zip(b).map(|(a, b)| (a - b).abs());
    let first = d.next().unwrap_or(0.0);
    d.fold(first, |m, v| if m >= v { m } else { v })
}

/// The covariate with the largest standardized coefficient is the one that separates.
fn separation(beta: &[f64], name: &dyn Fn(usize) -> String) -> Error {
    let j = (1..beta.len()).max_by(|&a, &b| beta[a].abs().total_cmp(&beta[b].abs())).unwrap_or(1);
    Error::Separation { column: name(j - 1) }
}

/// A fitted probability kept strictly inside (0, 1).
pub(crate) fn clamp_probability(p: f64) -> f64 {
    p.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)
}

fn finish(
    beta: &[f64],
    means: &[f64],
    scales: &[f64],
    eta: &[f64],
    n_iter: usize,
    ll: f64,
) -> LogisticFit {
    let coef: Vec<f64> = (0..scales.len()).map(|j| beta[j + 1] / scales[j]).collect();
    let intercept = beta[0] - coef.iter().zip(means).map(|(c, m)| c * m).sum::<f64>();
    let probabilities = eta.iter().map(|&e| clamp_probability(sigmoid(e))).collect();
    LogisticFit { intercept, coef, probabilities, n_iter, log_likelihood: ll }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn score_is_zero_at_the_optimum() {
        let x1: Vec<f64> = (0..400u32).map(|i| (f64::from(i) * 0.37).sin() * 2.0).collect();
        let x2: Vec<f64> = (0..400u32).map(|i| f64::from(i % 7)).collect();
        let t: Vec<f64> = (0..400usize)
            .map(|i| f64::from(u8::from((x1[i] + 0.3 * x2[i] + (i as f64 * 1.3).cos()) > 1.0)))
            .collect();
        let fit = logistic(&t, &[&x1, &x2], &names(2)).unwrap();
        let r: Vec<f64> = t.iter().zip(&fit.probabilities).map(|(t, p)| t - p).collect();
        assert!(r.iter().sum::<f64>().abs() < 1e-8);
        for x in [&x1, &x2] {
            assert!(r.iter().zip(x.iter()).map(|(r, x)| r * x).sum::<f64>().abs() < 1e-8);
        }
    }

    #[test]
    fn separation_names_the_covariate() {
        let x1: Vec<f64> = (0..100u32).map(|i| f64::from(i % 10)).collect();
        let sep: Vec<f64> = (0..100u32).map(|i| f64::from(i) / 100.0).collect();
        let t: Vec<f64> = sep.iter().map(|&v| f64::from(u8::from(v > 0.5))).collect();
        let err =
            logistic(&t, &[&x1, &sep], &["noise".to_string(), "score".to_string()]).unwrap_err();
        assert_eq!(err, Error::Separation { column: "score".into() });
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;
    use crate::{EffectData, Estimator, IpwParams};

    #[test]
    fn collinear_covariates_are_named_not_blamed_on_separation() {
        let a: Vec<f64> = (0..60u32).map(|i| f64::from(i % 7)).collect();
        let b: Vec<f64> = a.iter().map(|v| 2.0 * v + 1.0).collect();
        let c: Vec<f64> = (0..60u32).map(|i| f64::from(i % 5)).collect();
        let t: Vec<f64> = (0..60u32).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        let names = ["a".to_string(), "b".to_string(), "c".to_string()];
        let err = logistic(&t, &[&a, &b, &c], &names).unwrap_err();
        assert_eq!(err, Error::Collinear { column: "b".into(), with: vec!["a".into()] });
    }

    #[test]
    fn ipw_standard_error_does_not_move_when_a_covariate_is_shifted() {
        let x: Vec<f64> = (0..500u32).map(|i| (f64::from(i) * 0.37).sin()).collect();
        let ts: Vec<f64> = (0..500u32).map(|i| f64::from(i % 17) * 3.0).collect();
        let t: Vec<f64> = (0..500usize)
            .map(|i| f64::from(u8::from(x[i] + 0.05 * ts[i] + (i as f64 * 1.3).cos() > 0.8)))
            .collect();
        let y: Vec<f64> =
            (0..500usize).map(|i| 2.0 * t[i] + x[i] + (i as f64 * 0.7).sin()).collect();
        let names = ["x".to_string(), "ts".to_string()];
        let ipw = |cols: &[&[f64]]| {
            let data = EffectData::new(&y, &t).with_covariates(cols, &names);
            IpwParams::default().fit(&data).unwrap().effect
        };
        let base = ipw(&[&x, &ts]);
        for shift in [1.7e12, 1e13] {
            let moved: Vec<f64> = ts.iter().map(|v| v + shift).collect();
            let e = ipw(&[&x, &moved]);
            assert!(
                (e.estimate - base.estimate).abs() < 1e-6 * base.estimate.abs(),
                "shift {shift}"
            );
            assert!(
                (e.std_error - base.std_error).abs() < 1e-4 * base.std_error,
                "shift {shift}: {} vs {}",
                e.std_error,
                base.std_error
            );
        }
    }
}
