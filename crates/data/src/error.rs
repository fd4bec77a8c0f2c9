//! Errors (the file cannot be used) and warnings (it can, with a caveat).

use std::fmt;

/// Where in the input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// 1-based line number in the file.
    pub line: u64,
    /// Column name (or `#n` for an unnamed column), when the problem is in one field.
    pub column: Option<String>,
}

/// A file that cannot be read into a table. Opaque, with a [`kind`](Error::kind) and an optional
/// [`position`](Error::position), as in the `csv` crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<(ErrorKind, Option<Position>)>);

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input has no bytes (or only blank lines).
    Empty,
    /// There is a header row but no data rows under it.
    NoRows,
    /// The first line consists of numbers only: the file has no header row.
    NoHeader,
    /// A header field is blank.
    EmptyColumnName {
        /// 1-based position of the field.
        index: usize,
    },
    /// Two columns share a name.
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },
    /// A row has a different number of fields from the header.
    RaggedRow {
        /// Number of fields in the header.
        expected: usize,
        /// Number of fields on this row.
        found: usize,
    },
    /// A field is not valid UTF-8 text.
    InvalidUtf8,
    /// The underlying reader failed.
    Io(String),
    /// The progress callback asked to stop.
    Cancelled,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, position: Option<Position>) -> Self {
        Error(Box::new((kind, position)))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0 .0
    }

    /// Where, if the problem is at a place in the file.
    pub fn position(&self) -> Option<&Position> {
        self.0 .1.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            ErrorKind::Empty => write!(f, "the file is empty")?,
            ErrorKind::NoRows => write!(f, "the file has a header row but no data rows")?,
            ErrorKind::NoHeader => write!(
                f,
                "the first line holds only numbers; Counterfact needs a header row with column names"
            )?,
            ErrorKind::EmptyColumnName { index } => write!(f, "column {index} has no name")?,
            ErrorKind::DuplicateColumn { name } => {
                write!(f, "two columns are named `{name}`; column names must be unique")?;
            }
            ErrorKind::RaggedRow { expected, found } => write!(
                f,
                "found a row with {found} fields, but the header has {expected} (is a quote unbalanced or the delimiter wrong?)"
            )?,
            ErrorKind::InvalidUtf8 => {
                write!(f, "the text is not UTF-8 (save the file as UTF-8 and try again)")?;
            }
            ErrorKind::Io(msg) => write!(f, "could not read the file: {msg}")?,
            ErrorKind::Cancelled => write!(f, "reading was cancelled")?,
        }
        if let Some(pos) = self.position() {
            write!(f, " (line {}", pos.line)?;
            if let Some(col) = &pos.column {
                write!(f, ", column `{col}`")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// A caveat about a table that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A column with mostly numbers also holds text, so it was read as categorical.
    MixedColumn {
        /// The column.
        column: String,
        /// How many fields were numbers.
        numeric: usize,
        /// The first text value that is not a number.
        example: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::MixedColumn { column, numeric, example } => write!(
                f,
                "column `{column}` holds {numeric} numbers but also text such as \"{example}\"; it is read as categorical"
            ),
        }
    }
}
