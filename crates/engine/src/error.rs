//! Why an analysis as a whole cannot run.

use std::fmt;

use cf_data::Kind;

use crate::{OptionError, design};

/// The analysis as a whole cannot run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A named column is not in the table.
    UnknownColumn {
        /// Which role the column was given.
        role: &'static str,
        /// The name.
        name: String,
    },
    /// The treatment column is not 0/1.
    TreatmentNotBinary {
        /// The column.
        name: String,
        /// Its kind.
        kind: Kind,
        /// A value that is neither 0 nor 1.
        example: String,
    },
    /// The outcome is text.
    OutcomeNotNumeric {
        /// The column.
        name: String,
    },
    /// The same column in two roles.
    SameColumn {
        /// The column.
        name: String,
        /// The two roles.
        roles: (&'static str, &'static str),
    },
    /// A text covariate has too many distinct values to one-hot encode.
    TooManyLevels {
        /// The column.
        name: String,
        /// Its distinct values in the rows used.
        levels: usize,
    },
    /// A covariate is listed twice.
    DuplicateCovariate {
        /// The column.
        name: String,
    },
    /// No rows are left once rows with missing values are dropped.
    NoCompleteRows,
    /// No method was asked for.
    NoMethods,
    /// A setting is out of range.
    Option(OptionError),
    /// A column that must be numeric holds text.
    NotNumeric {
        /// Its role.
        role: &'static str,
        /// The column.
        name: String,
    },
    /// A multi-valued treatment without a control level.
    NeedControl {
        /// The column.
        name: String,
        /// Its values.
        levels: Vec<String>,
    },
    /// The control level is not a value of the treatment.
    UnknownLevel {
        /// The column.
        name: String,
        /// The level asked for.
        level: String,
        /// The values present.
        levels: Vec<String>,
    },
    /// A group of the treatment (treated, control or a level) has fewer than two rows.
    SmallGroup {
        /// The treatment column.
        name: String,
        /// The group: `control`, `treated`, or a level of the column.
        group: String,
        /// Its rows.
        size: usize,
    },
    /// The outcome has the same value in every row used: there is no difference to measure.
    ConstantOutcome {
        /// The column.
        name: String,
    },
    /// A column holds numbers too large to compute with (a mean or variance overflows).
    NotFinite {
        /// The column.
        name: String,
    },
    /// An analysis of one treated group against the control was given several.
    SeveralArms {
        /// The treatment column.
        name: String,
        /// Its treated levels.
        arms: Vec<String>,
    },
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::UnknownColumn { role, name } => {
                write!(f, "the {role} column `{name}` is not in the data")
            }
            AnalysisError::TreatmentNotBinary { name, kind, example } => write!(
                f,
                "the treatment `{name}` must hold only 0 and 1 (treated / control), but it is {} with values such as \"{example}\"; for several treatment arms, name the control level",
                kind.as_str()
            ),
            AnalysisError::OutcomeNotNumeric { name } => {
                write!(f, "the outcome `{name}` holds text; pick a numeric or 0/1 column")
            }
            AnalysisError::SameColumn { name, roles } => {
                write!(f, "`{name}` cannot be both the {} and the {}", roles.0, roles.1)
            }
            AnalysisError::TooManyLevels { name, levels } => write!(
                f,
                "the column `{name}` has {levels} distinct values, too many to encode as categories (more than {} and more than one per {} rows, or over {} indicator cells); it looks like an identifier. Leave it out, or group its values first",
                design::MAX_LEVELS,
                design::ROWS_PER_LEVEL,
                crate::format::count(design::MAX_INDICATOR_CELLS)
            ),
            AnalysisError::DuplicateCovariate { name } => {
                write!(f, "the covariate `{name}` is listed twice")
            }
            AnalysisError::NoCompleteRows => {
                write!(f, "no row has a value in every column used; choose other columns")
            }
            AnalysisError::NoMethods => write!(f, "choose at least one method"),
            AnalysisError::Option(e) => e.fmt(f),
            AnalysisError::NotNumeric { role, name } => {
                write!(f, "the {role} column `{name}` holds text; it must be numeric")
            }
            AnalysisError::NeedControl { name, levels } => write!(
                f,
                "the treatment `{name}` has {} values ({}): choose the control level, and each other level is compared with it",
                levels.len(),
                levels.join(", ")
            ),
            AnalysisError::UnknownLevel { name, level, levels } => write!(
                f,
                "the control level \"{level}\" is not a value of `{name}` (values: {})",
                levels.join(", ")
            ),
            AnalysisError::SmallGroup { name, group, size } => write!(
                f,
                "the {group} group of the treatment `{name}` has {}; a comparison needs at least 2 rows in each group",
                crate::format::plural(*size, "row", "rows")
            ),
            AnalysisError::ConstantOutcome { name } => write!(
                f,
                "the outcome `{name}` has the same value in every row used: there is no difference to measure"
            ),
            AnalysisError::NotFinite { name } => write!(
                f,
                "`{name}` holds numbers too large to average (or infinite ones); rescale the column"
            ),
            AnalysisError::SeveralArms { name, arms } => write!(
                f,
                "the experimental benchmark compares one treated group with the control, but `{name}` has {} treated levels ({}); keep the rows of one level and the control",
                arms.len(),
                arms.join(", ")
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}
