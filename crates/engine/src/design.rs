//! From a table and a spec to clean arrays: role checks, one-hot encoding, missing-value policy.

use std::borrow::Cow;

use cf_data::{ColumnData, Table};

use crate::{default_covariates, AnalysisError, AnalysisSpec};

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
    /// Caveats for the user.
    pub warnings: Vec<String>,
}

/// A text covariate with more distinct values (in the rows used) than this is refused: it is
/// probably an identifier, and one indicator column per value would not fit in memory.
pub(crate) const MAX_LEVELS: usize = 200;

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
            Source::Categorical { .. } => f64::NAN,
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
        let find = |role: &'static str, name: &str| {
            table
                .column(name)
                .ok_or_else(|| AnalysisError::UnknownColumn { role, name: name.to_string() })
        };
        let t_col = find("treatment", &spec.treatment)?;
        let y_col = find("outcome", &spec.outcome)?;
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
            None => default_covariates(table, &spec.treatment, &spec.outcome),
        };
        let mut warnings = Vec::new();
        let mut sources: Vec<(String, Source<'a>)> = Vec::new();
        for (k, name) in names.iter().enumerate() {
            for (role, other) in [("treatment", &spec.treatment), ("outcome", &spec.outcome)] {
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
            let c = find("covariate", name)?;
            match c.data() {
                ColumnData::Numeric(v) => {
                    sources.push((name.clone(), Source::Numeric(v)));
                }
                ColumnData::Categorical { codes, levels } => {
                    // Expanded once the rows are known: only levels present in kept rows count.
                    sources.push((name.clone(), Source::Categorical { codes, levels }));
                }
            }
        }

        // Missing-value policy: drop rows with a missing value in any used column. Column by
        // column, so each pass is a tight loop.
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
        let y_missing = mark(y_col);
        let t_missing = mark(t_col);
        let mut extra_cols: Vec<&'a [f64]> = Vec::new();
        let mut extra_missing = Vec::new();
        for &(role, name) in extra {
            let c = find(role, name)?;
            for (r, other) in
                [("treatment", &spec.treatment), ("outcome", &spec.outcome)].into_iter()
            {
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
        let indicator = spec.options.missing == crate::MissingPolicy::Indicator;
        let missing_per_column: Vec<usize> = if indicator {
            // Kept; imputed and flagged below.
            vec![0; names.len()]
        } else {
            names.iter().filter_map(|name| table.column(name)).map(&mut mark).collect()
        };
        let n_dropped = keep.iter().filter(|k| !**k).count();
        if n_dropped == n {
            return Err(AnalysisError::NoCompleteRows);
        }
        if n_dropped > 0 {
            let mut parts = Vec::new();
            for (name, count) in [(&spec.outcome, y_missing), (&spec.treatment, t_missing)] {
                if count > 0 {
                    parts.push(format!("`{name}` ({count})"));
                }
            }
            for (name, &count) in names.iter().zip(&missing_per_column) {
                if count > 0 {
                    parts.push(format!("`{name}` ({count})"));
                }
            }
            for &(name, count) in &extra_missing {
                if count > 0 {
                    parts.push(format!("`{name}` ({count})"));
                }
            }
            warnings.push(format!(
                "dropped {n_dropped} of {n} rows with a missing value in {}",
                parts.join(", ")
            ));
        }

        // One-hot encoding over the kept rows: the first level present is the reference.
        let mut expanded: Vec<(String, Source<'a>)> = Vec::with_capacity(sources.len());
        for (name, source) in sources {
            if let Source::Numeric(values) = source {
                let kept = || values.iter().zip(&keep).filter(|(_, &k)| k).map(|(x, _)| *x);
                let n_missing = kept().filter(|x| x.is_nan()).count();
                if n_missing == 0 {
                    expanded.push((name, source));
                    continue;
                }
                let present = kept().filter(|x| !x.is_nan());
                let (sum, count) = present.fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
                let fill = if count > 0 { sum / count as f64 } else { 0.0 };
                warnings.push(format!(
                    "`{name}`: {n_missing} missing values set to the mean of the others ({fill:.4}) and flagged in `{name} missing`"
                ));
                expanded.push((name.clone(), Source::Imputed { values, fill }));
                expanded.push((format!("{name} missing"), Source::MissingNumeric(values)));
                continue;
            }
            let Source::Categorical { codes, levels } = source else {
                expanded.push((name, source));
                continue;
            };
            let n_missing = codes.iter().zip(&keep).filter(|(c, &k)| k && c.is_none()).count();
            let mut present = vec![false; levels.len()];
            for (c, _) in codes.iter().zip(&keep).filter(|(_, k)| **k) {
                if let Some(p) = c.and_then(|c| present.get_mut(c as usize)) {
                    *p = true;
                }
            }
            let used: Vec<usize> = (0..levels.len()).filter(|&l| present[l]).collect();
            if used.len() > MAX_LEVELS {
                return Err(AnalysisError::TooManyLevels { name, levels: used.len() });
            }
            let Some((&reference, others)) = used.split_first() else { continue };
            warnings.push(format!(
                "`{name}` is categorical: encoded as {} indicator columns, `{}` is the reference level",
                others.len(),
                levels[reference]
            ));
            for &l in others {
                expanded.push((
                    format!("{name}={}", levels[l]),
                    Source::Dummy { codes, level: l as u32 },
                ));
            }
            if n_missing > 0 {
                warnings.push(format!(
                    "`{name}`: {n_missing} missing values get their own indicator `{name}=(missing)`"
                ));
                expanded.push((format!("{name}=(missing)"), Source::MissingCode(codes)));
            }
        }
        let sources = expanded;

        let filter = |v: &'a [f64]| -> Cow<'a, [f64]> {
            if n_dropped == 0 {
                Cow::Borrowed(v)
            } else {
                Cow::Owned(v.iter().zip(&keep).filter(|(_, &k)| k).map(|(x, _)| *x).collect())
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
                Cow::Owned(v.into_iter().zip(&keep).filter(|(_, &k)| k).map(|(x, _)| x).collect())
            }
        };
        Ok(Design {
            y: filter(y),
            t,
            t_levels,
            rows: (0..n).filter(|&i| keep[i]).collect(),
            extra: extra_cols.into_iter().map(filter).collect(),
            covariates,
            covariate_names: sources.into_iter().map(|(name, _)| name).collect(),
            warnings,
        })
    }
}
