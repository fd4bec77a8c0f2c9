//! CSV/TSV bytes to a typed, columnar [`Table`].
//!
//! The principal entry point is [`read_csv`], which takes any [`std::io::Read`] (a byte slice, a
//! file, or the browser's chunked file reader), sniffs the delimiter, reads the header row and
//! infers each column's [`Kind`] while streaming. Records without a quote character are split
//! with `memchr`; quoted records (doubled quotes, delimiters and newlines inside quotes) are
//! parsed by `csv-core`, the parser of the `csv` crate. CRLF and a UTF-8 BOM are handled. This
//! crate adds inference, missing-value handling and errors that name the line and column.
//!
//! Failure is part of the output: a file that cannot be read at all gives an [`Error`] with a
//! [`Position`]; a file that can be read with caveats gives a table plus [`Warning`]s.
//!
//! ```
//! // `;`-separated with decimal commas, as spreadsheets write it in much of Europe.
//! let (table, warnings) = cf_data::read_csv(&b"y;t\n1,5;1\n2;0\n"[..], &Default::default(), &mut |_| true).unwrap();
//! assert_eq!(table.n_rows(), 2);
//! assert!(warnings.is_empty());
//! assert_eq!(table.column("y").unwrap().as_numeric(), Some(&[1.5, 2.0][..]));
//! assert_eq!(table.column("t").unwrap().kind(), cf_data::Kind::Binary);
//! ```

#![warn(missing_docs)]

mod error;
pub mod pieces;
mod records;
mod sniff;
mod table;

pub use error::{Error, ErrorKind, Position, Warning};
pub use sniff::sniff_delimiter;
pub use table::{Column, ColumnData, Kind, Table};

use std::io::Read;

/// How to read a delimited text file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadOptions {
    /// The field delimiter; `None` sniffs it from the first lines (`,` `;` tab `|`).
    pub delimiter: Option<u8>,
    /// The input's size in bytes, if known: columns are sized from it after the first rows,
    /// which saves reallocating (and copying) them as they grow.
    pub size_hint: Option<u64>,
    /// The input has no header row: it continues a file whose columns are these (used to read
    /// a large file in pieces). Line numbers in errors then count from the piece's start.
    pub names: Option<Vec<String>>,
    /// Fail with [`ErrorKind::NotNumbersOnly`] at the first `"` or text (non-number, non-missing) field: a
    /// piece of a file cut at a line end reads exactly as it would in one pass only when no quoted
    /// field can span the cut and no column's type depends on the other pieces.
    pub numbers_only: bool,
    /// How much may be read (no limit by default).
    pub limits: Limits,
}

/// Bounds on what a read may hold in memory, checked before the bytes are read: a file too large
/// for its host (a browser tab's worker) is refused with a message instead of exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// The largest input, in bytes, checked against [`ReadOptions::size_hint`] before reading.
    pub max_bytes: Option<u64>,
    /// The most values (rows × columns) the table may hold. Checked after the first
    /// 1,000 rows against the row count estimated from `size_hint` (a file whose estimate is
    /// more than 1.5 times the limit is refused after reading a small part of it), and at every
    /// row read (the table never holds more).
    pub max_cells: Option<u64>,
    /// The most distinct text values, all text columns together (each costs memory for its
    /// text; an identifier column has one per row). Checked every 1,024 rows.
    pub max_levels: Option<usize>,
}

/// What the first bytes say a file is, when it is certainly not delimited text.
fn not_text(head: &[u8]) -> Option<(&'static str, &'static str)> {
    const SAVE_AS: &str =
        "open it in the program that made it and save or export it as CSV (UTF-8)";
    let lower: Vec<u8> = head.iter().take(64).map(u8::to_ascii_lowercase).collect();
    let text_start = lower.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&lower);
    let text_start = text_start.trim_ascii_start();
    Some(if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        (
            "an Excel workbook (.xlsx) or another ZIP archive",
            "in Excel, choose Save As → CSV UTF-8; a ZIP archive must be unpacked first",
        )
    } else if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        ("an old Excel workbook (.xls)", "in Excel, choose Save As → CSV UTF-8")
    } else if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        (
            "UTF-16 text",
            "save it again as UTF-8 (in Excel: CSV UTF-8; in a text editor: encoding UTF-8)",
        )
    } else if head.starts_with(b"PAR1") {
        ("a Parquet file", "Parquet files are not read yet; export it as CSV")
    } else if head.starts_with(b"\x1F\x8B") {
        ("a gzip-compressed file", "decompress it first (gunzip) and drop the .csv inside")
    } else if head.starts_with(b"%PDF") {
        ("a PDF document", "export the table from its source as CSV")
    } else if text_start.starts_with(b"<!doctype html") || text_start.starts_with(b"<html") {
        ("a web page (HTML)", "download the data itself as CSV, not the page that shows it")
    } else if head.iter().take(SNIFF_BYTES).any(|&b| b == 0) {
        ("binary data (it holds NUL bytes)", SAVE_AS)
    } else {
        return None;
    })
}

/// The file as it is or, for a lone-`\r` line-ended file (old Mac, "CSV (Macintosh)" from
/// Excel), with every `\r` turned into `\n`.
struct CrToLf<R> {
    inner: R,
    active: bool,
}

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.active {
            buf[..n].iter_mut().filter(|b| **b == b'\r').for_each(|b| *b = b'\n');
        }
        Ok(n)
    }
}

/// Strings read as a missing value (besides the empty field), as pandas does by default.
pub const MISSING_MARKERS: &[&str] = &[
    "NA", "N/A", "n/a", "NaN", "nan", "-nan", "-NaN", "null", "NULL", "Null", "None", "#N/A", ".",
];

/// How many bytes are inspected to guess the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
/// Rows read before the remaining row count is estimated from `size_hint`.
const SIZE_SAMPLE_ROWS: u64 = 1000;
/// A bound on that estimate, so a wrong hint cannot ask for absurd memory.
const MAX_RESERVE_ROWS: usize = 50_000_000;
/// The distinct text values are counted every this many records.
const LEVEL_CHECK_EVERY: u64 = 1024;
/// Progress is reported every this many records.
const PROGRESS_EVERY: u64 = 1 << 15;

/// Reads delimited text into a [`Table`].
///
/// `progress` is called now and then with the number of bytes consumed so far; returning
/// `false` cancels the read ([`ErrorKind::Cancelled`]).
///
/// # Errors
/// Empty input, a missing or duplicated header, a row with the wrong number of fields, text that
/// is not UTF-8, or a failing reader. Each error carries the line (1-based) and, where it makes
/// sense, the column.
pub fn read_csv<R: Read>(
    mut reader: R,
    options: &ReadOptions,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<(Table, Vec<Warning>), Error> {
    if let (Some(bytes), Some(limit)) = (options.size_hint, options.limits.max_bytes)
        && bytes > limit
    {
        return Err(Error::new(ErrorKind::FileTooLarge { bytes, limit }, None));
    }
    // Read a prefix to sniff the delimiter, then chain it back in front of the rest.
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::new(ErrorKind::Io(e.to_string()), None))?;
    if let Some((format, advice)) = not_text(&head) {
        return Err(Error::new(ErrorKind::NotText { format, advice }, None));
    }
    // Only at the start of a file: a piece cut from its middle reads its lines as the file does.
    let lone_cr = options.names.is_none()
        && memchr::memchr(b'\n', &head).is_none()
        && memchr::memchr(b'\r', &head).is_some();
    if lone_cr {
        head.iter_mut().filter(|b| **b == b'\r').for_each(|b| *b = b'\n');
    }
    let reader = CrToLf { inner: reader, active: lone_cr };
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&head));
    let mut records = records::Records::new(reader, delimiter, head, options.names.is_none());
    records.forbid_quotes = options.numbers_only;
    let io = |e: std::io::Error| {
        let kind = if e.get_ref().is_some_and(|inner| inner.is::<records::QuoteInPiece>()) {
            ErrorKind::NotNumbersOnly { found: "a quote character" }
        } else {
            ErrorKind::Io(e.to_string())
        };
        Error::new(kind, None)
    };

    // Header row: the first record that is not a blank line.
    let names = match &options.names {
        Some(names) => names.clone(),
        None => {
            let Some(header_line) = records.next().map_err(io)? else {
                return Err(Error::new(ErrorKind::Empty, None));
            };
            header_names(&records, header_line)?
        }
    };
    let mut builders: Vec<table::ColumnBuilder> =
        names.iter().map(|n| table::ColumnBuilder::new(n.clone(), delimiter == b';')).collect();

    let columns = names.len();
    // The most rows the value limit allows: rows × columns > limit exactly when rows > this.
    let max_rows = options.limits.max_cells.map(|limit| limit / columns.max(1) as u64);
    let mut n_rows: u64 = 0;
    while let Some(line) = records.next().map_err(io)? {
        if records.unclosed_quote {
            return Err(Error::new(
                ErrorKind::UnclosedQuote,
                Some(Position { line, column: None }),
            ));
        }
        if records.len() != names.len() {
            // A quoted empty line ("") in a file of several columns is a blank line.
            if records.len() == 1 && records.field(0).is_empty() && names.len() > 1 {
                continue;
            }
            return Err(Error::new(
                ErrorKind::RaggedRow { expected: names.len(), found: records.len() },
                Some(Position { line, column: None }),
            ));
        }
        for (i, builder) in builders.iter_mut().enumerate() {
            builder.push(records.field(i)).map_err(|()| {
                Error::new(
                    ErrorKind::InvalidUtf8,
                    Some(Position { line, column: Some(names[i].clone()) }),
                )
            })?;
        }
        n_rows += 1;
        let over = |rows: u64| max_rows.is_some_and(|max| rows > max);
        let refuse = |rows: u64, estimated: bool| {
            let limit = options.limits.max_cells.unwrap_or(0);
            let kind = ErrorKind::TooManyCells { rows, columns, limit, estimated };
            Err(Error::new(kind, Some(Position { line, column: None })))
        };
        if n_rows == SIZE_SAMPLE_ROWS
            && let Some(total) = options.size_hint
        {
            let per_row = records.position() as f64 / n_rows as f64;
            let rest = total.saturating_sub(records.position()) as f64 / per_row;
            let estimate = n_rows + rest as u64;
            // Only an estimate (the first rows may be shorter than the rest): refused here
            // when clearly above; the count below holds the limit exactly.
            if over(estimate.saturating_mul(2) / 3) {
                return refuse(estimate, true);
            }
            let mut expected = ((rest * 1.02) as usize).min(MAX_RESERVE_ROWS);
            if let Some(max) = max_rows {
                // Never reserve room beyond the limit.
                expected = expected.min(usize::try_from(max).unwrap_or(usize::MAX));
            }
            builders.iter_mut().for_each(|b| b.reserve(expected));
        }
        if over(n_rows) {
            return refuse(n_rows, false);
        }
        if let Some(limit) = options.limits.max_levels
            && n_rows.is_multiple_of(LEVEL_CHECK_EVERY)
        {
            let levels: usize = builders.iter().map(table::ColumnBuilder::n_levels).sum();
            if levels > limit {
                let column = builders
                    .iter()
                    .max_by_key(|b| b.n_levels())
                    .map_or_else(String::new, |b| b.name().to_string());
                let kind = ErrorKind::TooManyLevels { column, levels, limit };
                return Err(Error::new(kind, Some(Position { line, column: None })));
            }
        }
        if n_rows.is_multiple_of(PROGRESS_EVERY) && !progress(records.position()) {
            return Err(Error::new(ErrorKind::Cancelled, None));
        }
    }
    progress(records.position());
    if options.numbers_only && builders.iter().any(table::ColumnBuilder::has_text) {
        return Err(Error::new(ErrorKind::NotNumbersOnly { found: "a text field" }, None));
    }
    if n_rows == 0 {
        return Err(Error::new(ErrorKind::NoRows, None));
    }
    let mut warnings = Vec::new();
    let columns: Vec<Column> = builders.into_iter().map(|b| b.finish(&mut warnings)).collect();
    Ok((Table::new(columns, n_rows as usize), warnings))
}

/// Validates the header row and returns the column names.
fn header_names<R: Read>(header: &records::Records<R>, line: u64) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for i in 0..header.len() {
        let field = header.field(i);
        let name = std::str::from_utf8(field)
            .map_err(|_| {
                Error::new(
                    ErrorKind::InvalidUtf8,
                    Some(Position { line, column: Some(format!("#{}", i + 1)) }),
                )
            })?
            .trim()
            .to_string();
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::EmptyColumnName { index: i + 1 },
                Some(Position { line, column: Some(format!("#{}", i + 1)) }),
            ));
        }
        if names.contains(&name) {
            return Err(Error::new(
                ErrorKind::DuplicateColumn { name: name.clone() },
                Some(Position { line, column: Some(name) }),
            ));
        }
        names.push(name);
    }
    // A header whose every field is a number is data, not column names.
    if names.iter().all(|n| n.parse::<f64>().is_ok()) {
        return Err(Error::new(ErrorKind::NoHeader, Some(Position { line, column: None })));
    }
    Ok(names)
}

#[cfg(test)]
mod tests;
