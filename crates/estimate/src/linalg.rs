//! The linear algebra of the normal equations: one weighted Gram matrix, one Cholesky
//! factorisation with a rank check, and its triangular solves.
//!
//! Every least-squares system in the crate goes through here: [`crate::ols`] (and so regression
//! adjustment and 2SLS), the linear base learner [`crate::Linear`] (AIPW's outcome models, the
//! meta-learners, partial correlations), the propensity model's Newton steps and the information
//! matrix of IPW's influence function. The systems are small (`p × p`, p the number of
//! covariates); the work is the `O(n p²)` Gram, so there is no need for a general matrix library.
//! nalgebra is not used: its matrix product picks a kernel by CPU feature at run time (FMA or
//! not), which would make results differ between machines and the WebAssembly build.
//!
//! # Floating-point order
//! Results are pinned bit for bit (the CLI's output is compared byte by byte across changes), so
//! the order of every sum is part of the contract:
//!
//! * [`gram`] standardizes `rows_per_block` rows of every column into a buffer and adds each
//!   block's [`dot`] (four interleaved accumulators) to the entry. [`BLOCK`] rows keeps the
//!   buffer in cache; the linear base learner, which standardizes its row subset anyway, passes
//!   all its rows as one block.
//! * [`Cholesky`] factors column by column (`d = g_jj − Σₖ l_jk²`, `l_ij = (g_ij − Σₖ l_ik l_jk) /
//!   √d`, k increasing), the same arithmetic as LAPACK's unblocked `potf2` and nalgebra's
//!   `Cholesky`.
//! * Forward substitution subtracts the known terms in increasing order. Back substitution comes
//!   in the three orders the callers were written with ([`Sweep`]); they are the same algebra
//!   and differ only in rounding. Merging them into one would move the last bits of the
//!   results that use the other two.

use crate::Error;

/// A pivot of the scaled Gram matrix below this (1 − R² of a column on the ones before it)
/// counts as collinear: the variance inflation factor would exceed 10¹⁰.
pub const COLLINEAR_TOL: f64 = 1e-10;

/// Rows per block when accumulating cross-products.
pub(crate) const BLOCK: usize = 256;

/// A dense square matrix, row-major.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matrix {
    n: usize,
    a: Vec<f64>,
}

impl Matrix {
    /// The `n × n` zero matrix.
    pub(crate) fn zeros(n: usize) -> Self {
        Matrix { n, a: vec![0.0; n * n] }
    }

    /// Rows (= columns).
    pub(crate) fn n(&self) -> usize {
        self.n
    }

    /// The leading `k × k` block.
    pub(crate) fn leading(&self, k: usize) -> Matrix {
        let mut m = Matrix::zeros(k);
        for i in 0..k {
            for j in 0..k {
                m[(i, j)] = self[(i, j)];
            }
        }
        m
    }

    /// Every entry divided by `v`.
    pub(crate) fn div_scalar(mut self, v: f64) -> Matrix {
        self.a.iter_mut().for_each(|x| *x /= v);
        self
    }
}

impl std::ops::Index<(usize, usize)> for Matrix {
    type Output = f64;
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        &self.a[i * self.n + j]
    }
}

impl std::ops::IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut f64 {
        &mut self.a[i * self.n + j]
    }
}

/// Dot product with four accumulators (lets the compiler vectorise it).
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let chunks = a.len() / 4;
    for i in 0..chunks {
        for l in 0..4 {
            acc[l] += a[4 * i + l] * b[4 * i + l];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for i in 4 * chunks..a.len() {
        s += a[i] * b[i];
    }
    s
}

/// [`dot`] of `a` with each of four vectors, computed in one pass over `a`: each result has the
/// same operations in the same order as `dot(a, b[k])`, so it is the same number to the bit.
fn dot4(a: &[f64], b: [&[f64]; 4]) -> [f64; 4] {
    let n = a.len();
    let chunks = n / 4;
    let (a4, b4) = (&a[..4 * chunks], b.map(|v| &v[..4 * chunks]));
    let mut acc = [[0.0; 4]; 4];
    for i in 0..chunks {
        let x = &a4[4 * i..4 * i + 4];
        for (acc, v) in acc.iter_mut().zip(&b4) {
            let y = &v[4 * i..4 * i + 4];
            for l in 0..4 {
                acc[l] += x[l] * y[l];
            }
        }
    }
    let mut out = [0.0; 4];
    for (k, o) in out.iter_mut().enumerate() {
        let acc = acc[k];
        let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for i in 4 * chunks..n {
            s += a[i] * b[k][i];
        }
        *o = s;
    }
    out
}

/// The weighted Gram matrix `Z'WZ = Σᵢ wᵢ² zᵢ zᵢ'` of the standardized columns
/// `z = (x − mean) / scale` (`w = 1` when `root_weights` is `None`; they are the square roots of
/// the wanted weights).
///
/// `X'Wy` comes from the same pass: give `y` as a last column (mean and scale as wanted; an
/// unscaled `y` has scale 1) and read the last column of the result. Accumulated over blocks of
/// `rows_per_block` rows, see the [module doc](self).
pub(crate) fn gram(
    x: &[&[f64]],
    means: &[f64],
    scales: &[f64],
    root_weights: Option<&[f64]>,
    rows_per_block: usize,
) -> Matrix {
    let p = x.len();
    let n = x.first().map_or(0, |c| c.len());
    let stride = rows_per_block.clamp(1, n.max(1));
    let mut g = Matrix::zeros(p);
    let mut block = vec![0.0; p * stride];
    let mut start = 0;
    while start < n {
        let len = stride.min(n - start);
        for (j, c) in x.iter().enumerate() {
            let (m, s) = (means[j], scales[j]);
            let dst = &mut block[j * stride..j * stride + len];
            let src = &c[start..start + len];
            match root_weights {
                None => dst.iter_mut().zip(src).for_each(|(d, v)| *d = (v - m) / s),
                Some(w) => dst
                    .iter_mut()
                    .zip(src)
                    .zip(&w[start..start + len])
                    .for_each(|((d, v), w)| *d = w * (v - m) / s),
            }
        }
        let col = |j: usize| &block[j * stride..j * stride + len];
        for a in 0..p {
            let za = col(a);
            let mut b = a;
            // Four entries of the row at a time: `za` is loaded once for all four, and the
            // sixteen accumulators hide the latency of the additions. Each entry's sum is the
            // same sequence of operations as `dot` gives it.
            while b + 4 <= p {
                let d = dot4(za, [col(b), col(b + 1), col(b + 2), col(b + 3)]);
                for (k, v) in d.into_iter().enumerate() {
                    g[(a, b + k)] += v;
                }
                b += 4;
            }
            for b in b..p {
                g[(a, b)] += dot(za, col(b));
            }
        }
        start += len;
    }
    for a in 0..p {
        for b in 0..a {
            g[(a, b)] = g[(b, a)];
        }
    }
    g
}

/// The order of back substitution `L'x = u` (all give the same solution up to rounding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sweep {
    /// Column-oriented: each unknown, once found, is eliminated from the equations above it
    /// (so `x_j = (u_j − l_{p−1,j} x_{p−1} − … − l_{j+1,j} x_{j+1}) / l_jj`). [`crate::ols`].
    Columns,
    /// Row-oriented, subtracting the known terms one by one from the nearest
    /// (`x_j = (u_j − l_{j+1,j} x_{j+1} − … ) / l_jj`). The linear base learner.
    Rows,
    /// Row-oriented, subtracting the known terms' sum, formed by a dot product with eight
    /// interleaved accumulators. The propensity model and IPW's influence function.
    RowsDot,
}

/// A column that the factorisation met with a vanishing pivot.
#[derive(Debug)]
pub(crate) struct Singular {
    /// The column.
    pub(crate) column: usize,
    /// The factor of the columns before it.
    pub(crate) leading: Cholesky,
}

/// The lower-triangular Cholesky factor `L` (`G = LL'`) of a symmetric matrix, possibly over a
/// subset of its columns (the others have zero rows and columns in `L` and a zero solution).
#[derive(Debug, Clone)]
pub(crate) struct Cholesky {
    l: Matrix,
    kept: Vec<usize>,
    /// The smallest pivot `d` (1 − R² of the worst column when `G` has a unit diagonal).
    pub(crate) min_pivot: f64,
}

impl Cholesky {
    /// Factors `g` in column order, stopping at the first pivot at or below `tol` (or NaN).
    /// `tol = 0` is the plain factorisation of a positive definite matrix.
    pub(crate) fn new(g: &Matrix, tol: f64) -> Result<Cholesky, Singular> {
        Self::factor(g, tol, None)
    }

    /// Factors `g` in column order, leaving out the columns marked in `skip` and every column
    /// whose pivot is at or below `tol` (a linear combination of the columns kept before it).
    pub(crate) fn dropping(g: &Matrix, tol: f64, skip: &[bool]) -> Cholesky {
        match Self::factor(g, tol, Some(skip)) {
            Ok(c) | Err(Singular { leading: c, .. }) => c,
        }
    }

    /// [`Cholesky::new`] with [`COLLINEAR_TOL`] for a Gram matrix of standardized columns (unit
    /// diagonal); a vanishing pivot names the column and the earlier columns it depends on.
    ///
    /// # Errors
    /// [`Error::Collinear`].
    pub(crate) fn named(g: &Matrix, name: &dyn Fn(usize) -> String) -> Result<Cholesky, Error> {
        Self::new(g, COLLINEAR_TOL).map_err(|Singular { column: j, leading }| {
            // Which earlier columns carry the dependence: solve G₁₁ c = G₁ⱼ.
            let rhs: Vec<f64> = (0..g.n()).map(|k| if k < j { g[(k, j)] } else { 0.0 }).collect();
            let c = leading.solve(&rhs, Sweep::Columns);
            let with: Vec<String> = (0..j).filter(|&k| c[k].abs() > 1e-6).map(name).collect();
            Error::Collinear { column: name(j), with }
        })
    }

    /// The factorisation; with `skip`, small pivots drop their column instead of stopping.
    fn factor(g: &Matrix, tol: f64, skip: Option<&[bool]>) -> Result<Cholesky, Singular> {
        let p = g.n();
        let mut l = Matrix::zeros(p);
        let mut kept: Vec<usize> = Vec::with_capacity(p);
        let mut min_pivot = f64::INFINITY;
        for j in 0..p {
            if skip.is_some_and(|s| s[j]) {
                continue;
            }
            let mut d = g[(j, j)];
            for &k in &kept {
                d -= l[(j, k)] * l[(j, k)];
            }
            if !(d > tol) {
                if skip.is_some() {
                    continue;
                }
                return Err(Singular { column: j, leading: Cholesky { l, kept, min_pivot } });
            }
            min_pivot = min_pivot.min(d);
            let djj = d.sqrt();
            l[(j, j)] = djj;
            for i in j + 1..p {
                let mut s = g[(i, j)];
                for &k in &kept {
                    s -= l[(i, k)] * l[(j, k)];
                }
                l[(i, j)] = s / djj;
            }
            kept.push(j);
        }
        Ok(Cholesky { l, kept, min_pivot })
    }

    /// The columns in the factor, in order.
    pub(crate) fn kept(&self) -> &[usize] {
        &self.kept
    }

    /// Solves `G x = b` (`LL'x = b`): forward substitution, then back substitution in the order
    /// `sweep`. Columns left out of the factor get 0.
    pub(crate) fn solve(&self, b: &[f64], sweep: Sweep) -> Vec<f64> {
        let (l, kept) = (&self.l, &self.kept);
        let mut u = vec![0.0; l.n()];
        for (a, &j) in kept.iter().enumerate() {
            let mut s = b[j];
            for &k in &kept[..a] {
                s -= l[(j, k)] * u[k];
            }
            u[j] = s / l[(j, j)];
        }
        match sweep {
            Sweep::Columns => {
                for (a, &i) in kept.iter().enumerate().rev() {
                    let xi = u[i] / l[(i, i)];
                    u[i] = xi;
                    for &j in &kept[..a] {
                        u[j] -= xi * l[(i, j)];
                    }
                }
                u
            }
            Sweep::Rows => {
                let mut x = vec![0.0; l.n()];
                for (a, &j) in kept.iter().enumerate().rev() {
                    let mut s = u[j];
                    for &k in &kept[a + 1..] {
                        s -= l[(k, j)] * x[k];
                    }
                    x[j] = s / l[(j, j)];
                }
                x
            }
            Sweep::RowsDot => {
                for (a, &j) in kept.iter().enumerate().rev() {
                    let col: Vec<f64> = kept[a + 1..].iter().map(|&k| l[(k, j)]).collect();
                    let known: Vec<f64> = kept[a + 1..].iter().map(|&k| u[k]).collect();
                    u[j] = (u[j] - dot8(&col, &known)) / l[(j, j)];
                }
                u
            }
        }
    }

    /// `G⁻¹`, column by column ([`Sweep::Columns`]).
    pub(crate) fn inverse(&self) -> Matrix {
        let p = self.l.n();
        let mut inv = Matrix::zeros(p);
        let mut e = vec![0.0; p];
        for j in 0..p {
            e[j] = 1.0;
            for (i, v) in self.solve(&e, Sweep::Columns).into_iter().enumerate() {
                inv[(i, j)] = v;
            }
            e[j] = 0.0;
        }
        inv
    }
}

/// Dot product with eight interleaved accumulators over whole chunks of eight, combined pairwise
/// (0 + 4, 1 + 5, 2 + 6, 3 + 7) into a running sum that then takes the remaining terms in order.
fn dot8(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let mut i = 0;
    while a.len() - i >= 8 {
        for (l, acc) in acc.iter_mut().enumerate() {
            *acc += a[i + l] * b[i + l];
        }
        i += 8;
    }
    let mut res = 0.0;
    res += acc[0] + acc[4];
    res += acc[1] + acc[5];
    res += acc[2] + acc[6];
    res += acc[3] + acc[7];
    for k in i..a.len() {
        res += a[k] * b[k];
    }
    res
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn spd(p: usize) -> Matrix {
        // A Gram matrix of p well-conditioned columns.
        let cols: Vec<Vec<f64>> = (0..p)
            .map(|j| {
                (0..50)
                    .map(|i| ((i * (j + 3)) as f64 * 0.37).sin() + (i == j) as u8 as f64)
                    .collect()
            })
            .collect();
        let refs: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
        gram(&refs, &vec![0.0; p], &vec![1.0; p], None, BLOCK)
    }

    #[test]
    fn every_sweep_solves_the_system() {
        for p in [1, 3, 9, 20] {
            let g = spd(p);
            let b: Vec<f64> = (0..p).map(|i| i as f64 - 2.5).collect();
            let c = Cholesky::new(&g, 0.0).unwrap();
            for sweep in [Sweep::Columns, Sweep::Rows, Sweep::RowsDot] {
                let x = c.solve(&b, sweep);
                for i in 0..p {
                    let r: f64 = (0..p).map(|j| g[(i, j)] * x[j]).sum::<f64>() - b[i];
                    assert!(r.abs() < 1e-9, "p {p} {sweep:?} row {i}: {r}");
                }
            }
        }
    }

    #[test]
    fn blocks_only_regroup_the_sums() {
        let cols: Vec<Vec<f64>> =
            (0..3).map(|j| (0..1000).map(|i| ((i + 7 * j) as f64).cos()).collect()).collect();
        let refs: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
        let w: Vec<f64> = (0..1000).map(|i| 1.0 + (i % 3) as f64).collect();
        let (m, s) = ([0.1, -0.2, 0.3], [2.0, 1.0, 0.5]);
        let a = gram(&refs, &m, &s, Some(&w), BLOCK);
        let b = gram(&refs, &m, &s, Some(&w), 1000);
        for i in 0..3 {
            for j in 0..3 {
                assert!((a[(i, j)] - b[(i, j)]).abs() < 1e-10 * a[(i, i)]);
                assert_eq!(a[(i, j)], a[(j, i)]);
            }
        }
    }

    #[test]
    fn dropping_leaves_dependent_columns_out() {
        let a: Vec<f64> = (0..30).map(|i| f64::from(i % 7) - 3.0).collect();
        let b: Vec<f64> = (0..30).map(|i| f64::from(i % 5) - 2.0).collect();
        let c: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a - 2.0 * b).collect();
        let g = gram(&[&a, &c, &b], &[0.0; 3], &[1.0; 3], None, BLOCK);
        let chol = Cholesky::dropping(&g, 1e-10, &[false, false, false]);
        assert_eq!(chol.kept, vec![0, 1]);
        assert!(Cholesky::new(&g, 1e-10).is_err());
        let x = chol.solve(&[1.0, 2.0, 3.0], Sweep::Rows);
        assert_eq!(x[2], 0.0);
    }
}
