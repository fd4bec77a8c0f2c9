//! Testing a graph's implied independences against the data.

use cf_data::Table;
use serde::{Deserialize, Serialize};

/// A conditional independence to test: `x ⟂ y | given`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Independence {
    /// One variable.
    pub x: String,
    /// The other.
    pub y: String,
    /// The conditioning set.
    pub given: Vec<String>,
}

/// The result of testing one [`Independence`] against the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndependenceTest {
    /// One variable.
    pub x: String,
    /// The other.
    pub y: String,
    /// The conditioning set.
    pub given: Vec<String>,
    /// The test used.
    pub test: String,
    /// Partial correlation.
    pub r: Option<f64>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// Complete rows used.
    pub n: usize,
    /// Why it could not be tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Tests each implied independence by partial correlation with Fisher's z (numeric and 0/1
/// columns; rows with a missing value in the columns of that test are left out).
pub fn test_independences(table: &Table, list: &[Independence]) -> Vec<IndependenceTest> {
    list.iter()
        .map(|ind| {
            let mut out = IndependenceTest {
                x: ind.x.clone(),
                y: ind.y.clone(),
                given: ind.given.clone(),
                test: "partial correlation, Fisher's z".into(),
                r: None,
                p_value: None,
                n: 0,
                error: None,
            };
            let names: Vec<&String> = [&ind.x, &ind.y].into_iter().chain(&ind.given).collect();
            let mut cols: Vec<&[f64]> = Vec::new();
            for name in &names {
                match table.column(name).map(|c| c.as_numeric()) {
                    Some(Some(v)) => cols.push(v),
                    Some(None) => {
                        out.error = Some(format!("`{name}` holds text; the test needs numbers"));
                        return out;
                    }
                    None => {
                        out.error = Some(format!("`{name}` is not a column of the data"));
                        return out;
                    }
                }
            }
            let keep: Vec<usize> =
                (0..table.n_rows()).filter(|&i| cols.iter().all(|c| !c[i].is_nan())).collect();
            let owned: Vec<Vec<f64>> =
                cols.iter().map(|c| keep.iter().map(|&i| c[i]).collect()).collect();
            let given: Vec<&[f64]> = owned[2..].iter().map(|c| &c[..]).collect();
            out.n = keep.len();
            match cf_estimate::partial_correlation(&owned[0], &owned[1], &given, [&ind.x, &ind.y]) {
                Ok(pc) => {
                    out.r = Some(pc.r);
                    out.p_value = Some(pc.p_value);
                }
                Err(e) => out.error = Some(e.to_string()),
            }
            out
        })
        .collect()
}
