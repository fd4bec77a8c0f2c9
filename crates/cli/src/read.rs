//! Reading the data file: in parallel pieces when that gives exactly what one pass gives.
//!
//! The engine never spawns threads; the CLI may. A large file is cut at line ends into one piece
//! per core; each thread opens the file, seeks to its piece and reads it with the header's column
//! names. The pieces are stacked when every column is numeric ([`Table::concat_numeric`]).
//! Anything else — a quote character anywhere (a quoted field could span a cut), a text column, a
//! warning, an error — falls back to one pass over the whole file, so results, messages and types
//! never depend on how the file was cut.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};

use cf_data::{read_csv, ReadOptions, Table, Warning};

use crate::Failure;

/// Files smaller than this are read in one pass.
const PARALLEL_MIN_BYTES: u64 = 8 << 20;
/// Bytes read around a cut to find the next line end.
const WINDOW: usize = 64 << 10;

fn open(path: &str) -> Result<File, Failure> {
    File::open(path).map_err(|e| Failure::Data(format!("{path}: cannot open: {e}")))
}

/// One pass over the whole file, streamed.
fn whole(path: &str, delimiter: Option<u8>) -> Result<(Table, Vec<Warning>), Failure> {
    let file = open(path)?;
    let size_hint = file.metadata().ok().map(|m| m.len());
    let options = ReadOptions { delimiter, size_hint, ..ReadOptions::default() };
    read_csv(BufReader::with_capacity(1 << 20, file), &options, &mut |_| true)
        .map_err(|e| Failure::Data(format!("{path}: {e}")))
}

/// The `WINDOW` bytes at `offset`.
fn window(file: &mut File, offset: u64) -> Option<Vec<u8>> {
    let mut buf = Vec::with_capacity(WINDOW);
    file.seek(SeekFrom::Start(offset)).ok()?;
    file.take(WINDOW as u64).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// Reads the file at `path` with up to `threads` threads.
pub(crate) fn read_table(
    path: &str,
    delimiter: Option<u8>,
    threads: usize,
) -> Result<(Table, Vec<Warning>), Failure> {
    let mut file = open(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if threads < 2 || size < PARALLEL_MIN_BYTES {
        return whole(path, delimiter);
    }
    let Some(cuts) = plan(&mut file, size, delimiter, threads) else {
        return whole(path, delimiter);
    };
    let Plan { delimiter, names, bounds } = cuts;

    let results: Vec<Option<Table>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let (start, end) = (w[0], w[1]);
                let names = (i > 0).then(|| names.clone());
                scope.spawn(move || -> Option<Table> {
                    let mut f = File::open(path).ok()?;
                    f.seek(SeekFrom::Start(start)).ok()?;
                    let options = ReadOptions {
                        delimiter: Some(delimiter),
                        // The first piece sizes its columns for the whole file, so the others
                        // are appended without reallocating.
                        size_hint: Some(if i == 0 { size } else { end - start }),
                        names,
                        numbers_only: true,
                    };
                    let reader = BufReader::with_capacity(1 << 20, f.take(end - start));
                    match read_csv(reader, &options, &mut |_| true) {
                        Ok((table, warnings)) if warnings.is_empty() => Some(table),
                        _ => None,
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    let tables: Option<Vec<Table>> = results.into_iter().collect();
    match tables.and_then(Table::concat_numeric) {
        Some(table) => Ok((table, Vec::new())),
        None => whole(path, Some(delimiter)),
    }
}

struct Plan {
    delimiter: u8,
    names: Vec<String>,
    /// Byte offsets: piece i is `bounds[i]..bounds[i + 1]`.
    bounds: Vec<u64>,
}

/// The delimiter, the header's names and the cuts; `None` when the header cannot be split simply.
fn plan(file: &mut File, size: u64, delimiter: Option<u8>, threads: usize) -> Option<Plan> {
    let head = window(file, 0)?;
    let delimiter = delimiter.unwrap_or_else(|| cf_data::sniff_delimiter(&head));
    let header_end = memchr::memchr(b'\n', &head)?;
    let header = head[..header_end].strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head[..header_end]);
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    if memchr::memchr(b'"', header).is_some() {
        return None;
    }
    let names: Vec<String> = std::str::from_utf8(header)
        .ok()?
        .split(delimiter as char)
        .map(|s| s.trim().to_string())
        .collect();
    let mut bounds = vec![0u64];
    for k in 1..threads as u64 {
        let from = (size * k / threads as u64).max(header_end as u64 + 1);
        let w = window(file, from)?;
        let cut = from + memchr::memchr(b'\n', &w)? as u64 + 1;
        if cut < size && cut > *bounds.last()? {
            bounds.push(cut);
        }
    }
    bounds.push(size);
    Some(Plan { delimiter, names, bounds })
}
