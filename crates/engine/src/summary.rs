//! What the page shows of a loaded table: column types, missing counts, the first rows.

use cf_data::{Kind, Table};
use serde::{Deserialize, Serialize};

/// Display information about a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSummary {
    /// Data rows.
    pub n_rows: usize,
    /// One entry per column, in file order.
    pub columns: Vec<ColumnSummary>,
    /// The first rows, as text (missing = empty).
    pub preview: Vec<Vec<String>>,
    /// Reading caveats.
    pub warnings: Vec<String>,
    /// Columns that are the sum of two others (a change score and its measurements): with the
    /// outcome among them, the others are not covariates by default.
    #[serde(default)]
    pub identities: Vec<crate::Identity>,
    /// Pairs of columns that are nearly copies of each other: a near copy of the outcome is not a
    /// covariate by default.
    #[serde(default)]
    pub near_copies: Vec<crate::NearCopy>,
}

/// Display information about a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    /// Name.
    pub name: String,
    /// Its type (`numeric`, `binary` or `categorical` in JSON).
    pub kind: ColumnKind,
    /// Missing values.
    pub n_missing: usize,
    /// Distinct levels (categorical only).
    pub n_levels: Option<usize>,
    /// The distinct values (categorical columns, and numeric ones with at most
    /// [`MAX_LISTED_LEVELS`] distinct values), for choosing a control level.
    #[serde(default)]
    pub levels: Option<Vec<String>>,
    /// Rows holding each of [`Self::levels`], in the same order (the size of each arm).
    #[serde(default)]
    pub level_counts: Option<Vec<usize>>,
    /// Mean of the present values (numeric and binary only).
    pub mean: Option<f64>,
    /// The column looks like an identifier: every present value differs (whole numbers, or
    /// text), over at least [`MIN_ID_ROWS`] rows. It is not a covariate by default.
    #[serde(default)]
    pub identifier: bool,
}

/// The type of a column, as [`cf_data::Kind`] has it (serializable for the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Numbers.
    Numeric,
    /// Only 0 and 1.
    Binary,
    /// Text (one-hot encoded as a covariate).
    Categorical,
}

impl From<Kind> for ColumnKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Numeric => ColumnKind::Numeric,
            Kind::Binary => ColumnKind::Binary,
            Kind::Categorical => ColumnKind::Categorical,
        }
    }
}

impl ColumnKind {
    /// `numeric`, `binary` or `categorical`.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Binary => "binary",
            ColumnKind::Categorical => "categorical",
        }
    }
}

/// Fewest present values for a column to be taken as an identifier.
pub const MIN_ID_ROWS: usize = 20;

/// Whether every present value is a whole number and no two are equal. Columns with a fraction or
/// a repeat in their first rows are answered without sorting the whole column.
fn distinct_whole_numbers(v: &[f64]) -> bool {
    let mut present: Vec<f64> = Vec::with_capacity(v.len());
    for &x in v.iter().filter(|x| !x.is_nan()) {
        if x.fract() != 0.0 {
            return false;
        }
        present.push(x);
    }
    if present.len() < MIN_ID_ROWS {
        return false;
    }
    let distinct = |s: &mut [f64]| {
        s.sort_unstable_by(f64::total_cmp);
        s.windows(2).all(|w| w[0] != w[1])
    };
    let mut head = present[..present.len().min(1000)].to_vec();
    distinct(&mut head) && distinct(&mut present)
}

/// Numeric columns with at most this many distinct values list them in [`ColumnSummary::levels`].
pub const MAX_LISTED_LEVELS: usize = 20;

/// Summarises a table for display: types, missing counts and the first `preview_rows` rows.
pub fn summarize(
    table: &Table,
    warnings: &[cf_data::Warning],
    preview_rows: usize,
) -> TableSummary {
    let columns = table
        .columns()
        .iter()
        .map(|c| {
            let present = c.len() - c.n_missing();
            let (n_levels, mean, listed, level_counts, identifier) = match c.data() {
                cf_data::ColumnData::Categorical { levels, codes } => {
                    let id = present >= MIN_ID_ROWS && levels.len() == present;
                    let mut counts = vec![0usize; levels.len()];
                    for &k in codes.iter().flatten() {
                        if let Some(n) = counts.get_mut(k as usize) {
                            *n += 1;
                        }
                    }
                    (Some(levels.len()), None, Some(levels.clone()), Some(counts), id)
                }
                cf_data::ColumnData::Numeric(v) => {
                    let sum: f64 = v.iter().filter(|x| !x.is_nan()).sum();
                    let mut distinct: Vec<(f64, usize)> = Vec::new();
                    for &x in v.iter().filter(|x| !x.is_nan()) {
                        if let Some((_, n)) = distinct.iter_mut().find(|(d, _)| *d == x) {
                            *n += 1;
                        } else {
                            distinct.push((x, 1));
                            if distinct.len() > MAX_LISTED_LEVELS {
                                break;
                            }
                        }
                    }
                    distinct.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let few = distinct.len() <= MAX_LISTED_LEVELS;
                    let listed =
                        few.then(|| distinct.iter().map(|(x, _)| format!("{x}")).collect());
                    let counts = few.then(|| distinct.iter().map(|&(_, n)| n).collect());
                    let id = listed.is_none() && distinct_whole_numbers(v);
                    (None, (present > 0).then(|| sum / present as f64), listed, counts, id)
                }
            };
            ColumnSummary {
                name: c.name().to_string(),
                kind: c.kind().into(),
                n_missing: c.n_missing(),
                n_levels,
                levels: listed,
                level_counts,
                mean,
                identifier,
            }
        })
        .collect();
    let preview = (0..table.n_rows().min(preview_rows))
        .map(|r| table.columns().iter().map(|c| c.display(r)).collect())
        .collect();
    TableSummary {
        n_rows: table.n_rows(),
        columns,
        preview,
        warnings: warnings.iter().map(ToString::to_string).collect(),
        identities: crate::derived::identities(table),
        near_copies: crate::derived::near_copies(table),
    }
}

/// The covariates used when none are named: every numeric or binary column not given another role
/// (treatment, outcome, an instrument, the fold column), in file order.
pub fn default_covariates(table: &Table, spec: &crate::AnalysisSpec) -> Vec<String> {
    let taken = |name: &str| {
        name == spec.treatment
            || name == spec.outcome
            || spec.instruments.iter().any(|z| z == name)
            || spec.fold_column.as_deref() == Some(name)
    };
    table
        .columns()
        .iter()
        .filter(|c| c.kind() != Kind::Categorical && !taken(c.name()))
        .map(|c| c.name().to_string())
        .collect()
}
