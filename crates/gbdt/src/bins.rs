//! Quantile binning: each feature is cut once into at most 255 bins, stored as one `u8` per row,
//! column-major, with a bin of its own for missing values (NaN).
//!
//! Cut points follow LightGBM's idea: a column with few distinct values gets one bin per value; a
//! column with more gets bins of about equal counts, never splitting one value over two bins. A
//! cut sits halfway between the largest value of one bin and the smallest of the next, so a split
//! "bin ≤ b" is the same as "value ≤ upper_bound(b)" on any data.

use crate::GbdtError;

/// One binned feature.
#[derive(Debug, Clone, PartialEq)]
pub struct BinnedColumn {
    bins: Vec<u8>,
    /// Upper bound of each value bin (the last is +∞).
    uppers: Vec<f64>,
    /// The bin of NaN, when the column has any (always the last bin).
    missing: Option<u8>,
}

impl BinnedColumn {
    /// Bins `values` into at most `max_bin` bins (one of them for NaN when there is any);
    /// `max_bin` is taken as at least 2 and at most 255.
    pub fn new(values: &[f64], max_bin: usize) -> BinnedColumn {
        let max_bin = max_bin.clamp(2, 255);
        let has_nan = values.iter().any(|v| v.is_nan());
        let value_bins = max_bin.saturating_sub(usize::from(has_nan)).max(1);
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        // Distinct values with their counts.
        let mut distinct: Vec<(f64, usize)> = Vec::new();
        for &v in &sorted {
            match distinct.last_mut() {
                Some((last, c)) if *last == v => *c += 1,
                _ => distinct.push((v, 1)),
            }
        }
        let mut uppers = Vec::new();
        if distinct.len() <= value_bins {
            for w in distinct.windows(2) {
                uppers.push(midpoint(w[0].0, w[1].0));
            }
        } else {
            // Greedy equal-count bins over the distinct values: close a bin once it holds its share
            // of the rows not yet binned.
            let mut left = sorted.len();
            let mut bins_left = value_bins;
            let mut count = 0usize;
            for (k, w) in distinct.windows(2).enumerate() {
                count += w[0].1;
                let target = left.div_ceil(bins_left);
                let remaining_distinct = distinct.len() - k - 1;
                if bins_left > 1 && (count >= target || remaining_distinct < bins_left) {
                    uppers.push(midpoint(w[0].0, w[1].0));
                    left -= count;
                    count = 0;
                    bins_left -= 1;
                }
            }
        }
        uppers.push(f64::INFINITY);
        let missing = if has_nan { u8::try_from(uppers.len()).ok() } else { None };
        let mut col = BinnedColumn { bins: Vec::new(), uppers, missing };
        col.bins = values.iter().map(|&v| col.bin_of(v)).collect();
        col
    }

    /// One bin per row.
    pub fn bins(&self) -> &[u8] {
        &self.bins
    }

    /// Bins in all, the missing-value bin included.
    pub fn n_bins(&self) -> usize {
        self.uppers.len() + usize::from(self.missing.is_some())
    }

    /// The bin holding NaN, when the column had any.
    pub fn missing_bin(&self) -> Option<u8> {
        self.missing
    }

    /// The largest value of bin `b` (`+∞` for the last value bin): `v` is in bin `b` when
    /// `upper_bound(b − 1) < v ≤ upper_bound(b)`. NaN for the missing-value bin.
    pub fn upper_bound(&self, b: usize) -> f64 {
        self.uppers.get(b).copied().unwrap_or(f64::NAN)
    }

    /// The bin of a value; NaN goes to the missing bin, or to the first bin when the column had
    /// no missing value.
    pub fn bin_of(&self, v: f64) -> u8 {
        if v.is_nan() {
            return self.missing.unwrap_or(0);
        }
        let b = self.uppers.partition_point(|&u| u < v);
        u8::try_from(b.min(self.uppers.len() - 1)).unwrap_or(u8::MAX)
    }
}

/// Halfway between two values, never equal to the larger one.
fn midpoint(a: f64, b: f64) -> f64 {
    let m = a + (b - a) / 2.0;
    if m >= b { a } else { m }
}

/// Every feature binned, column-major.
#[derive(Debug, Clone, PartialEq)]
pub struct BinnedMatrix {
    n_rows: usize,
    columns: Vec<BinnedColumn>,
}

impl BinnedMatrix {
    /// Bins each column into at most `max_bin` (2..=255) bins.
    ///
    /// # Errors
    /// No columns or rows, columns of different lengths, an infinite value, or `max_bin` out of
    /// range.
    pub fn new(columns: &[&[f64]], max_bin: usize) -> Result<BinnedMatrix, GbdtError> {
        if !(2..=255).contains(&max_bin) {
            return Err(GbdtError::Param {
                name: "max_bin",
                message: "must be between 2 and 255".into(),
            });
        }
        let n_rows = columns.first().map_or(0, |c| c.len());
        if columns.is_empty() || n_rows == 0 {
            return Err(GbdtError::Empty);
        }
        for (j, c) in columns.iter().enumerate() {
            if c.len() != n_rows {
                return Err(GbdtError::Length {
                    what: format!("feature {j}"),
                    expected: n_rows,
                    got: c.len(),
                });
            }
            if let Some(row) = c.iter().position(|v| v.is_infinite()) {
                return Err(GbdtError::NotFinite { what: format!("feature {j}"), row });
            }
        }
        Ok(BinnedMatrix {
            n_rows,
            columns: columns.iter().map(|c| BinnedColumn::new(c, max_bin)).collect(),
        })
    }

    /// A matrix of columns binned one at a time ([`BinnedColumn::new`]), so that a caller need
    /// not hold a converted copy of every column at once.
    ///
    /// # Errors
    /// No columns or no rows, or columns of different lengths.
    pub fn from_columns(columns: Vec<BinnedColumn>) -> Result<BinnedMatrix, GbdtError> {
        let n_rows = columns.first().map_or(0, |c| c.bins.len());
        if n_rows == 0 {
            return Err(GbdtError::Empty);
        }
        if let Some(j) = columns.iter().position(|c| c.bins.len() != n_rows) {
            return Err(GbdtError::Length {
                what: format!("feature {j}"),
                expected: n_rows,
                got: columns[j].bins.len(),
            });
        }
        Ok(BinnedMatrix { n_rows, columns })
    }

    /// Rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Features.
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }

    /// Feature `j`.
    pub fn column(&self, j: usize) -> &BinnedColumn {
        &self.columns[j]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_values_get_a_bin_each_and_nan_its_own() {
        let c = BinnedColumn::new(&[3.0, 1.0, 2.0, f64::NAN, 1.0], 255);
        assert_eq!(c.bins(), &[2, 0, 1, 3, 0]);
        assert_eq!(c.missing_bin(), Some(3));
        assert_eq!(c.n_bins(), 4);
        assert_eq!(c.upper_bound(0), 1.5);
        assert_eq!(c.bin_of(1.5), 0);
        assert_eq!(c.bin_of(1.6), 1);
    }

    #[test]
    fn many_values_get_equal_count_bins() {
        let v: Vec<f64> = (0..10_000).map(|i| f64::from(i % 1000)).collect();
        let c = BinnedColumn::new(&v, 255);
        assert_eq!(c.n_bins(), 255);
        let mut counts = vec![0usize; 255];
        for &b in c.bins() {
            counts[b as usize] += 1;
        }
        let (lo, hi) = (counts.iter().min().copied(), counts.iter().max().copied());
        assert!(lo >= Some(30) && hi <= Some(50), "{lo:?} {hi:?}");
        // Bins are ordered like the values.
        for i in 1..1000 {
            assert!(c.bins()[i] >= c.bins()[i - 1]);
        }
    }
}
