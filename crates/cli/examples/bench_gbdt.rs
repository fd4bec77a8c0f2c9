//! Counterfact's side of the gradient-boosting benchmark (`scripts/bench-gbdt.sh`): the same
//! data and settings as `scripts/bench_gbdt.py`, one thread, median of RUNS fits.
//!
//!     cargo run --release -p cf-cli --example bench_gbdt -- DATA.csv [RUNS=3]

use cf_gbdt::{GbdtParams, Objective, fit};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: bench DATA.csv [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let text = std::fs::read_to_string(&path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split(',').collect();
    let col =
        |name: &str| header.iter().position(|h| *h == name).ok_or(format!("no column {name}"));
    let (iy, ib, it) = (col("y")?, col("b")?, col("test")?);
    let ix: Vec<usize> = (0..20).map(|j| col(&format!("x{j}"))).collect::<Result<_, _>>()?;
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); header.len()];
    for line in lines {
        for (c, v) in cols.iter_mut().zip(line.split(',')) {
            c.push(v.parse()?);
        }
    }
    let train: Vec<usize> = (0..cols[it].len()).filter(|&r| cols[it][r] == 0.0).collect();
    let test: Vec<usize> = (0..cols[it].len()).filter(|&r| cols[it][r] == 1.0).collect();
    let pick = |c: &[f64], rows: &[usize]| rows.iter().map(|&r| c[r]).collect::<Vec<f64>>();
    let xtr: Vec<Vec<f64>> = ix.iter().map(|&j| pick(&cols[j], &train)).collect();
    let xte: Vec<Vec<f64>> = ix.iter().map(|&j| pick(&cols[j], &test)).collect();
    let xtr_ref: Vec<&[f64]> = xtr.iter().map(|c| &c[..]).collect();
    let xte_ref: Vec<&[f64]> = xte.iter().map(|c| &c[..]).collect();
    for (objective, target) in [(Objective::SquaredError, iy), (Objective::Binary, ib)] {
        let ytr = pick(&cols[target], &train);
        let yte = pick(&cols[target], &test);
        let params = GbdtParams { objective, ..GbdtParams::default() };
        let mut times = Vec::new();
        let mut model = None;
        for _ in 0..runs {
            let t0 = Instant::now();
            model = Some(fit(&params, &xtr_ref, &ytr, None)?);
            times.push(t0.elapsed().as_secs_f64());
        }
        let model = model.ok_or("no run")?;
        let pred = model.predict(&xte_ref);
        let heldout = match objective {
            Objective::SquaredError => {
                (pred.iter().zip(&yte).map(|(p, y)| (p - y).powi(2)).sum::<f64>()
                    / yte.len() as f64)
                    .sqrt()
            }
            Objective::Binary => {
                -pred
                    .iter()
                    .zip(&yte)
                    .map(|(p, y)| {
                        let p = p.clamp(1e-15, 1.0 - 1e-15);
                        y * p.ln() + (1.0 - y) * (1.0 - p).ln()
                    })
                    .sum::<f64>()
                    / yte.len() as f64
            }
        };
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let name = if objective == Objective::Binary { "binary" } else { "regression" };
        println!(
            "{{\"library\": \"counterfact\", \"objective\": \"{name}\", \"fit_seconds\": {}, \"runs\": {times:?}, \"heldout\": {heldout}}}",
            sorted[sorted.len() / 2]
        );
    }
    Ok(())
}
