//! Columns computed from other columns, found when a table is loaded so that the page does not
//! adjust for them by default: a change score and the later measurement it was computed from
//! (NHEFS's `wt82_71 = wt82 − wt71`), or a near copy of a column. Adjusting for a column computed
//! from the outcome, or measured after the treatment, reproduces the outcome and biases the effect
//! (and makes every outcome model exact: see `run/degenerate.rs`).
//!
//! Both searches are screens on evenly spaced rows (so that a file of a million rows costs a few
//! milliseconds), an identity confirmed on every row:
//! * an [`Identity`] `total = a + b` holds, within 1 % of the total's standard deviation (room for
//!   values rounded after the subtraction), on every row where the three are present;
//! * a [`NearCopy`] has a correlation of at least [`NEAR_COPY_R`] in absolute value.

use cf_data::{ColumnData, Table};
use serde::{Deserialize, Serialize};

/// `total = parts[0] + parts[1]` on every row where the three are present (so
/// `parts[0] = total − parts[1]`: a change score and the measurements it was computed from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The sum.
    pub total: String,
    /// The two terms, in file order.
    pub parts: [String; 2],
}

/// Two columns whose correlation is at least [`NEAR_COPY_R`] in absolute value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearCopy {
    /// The two columns, in file order.
    pub columns: [String; 2],
    /// Their correlation (pairwise complete rows).
    pub r: f64,
}

/// Smallest absolute correlation of a [`NearCopy`].
pub const NEAR_COPY_R: f64 = 0.999;

/// Rows the screens look at (evenly spaced).
const SCREEN_ROWS: usize = 64;
/// Rows the near-copy correlations and the columns' spreads use (evenly spaced).
const CORR_ROWS: usize = 4000;
/// Fewest complete rows for either relation.
const MIN_ROWS: usize = 20;
/// Most columns searched (the identity screen is quadratic in them).
const MAX_COLUMNS: usize = 400;
/// Most identities that pass the screen and are checked on every row (each check reads the three
/// columns whole); the search stops there.
const MAX_CONFIRMATIONS: usize = 200;
/// Largest residual of an identity, as a share of the total's standard deviation.
const TOLERANCE: f64 = 0.01;

/// A numeric column's values and standard deviation, for the screens.
struct Candidate<'a> {
    name: &'a str,
    values: &'a [f64],
    sd: f64,
}

/// The numeric and 0/1 columns that vary on the evenly spaced rows `rows` (their standard
/// deviation there), at most [`MAX_COLUMNS`] of them.
fn candidates<'a>(table: &'a Table, rows: &[usize]) -> Vec<Candidate<'a>> {
    table
        .columns()
        .iter()
        .filter_map(|c| match c.data() {
            ColumnData::Numeric(v) => Some((c.name(), v.as_slice())),
            ColumnData::Categorical { .. } => None,
        })
        .filter_map(|(name, values)| {
            let (mut n, mut sum, mut sq) = (0usize, 0.0, 0.0);
            for x in rows.iter().map(|&r| values[r]).filter(|x| x.is_finite()) {
                n += 1;
                sum += x;
                sq += x * x;
            }
            if n < MIN_ROWS {
                return None;
            }
            let mean = sum / n as f64;
            let sd = (sq / n as f64 - mean * mean).max(0.0).sqrt();
            (sd > 1e-12 * mean.abs().max(1.0)).then_some(Candidate { name, values, sd })
        })
        .take(MAX_COLUMNS)
        .collect()
}

/// `k` evenly spaced row numbers of `n` (all of them when `n <= k`).
fn spaced(n: usize, k: usize) -> Vec<usize> {
    if n <= k { (0..n).collect() } else { (0..k).map(|i| i * (n - 1) / (k - 1)).collect() }
}

/// Whether `total = a + b` within the tolerance on `rows` (at least [`MIN_ROWS`] complete).
fn holds(
    total: &Candidate<'_>,
    a: &Candidate<'_>,
    b: &Candidate<'_>,
    rows: impl Iterator<Item = usize>,
) -> bool {
    let tol = TOLERANCE * total.sd;
    let mut complete = 0;
    for r in rows {
        let (t, x, y) = (total.values[r], a.values[r], b.values[r]);
        if t.is_nan() || x.is_nan() || y.is_nan() {
            continue;
        }
        if (t - x - y).abs() > tol {
            return false;
        }
        complete += 1;
    }
    complete >= MIN_ROWS
}

/// Every identity `total = a + b` among the table's numeric columns (no column in one twice,
/// none constant on the 64 screen rows), up to 200 that pass the screen.
pub fn identities(table: &Table) -> Vec<Identity> {
    let n = table.n_rows();
    // Only columns that vary on the screen rows: three columns constant there (rare dummies)
    // would pass the screen whatever they hold.
    let screen = spaced(n, SCREEN_ROWS);
    let cols = candidates(table, &screen);
    let mut confirmations = 0;
    let Some(&probe) =
        screen.iter().max_by_key(|&&r| cols.iter().filter(|c| !c.values[r].is_nan()).count())
    else {
        return Vec::new();
    };
    // Totals sorted by their value at the probe row, to look up `a + b` there.
    let mut by_value: Vec<(f64, usize)> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.values[probe].is_nan())
        .map(|(i, c)| (c.values[probe], i))
        .collect();
    by_value.sort_by(|x, y| x.0.total_cmp(&y.0));
    let widest = TOLERANCE * cols.iter().map(|c| c.sd).fold(0.0, f64::max);
    let mut out = Vec::new();
    for i in 0..cols.len() {
        for j in i + 1..cols.len() {
            let (a, b) = (&cols[i], &cols[j]);
            let s = a.values[probe] + b.values[probe];
            if s.is_nan() {
                continue;
            }
            let lo = by_value.partition_point(|&(v, _)| v < s - widest);
            for &(v, k) in &by_value[lo..] {
                if v > s + widest {
                    break;
                }
                if k == i || k == j {
                    continue;
                }
                let t = &cols[k];
                if !holds(t, a, b, screen.iter().copied()) {
                    continue;
                }
                confirmations += 1;
                if confirmations > MAX_CONFIRMATIONS {
                    return out;
                }
                if holds(t, a, b, 0..n) {
                    out.push(Identity {
                        total: t.name.to_string(),
                        parts: [a.name.to_string(), b.name.to_string()],
                    });
                }
            }
        }
    }
    out
}

/// Every pair of numeric columns correlated at least [`NEAR_COPY_R`] in absolute value (on up to
/// 4,000 evenly spaced rows).
pub fn near_copies(table: &Table) -> Vec<NearCopy> {
    let rows = spaced(table.n_rows(), CORR_ROWS);
    let cols = candidates(table, &rows);
    let sampled: Vec<Vec<f64>> =
        cols.iter().map(|c| rows.iter().map(|&r| c.values[r]).collect()).collect();
    let mut out = Vec::new();
    for i in 0..cols.len() {
        for j in i + 1..cols.len() {
            if let Some(r) = correlation(&sampled[i], &sampled[j])
                && r.abs() >= NEAR_COPY_R
            {
                out.push(NearCopy { columns: [cols[i].name.into(), cols[j].name.into()], r });
            }
        }
    }
    out
}

/// The correlation of `x` and `y` on the rows where both are present (`None` with fewer than
/// [`MIN_ROWS`] of them, or a constant).
fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let pairs = || x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan());
    let n = pairs().count();
    if n < MIN_ROWS {
        return None;
    }
    let (mx, my) = pairs().fold((0.0, 0.0), |(sx, sy), (a, b)| (sx + a, sy + b));
    let (mx, my) = (mx / n as f64, my / n as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in pairs() {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        cf_data::read_csv(text.as_bytes(), &Default::default(), &mut |_| true).unwrap().0
    }

    /// NHEFS's change score: wt82_71 = wt82 − wt71, rounded to two decimals after the subtraction.
    fn nhefs_like(n: usize) -> String {
        let mut s = String::from("seqn,qsmk,wt71,wt82,wt82_71,age,dup\n");
        for i in 0..n {
            let wt71 = 50.0 + ((i * 37) % 47) as f64 + 0.137 * (i % 7) as f64;
            let wt82 = wt71 + 3.4 * (i % 3 == 0) as u8 as f64 + 0.05 * (i % 40) as f64 + 0.011;
            let age = 25 + (i * 13) % 45;
            s += &format!(
                "{},{},{wt71},{wt82},{:.2},{age},{}\n",
                100 + i,
                (i % 3 == 0) as u8,
                wt82 - wt71,
                2.0 * age as f64 + 0.001 * (i % 2) as f64
            );
        }
        s
    }

    #[test]
    fn a_change_score_and_its_measurements_are_found() {
        let t = table(&nhefs_like(300));
        assert_eq!(
            identities(&t),
            [Identity { total: "wt82".into(), parts: ["wt71".into(), "wt82_71".into()] }]
        );
        let copies = near_copies(&t);
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert_eq!(copies[0].columns, ["age".to_string(), "dup".to_string()]);
        assert!(copies[0].r > 0.9999);
    }

    #[test]
    fn unrelated_columns_give_nothing() {
        let mut s = String::from("a,b,c,d\n");
        for i in 0..500u64 {
            let h = |k: u64| ((i * 2654435761 + k * 40503) % 1000) as f64 / 10.0;
            s += &format!("{},{},{},{}\n", h(1), h(2), h(1) + h(2) + (i % 5) as f64, h(3));
        }
        let t = table(&s);
        assert!(identities(&t).is_empty(), "{:?}", identities(&t));
        assert!(near_copies(&t).is_empty());
        // A missing value in a row does not hide an identity on the others; too few rows do.
        let mut s = String::from("t,a,b\n");
        for i in 0..60 {
            let (a, b) = (i as f64 * 1.5, (i * i % 17) as f64);
            if i == 3 { s += &format!(",{a},{b}\n") } else { s += &format!("{},{a},{b}\n", a + b) }
        }
        assert_eq!(identities(&table(&s)).len(), 1);
        assert!(identities(&table("t,a,b\n3,1,2\n5,2,3\n")).is_empty());
    }

    #[test]
    fn rare_dummies_cost_no_full_pass() {
        // 120 indicator columns, each 1 in one row of 20,000 and 0 elsewhere: every triple is
        // 0 = 0 + 0 on most rows. None varies on the screen rows, so none is searched.
        let (n, k) = (20_000, 120);
        let mut s: String = (0..k).map(|j| format!("d{j}")).collect::<Vec<_>>().join(",");
        s.push('\n');
        for i in 0..n {
            let row: Vec<&str> =
                (0..k).map(|j| if i == 37 + j * 101 { "1" } else { "0" }).collect();
            s += &row.join(",");
            s.push('\n');
        }
        let t = table(&s);
        assert!(candidates(&t, &spaced(n, SCREEN_ROWS)).is_empty());
        assert!(identities(&t).is_empty());
    }
}
