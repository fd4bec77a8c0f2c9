//! The parallel-pieces reader the CLI uses for large files (`cf_data::pieces`, pieces read with
//! `ReadOptions::numbers_only`) on arbitrary bytes cut into 2–9 pieces: whenever it gives a
//! table, one pass over the same bytes must succeed without warnings and give exactly that
//! table, bit for bit. (When it gives none the CLI reads the file in one pass.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&flags, data)) = input.split_first() else { return };
    let pieces = usize::from(flags & 7) + 2;
    let delimiter = if flags & 8 != 0 { Some(b',') } else { None };
    let Some(table) = cf_data::pieces::read_in_pieces(data, pieces, delimiter) else { return };
    let options = cf_data::ReadOptions { delimiter, ..Default::default() };
    match cf_data::read_csv(data, &options, &mut |_| true) {
        Ok((one_pass, warnings)) => {
            assert!(warnings.is_empty(), "pieces read clean but one pass warns: {warnings:?}");
            assert!(one_pass.identical(&table), "pieces differ from one pass:\n{one_pass:?}\n{table:?}");
        }
        Err(e) => panic!("pieces gave a table but one pass fails: {e:?}\n{table:?}"),
    }
});
