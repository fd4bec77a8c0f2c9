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
    check(b"a,b\n1,2\n3\n", "error: found a row with 1 fields, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 3)");
    check(b"a,b\n1,2\n3,4,5\n", "error: found a row with 3 fields, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 3)");
}

#[test]
fn structural_errors() {
    check(b"", "error: the file is empty");
    check(b"\n\n", "error: the file is empty");
    check(b"a,b\n", "error: the file has a header row but no data rows");
    check(b"1,2\n3,4\n", "error: the first line holds only numbers; Counterfact needs a header row with column names (line 1)");
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
    check(b"a,b\n\"x\ny\",1\n2\n", "error: found a row with 1 fields, but the header has 2 (is a quote unbalanced or the delimiter wrong?) (line 4)");
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
    let mut r = records::Records::new(Trickle(text, chunk), b',', Vec::new());
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
