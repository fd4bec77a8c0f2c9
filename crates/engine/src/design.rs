//! From a table and a spec to clean arrays: role checks, one-hot encoding, missing-value policy.

use std::borrow::Cow;

use cf_data::{ColumnData, Kind, Table};

use crate::{default_covariates, AnalysisError, AnalysisSpec};

/// The arrays the estimators see: complete rows only.
#[derive(Debug, Clone)]
pub struct Design<'a> {
    /// Outcome.
    pub y: Cow<'a, [f64]>,
    /// Treatment, 0/1.
    pub t: Cow<'a, [f64]>,
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
    Categorical { codes: &'a [Option<u32>], levels: &'a [String] },
    Dummy { codes: &'a [Option<u32>], level: u32 },
}

impl Source<'_> {
    fn value(&self, i: usize) -> f64 {
        match self {
            Source::Numeric(v) => v[i],
            Source::Dummy { codes, level } => f64::from(u8::from(codes[i] == Some(*level))),
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
        let t = match (t_col.kind(), t_col.as_numeric()) {
            (Kind::Binary, Some(v)) => v,
            (kind, _) => {
                let example = (0..table.n_rows())
                    .map(|r| t_col.display(r))
                    .find(|s| !s.is_empty() && s != "0" && s != "1")
                    .unwrap_or_default();
                return Err(AnalysisError::TreatmentNotBinary {
                    name: spec.treatment.clone(),
                    kind,
                    example,
                });
            }
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
        let missing_per_column: Vec<usize> =
            names.iter().filter_map(|name| table.column(name)).map(&mut mark).collect();
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
            warnings.push(format!(
                "dropped {n_dropped} of {n} rows with a missing value in {}",
                parts.join(", ")
            ));
        }

        // One-hot encoding over the kept rows: the first level present is the reference.
        let mut expanded: Vec<(String, Source<'a>)> = Vec::with_capacity(sources.len());
        for (name, source) in sources {
            let Source::Categorical { codes, levels } = source else {
                expanded.push((name, source));
                continue;
            };
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
        Ok(Design {
            y: filter(y),
            t: filter(t),
            covariates,
            covariate_names: sources.into_iter().map(|(name, _)| name).collect(),
            warnings,
        })
    }
}
