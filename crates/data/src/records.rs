//! Splitting delimited text into records and fields.
//!
//! Most lines of a data file hold no quote character; they are split with `memchr` (SIMD where
//! the target has it) at the delimiter, with no copy. A record that contains a `"` is handed
//! whole to `csv-core` (the `csv` crate's parser), which handles quoting, doubled quotes and
//! newlines inside quoted fields. Lines end with `\n` or `\r\n`; blank lines are skipped.

use std::io::Read;

use csv_core::ReadRecordResult;

/// Bytes requested from the reader at a time.
const READ_SIZE: usize = 1 << 20;

/// A streaming record reader. `next` advances; `field(i)` borrows from the current record.
pub(crate) struct Records<R> {
    reader: R,
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    start: usize,
    /// End of the bytes read into `buf` (the rest is spare room).
    end: usize,
    eof: bool,
    delimiter: u8,
    /// Line number (1-based) where the next record starts.
    next_line: u64,
    /// Bytes consumed from the reader so far, for progress.
    consumed: u64,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Field ranges of the current record, in `buf` (unquoted) or `out` (quoted).
    fields: Vec<(usize, usize)>,
    quoted: bool,
    /// Fail at the first quote character (see `ReadOptions::forbid_quotes`).
    pub(crate) forbid_quotes: bool,
    /// The current record is a quoted field never closed: it ran over line ends to the end of
    /// the input with an odd number of quote characters.
    pub(crate) unclosed_quote: bool,
}

/// The error a reader with `forbid_quotes` stops with at a quote character.
#[derive(Debug)]
pub(crate) struct QuoteInPiece;

impl std::fmt::Display for QuoteInPiece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a quote character in a piece read on its own")
    }
}

impl std::error::Error for QuoteInPiece {}

impl<R: Read> Records<R> {
    /// Records of `head` then `reader`; a UTF-8 BOM at the very start is skipped when
    /// `file_start` (a piece cut from the middle of a file keeps it: there it is text).
    pub(crate) fn new(reader: R, delimiter: u8, head: Vec<u8>, file_start: bool) -> Self {
        let mut buf = head;
        let bom = if file_start && buf.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let end = buf.len();
        buf.resize(end + 4096, 0);
        Records {
            reader,
            buf,
            start: bom,
            end,
            eof: false,
            delimiter,
            next_line: 1,
            consumed: bom as u64,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
            fields: Vec::new(),
            quoted: false,
            forbid_quotes: false,
            unclosed_quote: false,
        }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> u64 {
        self.consumed
    }

    /// Reads more input behind the unconsumed bytes; false at end of input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        // Grow by doubling up to READ_SIZE of spare room (small inputs stay small).
        let spare = self.buf.len() - self.end;
        if spare < READ_SIZE.min(self.buf.len()) / 2 {
            let len = self.buf.len() + self.buf.len().clamp(4096, READ_SIZE);
            self.buf.resize(len, 0);
        }
        let n = loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.end += n;
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// Advances to the next record; `Ok(Some(line))` with its first line number, `Ok(None)` at the end.
    pub(crate) fn next(&mut self) -> std::io::Result<Option<u64>> {
        loop {
            // A complete line must be in the buffer (or the input must have ended).
            let rest = &self.buf[self.start..self.end];
            let nl = match memchr::memchr(b'\n', rest) {
                Some(i) => Some(i),
                None if !self.eof => {
                    self.fill()?;
                    continue;
                }
                None => None,
            };
            let line_end = nl.unwrap_or(rest.len());
            if nl.is_none() && line_end == 0 {
                return Ok(None);
            }
            let line = &rest[..line_end];
            if memchr::memchr(b'"', line).is_some() {
                if self.forbid_quotes {
                    return Err(std::io::Error::other(QuoteInPiece));
                }
                return self.quoted_record().map(Some);
            }
            let line_no = self.next_line;
            let taken = line_end + usize::from(nl.is_some());
            let mut content = line;
            if let Some((&b'\r', head)) = content.split_last() {
                content = head;
            }
            let base = self.start;
            self.start += taken;
            self.consumed += taken as u64;
            self.next_line += 1;
            if content.is_empty() {
                continue; // blank line
            }
            self.quoted = false;
            self.fields.clear();
            let mut from = 0;
            for i in memchr::memchr_iter(self.delimiter, content) {
                self.fields.push((base + from, base + i));
                from = i + 1;
            }
            self.fields.push((base + from, base + content.len()));
            return Ok(Some(line_no));
        }
    }

    /// The record at `start` contains a quote: csv-core parses it straight from the buffer,
    /// reading more input while a quoted field runs on.
    fn quoted_record(&mut self) -> std::io::Result<u64> {
        let line_no = self.next_line;
        self.core.reset();
        let (mut outlen, mut endlen) = (0, 0);
        let mut quotes = 0usize;
        loop {
            // At the end of input, an empty call makes csv-core finish the record.
            let input = &self.buf[self.start..self.end];
            let (res, nin, nout, nend) =
                self.core.read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            self.next_line += memchr::memchr_iter(b'\n', &input[..nin]).count() as u64;
            quotes += memchr::memchr_iter(b'"', &input[..nin]).count();
            self.start += nin;
            self.consumed += nin as u64;
            outlen += nout;
            endlen += nend;
            match res {
                ReadRecordResult::OutputFull => {
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::InputEmpty => {
                    self.fill()?;
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        self.quoted = true;
        self.unclosed_quote =
            self.eof && self.start == self.end && self.next_line > line_no + 1 && quotes % 2 == 1;
        self.fields.clear();
        let mut from = 0;
        for &e in &self.ends[..endlen] {
            self.fields.push((from, e));
            from = e;
        }
        Ok(line_no)
    }

    /// Number of fields in the current record.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `i` of the current record (raw bytes, quotes removed).
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let (a, b) = self.fields[i];
        if self.quoted { &self.out[a..b] } else { &self.buf[a..b] }
    }
}
