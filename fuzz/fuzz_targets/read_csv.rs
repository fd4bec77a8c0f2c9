//! The CSV reader on arbitrary bytes, fed through the streaming path in arbitrary chunk sizes (as
//! the page's worker feeds it a file): it must return, never panic or hold memory out of
//! proportion to its input (libFuzzer's -rss_limit_mb / -malloc_limit_mb), and give exactly
//! what one pass over the whole slice gives: the same table bit for bit and the same warnings,
//! or the same error at the same place.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;

/// Hands out `data` in pieces whose sizes come from `sizes`, cycled: a byte `s` below 0xF0
/// gives `s + 1` bytes, 0xF0 and above up to 64 KiB.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    at: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.data.is_empty() || buf.is_empty() {
            return Ok(0);
        }
        let size = self.sizes.get(self.at % self.sizes.len().max(1)).copied().unwrap_or(255);
        self.at += 1;
        // Sizes 1..=256, sometimes large: 0xF0 and above read up to 64 KiB at once.
        let want = if size >= 0xF0 { 1 << 16 } else { usize::from(size) + 1 };
        let n = want.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|input: &[u8]| {
    // The first byte: options; the next up to 8: the chunk sizes; the rest: the file.
    let Some((&flags, rest)) = input.split_first() else { return };
    let n_sizes = usize::from(flags & 7) + 1;
    let (sizes, data) = rest.split_at(n_sizes.min(rest.len()));
    let delimiter = match flags >> 5 {
        0 => Some(b','),
        1 => Some(b';'),
        2 => Some(b'\t'),
        _ => None,
    };
    let size_hint = (flags & 8 != 0).then_some(data.len() as u64);
    let options = cf_data::ReadOptions { delimiter, size_hint, ..Default::default() };

    let whole = cf_data::read_csv(data, &options, &mut |_| true);
    let streamed = cf_data::read_csv(Chunked { data, sizes, at: 0 }, &options, &mut |_| true);
    match (&whole, &streamed) {
        (Ok((a, wa)), Ok((b, wb))) => {
            assert!(a.identical(b), "streamed table differs:\n{a:?}\n{b:?}");
            assert_eq!(wa, wb);
            // Every message names something: it must format without panicking.
            for w in wa {
                let _ = w.to_string();
            }
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b);
            let _ = a.to_string();
        }
        _ => panic!("one pass and streamed disagree: {whole:?} vs {streamed:?}"),
    }
});
