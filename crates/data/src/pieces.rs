//! Reading one file as several pieces cut at line ends, when that gives exactly what one pass
//! gives.
//!
//! The crate never spawns threads or opens files: [`plan`] finds the cuts through a callback that
//! returns the bytes at an offset, and [`read_piece`] reads one piece from any reader, so the
//! CLI reads the pieces of a file on its threads while tests and the fuzzer read them from a byte
//! slice ([`read_in_pieces`]). A piece reads as in one pass only when no quoted field can span a
//! cut and no column's type depends on the other pieces: a piece is therefore read with
//! [`ReadOptions::numbers_only`], and anything else — a quote character, a text field, a warning,
//! an error — gives `None`, and the caller reads the file in one pass.

use std::io::Read;

use crate::{ReadOptions, Table, read_csv};

/// Bytes read around a cut to find the next line end.
pub const WINDOW: usize = 64 << 10;

/// Where a file is cut, and what every piece needs to read on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The file's delimiter (given or sniffed from its start).
    pub delimiter: u8,
    /// The header's column names, for the pieces after the first.
    pub names: Vec<String>,
    /// Byte offsets: piece `i` is `bounds[i]..bounds[i + 1]`; the first piece holds the header.
    pub bounds: Vec<u64>,
}

impl Plan {
    /// The number of pieces.
    pub fn len(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// Whether there is no piece at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The byte range of piece `i`.
    pub fn range(&self, i: usize) -> std::ops::Range<u64> {
        self.bounds[i]..self.bounds[i + 1]
    }
}

/// Cuts a file of `size` bytes into up to `pieces` pieces at line ends. `window(offset)` returns
/// up to [`WINDOW`] bytes of the file from `offset`. `None` when the header cannot be split
/// simply (a quote in it, no line end in the first window, not UTF-8) or a read fails.
pub fn plan(
    size: u64,
    pieces: usize,
    delimiter: Option<u8>,
    window: &mut dyn FnMut(u64) -> Option<Vec<u8>>,
) -> Option<Plan> {
    let head = window(0)?;
    let delimiter = delimiter.unwrap_or_else(|| crate::sniff_delimiter(&head));
    let header_end = memchr::memchr(b'\n', &head)?;
    let header = head[..header_end].strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head[..header_end]);
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    if memchr::memchr(b'"', header).is_some() || memchr::memchr(b'\r', header).is_some() {
        return None;
    }
    let names: Vec<String> = std::str::from_utf8(header)
        .ok()?
        .split(delimiter as char)
        .map(|s| s.trim().to_string())
        .collect();
    let pieces = pieces.max(1) as u64;
    let mut bounds = vec![0u64];
    for k in 1..pieces {
        let from = (size * k / pieces).max(header_end as u64 + 1);
        if from >= size {
            break;
        }
        let w = window(from)?;
        let Some(end) = memchr::memchr(b'\n', &w) else { continue };
        let cut = from + end as u64 + 1;
        if cut < size && cut > *bounds.last()? {
            bounds.push(cut);
        }
    }
    bounds.push(size);
    Some(Plan { delimiter, names, bounds })
}

/// Reads piece `i` of `plan` from `reader` (which yields exactly that piece's bytes). The first
/// piece sizes its columns for the whole file, so the others append without reallocating.
/// `None` when the piece does not read exactly as in one pass.
pub fn read_piece<R: Read>(reader: R, plan: &Plan, i: usize) -> Option<Table> {
    let range = plan.range(i);
    let size_hint =
        if i == 0 { plan.bounds.last().copied().unwrap_or(0) } else { range.end - range.start };
    let options = ReadOptions {
        delimiter: Some(plan.delimiter),
        size_hint: Some(size_hint),
        names: (i > 0).then(|| plan.names.clone()),
        numbers_only: true,
        ..ReadOptions::default()
    };
    match read_csv(reader, &options, &mut |_| true) {
        Ok((table, warnings)) if warnings.is_empty() => Some(table),
        _ => None,
    }
}

/// Reads `bytes` as up to `pieces` pieces, one after the other, and stacks them: the table one
/// pass would give, or `None` when reading in pieces is not exact for this input.
pub fn read_in_pieces(bytes: &[u8], pieces: usize, delimiter: Option<u8>) -> Option<Table> {
    let size = bytes.len() as u64;
    let mut window = |offset: u64| {
        let start = usize::try_from(offset).ok()?.min(bytes.len());
        Some(bytes[start..(start + WINDOW).min(bytes.len())].to_vec())
    };
    let plan = plan(size, pieces, delimiter, &mut window)?;
    let tables: Option<Vec<Table>> = (0..plan.len())
        .map(|i| {
            let r = plan.range(i);
            let piece = &bytes[r.start as usize..r.end as usize];
            read_piece(piece, &plan, i)
        })
        .collect();
    Table::concat_numeric(tables?)
}
