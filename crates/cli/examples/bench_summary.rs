//! What loading a file costs on the page besides reading it: the summary the page shows (types,
//! levels, identifiers) and the screens for columns derived from others (change scores, near
//! copies), timed natively on one core.
//!
//! `cargo run --release -p cf-cli --example bench_summary -- FILE.csv [REPEATS]`

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: bench_summary FILE.csv [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let t0 = Instant::now();
    let (table, warnings) = match cf_data::read_csv(&bytes[..], &Default::default(), &mut |_| true)
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let read = t0.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let t = Instant::now();
        last = Some(cf_engine::summarize(&table, &warnings, 8));
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let (identities, copies) = last.map_or((0, 0), |s| (s.identities.len(), s.near_copies.len()));
    let mut screens = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t = Instant::now();
        let found = cf_engine::identities(&table).len() + cf_engine::near_copies(&table).len();
        screens.push(t.elapsed().as_secs_f64());
        assert_eq!(found, identities + copies);
    }
    screens.sort_by(f64::total_cmp);
    println!(
        "{path}: {} rows × {} columns; read {read:.3} s; summary median {:.3} s (min {:.3}, max {:.3}, {repeats} runs), of which the derived-column screens {:.3} s; {identities} identities, {copies} near copies",
        table.n_rows(),
        table.columns().len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        screens[screens.len() / 2],
    );
}
