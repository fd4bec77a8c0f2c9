//! Conditional independence tests: Fisher's z on partial correlations, and the chi-square and
//! G² tests of discrete data, each exactly as causal-learn 0.1.4.8 (`causallearn.utils.cit`)
//! computes it.

use serde::{Deserialize, Serialize};

use crate::DiscoveryError;
use crate::dist::chi2_sf;

/// The most distinct values a column may have for a discrete test (chi-square, G²).
pub const MAX_LEVELS: usize = 50;

/// The default number of quantile bins of [`IndepTest::Mixed`].
pub const DEFAULT_BINS: usize = 4;

/// Residual variance (1 − R² on the other columns, in correlation units) below which a column
/// counts as collinear.
const COLLINEAR_TOL: f64 = 1e-10;

/// Which conditional independence test decides `x ⫫ y | S`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndepTest {
    /// Fisher's z on the partial correlation (continuous data, linear-Gaussian model):
    /// causal-learn's `fisherz`.
    FisherZ,
    /// Pearson's chi-square on the stratified contingency tables (discrete data): causal-learn's
    /// `chisq`.
    ChiSq,
    /// The likelihood-ratio (G²) version of the same test: causal-learn's `gsq`.
    GSq,
    /// Mixed data: every column with more distinct values than `bins` is cut into `bins`
    /// quantile bins, then the G² test runs on the codes. Columns with at most `bins` distinct
    /// values are kept as they are.
    Mixed {
        /// Quantile bins per continuous column (2 to [`MAX_LEVELS`]).
        bins: usize,
    },
}

impl IndepTest {
    /// The short name: `fisherz`, `chisq`, `gsq` or `mixed`.
    pub fn name(self) -> &'static str {
        match self {
            IndepTest::FisherZ => "fisherz",
            IndepTest::ChiSq => "chisq",
            IndepTest::GSq => "gsq",
            IndepTest::Mixed { .. } => "mixed",
        }
    }

    /// Parses a short name (case-insensitive); `mixed` gets [`DEFAULT_BINS`] bins.
    pub fn parse(name: &str) -> Option<IndepTest> {
        match name.to_ascii_lowercase().as_str() {
            "fisherz" | "fisher-z" | "fisher_z" => Some(IndepTest::FisherZ),
            "chisq" | "chi-square" | "chi2" => Some(IndepTest::ChiSq),
            "gsq" | "g2" | "g-square" => Some(IndepTest::GSq),
            "mixed" => Some(IndepTest::Mixed { bins: DEFAULT_BINS }),
            _ => None,
        }
    }
}

/// The outcome of one test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CiResult {
    /// The p-value; `x ⫫ y | S` is accepted when it is greater than alpha.
    pub p_value: f64,
    /// `√(n − |S| − 3) · |z|` (Fisher-z), or the chi-square / G² statistic.
    pub statistic: f64,
    /// Fisher-z: the partial correlation of x and y given S.
    pub partial_corr: Option<f64>,
    /// Fisher-z: `atanh` of the partial correlation.
    pub fisher_z: Option<f64>,
    /// Discrete tests: the degrees of freedom (causal-learn's count, which drops the empty rows
    /// and columns of each stratum).
    pub df: Option<usize>,
    /// Discrete tests: the number of observed configurations of S.
    pub n_strata: Option<usize>,
}

#[derive(Debug, Clone)]
enum Kind {
    FisherZ {
        corr: Vec<f64>,
    },
    /// `codes[j][r]`: column j's level in the r-th distinct row (configuration of every
    /// column), which `weight[r]` rows of the data share.
    Discrete {
        codes: Vec<Vec<u32>>,
        weight: Vec<u32>,
        card: Vec<usize>,
        gsq: bool,
    },
}

/// A conditional independence test on one data set: the correlation matrix (Fisher-z) or the
/// level codes (discrete tests) are computed once, when it is built.
#[derive(Debug, Clone)]
pub struct CiTester {
    names: Vec<String>,
    n: usize,
    test: IndepTest,
    kind: Kind,
}

/// Checks names and columns (no missing or infinite values, one length, two or more columns,
/// distinct names, none constant); returns the number of rows.
pub(crate) fn check_columns(names: &[String], columns: &[&[f64]]) -> Result<usize, DiscoveryError> {
    if names.len() != columns.len() {
        return Err(DiscoveryError::Shape(format!(
            "{} names for {} columns",
            names.len(),
            columns.len()
        )));
    }
    if columns.len() < 2 {
        return Err(DiscoveryError::TooFewColumns(columns.len()));
    }
    for (i, a) in names.iter().enumerate() {
        if names[..i].contains(a) {
            return Err(DiscoveryError::DuplicateName(a.clone()));
        }
    }
    let n = columns[0].len();
    for (name, col) in names.iter().zip(columns) {
        if col.len() != n {
            return Err(DiscoveryError::Shape(format!(
                "column `{name}` has {} rows, `{}` has {n}",
                col.len(),
                names[0]
            )));
        }
        if let Some(row) = col.iter().position(|v| !v.is_finite()) {
            return Err(DiscoveryError::NotFinite { column: name.clone(), row });
        }
    }
    if n == 0 {
        return Err(DiscoveryError::Shape("there are no rows to analyse".into()));
    }
    for (name, col) in names.iter().zip(columns) {
        if col.iter().all(|&v| v == col[0]) {
            return Err(DiscoveryError::Constant { column: name.clone() });
        }
    }
    Ok(n)
}

/// Neumaier's compensated sum.
fn accurate_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut comp) = (0.0_f64, 0.0_f64);
    for v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            comp += (sum - t) + v;
        } else {
            comp += (v - t) + sum;
        }
        sum = t;
    }
    sum + comp
}

/// `np.corrcoef` of the columns (row-major p × p): covariances of the centred columns scaled by
/// `1 / (n − 1)`, divided by the standard deviations one after the other, clipped to [−1, 1].
fn correlation(columns: &[&[f64]], n: usize) -> Vec<f64> {
    let p = columns.len();
    let centred: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| {
            let mean = accurate_sum(c.iter().copied()) / n as f64;
            c.iter().map(|v| v - mean).collect()
        })
        .collect();
    let fact = 1.0 / (n as f64 - 1.0);
    let mut cov = vec![0.0; p * p];
    for i in 0..p {
        for j in i..p {
            let c = accurate_sum(centred[i].iter().zip(&centred[j]).map(|(a, b)| a * b)) * fact;
            cov[i * p + j] = c;
            cov[j * p + i] = c;
        }
    }
    let sd: Vec<f64> = (0..p).map(|i| cov[i * p + i].sqrt()).collect();
    let mut corr = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            corr[i * p + j] = (cov[i * p + j] / sd[i] / sd[j]).clamp(-1.0, 1.0);
        }
    }
    corr
}

/// The first column (in order) that is a linear combination of earlier ones, found by a
/// Cholesky factorization of the correlation matrix, with the earlier columns it loads on.
fn find_collinear(corr: &[f64], p: usize) -> Option<(usize, Vec<usize>)> {
    let mut l = vec![0.0; p * p];
    for k in 0..p {
        for j in 0..k {
            let s: f64 = (0..j).map(|m| l[k * p + m] * l[j * p + m]).sum();
            l[k * p + j] = (corr[k * p + j] - s) / l[j * p + j];
        }
        let d = corr[k * p + k] - (0..k).map(|m| l[k * p + m] * l[k * p + m]).sum::<f64>();
        if !(d > COLLINEAR_TOL) {
            // Regression of column k on columns 0..k: beta = L⁻ᵀ l_k (back substitution).
            let mut beta = vec![0.0; k];
            for j in (0..k).rev() {
                let s: f64 = (j + 1..k).map(|m| l[m * p + j] * beta[m]).sum();
                beta[j] = (l[k * p + j] - s) / l[j * p + j];
            }
            let with = (0..k).filter(|&j| beta[j].abs() > 1e-6).collect();
            return Some((k, with));
        }
        l[k * p + k] = d.sqrt();
    }
    None
}

/// Sorted distinct values (−0 and 0 are one value, as in `np.unique`) and each row's code.
fn recode(col: &[f64]) -> (Vec<u32>, usize) {
    let mut levels: Vec<f64> = col.iter().map(|v| v + 0.0).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let codes = col
        .iter()
        .map(|v| {
            let v = v + 0.0;
            levels.partition_point(|l| l.total_cmp(&v).is_lt()) as u32
        })
        .collect();
    (codes, levels.len())
}

fn n_distinct(col: &[f64]) -> usize {
    let mut v: Vec<f64> = col.iter().map(|v| v + 0.0).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.len()
}

/// Cuts a column at its `k/bins` quantiles (numpy's default linear interpolation), k = 1 ..
/// bins − 1: a value's bin is the number of cut points below it, so equal values share a bin.
fn quantile_bins(col: &[f64], bins: usize) -> Vec<f64> {
    let mut sorted = col.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let cuts: Vec<f64> = (1..bins)
        .map(|k| {
            let h = (n - 1) as f64 * k as f64 / bins as f64;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        })
        .collect();
    col.iter().map(|&v| cuts.iter().filter(|&&c| v > c).count() as f64).collect()
}

impl CiTester {
    /// Prepares `test` on the columns (all of one length, no missing or infinite values).
    ///
    /// # Errors
    /// [`DiscoveryError::TooFewColumns`], [`DiscoveryError::Shape`],
    /// [`DiscoveryError::DuplicateName`], [`DiscoveryError::NotFinite`],
    /// [`DiscoveryError::Constant`]; Fisher-z: [`DiscoveryError::Collinear`]; discrete tests:
    /// [`DiscoveryError::TooManyLevels`]; [`DiscoveryError::Param`] for bins out of range.
    pub fn new(
        names: &[String],
        columns: &[&[f64]],
        test: IndepTest,
    ) -> Result<CiTester, DiscoveryError> {
        let n = check_columns(names, columns)?;
        let p = columns.len();
        let kind = match test {
            IndepTest::FisherZ => {
                let corr = correlation(columns, n);
                if let Some((k, with)) = find_collinear(&corr, p) {
                    return Err(DiscoveryError::Collinear {
                        column: names[k].clone(),
                        with: with.into_iter().map(|j| names[j].clone()).collect(),
                    });
                }
                Kind::FisherZ { corr }
            }
            IndepTest::ChiSq | IndepTest::GSq | IndepTest::Mixed { .. } => {
                let bins = match test {
                    IndepTest::Mixed { bins } => {
                        if !(2..=MAX_LEVELS).contains(&bins) {
                            return Err(DiscoveryError::Param(format!(
                                "the mixed test needs 2 to {MAX_LEVELS} bins, got {bins}"
                            )));
                        }
                        Some(bins)
                    }
                    _ => None,
                };
                let mut codes = Vec::with_capacity(p);
                let mut card = Vec::with_capacity(p);
                for (name, col) in names.iter().zip(columns) {
                    let (c, k) = match bins {
                        Some(b) if n_distinct(col) > b => recode(&quantile_bins(col, b)),
                        _ => recode(col),
                    };
                    if k > MAX_LEVELS {
                        return Err(DiscoveryError::TooManyLevels {
                            column: name.clone(),
                            levels: k,
                            max: MAX_LEVELS,
                        });
                    }
                    codes.push(c);
                    card.push(k);
                }
                let (codes, weight) = distinct_rows(codes, n);
                Kind::Discrete { codes, weight, card, gsq: test != IndepTest::ChiSq }
            }
        };
        Ok(CiTester { names: names.to_vec(), n, test, kind })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n
    }

    /// Number of columns.
    pub fn n_columns(&self) -> usize {
        self.names.len()
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The test.
    pub fn test_kind(&self) -> IndepTest {
        self.test
    }

    /// Discrete tests: the number of levels of column `i` (after binning, for the mixed test).
    pub fn levels(&self, i: usize) -> Option<usize> {
        match &self.kind {
            Kind::Discrete { card, .. } => card.get(i).copied(),
            Kind::FisherZ { .. } => None,
        }
    }

    /// Tests `x ⫫ y | s` (column indices; the order of x and y and of `s` does not matter).
    ///
    /// # Errors
    /// [`DiscoveryError::Param`] for an index out of range, `x == y`, or x or y in `s`;
    /// [`DiscoveryError::TooFewRows`] (Fisher-z) when `n − |s| − 3 ≤ 0`;
    /// [`DiscoveryError::Collinear`] when the correlation matrix of x, y and s is singular.
    pub fn test(&self, x: usize, y: usize, s: &[usize]) -> Result<CiResult, DiscoveryError> {
        let p = self.names.len();
        let mut s = s.to_vec();
        s.sort_unstable();
        s.dedup();
        if x >= p || y >= p || x == y || s.iter().any(|&v| v >= p || v == x || v == y) {
            return Err(DiscoveryError::Param(format!(
                "not a test of two distinct columns given others: {x}, {y} | {s:?}"
            )));
        }
        let (a, b) = if x < y { (x, y) } else { (y, x) };
        self.canonical(a, b, &s)
    }

    /// The test with `a < b` and `s` sorted, free of a and b.
    pub(crate) fn canonical(
        &self,
        a: usize,
        b: usize,
        s: &[usize],
    ) -> Result<CiResult, DiscoveryError> {
        match &self.kind {
            Kind::FisherZ { corr } => self.fisher_z(corr, a, b, s),
            Kind::Discrete { codes, weight, card, gsq } => {
                Ok(discrete(codes, weight, card, *gsq, a, b, s))
            }
        }
    }

    fn fisher_z(
        &self,
        corr: &[f64],
        a: usize,
        b: usize,
        s: &[usize],
    ) -> Result<CiResult, DiscoveryError> {
        if self.n <= s.len() + 3 {
            return Err(DiscoveryError::TooFewRows { n: self.n, conditioning: s.len() });
        }
        let p = self.names.len();
        let idx: Vec<usize> = [a, b].iter().chain(s).copied().collect();
        let k = idx.len();
        let mut m: Vec<f64> = Vec::with_capacity(k * k);
        for &i in &idx {
            m.extend(idx.iter().map(|&j| corr[i * p + j]));
        }
        let singular = || DiscoveryError::Collinear {
            column: self.names[a].clone(),
            with: idx[1..].iter().map(|&j| self.names[j].clone()).collect(),
        };
        let lu = Lu::new(m, k).ok_or_else(singular)?;
        // Columns 0 and 1 of the inverse: P[0,0], and P[0,1], P[1,1] (numpy's inv(...)[0, 1] is
        // row 0 of the solution for the unit vector e1).
        let c0 = lu.solve_unit(0);
        let c1 = lu.solve_unit(1);
        let (p00, p01, p11) = (c0[0], c1[0], c1[1]);
        let mut r = -p01 / (p00 * p11).abs().sqrt();
        if !r.is_finite() {
            return Err(singular());
        }
        if r.abs() >= 1.0 {
            r = (1.0 - f64::EPSILON) * r.signum();
        }
        let z = 0.5 * libm::log((1.0 + r) / (1.0 - r));
        let stat = ((self.n - s.len() - 3) as f64).sqrt() * z.abs();
        let p_value = 2.0 * (1.0 - cf_estimate::dist::normal_cdf(stat));
        Ok(CiResult {
            p_value,
            statistic: stat,
            partial_corr: Some(r),
            fisher_z: Some(z),
            df: None,
            n_strata: None,
        })
    }
}

/// LU factorization with partial pivoting of a k × k matrix (row-major).
struct Lu {
    k: usize,
    lu: Vec<f64>,
    perm: Vec<usize>,
}

impl Lu {
    /// `None` when a pivot is exactly zero (what makes `np.linalg.inv` raise).
    fn new(mut a: Vec<f64>, k: usize) -> Option<Lu> {
        let mut perm: Vec<usize> = (0..k).collect();
        for j in 0..k {
            let mut piv = j;
            for i in j + 1..k {
                if a[i * k + j].abs() > a[piv * k + j].abs() {
                    piv = i;
                }
            }
            if a[piv * k + j] == 0.0 {
                return None;
            }
            if piv != j {
                for c in 0..k {
                    a.swap(j * k + c, piv * k + c);
                }
                perm.swap(j, piv);
            }
            let d = a[j * k + j];
            for i in j + 1..k {
                let f = a[i * k + j] / d;
                a[i * k + j] = f;
                for c in j + 1..k {
                    a[i * k + c] -= f * a[j * k + c];
                }
            }
        }
        Some(Lu { k, lu: a, perm })
    }

    /// Solves `A x = e_col`.
    fn solve_unit(&self, col: usize) -> Vec<f64> {
        let k = self.k;
        let mut x: Vec<f64> = self.perm.iter().map(|&r| if r == col { 1.0 } else { 0.0 }).collect();
        for i in 0..k {
            let s: f64 = (0..i).map(|l| self.lu[i * k + l] * x[l]).sum();
            x[i] -= s;
        }
        for i in (0..k).rev() {
            let s: f64 = (i + 1..k).map(|l| self.lu[i * k + l] * x[l]).sum();
            x[i] = (x[i] - s) / self.lu[i * k + i];
        }
        x
    }
}

/// Cells of a dense stratum table above which strata are re-indexed to the observed
/// configurations first (causal-learn switches at 1e5 too).
const DENSE_CELLS: usize = 100_000;

/// Chi-square or G² test of `a ⫫ b | s` on level codes (causal-learn's `Chisq_or_Gsq`).
fn discrete(
    codes: &[Vec<u32>],
    weight: &[u32],
    card: &[usize],
    gsq: bool,
    a: usize,
    b: usize,
    s: &[usize],
) -> CiResult {
    let n = codes[a].len();
    let (ka, kb) = (card[a], card[b]);
    // Stratum of each row: the mixed-radix index of its configuration of s, re-indexed to the
    // observed configurations whenever the index space grows large.
    let mut strata = vec![0_u64; n];
    let mut n_cfg: u64 = 1;
    for &v in s {
        let kv = card[v] as u64;
        if n_cfg.saturating_mul(kv).saturating_mul((ka * kb) as u64) > DENSE_CELLS as u64 {
            n_cfg = compress(&mut strata);
        }
        for (st, &c) in strata.iter_mut().zip(&codes[v]) {
            *st = *st * kv + u64::from(c);
        }
        n_cfg *= kv;
    }
    if n_cfg.saturating_mul((ka * kb) as u64) > DENSE_CELLS as u64 {
        n_cfg = compress(&mut strata);
    }
    let n_cfg = n_cfg as usize;
    let cells = ka * kb;
    let mut counts = vec![0_u32; n_cfg * cells];
    for r in 0..n {
        let cell = strata[r] as usize * cells + codes[a][r] as usize * kb + codes[b][r] as usize;
        counts[cell] += weight[r];
    }
    let mut stat = 0.0;
    let mut df: usize = 0;
    let mut n_strata = 0;
    let mut row = vec![0.0; ka];
    let mut col = vec![0.0; kb];
    for table in counts.chunks_exact(cells) {
        row.iter_mut().for_each(|v| *v = 0.0);
        col.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..ka {
            for j in 0..kb {
                let o = f64::from(table[i * kb + j]);
                row[i] += o;
                col[j] += o;
            }
        }
        let total: f64 = row.iter().sum();
        if total == 0.0 {
            continue; // an unobserved configuration
        }
        n_strata += 1;
        for i in 0..ka {
            for j in 0..kb {
                let e = row[i] * col[j] / total;
                let o = f64::from(table[i * kb + j]);
                if gsq {
                    if o > 0.0 {
                        stat += o * libm::log(o / e);
                    }
                } else if e > 0.0 {
                    stat += (o - e) * (o - e) / e;
                }
            }
        }
        let zero_rows = row.iter().filter(|&&v| v == 0.0).count();
        let zero_cols = col.iter().filter(|&&v| v == 0.0).count();
        df += (ka - 1 - zero_rows) * (kb - 1 - zero_cols);
    }
    if gsq {
        stat *= 2.0;
    }
    let p_value = if df == 0 { 1.0 } else { chi2_sf(stat, df as f64) };
    CiResult {
        p_value,
        statistic: stat,
        partial_corr: None,
        fisher_z: None,
        df: Some(df),
        n_strata: Some(n_strata),
    }
}

/// The distinct rows of the level codes (`codes[j]` holds column j's, `n` rows) and how many rows
/// share each: a contingency table counts the same from them, in fewer passes (real discrete
/// data repeats its configurations: Sachs's 5,400 rows hold 1,213).
fn distinct_rows(codes: Vec<Vec<u32>>, n: usize) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut order: Vec<usize> = (0..n).collect();
    let row = |r: usize| codes.iter().map(move |c| c[r]);
    order.sort_unstable_by(|&a, &b| row(a).cmp(row(b)));
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); codes.len()];
    let mut weight: Vec<u32> = Vec::new();
    for (i, &r) in order.iter().enumerate() {
        if i > 0 && row(order[i - 1]).eq(row(r)) {
            if let Some(w) = weight.last_mut() {
                *w += 1;
            }
            continue;
        }
        weight.push(1);
        out.iter_mut().zip(&codes).for_each(|(o, c)| o.push(c[r]));
    }
    (out, weight)
}

/// Replaces the ids by their rank among the distinct ids; returns how many there are.
fn compress(ids: &mut [u64]) -> u64 {
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    for id in ids.iter_mut() {
        *id = distinct.partition_point(|&d| d < *id) as u64;
    }
    distinct.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recoding_sorts_levels_and_merges_signed_zero() {
        let (codes, k) = recode(&[3.0, -0.0, 0.0, 7.5, 3.0]);
        assert_eq!((codes, k), (vec![1, 0, 0, 2, 1], 3));
    }

    #[test]
    fn quantile_bins_keep_ties_together() {
        let col: Vec<f64> = (0..100).map(|i| f64::from(i / 10)).collect();
        let b = quantile_bins(&col, 4);
        for (v, bin) in col.iter().zip(&b) {
            let same: Vec<f64> =
                col.iter().zip(&b).filter(|(w, _)| *w == v).map(|(_, c)| *c).collect();
            assert!(same.iter().all(|c| c == bin));
        }
        let (_, k) = recode(&b);
        assert_eq!(k, 4);
    }

    #[test]
    fn lu_inverts() {
        let m = vec![4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let lu = Lu::new(m.clone(), 3).unwrap_or_else(|| panic!("singular"));
        for c in 0..3 {
            let x = lu.solve_unit(c);
            for r in 0..3 {
                let v: f64 = (0..3).map(|l| m[r * 3 + l] * x[l]).sum();
                assert!((v - if r == c { 1.0 } else { 0.0 }).abs() < 1e-14);
            }
        }
        assert!(Lu::new(vec![1.0, 2.0, 2.0, 4.0], 2).is_none());
    }
}
