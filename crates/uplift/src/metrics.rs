//! Uplift curves and their coefficients, as causalml 0.18 defines them
//! (`causalml/metrics/visualize.py`: `get_cumlift`, `get_cumgain`, `get_qini`, `auuc_score`,
//! `qini_score`).
//!
//! Rows are ranked by score, highest first. For the top `k` rows let `N_t`, `N_c` be the treated
//! and control counts and `Y_t`, `Y_c` their outcome sums:
//!
//! * lift(k) = Y_t/N_t − Y_c/N_c, gain(k) = k · lift(k), qini(k) = Y_t − Y_c · N_t/N_c;
//! * each curve starts with a point 0 at k = 0 (n + 1 points); a point that is 0/0 (no treated or
//!   no control row yet) is filled on the straight line between its defined neighbours, as
//!   pandas' `.interpolate()` does;
//! * **normalised** curves are divided by |last point|, so they end at +1 or −1; the last point
//!   does not depend on the ranking (gain(n) = n × the difference in means);
//! * **AUUC** = the mean of the n + 1 gain points. There is no baseline subtraction: a random
//!   ranking scores about 0.5 normalised, a good one more; values above 1 are possible (a curve
//!   that rises above its end point);
//! * **Qini coefficient** = (Σ qini points − Σ straight line from the first to the last point) /
//!   (n + 1): 0 is random targeting, above 0 better than random, below 0 worse.
//!
//! The page and the CLI report both normalised values (causalml's default) and raw ones.
//!
//! **Ties.** Scores that are equal keep the input row order (a stable sort). causalml sorts with
//! pandas' default quicksort, which is not stable, so for models with few distinct scores (one per
//! leaf of a tree) its numbers depend on the sort algorithm; given the same order, the numbers
//! here equal causalml's.

use cf_estimate::SplitMix64;
use std::fmt;

/// Why a curve cannot be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricError {
    /// Score, treatment and outcome of different lengths.
    Length,
    /// No rows, no treated row or no control row.
    NoGroup,
    /// A score or outcome that is not a finite number (row, 0-based).
    NotFinite(usize),
    /// An interval level or replicate count out of range.
    Param(&'static str),
}

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricError::Length => write!(f, "score, treatment and outcome have different lengths"),
            MetricError::NoGroup => write!(f, "the evaluation rows need treated and control rows"),
            MetricError::NotFinite(r) => {
                write!(f, "score or outcome is not a finite number in row {}", r + 1)
            }
            MetricError::Param(p) => write!(f, "{p} is out of range"),
        }
    }
}

impl std::error::Error for MetricError {}

/// The three curves, raw (not normalised), n + 1 points each (point k = top k rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    /// Cumulative lift.
    pub lift: Vec<f64>,
    /// Cumulative gain.
    pub gain: Vec<f64>,
    /// Qini curve.
    pub qini: Vec<f64>,
}

/// The four coefficients of one ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficients {
    /// AUUC of the normalised gain curve (0.5 ≈ random); NaN when the gain curve ends at 0.
    pub auuc: f64,
    /// AUUC of the raw gain curve.
    pub auuc_raw: f64,
    /// Qini coefficient of the normalised Qini curve (0 = random); NaN when it ends at 0.
    pub qini: f64,
    /// Qini coefficient of the raw curve.
    pub qini_raw: f64,
}

/// The ranking: row indices by score, highest first, ties in row order; a score that is not a
/// number ranks last.
pub fn order(score: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (score[a], score[b]);
        x.is_nan().cmp(&y.is_nan()).then_with(|| y.total_cmp(&x))
    });
    idx
}

fn check(score: &[f64], treated: &[bool], y: &[f64]) -> Result<(), MetricError> {
    if score.len() != treated.len() || y.len() != treated.len() {
        return Err(MetricError::Length);
    }
    if let Some(r) = (0..y.len()).find(|&r| !score[r].is_finite() || !y[r].is_finite()) {
        return Err(MetricError::NotFinite(r));
    }
    if !treated.iter().any(|&t| t) || treated.iter().all(|&t| t) {
        return Err(MetricError::NoGroup);
    }
    Ok(())
}

/// The curves of `score` on rows with treatment `treated` and outcome `y`.
///
/// # Errors
/// Lengths differ, a non-finite score or outcome, no treated or no control row.
pub fn curves(score: &[f64], treated: &[bool], y: &[f64]) -> Result<Curves, MetricError> {
    check(score, treated, y)?;
    let ord = order(score);
    let mut c = Curves { lift: Vec::new(), gain: Vec::new(), qini: Vec::new() };
    build(ord.iter().map(|&r| (treated[r], y[r], 1)), &mut c);
    Ok(c)
}

/// Fills `c` from rows in ranked order, each `(treated, y, copies)`.
fn build(rows: impl Iterator<Item = (bool, f64, u32)>, c: &mut Curves) {
    c.lift.clear();
    c.qini.clear();
    c.lift.push(0.0);
    c.qini.push(0.0);
    let (mut nt, mut nc, mut yt, mut yc) = (0.0, 0.0, 0.0, 0.0);
    for (t, y, copies) in rows {
        for _ in 0..copies {
            if t {
                nt += 1.0;
                yt += y;
            } else {
                nc += 1.0;
                yc += y;
            }
            c.lift.push(if nt > 0.0 && nc > 0.0 { yt / nt - yc / nc } else { f64::NAN });
            c.qini.push(if nc > 0.0 { yt - yc * nt / nc } else { f64::NAN });
        }
    }
    interpolate(&mut c.lift);
    interpolate(&mut c.qini);
    c.gain.clear();
    c.gain.extend(c.lift.iter().enumerate().map(|(k, l)| l * k as f64));
}

/// Fills NaN points on the straight line between the defined points around them (pandas'
/// `.interpolate()`, linear in position); trailing NaNs take the last defined value.
fn interpolate(v: &mut [f64]) {
    let mut last: Option<usize> = None;
    let mut k = 0;
    while k < v.len() {
        if v[k].is_nan() {
            let next = (k..v.len()).find(|&j| !v[j].is_nan());
            match (last, next) {
                (Some(a), Some(b)) => {
                    for j in k..b {
                        v[j] = v[a] + (v[b] - v[a]) * (j - a) as f64 / (b - a) as f64;
                    }
                    k = b;
                }
                (Some(a), None) => {
                    let fill = v[a];
                    v[k..].iter_mut().for_each(|x| *x = fill);
                    return;
                }
                (None, _) => k += 1,
            }
        } else {
            last = Some(k);
            k += 1;
        }
    }
}

/// AUUC and Qini, normalised and raw, of curves.
pub fn coefficients(c: &Curves) -> Coefficients {
    let m = c.gain.len() as f64;
    let auuc_raw = c.gain.iter().sum::<f64>() / m;
    let gain_end = c.gain.last().copied().unwrap_or(0.0).abs();
    let q_first = c.qini.first().copied().unwrap_or(0.0);
    let q_last = c.qini.last().copied().unwrap_or(0.0);
    let qini_raw = (c.qini.iter().sum::<f64>() - m * (q_first + q_last) / 2.0) / m;
    let norm = |value: f64, end: f64| if end > 0.0 { value / end } else { f64::NAN };
    Coefficients {
        auuc: norm(auuc_raw, gain_end),
        auuc_raw,
        qini: norm(qini_raw, q_last.abs()),
        qini_raw,
    }
}

/// A curve at 101 points: the top ⌊k·n/100⌋ rows for k = 0..=100; returns (fraction of rows,
/// value).
pub fn at_percents(curve: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let n = curve.len().saturating_sub(1);
    (0..=100)
        .map(|k| {
            let row = k * n / 100;
            (if n > 0 { row as f64 / n as f64 } else { 0.0 }, curve[row])
        })
        .unzip()
}

/// Percentile bootstrap intervals of the four coefficients, and pointwise bands of the raw gain
/// and Qini curves.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// Normalised AUUC.
    pub auuc: (f64, f64),
    /// Raw AUUC.
    pub auuc_raw: (f64, f64),
    /// Normalised Qini.
    pub qini: (f64, f64),
    /// Raw Qini.
    pub qini_raw: (f64, f64),
    /// Replicates whose normalised values were defined (a replicate without treated or control
    /// rows, or whose curve ends at 0, is left out).
    pub replicates: usize,
    /// The raw gain curve's pointwise percentile interval at the 101 points of [`at_percents`]
    /// (the top ⌊k·n/100⌋ rows of the full data's ranking, counted with the replicate's weights).
    pub gain_band: Vec<(f64, f64)>,
    /// The same for the raw Qini curve.
    pub qini_band: Vec<(f64, f64)>,
}

/// Percentile intervals at level `1 − alpha` from `reps` bootstrap resamples of the rows (with
/// replacement, from `seed`). The ranking is the one of the full data: a resample is a count per
/// row, ties and duplicates keep row order, so each replicate is one pass over the ranked rows.
///
/// # Errors
/// As [`curves`]; `alpha` outside (0, 1) or fewer than 2 replicates.
pub fn bootstrap(
    score: &[f64],
    treated: &[bool],
    y: &[f64],
    reps: usize,
    seed: u64,
    alpha: f64,
) -> Result<Intervals, MetricError> {
    check(score, treated, y)?;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(MetricError::Param("alpha"));
    }
    if reps < 2 {
        return Err(MetricError::Param("the number of bootstrap replicates"));
    }
    let ord = order(score);
    let n = ord.len();
    let mut rng = SplitMix64(seed);
    let mut counts = vec![0u32; n];
    let mut c = Curves {
        lift: Vec::with_capacity(n + 1),
        gain: Vec::with_capacity(n + 1),
        qini: Vec::with_capacity(n + 1),
    };
    let mut draws: [Vec<f64>; 4] = Default::default();
    let (mut gains, mut qinis): (Vec<Vec<f64>>, Vec<Vec<f64>>) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..n {
            counts[rng.below(n)] += 1;
        }
        let (mut any_t, mut any_c) = (false, false);
        for (r, &k) in counts.iter().enumerate() {
            if k > 0 {
                any_t |= treated[r];
                any_c |= !treated[r];
            }
        }
        if !(any_t && any_c) {
            continue;
        }
        build(ord.iter().map(|&r| (treated[r], y[r], counts[r])), &mut c);
        let k = coefficients(&c);
        if !(k.auuc.is_finite() && k.qini.is_finite()) {
            continue;
        }
        for (d, v) in draws.iter_mut().zip([k.auuc, k.auuc_raw, k.qini, k.qini_raw]) {
            d.push(v);
        }
        gains.push(at_percents(&c.gain).1);
        qinis.push(at_percents(&c.qini).1);
    }
    if draws[0].len() < 2 {
        return Err(MetricError::NoGroup);
    }
    let iv = |d: &mut Vec<f64>| {
        d.sort_by(f64::total_cmp);
        (quantile(d, alpha / 2.0), quantile(d, 1.0 - alpha / 2.0))
    };
    let band = |curves: &[Vec<f64>]| -> Vec<(f64, f64)> {
        (0..=100)
            .map(|k| {
                let mut at: Vec<f64> =
                    curves.iter().map(|c| c[k]).filter(|v| v.is_finite()).collect();
                if at.len() < 2 {
                    return (f64::NAN, f64::NAN);
                }
                at.sort_by(f64::total_cmp);
                (quantile(&at, alpha / 2.0), quantile(&at, 1.0 - alpha / 2.0))
            })
            .collect()
    };
    let (gain_band, qini_band) = (band(&gains), band(&qinis));
    let [a, b, q, r] = &mut draws;
    Ok(Intervals {
        auuc: iv(a),
        auuc_raw: iv(b),
        qini: iv(q),
        qini_raw: iv(r),
        replicates: a.len(),
        gain_band,
        qini_band,
    })
}

/// numpy's default (linear) quantile of sorted values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}
