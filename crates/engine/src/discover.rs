//! "Suggest a graph from the data": the PC algorithm of cf-discovery on a loaded table, as
//! `counterfact discover` and the page's graph panel both run it (the same columns, rows, test
//! and result).

use cf_data::{ColumnData, Table};
use cf_discovery::{Bootstrap, Cpdag, IndepTest, Knowledge, PcOptions};
use serde::{Deserialize, Serialize};

use crate::format;

/// Whole numbers with at most this many distinct values make the default test chisq.
pub const AUTO_LEVELS: usize = 10;

/// What to run PC on, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoverSpec {
    /// The columns (`None`: every numeric column). Text columns named here enter as levels.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Significance level of each independence test.
    pub alpha: f64,
    /// The test (`None`: [`default_test`]).
    #[serde(default)]
    pub test: Option<IndepTest>,
    /// Tiers, forbidden and required edges.
    #[serde(default)]
    pub knowledge: Knowledge,
    /// The largest conditioning set tested.
    #[serde(default)]
    pub max_k: Option<usize>,
    /// Bootstrap resamples for edge stability (0: none).
    #[serde(default)]
    pub bootstrap: usize,
    /// The bootstrap's seed.
    #[serde(default)]
    pub seed: u64,
}

impl Default for DiscoverSpec {
    fn default() -> Self {
        DiscoverSpec {
            columns: None,
            alpha: 0.05,
            test: None,
            knowledge: Knowledge::default(),
            max_k: None,
            bootstrap: 0,
            seed: 0,
        }
    }
}

/// What PC found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoverReport {
    /// The test used (the default one when the spec left it open).
    pub test: IndepTest,
    /// Rows left out for a missing value in the chosen columns.
    pub dropped_rows: usize,
    /// The pattern: directed and undirected edges, separating sets, test counts.
    pub cpdag: Cpdag,
    /// Edge stability, when resamples were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<Bootstrap>,
    /// Things to know about the result (text columns left out, a required edge the tests
    /// removed, resamples that could not run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The columns to analyse.
struct Selected {
    names: Vec<String>,
    /// Values (text columns as level codes; NaN = missing).
    values: Vec<Vec<f64>>,
    /// Which are text columns.
    is_text: Vec<bool>,
    /// The text columns left out by default.
    skipped: Vec<String>,
}

/// The columns named by `columns`, or every numeric one.
fn select(table: &Table, columns: Option<&[String]>) -> Result<Selected, String> {
    let mut names: Vec<String> = Vec::new();
    let mut values = Vec::new();
    let mut is_text = Vec::new();
    let mut skipped = Vec::new();
    let chosen: Vec<&cf_data::Column> = match columns {
        Some(list) => list
            .iter()
            .map(|n| table.column(n).ok_or_else(|| format!("there is no column `{n}` in the file")))
            .collect::<Result<_, _>>()?,
        None => table.columns().iter().collect(),
    };
    for c in chosen {
        if names.iter().any(|n| n == c.name()) {
            return Err(format!("column `{}` is listed twice", c.name()));
        }
        match c.data() {
            ColumnData::Numeric(v) => {
                values.push(v.clone());
                is_text.push(false);
            }
            ColumnData::Categorical { codes, .. } if columns.is_some() => {
                values.push(codes.iter().map(|c| c.map_or(f64::NAN, f64::from)).collect());
                is_text.push(true);
            }
            ColumnData::Categorical { .. } => {
                skipped.push(c.name().to_string());
                continue;
            }
        }
        names.push(c.name().to_string());
    }
    Ok(Selected { names, values, is_text, skipped })
}

/// chisq when every column is text or whole numbers with at most [`AUTO_LEVELS`] distinct
/// values, else fisherz.
pub fn default_test(values: &[Vec<f64>], is_text: &[bool]) -> IndepTest {
    let discrete = values.iter().zip(is_text).all(|(v, &text)| {
        if text {
            return true;
        }
        if !v.iter().all(|x| x.fract() == 0.0) {
            return false;
        }
        let mut d = v.clone();
        d.sort_by(f64::total_cmp);
        d.dedup();
        d.len() <= AUTO_LEVELS
    });
    if discrete { IndepTest::ChiSq } else { IndepTest::FisherZ }
}

/// Runs PC (and the bootstrap, telling `progress` its share done) on the rows of `table`
/// complete in the chosen columns.
///
/// # Errors
/// A message for the user: an unknown or repeated column, a text column under Fisher-z, and
/// cf-discovery's errors (constant or collinear columns, too few rows, too many levels, bad
/// knowledge).
pub fn discover(
    table: &Table,
    spec: &DiscoverSpec,
    progress: &mut dyn FnMut(f64),
) -> Result<DiscoverReport, String> {
    let Selected { names, values, is_text, skipped } = select(table, spec.columns.as_deref())?;
    let mut warnings = Vec::new();
    if !skipped.is_empty() {
        warnings.push(format!("text columns left out: {}", skipped.join(", ")));
    }
    let n = table.n_rows();
    let keep: Vec<usize> = (0..n).filter(|&r| values.iter().all(|v| !v[r].is_nan())).collect();
    let dropped_rows = n - keep.len();
    let data: Vec<Vec<f64>> = values.iter().map(|v| keep.iter().map(|&r| v[r]).collect()).collect();
    let test = spec.test.unwrap_or_else(|| default_test(&data, &is_text));
    if test == IndepTest::FisherZ
        && let Some(i) = is_text.iter().position(|&t| t)
    {
        return Err(format!(
            "column `{}` is text: the Fisher-z test needs numbers (use chisq, gsq or mixed)",
            names[i]
        ));
    }
    let columns: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
    let options = PcOptions {
        alpha: spec.alpha,
        test,
        max_k: spec.max_k,
        knowledge: spec.knowledge.clone(),
        record_trace: false,
    };
    let cpdag = cf_discovery::pc(&names, &columns, &options).map_err(|e| e.to_string())?;
    let bootstrap = if spec.bootstrap > 0 {
        let b = cf_discovery::bootstrap_with_progress(
            &names,
            &columns,
            &options,
            spec.bootstrap,
            spec.seed,
            progress,
        )
        .map_err(|e| e.to_string())?;
        Some(b)
    } else {
        None
    };
    progress(1.0);
    for (x, y) in &cpdag.missing_required {
        warnings.push(format!(
            "the required edge {x} -> {y} is not in the graph: the tests found {x} and {y} independent"
        ));
    }
    if let Some(b) = &bootstrap
        && b.failed > 0
    {
        warnings.push(format!(
            "{} of the bootstrap could not be analysed (a column constant or collinear in the resample)",
            format::plural(b.failed, "resample", "resamples")
        ));
    }
    Ok(DiscoverReport { test, dropped_rows, cpdag, bootstrap, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_test_follows_the_values() {
        let few = vec![vec![0.0, 1.0, 2.0, 1.0], vec![1.0, 1.0, 0.0, 3.0]];
        assert_eq!(default_test(&few, &[false, false]), IndepTest::ChiSq);
        let frac = vec![vec![0.0, 1.5, 2.0, 1.0], vec![1.0, 1.0, 0.0, 3.0]];
        assert_eq!(default_test(&frac, &[false, false]), IndepTest::FisherZ);
        let many: Vec<f64> = (0..11).map(f64::from).collect();
        assert_eq!(default_test(&[many.clone(), many], &[false, false]), IndepTest::FisherZ);
        assert_eq!(default_test(&[vec![0.0, 7.0]], &[true]), IndepTest::ChiSq);
    }
}
