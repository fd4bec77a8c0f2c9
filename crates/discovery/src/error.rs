//! Why a discovery run could not be made.

use std::fmt;

/// Why a discovery run could not be made. Every problem of the data is one of these; nothing
/// the data holds can make the crate panic.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// Fewer than two columns.
    TooFewColumns(usize),
    /// A name list and a column list of different lengths, columns of different lengths, or no
    /// rows.
    Shape(String),
    /// Two columns with the same name.
    DuplicateName(String),
    /// A value that is NaN or infinite (missing values must be dropped by the caller).
    NotFinite {
        /// The column.
        column: String,
        /// 0-based row.
        row: usize,
    },
    /// A column with a single value: it cannot depend on anything.
    Constant {
        /// The column.
        column: String,
    },
    /// A column that is (to 1e-10 of its variance) a linear combination of others: the
    /// correlation matrix is singular and partial correlations are not defined.
    Collinear {
        /// The column found to be redundant.
        column: String,
        /// The columns it is a combination of.
        with: Vec<String>,
    },
    /// Too few rows for the Fisher-z test of a conditioning set: it needs `n − |S| − 3 > 0`.
    TooFewRows {
        /// Rows.
        n: usize,
        /// Size of the conditioning set that was to be tested.
        conditioning: usize,
    },
    /// A column with more distinct values than a discrete test takes.
    TooManyLevels {
        /// The column.
        column: String,
        /// Its number of distinct values.
        levels: usize,
        /// The most a discrete test takes ([`crate::MAX_LEVELS`]).
        max: usize,
    },
    /// A name in the background knowledge that is not a column.
    UnknownColumn(String),
    /// A setting out of range, or background knowledge that contradicts itself.
    Param(String),
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoveryError::TooFewColumns(k) => {
                write!(f, "causal discovery needs at least 2 columns, got {k}")
            }
            DiscoveryError::Shape(m) | DiscoveryError::Param(m) => f.write_str(m),
            DiscoveryError::DuplicateName(n) => write!(f, "the column name `{n}` appears twice"),
            DiscoveryError::NotFinite { column, row } => {
                write!(f, "column `{column}` has a missing or non-finite value in row {}", row + 1)
            }
            DiscoveryError::Constant { column } => write!(
                f,
                "column `{column}` is constant: it carries no information about causes; leave it out"
            ),
            DiscoveryError::Collinear { column, with } => {
                if with.is_empty() {
                    write!(f, "column `{column}` is collinear with the others; leave it out")
                } else {
                    let names: Vec<String> = with.iter().map(|w| format!("`{w}`")).collect();
                    write!(
                        f,
                        "column `{column}` is a linear combination of {}: the correlation matrix \
                         is singular; leave one of them out",
                        names.join(", ")
                    )
                }
            }
            DiscoveryError::TooFewRows { n, conditioning } => write!(
                f,
                "{n} rows are too few for the Fisher-z test given {conditioning} variables \
                 (it needs more than {} rows); use more rows or a smaller maximum conditioning set",
                conditioning + 3
            ),
            DiscoveryError::TooManyLevels { column, levels, max } => write!(
                f,
                "column `{column}` has {levels} distinct values; a discrete test takes at most \
                 {max} (use the Fisher-z test, or the mixed test that bins continuous columns)"
            ),
            DiscoveryError::UnknownColumn(n) => {
                write!(f, "`{n}` in the background knowledge is not one of the columns")
            }
        }
    }
}

impl std::error::Error for DiscoveryError {}
