//! CSV/TSV bytes to a typed, columnar [`Table`].
//!
//! The principal entry point is [`read_csv`], which takes any [`std::io::Read`] (a byte slice, a
//! file, or the browser's chunked file reader), sniffs the delimiter, reads the header row and
//! infers each column's [`Kind`] while streaming. Parsing is done by the `csv` crate (quotes,
//! CRLF, UTF-8 BOM); this crate adds inference, missing-value handling and errors that name the
//! line and column.
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

mod error;
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
}

/// Strings read as a missing value (besides the empty field), as pandas does by default.
pub const MISSING_MARKERS: &[&str] = &[
    "NA", "N/A", "n/a", "NaN", "nan", "-nan", "-NaN", "null", "NULL", "Null", "None", "#N/A", ".",
];

/// How many bytes are inspected to guess the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
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
    // Read a prefix to sniff the delimiter, then chain it back in front of the rest.
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::new(ErrorKind::Io(e.to_string()), None))?;
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&head));
    let chained = std::io::Cursor::new(head).chain(reader);

    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(chained);

    let mut record = csv::ByteRecord::new();
    // Header row: skip blank leading lines (the csv crate already does), then take the first.
    let header = match rdr.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => return Err(Error::new(ErrorKind::Empty, None)),
        Err(e) => return Err(Error::from_csv(e, &[])),
    };
    let names = header_names(&header)?;
    let mut builders: Vec<table::ColumnBuilder> =
        names.iter().map(|n| table::ColumnBuilder::new(n.clone(), delimiter == b';')).collect();

    let mut n_rows: u64 = 0;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Error::from_csv(e, &names)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != names.len() {
            // A trailing blank field-less line is skipped by the csv crate; a single empty
            // field on a line of its own is a blank line in a one-column file.
            if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) && names.len() > 1 {
                continue;
            }
            return Err(Error::new(
                ErrorKind::RaggedRow { expected: names.len(), found: record.len() },
                Some(Position { line, column: None }),
            ));
        }
        for (i, (field, builder)) in record.iter().zip(builders.iter_mut()).enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidUtf8,
                    Some(Position { line, column: Some(names[i].clone()) }),
                )
            })?;
            builder.push(text);
        }
        n_rows += 1;
        if n_rows.is_multiple_of(PROGRESS_EVERY) && !progress(rdr.position().byte()) {
            return Err(Error::new(ErrorKind::Cancelled, None));
        }
    }
    progress(rdr.position().byte());
    if n_rows == 0 {
        return Err(Error::new(ErrorKind::NoRows, None));
    }
    let mut warnings = Vec::new();
    let columns: Vec<Column> = builders.into_iter().map(|b| b.finish(&mut warnings)).collect();
    Ok((Table::new(columns, n_rows as usize), warnings))
}

/// Validates the header row and returns the column names.
fn header_names(header: &csv::ByteRecord) -> Result<Vec<String>, Error> {
    let line = header.position().map_or(1, csv::Position::line);
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (i, field) in header.iter().enumerate() {
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
