//! Timings of the uplift models for BENCHMARKS.md (release build, one thread).
//!
//!     cargo run --release -p cf-cli --example bench_uplift -- forest FILE.csv [TREES=100] [histogram|exact]
//!     cargo run --release -p cf-cli --example bench_uplift -- x-learner FILE.csv [RUNS=3]
//!
//! `forest`: the file of scripts/make_uplift_bench.py (y, w, x0..x19): an uplift forest with the
//! settings of scripts/bench_uplift_scale.py (KL, depth 5, 200 rows per leaf, 50 per group,
//! n_reg 100, 10 features per node) on every row. `x-learner`: the synthetic file of
//! make_synth.py (y, w, x0..x19): the X-learner with boosted base learners (LightGBM's defaults,
//! 100 trees, 31 leaves) fitted on every row and predicting every row, as perf.json's
//! `BaseXRegressor(LGBMRegressor).estimate_ate`. Prints seconds as JSON.

use cf_data::{ReadOptions, read_csv};
use cf_estimate::{BaseLearner, CateKind, CateLearner};
use cf_gbdt::GbdtParams;
use cf_uplift::{Criterion, SplitSearch, UpliftForestParams, UpliftTreeParams, fit_forest};
use std::time::Instant;

/// A line of /proc/self/status in kB (0 where there is none).
fn rss_kb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (what, path) = match (args.first(), args.get(1)) {
        (Some(w), Some(p)) => (w.as_str(), p.as_str()),
        _ => return Err("usage: bench_uplift forest|x-learner FILE [..]".into()),
    };
    let t0 = Instant::now();
    let table = read_csv(&std::fs::read(path)?[..], &ReadOptions::default(), &mut |_| true)?.0;
    let read_s = t0.elapsed().as_secs_f64();
    let col = |n: &str| {
        table.column(n).and_then(|c| c.as_numeric()).ok_or(format!("no numeric column {n}"))
    };
    let x: Vec<&[f64]> = (0..20).map(|j| col(&format!("x{j}"))).collect::<Result<_, _>>()?;
    let (y, w) = (col("y")?, col("w")?);
    match what {
        "forest" => {
            let trees: usize = args.get(2).map_or(Ok(100), |s| s.parse())?;
            let split = if args.get(3).map(String::as_str) == Some("exact") {
                SplitSearch::Exact
            } else {
                SplitSearch::Histogram
            };
            let group: Vec<usize> = w.iter().map(|&v| usize::from(v == 1.0)).collect();
            let tree = UpliftTreeParams {
                criterion: Criterion::Kl,
                max_depth: 5,
                min_samples_leaf: 200,
                min_samples_treatment: 50,
                n_reg: 100.0,
                max_features: Some(10),
                split,
                ..UpliftTreeParams::default()
            };
            let params = UpliftForestParams { tree, n_estimators: trees, seed: 42 };
            // The fit's own peak: reset the high-water mark once the file is read (Linux).
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let before = rss_kb("VmRSS:");
            let t0 = Instant::now();
            let forest = fit_forest(&params, &x, &group, y, &mut |_, _| true)?;
            let fit_s = t0.elapsed().as_secs_f64();
            let data_mb = (table.n_rows() * table.columns().len() * 8) as f64 / 1e6;
            println!(
                "{{\"what\": \"uplift forest\", \"rows\": {}, \"trees\": {}, \"split\": \"{split:?}\", \"read_seconds\": {read_s:.3}, \"fit_seconds\": {fit_s:.3}, \"data_mb\": {data_mb:.0}, \"rss_before_fit_mb\": {:.0}, \"peak_rss_during_fit_mb\": {:.0}}}",
                y.len(),
                forest.n_trees(),
                before / 1e3,
                rss_kb("VmHWM:") / 1e3
            );
        }
        "x-learner" => {
            let runs: usize = args.get(2).map_or(Ok(3), |s| s.parse())?;
            let base = BaseLearner::Gbdt(GbdtParams::default());
            let learner = CateLearner {
                kind: CateKind::X,
                outcome: base.clone(),
                effect: base,
                classify: false,
            };
            let mut times = Vec::new();
            let mut ate = 0.0;
            for _ in 0..runs {
                let t0 = Instant::now();
                let tau = learner.fit(&x, w, y)?.predict(&x);
                times.push(t0.elapsed().as_secs_f64());
                ate = tau.iter().sum::<f64>() / tau.len() as f64;
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{{\"what\": \"x-learner gbdt\", \"rows\": {}, \"median_seconds\": {:.3}, \"runs\": {times:?}, \"ate\": {ate}}}",
                y.len(),
                times[times.len() / 2]
            );
        }
        _ => return Err("the first argument is forest or x-learner".into()),
    }
    Ok(())
}
