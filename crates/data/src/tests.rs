//! Reading tests: CSV text in, a short dump of the table (or the error message) out.

use super::*;

fn read(text: &[u8]) -> Result<(Table, Vec<Warning>), Error> {
    read_csv(text, &ReadOptions::default(), &mut |_| true)
}

/// One line per column: `name kind missing=n [first values]`, then warnings.
fn dump(text: &[u8]) -> String {
    match read(text) {
        Err(e) => format!("error: {e}"),
        Ok((t, w)) => {
            let mut out = format!("rows={}\n", t.n_rows());
            for c in t.columns() {
                let vals: Vec<String> = (0..t.n_rows().min(3)).map(|r| c.display(r)).collect();
                out += &format!(
                    "{} {} missing={} [{}]\n",
                    c.name(),
                    c.kind().as_str(),
                    c.n_missing(),
                    vals.join("|")
                );
            }
            for w in w {
                out += &format!("warning: {w}\n");
            }
            out
        }
    }
}

#[track_caller]
fn check(text: &[u8], expected: &str) {
    assert_eq!(dump(text).trim_end(), expected.trim());
}

#[test]
fn comma_with_types_and_missing() {
    check(
        b"y,t,group,x\n1.5,1,a,\n2,0,b,NA\n3e2,1,a,7\n",
        "rows=3
y numeric missing=0 [1.5|2|300]
t binary missing=0 [1|0|1]
group categorical missing=0 [a|b|a]
x numeric missing=2 [||7]",
    );
}

#[test]
fn semicolon_with_decimal_commas_is_sniffed() {
    check(
        b"y;t\n1,5;1\n2,5;0\n",
        "rows=2
y numeric missing=0 [1.5|2.5]
t binary missing=0 [1|0]",
    );
}

#[test]
fn tab_and_pipe_are_sniffed() {
    check(b"a\tb\n3\t2\n", "rows=1\na numeric missing=0 [3]\nb numeric missing=0 [2]");
    check(b"a|b\n3|2\n", "rows=1\na numeric missing=0 [3]\nb numeric missing=0 [2]");
}

#[test]
fn bom_crlf_and_quotes() {
    check(
        b"\xEF\xBB\xBF\"name\",\"v\"\r\n\"Smith, J\",\"1\"\r\n\"say \"\"hi\"\"\",0\r\n",
        "rows=2
name categorical missing=0 [Smith, J|say \"hi\"]
v binary missing=0 [1|0]",
    );
}

#[test]
fn missing_markers_and_booleans() {
    check(
        b"a,b,c\nnull,true,NaN\n1,FALSE,\n2,,3\n",
        "rows=3
a numeric missing=1 [|1|2]
b binary missing=1 [1|0|]
c numeric missing=2 [||3]",
    );
}

#[test]
fn mixed_column_becomes_categorical_with_a_warning() {
    check(
        b"zip,v\n2134,1\nN/A,2\nSW1A,3\n",
        "rows=3
zip categorical missing=1 [2134||SW1A]
v numeric missing=0 [1|2|3]
warning: column `zip` holds 1 numbers but also text such as \"SW1A\"; it is read as categorical",
    );
}

#[test]
fn ragged_row_names_the_line() {
    check(
        b"a,b\n1,2\n3\n",
        "error: found a row with 1 field, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 3)",
    );
    check(
        b"a,b\n1,2\n3,4,5\n",
        "error: found a row with 3 fields, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 3)",
    );
}

#[test]
fn structural_errors() {
    check(b"", "error: the file is empty");
    check(b"\n\n", "error: the file is empty");
    check(b"a,b\n", "error: the file has a header row but no data rows");
    check(
        b"1,2\n3,4\n",
        "error: the first line holds only numbers; Counterfact needs a header row with column names (line 1)",
    );
    check(
        b"a,a\n1,2\n",
        "error: two columns are named `a`; column names must be unique (line 1, column `a`)",
    );
    check(b"a,,c\n1,2,3\n", "error: column 2 has no name (line 1, column `#2`)");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    check(
        b"a,b\n1,2\n3,\xff\xfe\n",
        "error: the text is not UTF-8 (save the file as UTF-8 and try again) (line 3, column `b`)",
    );
}

#[test]
fn quoted_newline_keeps_line_numbers_right() {
    check(
        b"a,b\n\"x\ny\",1\n2\n",
        "error: found a row with 1 field, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 4)",
    );
}

#[test]
fn blank_lines_are_skipped() {
    check(b"a,b\n1,2\n\n3,4\n\n", "rows=2\na numeric missing=0 [1|3]\nb numeric missing=0 [2|4]");
}

#[test]
fn cancel_stops_reading() {
    let mut text = b"a,b\n".to_vec();
    for i in 0..100_000 {
        text.extend_from_slice(format!("{i},{}\n", i % 2).as_bytes());
    }
    let err = read_csv(&text[..], &ReadOptions::default(), &mut |_| false).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Cancelled);
    let mut calls = 0;
    let (t, _) = read_csv(&text[..], &ReadOptions::default(), &mut |_| {
        calls += 1;
        true
    })
    .unwrap();
    assert_eq!(t.n_rows(), 100_000);
    assert!(calls >= 3, "progress was reported {calls} times");
}

#[test]
fn long_header_line_beyond_sniff_window() {
    // The delimiter is found even when the sample ends mid-line.
    let mut text = String::from("a;b\n");
    for i in 0..20_000 {
        text += &format!("{i};{}\n", i * 2);
    }
    let (t, _) = read(text.as_bytes()).unwrap();
    assert_eq!(t.n_rows(), 20_000);
    assert_eq!(t.columns().len(), 2);
}

#[test]
fn sniff_prefers_consistent_delimiter() {
    assert_eq!(sniff_delimiter(b"a,b;c\n1,2;3\n4,5;6\n"), b',');
    assert_eq!(sniff_delimiter(b"a;b\n\"1;2\";3\n"), b';');
    assert_eq!(sniff_delimiter(b"single\n1\n"), b',');
    assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3"), b'\t');
}

#[test]
fn the_reference_datasets_read_with_their_manifest_shapes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/data/");
    for (file, rows, cols) in [
        ("nsw_experimental.csv", 445, 14),
        ("nsw_cps.csv", 16_177, 14),
        ("ihdp_sim_b.csv", 747, 28),
        ("card.csv", 3010, 34),
        ("hillstrom.csv", 64_000, 18),
    ] {
        let Ok(bytes) = std::fs::read(format!("{dir}{file}")) else {
            panic!("reference data missing: {dir}{file}");
        };
        let (t, w) = read(&bytes).unwrap();
        assert_eq!((t.n_rows(), t.columns().len()), (rows, cols), "{file}");
        assert!(w.is_empty(), "{file}: {w:?}");
        if file == "hillstrom.csv" {
            assert_eq!(t.column("segment").unwrap().kind(), Kind::Categorical);
            assert_eq!(t.column("treatment").unwrap().kind(), Kind::Binary);
        }
        if file == "card.csv" {
            assert_eq!(t.column("IQ").unwrap().n_missing(), 949);
        }
    }
}

/// A reader that hands out a few bytes at a time, so records straddle every read boundary.
struct Trickle<'a>(&'a [u8], usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(out.len()).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn split_ours(text: &[u8], chunk: usize) -> Vec<Vec<Vec<u8>>> {
    // An empty head: everything comes through the (trickling) reader.
    let mut r = records::Records::new(Trickle(text, chunk), b',', Vec::new(), true);
    let mut out = Vec::new();
    while r.next().unwrap().is_some() {
        out.push((0..r.len()).map(|i| r.field(i).to_vec()).collect());
    }
    out
}

fn split_csv_crate(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    rdr.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
}

/// The memchr fast path plus csv-core for quoted records splits exactly as the csv crate does,
/// on random text full of quotes, delimiters, CRLF and blank lines, read in odd-sized pieces.
#[test]
fn record_splitting_agrees_with_the_csv_crate() {
    let alphabet: &[&[u8]] =
        &[b"a", b"1", b".5", b",", b",", b"\"", b"\"\"", b"\n", b"\r\n", b" ", b"x\"y", b"\n\n"];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in 0..3000 {
        let len = (rand() % 40) as usize;
        let mut text = Vec::new();
        for _ in 0..len {
            text.extend_from_slice(alphabet[(rand() % alphabet.len() as u64) as usize]);
        }
        let want = split_csv_crate(&text);
        for chunk in [1, 3, 1 << 20] {
            assert_eq!(
                split_ours(&text, chunk),
                want,
                "case {case} chunk {chunk}: {:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}

#[test]
fn a_file_above_the_byte_limit_is_refused_before_reading() {
    // The reader would fail if touched: the size alone refuses the file.
    struct Untouchable;
    impl std::io::Read for Untouchable {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            panic!("the file was read");
        }
    }
    let limits = Limits { max_bytes: Some(1 << 30), max_cells: None, max_levels: None };
    let options = ReadOptions { size_hint: Some((1 << 30) + 1), limits, ..Default::default() };
    let e = read_csv(Untouchable, &options, &mut |_| true).unwrap_err();
    assert_eq!(*e.kind(), ErrorKind::FileTooLarge { bytes: (1 << 30) + 1, limit: 1 << 30 });
    assert_eq!(
        e.to_string(),
        "the file is 1.07 GB, larger than the 1.07 GB that can be read here; nothing was read"
    );
    // At the limit it reads.
    let options = ReadOptions {
        size_hint: Some(4),
        limits: Limits { max_bytes: Some(4), ..limits },
        ..Default::default()
    };
    assert!(read_csv(&b"a\n1\n"[..], &options, &mut |_| true).is_ok());
}

#[test]
fn a_table_above_the_cell_limit_is_refused_after_its_first_rows() {
    // 3 columns, 100,000 rows: 300,000 values against a limit of 150,000.
    let mut text = b"a,b,c\n".to_vec();
    for i in 0..100_000 {
        text.extend_from_slice(format!("{i:06},1,2\n").as_bytes());
    }
    let limits = Limits { max_bytes: None, max_cells: Some(150_000), max_levels: None };
    let mut consumed = 0;
    let options = ReadOptions { size_hint: Some(text.len() as u64), limits, ..Default::default() };
    let e = read_csv(&text[..], &options, &mut |n| {
        consumed = n;
        true
    })
    .unwrap_err();
    let ErrorKind::TooManyCells { rows, columns: 3, limit: 150_000, estimated: true } = *e.kind()
    else {
        panic!("{e:?}")
    };
    // Estimated from the first 1,000 rows, within a few percent, before reading the rest.
    assert!((rows as f64 - 100_000.0).abs() < 5_000.0, "{rows}");
    assert!(consumed < text.len() as u64 / 10, "stopped early: {consumed} bytes");
    assert_eq!(e.position().map(|p| p.line), Some(1001));
    assert!(e.to_string().starts_with("the file holds about "), "{e}");
    assert!(e.to_string().contains("rows × 3 columns"), "{e}");
    // Without a size, or an estimate less than 1.5 times the limit, the rows are counted: reading
    // stops at the first row above the limit.
    let limits = Limits { max_bytes: None, max_cells: Some(200_000), max_levels: None };
    let options = ReadOptions { size_hint: Some(text.len() as u64), limits, ..Default::default() };
    let e = read_csv(&text[..], &options, &mut |_| true).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TooManyCells { rows: 66_667, estimated: false, .. }));
    let options = ReadOptions { limits, ..Default::default() };
    let e = read_csv(&text[..], &options, &mut |_| true).unwrap_err();
    assert_eq!(
        *e.kind(),
        ErrorKind::TooManyCells { rows: 66_667, columns: 3, limit: 200_000, estimated: false }
    );
    assert_eq!(
        e.to_string(),
        "the file holds at least 66,667 rows × 3 columns (200,001 values, 1.6 MB in memory), more than the 200,000 values that can be held here; reading stopped (line 66668)"
    );
    // Under the limit nothing changes.
    let limits = Limits { max_bytes: None, max_cells: Some(300_000), max_levels: None };
    let options = ReadOptions { size_hint: Some(text.len() as u64), limits, ..Default::default() };
    assert_eq!(read_csv(&text[..], &options, &mut |_| true).unwrap().0.n_rows(), 100_000);
}

/// Reading in pieces gives exactly the one-pass table when it gives one, and gives none where a
/// piece could read differently (quotes, text, warnings).
#[test]
fn pieces_read_as_one_pass_or_not_at_all() {
    let mut text = b"y,t,x\n".to_vec();
    for i in 0..5000 {
        let x = if i % 7 == 0 { String::new() } else { format!("{}.25", i * 3) };
        text.extend_from_slice(format!("{},{},{x}\n", i % 11, i % 2).as_bytes());
    }
    let (one, _) = read(&text).unwrap();
    for n in 2..=9 {
        let t = pieces::read_in_pieces(&text, n, None).expect("numeric pieces stack");
        assert!(t.identical(&one), "{n} pieces");
    }
    // NaN values are equal bit for bit, which `==` would deny.
    assert!(one != one.clone() && one.identical(&one.clone()));
    let mut quoted = text.clone();
    quoted.extend_from_slice(b"\"1\",0,2\n");
    assert!(pieces::read_in_pieces(&quoted, 3, None).is_none());
    let mut worded = text.clone();
    worded.extend_from_slice(b"high,0,2\n");
    assert!(pieces::read_in_pieces(&worded, 3, None).is_none());
}

#[test]
fn other_formats_are_named_instead_of_read_as_garbage() {
    let cases: &[(&[u8], &str)] = &[
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
            "an Excel workbook (.xlsx) or another ZIP archive",
        ),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", "an old Excel workbook (.xls)"),
        (b"\xFF\xFEy\x00,\x00t\x00\n\x00", "UTF-16 text"),
        (b"\xFE\xFF\x00y\x00,\x00t\x00\n", "UTF-16 text"),
        (b"PAR1\x15\x04\x15", "a Parquet file"),
        (b"\x1F\x8B\x08\x00\x00\x00", "a gzip-compressed file"),
        (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "a PDF document"),
        (b"\xEF\xBB\xBF  <!DOCTYPE html>\n<html><body>a,b</body></html>\n", "a web page (HTML)"),
        (b"a,b\n1,\x002\n", "binary data (it holds NUL bytes)"),
    ];
    for (bytes, format) in cases {
        let e = read(bytes).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::NotText { format: f, .. } if f == format), "{e:?}");
        assert!(e.to_string().starts_with(&format!("this is {format}, not delimited text")), "{e}");
    }
    // Text that merely starts like one is still text.
    check(
        b"PKG,t\nx,1\ny,0\n",
        "rows=2\nPKG categorical missing=0 [x|y]\nt binary missing=0 [1|0]",
    );
}

#[test]
fn lone_carriage_returns_end_lines() {
    // Old Mac line ends, as Excel's "CSV (Macintosh)" writes them; line numbers count them.
    check(
        b"y,t\r1,0\r2,1\r3,0\r",
        "rows=3\ny numeric missing=0 [1|2|3]\nt binary missing=0 [0|1|0]",
    );
    assert_eq!(
        dump(b"y,t\r1,0\r2\r"),
        "error: found a row with 1 field, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 3)"
    );
    // A CRLF file, and a stray \r inside a CRLF file, are not affected.
    check(b"y,t\r\n2,0\r\n", "rows=1\ny numeric missing=0 [2]\nt binary missing=0 [0]");
}

#[test]
fn too_many_distinct_text_values_are_refused_naming_the_column() {
    let mut text = b"id,y\n".to_vec();
    for i in 0..10_000 {
        text.extend_from_slice(format!("C{i:07},{}\n", i % 3).as_bytes());
    }
    let limits = Limits { max_levels: Some(5_000), ..Limits::default() };
    let options = ReadOptions { limits, ..Default::default() };
    let e = read_csv(&text[..], &options, &mut |_| true).unwrap_err();
    let ErrorKind::TooManyLevels { column, levels, limit: 5_000 } = e.kind() else {
        panic!("{e:?}")
    };
    assert_eq!((column.as_str(), *levels), ("id", 5_120));
    assert_eq!(e.position().map(|p| p.line), Some(5_121));
    assert!(e.to_string().contains("most in column `id`"), "{e}");
    let limits = Limits { max_levels: Some(10_000), ..Limits::default() };
    let options = ReadOptions { limits, ..Default::default() };
    assert!(read_csv(&text[..], &options, &mut |_| true).is_ok());
}

#[test]
fn an_unclosed_quote_names_the_line_it_opens_on() {
    assert_eq!(
        dump(b"y,t,x\n1,0,2\n1,0,\"2\n2,1,3\n3,0,4\n"),
        "error: a quoted field starts here and is never closed, so the rest of the file would be one value (is a quote missing or one too many?) (line 3)"
    );
    // Closed quotes over line ends, and a quote inside an unquoted last field, still read.
    check(b"a,b\n1,\"x\ny\"", "rows=1\na binary missing=0 [1]\nb categorical missing=0 [x\ny]");
    check(b"a,b\n1,x\"y", "rows=1\na binary missing=0 [1]\nb categorical missing=0 [x\"y]");
}

/// Findings of the `read_pieces` fuzz target, kept as regression tests: each input must read in
/// pieces exactly as in one pass, or not in pieces at all.
#[test]
fn fuzz_findings_read_in_pieces_as_in_one_pass() {
    let cases: &[(&[u8], usize, Option<u8>)] = &[
        // A BOM at the start of a later piece was skipped as if it began the file; in one pass it
        // is the text "\u{feff}2" (and makes the column categorical).
        (b"\x03\n\x0b2\n\n\n\xef\xbb\xbf2\n\n", 2, Some(b',')),
        // A last piece holding a `\r` and no `\n` was read as lone-CR line ends: two rows where
        // one pass reads one line.
        (b"\x0b?J1A\n02\n1\r\t\t", 5, None),
    ];
    for &(bytes, n, delimiter) in cases {
        let options = ReadOptions { delimiter, ..Default::default() };
        let one = read_csv(bytes, &options, &mut |_| true);
        if let Some(t) = pieces::read_in_pieces(bytes, n, delimiter) {
            let (one, warnings) = one.expect("one pass reads what the pieces read");
            assert!(
                warnings.is_empty() && one.identical(&t),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

#[test]
fn a_piece_read_on_its_own_says_what_needs_the_whole_file() {
    let options = ReadOptions { numbers_only: true, ..ReadOptions::default() };
    let kind =
        |text: &str| read_csv(text.as_bytes(), &options, &mut |_| true).unwrap_err().kind().clone();
    assert_eq!(kind("a,b\n1,\"2\"\n"), ErrorKind::NotNumbersOnly { found: "a quote character" });
    assert_eq!(kind("a,b\n1,x\n"), ErrorKind::NotNumbersOnly { found: "a text field" });
    assert!(read_csv("a,b\n1,2\n".as_bytes(), &options, &mut |_| true).is_ok());
}
