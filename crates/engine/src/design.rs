//! From a table and a spec to clean arrays: role checks, one-hot encoding, missing-value policy.

use std::borrow::Cow;

use cf_data::{ColumnData, Table};
use serde::{Deserialize, Serialize};

use crate::{AnalysisError, AnalysisSpec, default_covariates};

/// The arrays the estimators see: complete rows only.
#[derive(Debug, Clone)]
pub struct Design<'a> {
    /// Outcome.
    pub y: Cow<'a, [f64]>,
    /// Treatment: 0/1, arm codes (indices into `t_levels`) or a continuous dose.
    pub t: Cow<'a, [f64]>,
    /// The levels of a text treatment column.
    pub t_levels: Option<Vec<String>>,
    /// The kept rows' indices in the table.
    pub rows: Vec<usize>,
    /// Extra numeric columns asked for by name (instruments, fold ids), over the kept rows.
    pub extra: Vec<Cow<'a, [f64]>>,
    /// Covariate columns (categorical columns one-hot encoded, first level dropped).
    pub covariates: Vec<Cow<'a, [f64]>>,
    /// Their names (`column=level` for an encoded level).
    pub covariate_names: Vec<String>,
    /// How each covariate column is computed from the table's columns (for scoring another
    /// file the same way).
    pub encoding: Vec<Encoding>,
    /// The table's columns the covariates read, with the levels a categorical one had.
    pub inputs: Vec<Input>,
    /// Caveats for the user.
    pub warnings: Vec<String>,
}

/// A categorical covariate may have this many distinct values (in the rows used) in any case.
pub(crate) const MAX_LEVELS: usize = 200;

/// Beyond [`MAX_LEVELS`], a categorical covariate is still encoded (fixed effects, such as the
/// villages of a survey) while its indicators stay below this many cells in all …
pub(crate) const MAX_INDICATOR_CELLS: usize = 10_000_000;

/// … and it has at most one distinct value per this many rows; more is an identifier.
pub(crate) const ROWS_PER_LEVEL: usize = 2;

/// Whether `levels` distinct values over `rows` rows are too many to encode as categories:
/// more than [`MAX_LEVELS`], and either more than one per [`ROWS_PER_LEVEL`] rows or more than
/// [`MAX_INDICATOR_CELLS`] indicator cells.
pub(crate) fn too_many_levels(levels: usize, rows: usize) -> bool {
    levels > MAX_LEVELS
        && (levels * ROWS_PER_LEVEL > rows || levels.saturating_mul(rows) > MAX_INDICATOR_CELLS)
}

/// How one covariate column is computed from a column of the table: what a saved model needs to
/// build the same columns from another file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Encoding {
    /// The column's numbers as they are.
    Numeric {
        /// The table's column.
        column: String,
    },
    /// The column's numbers, a missing one replaced by `fill` (the mean of the others).
    Imputed {
        /// The table's column.
        column: String,
        /// The value a missing entry takes.
        fill: f64,
    },
    /// 1 where the column (numbers or text) is missing, else 0.
    Missing {
        /// The table's column.
        column: String,
    },
    /// 1 where a text column holds `level`, else 0.
    Level {
        /// The table's column.
        column: String,
        /// The level.
        level: String,
    },
    /// 1 where a numeric column taken as categories holds `value`, else 0.
    Value {
        /// The table's column.
        column: String,
        /// The value.
        value: f64,
    },
}

impl Encoding {
    /// The table's column it reads.
    pub fn column(&self) -> &str {
        match self {
            Encoding::Numeric { column }
            | Encoding::Imputed { column, .. }
            | Encoding::Missing { column }
            | Encoding::Level { column, .. }
            | Encoding::Value { column, .. } => column,
        }
    }
}

/// A column of the table a design reads, and what it must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// Its name.
    pub column: String,
    /// What it holds.
    pub kind: InputKind,
}

/// What an [`Input`] column holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputKind {
    /// Numbers.
    Number,
    /// Text with these levels (the reference first).
    Text {
        /// Every level seen, the reference first.
        levels: Vec<String>,
    },
    /// Numbers taken as categories, with these values (the reference first).
    Categories {
        /// Every value seen, the reference first.
        values: Vec<f64>,
    },
}

/// A covariate before row filtering.
enum Source<'a> {
    Numeric(&'a [f64]),
    Categorical {
        codes: &'a [Option<u32>],
        levels: &'a [String],
    },
    Dummy {
        codes: &'a [Option<u32>],
        level: u32,
    },
    /// A numeric column with its missing values replaced by `fill`.
    Imputed {
        values: &'a [f64],
        fill: f64,
    },
    /// 1 where a numeric column is missing.
    MissingNumeric(&'a [f64]),
    /// A numeric column taken as categories ([`AnalysisSpec::categorical`]), before encoding.
    Codes(&'a [f64]),
    /// 1 where a numeric column taken as categories holds `level`.
    Level {
        values: &'a [f64],
        level: f64,
    },
    /// 1 where a text column is missing.
    MissingCode(&'a [Option<u32>]),
}

impl Source<'_> {
    fn value(&self, i: usize) -> f64 {
        match self {
            Source::Numeric(v) => v[i],
            Source::Dummy { codes, level } => f64::from(u8::from(codes[i] == Some(*level))),
            Source::Imputed { values, fill } => {
                if values[i].is_nan() {
                    *fill
                } else {
                    values[i]
                }
            }
            Source::MissingNumeric(v) => f64::from(u8::from(v[i].is_nan())),
            Source::MissingCode(codes) => f64::from(u8::from(codes[i].is_none())),
            Source::Level { values, level } => f64::from(u8::from(values[i] == *level)),
            Source::Categorical { .. } | Source::Codes(_) => f64::NAN,
        }
    }
}

impl<'a> Design<'a> {
    /// Resolves the spec's columns in `table` and builds the design.
    ///
    /// # Errors
    /// See [`AnalysisError`].
    pub fn build(table: &'a Table, spec: &AnalysisSpec) -> Result<Self, AnalysisError> {
        Self::build_with(table, spec, &[])
    }

    /// As [`Design::build`], also carrying the numeric columns `extra` (role, name) over the same
    /// rows; their missing values drop rows too.
    ///
    /// # Errors
    /// See [`AnalysisError`].
    pub fn build_with(
        table: &'a Table,
        spec: &AnalysisSpec,
        extra: &[(&'static str, &str)],
    ) -> Result<Self, AnalysisError> {
        let t_col = find(table, "treatment", &spec.treatment)?;
        let y_col = find(table, "outcome", &spec.outcome)?;
        if spec.treatment == spec.outcome {
            return Err(AnalysisError::SameColumn {
                name: spec.treatment.clone(),
                roles: ("treatment", "outcome"),
            });
        }
        // The treatment as numbers: values of a numeric column, level codes of a text column.
        // Whether it is 0/1, multi-arm or continuous is decided by the caller.
        let (t, t_levels): (Cow<'a, [f64]>, Option<Vec<String>>) = match t_col.data() {
            ColumnData::Numeric(v) => (Cow::Borrowed(&v[..]), None),
            ColumnData::Categorical { codes, levels } => (
                Cow::Owned(codes.iter().map(|c| c.map_or(f64::NAN, f64::from)).collect()),
                Some(levels.clone()),
            ),
        };
        let y = y_col
            .as_numeric()
            .ok_or_else(|| AnalysisError::OutcomeNotNumeric { name: spec.outcome.clone() })?;
        let names = match &spec.covariates {
            Some(c) => c.clone(),
            None => default_covariates(table, spec),
        };
        for name in &spec.categorical {
            find(table, "categorical covariate", name)?;
        }
        let sources = covariate_sources(table, spec, &names)?;
        let kept = Kept::rows(table, spec, (y_col, t_col), extra, &names)?;
        let mut warnings: Vec<String> = kept.warning.iter().cloned().collect();
        let Encoded { columns: sources, encoding, inputs } =
            encode(sources, &kept.keep, &mut warnings)?;

        let (keep, n) = (&kept.keep, table.n_rows());
        let filter = |v: &'a [f64]| -> Cow<'a, [f64]> {
            if kept.n_dropped == 0 {
                Cow::Borrowed(v)
            } else {
                Cow::Owned(v.iter().zip(keep).filter(|&(_, &k)| k).map(|(x, _)| *x).collect())
            }
        };
        let covariates = sources
            .iter()
            .map(|(_, s)| match s {
                Source::Numeric(v) => filter(v),
                dummy => Cow::Owned((0..n).filter(|&i| keep[i]).map(|i| dummy.value(i)).collect()),
            })
            .collect();
        let t = match t {
            Cow::Borrowed(v) => filter(v),
            Cow::Owned(v) => {
                Cow::Owned(v.into_iter().zip(keep).filter(|&(_, &k)| k).map(|(x, _)| x).collect())
            }
        };
        Ok(Design {
            y: filter(y),
            t,
            t_levels,
            rows: (0..n).filter(|&i| keep[i]).collect(),
            extra: kept.extra.iter().map(|v| filter(v)).collect(),
            covariates,
            covariate_names: sources.into_iter().map(|(name, _)| name).collect(),
            encoding,
            inputs,
            warnings,
        })
    }
}

/// The column `name`, or the error naming its `role`.
fn find<'a>(
    table: &'a Table,
    role: &'static str,
    name: &str,
) -> Result<&'a cf_data::Column, AnalysisError> {
    table.column(name).ok_or_else(|| AnalysisError::UnknownColumn { role, name: name.to_string() })
}

/// The covariates named, checked against the other roles and each other.
fn covariate_sources<'a>(
    table: &'a Table,
    spec: &AnalysisSpec,
    names: &[String],
) -> Result<Vec<(String, Source<'a>)>, AnalysisError> {
    let mut sources = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let others = [("treatment", &spec.treatment), ("outcome", &spec.outcome)]
            .into_iter()
            .chain(spec.instruments.iter().map(|z| ("instrument", z)))
            .chain(spec.fold_column.iter().map(|f| ("fold column", f)));
        for (role, other) in others {
            if name == other {
                return Err(AnalysisError::SameColumn {
                    name: name.clone(),
                    roles: (role, "covariate"),
                });
            }
        }
        if names[..k].contains(name) {
            return Err(AnalysisError::DuplicateCovariate { name: name.clone() });
        }
        match find(table, "covariate", name)?.data() {
            ColumnData::Numeric(v) if spec.categorical.contains(name) => {
                sources.push((name.clone(), Source::Codes(v)));
            }
            ColumnData::Numeric(v) => sources.push((name.clone(), Source::Numeric(v))),
            // Expanded once the rows are known: only levels present in kept rows count.
            ColumnData::Categorical { codes, levels } => {
                sources.push((name.clone(), Source::Categorical { codes, levels }));
            }
        }
    }
    Ok(sources)
}

/// The rows the missing-value policy keeps, and the extra columns.
struct Kept<'a> {
    keep: Vec<bool>,
    n_dropped: usize,
    /// The extra numeric columns (instruments, folds), over all rows.
    extra: Vec<&'a [f64]>,
    /// How many rows were dropped for which column, when any were.
    warning: Option<String>,
}

impl<'a> Kept<'a> {
    /// Drops rows with a missing value in any used column (covariates only under the `drop`
    /// policy). Column by column, so each pass is a tight loop.
    fn rows(
        table: &'a Table,
        spec: &AnalysisSpec,
        (y_col, t_col): (&cf_data::Column, &cf_data::Column),
        extra: &[(&'static str, &str)],
        names: &[String],
    ) -> Result<Self, AnalysisError> {
        let n = table.n_rows();
        let mut keep = vec![true; n];
        let mut mark = |c: &cf_data::Column| -> usize {
            let mut count = 0;
            match c.data() {
                ColumnData::Numeric(v) => keep.iter_mut().zip(v).for_each(|(k, x)| {
                    if x.is_nan() {
                        *k = false;
                        count += 1;
                    }
                }),
                ColumnData::Categorical { codes, .. } => {
                    keep.iter_mut().zip(codes).for_each(|(k, x)| {
                        if x.is_none() {
                            *k = false;
                            count += 1;
                        }
                    })
                }
            }
            count
        };
        let mut counts = vec![(spec.outcome.as_str(), mark(y_col))];
        counts.push((spec.treatment.as_str(), mark(t_col)));
        let mut extra_cols: Vec<&'a [f64]> = Vec::new();
        let mut extra_missing = Vec::new();
        for &(role, name) in extra {
            let c = find(table, role, name)?;
            for (r, other) in [("treatment", &spec.treatment), ("outcome", &spec.outcome)] {
                if name == other.as_str() {
                    return Err(AnalysisError::SameColumn { name: name.into(), roles: (r, role) });
                }
            }
            let v = c
                .as_numeric()
                .ok_or_else(|| AnalysisError::NotNumeric { role, name: name.to_string() })?;
            extra_missing.push((name, mark(c)));
            extra_cols.push(v);
        }
        // Under the indicator policy, covariates keep their rows: imputed and flagged later.
        if spec.options.missing != crate::MissingPolicy::Indicator {
            for name in names {
                if let Some(c) = table.column(name) {
                    counts.push((name.as_str(), mark(c)));
                }
            }
        }
        counts.extend(extra_missing);
        let n_dropped = keep.iter().filter(|k| !**k).count();
        if n_dropped == n {
            return Err(AnalysisError::NoCompleteRows);
        }
        let warning = (n_dropped > 0).then(|| {
            let missing: Vec<&(&str, usize)> = counts.iter().filter(|(_, c)| *c > 0).collect();
            // Each column's count only when there are several (one column's is the total).
            let parts: Vec<String> = match missing.as_slice() {
                [(name, _)] => vec![format!("`{name}`")],
                many => many
                    .iter()
                    .map(|(name, c)| format!("`{name}` ({})", crate::format::count(*c)))
                    .collect(),
            };
            format!(
                "dropped {} of {} with a missing value in {}",
                crate::format::count(n_dropped),
                crate::format::plural(n, "row", "rows"),
                parts.join(", ")
            )
        });
        Ok(Kept { keep, n_dropped, extra: extra_cols, warning })
    }
}

/// One-hot encoding and imputation over the kept rows: a text covariate becomes one indicator
/// per level present (the first is the reference); a numeric covariate with missing values kept
/// (indicator policy) is imputed with the mean and flagged. Also gives each column's
/// [`Encoding`] and the [`Input`]s read.
fn encode<'a>(
    sources: Vec<(String, Source<'a>)>,
    keep: &[bool],
    warnings: &mut Vec<String>,
) -> Result<Encoded<'a>, AnalysisError> {
    let mut out = Encoded { columns: Vec::with_capacity(sources.len()), ..Encoded::default() };
    let n_kept = keep.iter().filter(|&&k| k).count();
    for (name, source) in sources {
        if let Source::Numeric(values) = source {
            out.inputs.push(Input { column: name.clone(), kind: InputKind::Number });
            let kept = || values.iter().zip(keep).filter(|&(_, &k)| k).map(|(x, _)| *x);
            let n_missing = kept().filter(|x| x.is_nan()).count();
            if n_missing == 0 {
                out.push(name.clone(), source, Encoding::Numeric { column: name });
                continue;
            }
            let present = kept().filter(|x| !x.is_nan());
            let (sum, count) = present.fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
            let fill = if count > 0 { sum / count as f64 } else { 0.0 };
            warnings.push(format!(
                "`{name}`: {} set to the mean of the others ({fill:.4}) and flagged in `{name} missing`",
                crate::format::plural(n_missing, "missing value", "missing values")
            ));
            out.push(
                name.clone(),
                Source::Imputed { values, fill },
                Encoding::Imputed { column: name.clone(), fill },
            );
            out.push(
                format!("{name} missing"),
                Source::MissingNumeric(values),
                Encoding::Missing { column: name },
            );
            continue;
        }
        if let Source::Codes(values) = source {
            let levels = encode_codes(&name, values, keep, warnings, &mut out)?;
            out.inputs.push(Input { column: name, kind: InputKind::Categories { values: levels } });
            continue;
        }
        let Source::Categorical { codes, levels } = source else {
            out.push(name.clone(), source, Encoding::Numeric { column: name });
            continue;
        };
        let n_missing = codes.iter().zip(keep).filter(|&(c, &k)| k && c.is_none()).count();
        let mut present = vec![false; levels.len()];
        for (c, _) in codes.iter().zip(keep).filter(|(_, k)| **k) {
            if let Some(p) = c.and_then(|c| present.get_mut(c as usize)) {
                *p = true;
            }
        }
        let used: Vec<usize> = (0..levels.len()).filter(|&l| present[l]).collect();
        if too_many_levels(used.len(), n_kept) {
            return Err(AnalysisError::TooManyLevels { name, levels: used.len() });
        }
        out.inputs.push(Input {
            column: name.clone(),
            kind: InputKind::Text { levels: used.iter().map(|&l| levels[l].clone()).collect() },
        });
        let Some((&reference, others)) = used.split_first() else { continue };
        warnings.push(format!(
            "`{name}` is categorical: encoded as {}, `{}` is the reference level",
            crate::format::plural(others.len(), "indicator column", "indicator columns"),
            levels[reference]
        ));
        for &l in others {
            out.push(
                format!("{name}={}", levels[l]),
                Source::Dummy { codes, level: l as u32 },
                Encoding::Level { column: name.clone(), level: levels[l].clone() },
            );
        }
        if n_missing > 0 {
            warnings.push(format!(
                "`{name}`: {} get their own indicator `{name}=(missing)`",
                crate::format::plural(n_missing, "missing value", "missing values")
            ));
            out.push(
                format!("{name}=(missing)"),
                Source::MissingCode(codes),
                Encoding::Missing { column: name },
            );
        }
    }
    Ok(out)
}

/// The encoded covariates: `(name, source)` per column with its [`Encoding`], and the inputs.
#[derive(Default)]
struct Encoded<'a> {
    columns: Vec<(String, Source<'a>)>,
    encoding: Vec<Encoding>,
    inputs: Vec<Input>,
}

impl<'a> Encoded<'a> {
    fn push(&mut self, name: String, source: Source<'a>, encoding: Encoding) {
        self.columns.push((name, source));
        self.encoding.push(encoding);
    }
}

/// A numeric covariate taken as categories: one indicator per distinct value in the kept rows
/// but the smallest (the reference), and one for its missing values. Gives the values, sorted.
fn encode_codes<'a>(
    name: &str,
    values: &'a [f64],
    keep: &[bool],
    warnings: &mut Vec<String>,
    out: &mut Encoded<'a>,
) -> Result<Vec<f64>, AnalysisError> {
    let mut levels: Vec<f64> = Vec::new();
    let mut n_missing = 0;
    let n_kept = keep.iter().filter(|&&k| k).count();
    for (&x, _) in values.iter().zip(keep).filter(|(_, k)| **k) {
        if x.is_nan() {
            n_missing += 1;
        } else if !levels.contains(&x) {
            levels.push(x);
            // Stop counting (a linear search per row) once the column is refused anyway.
            if levels.len() > MAX_LEVELS && too_many_levels(levels.len(), n_kept) {
                break;
            }
        }
    }
    if too_many_levels(levels.len(), n_kept) {
        return Err(AnalysisError::TooManyLevels { name: name.to_string(), levels: levels.len() });
    }
    levels.sort_by(f64::total_cmp);
    let Some((reference, others)) = levels.split_first() else { return Ok(levels) };
    warnings.push(format!(
        "`{name}` is taken as categories: encoded as {}, `{reference}` is the reference level",
        crate::format::plural(others.len(), "indicator column", "indicator columns")
    ));
    for &level in others {
        out.push(
            format!("{name}={level}"),
            Source::Level { values, level },
            Encoding::Value { column: name.to_string(), value: level },
        );
    }
    if n_missing > 0 {
        warnings.push(format!(
            "`{name}`: {} get their own indicator `{name}=(missing)`",
            crate::format::plural(n_missing, "missing value", "missing values")
        ));
        out.push(
            format!("{name}=(missing)"),
            Source::MissingNumeric(values),
            Encoding::Missing { column: name.to_string() },
        );
    }
    Ok(levels)
}
