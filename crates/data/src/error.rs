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
    /// A quoted field opens on this line and is never closed: everything after it would be one
    /// field.
    UnclosedQuote,
    /// A field is not valid UTF-8 text.
    InvalidUtf8,
    /// The underlying reader failed.
    Io(String),
    /// A piece read with [`ReadOptions::numbers_only`](crate::ReadOptions::numbers_only) holds
    /// what only a read of the whole file can interpret: the caller reads it in one pass instead.
    NotNumbersOnly {
        /// `a quote character` or `a text field`.
        found: &'static str,
    },
    /// The progress callback asked to stop.
    Cancelled,
    /// The input is larger than [`Limits::max_bytes`](crate::Limits::max_bytes); nothing was
    /// read.
    FileTooLarge {
        /// The input's size in bytes.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The text columns hold more distinct values than
    /// [`Limits::max_levels`](crate::Limits::max_levels).
    TooManyLevels {
        /// The column with the most distinct values.
        column: String,
        /// Distinct text values in all columns so far.
        levels: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not delimited text but another format, recognised by its first bytes.
    NotText {
        /// What the file is, as a phrase ("an Excel workbook (.xlsx) or another ZIP archive").
        format: &'static str,
        /// What to do instead.
        advice: &'static str,
    },
    /// The table would hold more values than [`Limits::max_cells`](crate::Limits::max_cells):
    /// estimated from the first rows and the input's size (`estimated`), or counted.
    TooManyCells {
        /// Rows (estimated, or read so far).
        rows: u64,
        /// Columns.
        columns: usize,
        /// The limit on rows × columns.
        limit: u64,
        /// Whether `rows` is an estimate from the first rows.
        estimated: bool,
    },
}

/// `n` with thousands separators.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in MB or GB (decimal, as browsers and file managers show sizes).
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.2} GB", bytes as f64 / 1e9)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, position: Option<Position>) -> Self {
        Error(Box::new((kind, position)))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.0
    }

    /// Where, if the problem is at a place in the file.
    pub fn position(&self) -> Option<&Position> {
        self.0.1.as_ref()
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
                "found a row with {found} field{}, but the header has {expected} (is a quote unbalanced or the delimiter wrong?)",
                if *found == 1 { "" } else { "s" }
            )?,
            ErrorKind::UnclosedQuote => write!(
                f,
                "a quoted field starts here and is never closed, so the rest of the file would be one value (is a quote missing or one too many?)"
            )?,
            ErrorKind::InvalidUtf8 => {
                write!(f, "the text is not UTF-8 (save the file as UTF-8 and try again)")?;
            }
            ErrorKind::Io(msg) => write!(f, "could not read the file: {msg}")?,
            ErrorKind::NotNumbersOnly { found } => {
                write!(f, "{found} in a piece read on its own (read the file in one pass)")?;
            }
            ErrorKind::Cancelled => write!(f, "reading was cancelled")?,
            ErrorKind::FileTooLarge { bytes, limit } => write!(
                f,
                "the file is {}, larger than the {} that can be read here; nothing was read",
                size(*bytes),
                size(*limit)
            )?,
            ErrorKind::TooManyLevels { column, levels, limit } => write!(
                f,
                "the text columns hold more than {} distinct values ({} so far, most in column `{column}`), more than can be held here; an identifier column has one per row: remove it from the file",
                thousands(*limit as u64),
                thousands(*levels as u64)
            )?,
            ErrorKind::NotText { format, advice } => {
                write!(f, "this is {format}, not delimited text (CSV or TSV): {advice}")?;
            }
            ErrorKind::TooManyCells { rows, columns, limit, estimated } => write!(
                f,
                "the file holds {}{} rows × {} columns ({} values, {} in memory), more than the {} values that can be held here; reading stopped",
                if *estimated { "about " } else { "at least " },
                thousands(*rows),
                thousands(*columns as u64),
                thousands(rows.saturating_mul(*columns as u64)),
                size(rows.saturating_mul(*columns as u64).saturating_mul(8)),
                thousands(*limit)
            )?,
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
