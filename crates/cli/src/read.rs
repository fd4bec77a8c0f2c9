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

use cf_data::pieces::{self, WINDOW};
use cf_data::{ReadOptions, Table, Warning, read_csv};

use crate::Failure;

/// Files smaller than this are read in one pass.
const PARALLEL_MIN_BYTES: u64 = 8 << 20;

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
    let Some(plan) = pieces::plan(size, threads, delimiter, &mut |at| window(&mut file, at)) else {
        return whole(path, delimiter);
    };

    let results: Vec<Option<Table>> = std::thread::scope(|scope| {
        let plan = &plan;
        let handles: Vec<_> = (0..plan.len())
            .map(|i| {
                let range = plan.range(i);
                scope.spawn(move || -> Option<Table> {
                    let mut f = File::open(path).ok()?;
                    f.seek(SeekFrom::Start(range.start)).ok()?;
                    let reader = BufReader::with_capacity(1 << 20, f.take(range.end - range.start));
                    pieces::read_piece(reader, plan, i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    let tables: Option<Vec<Table>> = results.into_iter().collect();
    match tables.and_then(Table::concat_numeric) {
        Some(table) => Ok((table, Vec::new())),
        None => whole(path, Some(plan.delimiter)),
    }
}
