//! Refuters and the sensitivity analysis on data whose truth is known: each verdict must be
//! able to fail, and does where it should.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use cf_data::{ReadOptions, Table, read_csv};
use cf_engine::sensitivity::{SensitivitySpec, sensitivity};
use cf_engine::{AnalysisSpec, Method, RefuteReport, Refuter, refute};
use cf_estimate::SplitMix64;

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");

fn parse(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default(), &mut |_| true).unwrap().0
}

fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `n` rows of `x` (observed), `u` (a confounder) and `t`, `y` with no treatment effect at all:
/// `t = 1[gu u + gx x + e > 0]`, `y = u + x + e'`.
fn no_effect(n: usize, gu: f64, gx: f64, seed: u64) -> Table {
    let mut rng = SplitMix64(seed);
    let mut text = String::from("y,t,x,u\n");
    for _ in 0..n {
        let (x, u) = (normal(&mut rng), normal(&mut rng));
        let t = u8::from(gu * u + gx * x + normal(&mut rng) > 0.0);
        let y = u + x + normal(&mut rng);
        text += &format!("{y},{t},{x},{u}\n");
    }
    parse(&text)
}

fn spec(covariates: &[&str], methods: Vec<Method>) -> AnalysisSpec {
    spec_of("t", "y", covariates, methods)
}

fn spec_of(t: &str, y: &str, covariates: &[&str], methods: Vec<Method>) -> AnalysisSpec {
    let mut s = AnalysisSpec::new(t, y, methods);
    s.covariates = Some(covariates.iter().map(|c| c.to_string()).collect());
    s
}

fn run(table: &Table, spec: &AnalysisSpec, refuters: &[Refuter], n: usize) -> RefuteReport {
    let r = refute(table, spec, refuters, n, &mut |_| true).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r
}

#[test]
fn an_effect_made_by_a_confounder_left_out_passes_the_placebo_but_is_flagged_as_fragile() {
    let table = no_effect(3000, 0.8, 0.8, 7);
    let without = spec(&["x"], vec![Method::Ols]);
    let r = run(&table, &without, &[Refuter::Placebo], 200);
    let placebo = &r.refuters[0];
    assert!(placebo.estimate > 0.5, "the confounded estimate {}", placebo.estimate);
    assert!(placebo.passed, "{}", placebo.verdict);
    assert!(placebo.p_value.unwrap() < 0.01);
    assert!(placebo.verdict.starts_with("passed: the estimate"), "{}", placebo.verdict);

    // A confounder about as strong as `x` (which `u` is) explains it away.
    let s = SensitivitySpec { benchmarks: vec!["x".into()], ..SensitivitySpec::default() };
    let got = sensitivity(&table, &without, &s).unwrap();
    let b = &got.sensitivity.bounds;
    assert!(b[1].adjusted_lower_ci <= 0.0 && b[1].adjusted_estimate < 0.1, "{b:?}");
    assert!(got.verdict.contains("Fragile: a confounder as strong as"), "{}", got.verdict);

    // With the confounder in, the estimate moves to about 0.
    let with = spec(&["x", "u"], vec![Method::Ols]);
    let r = run(&table, &with, &[Refuter::Placebo], 50);
    assert!(r.refuters[0].estimate.abs() < 0.15, "{}", r.refuters[0].estimate);
    // … and then there is nothing for the placebo to tell apart from chance.
    assert!(!r.refuters[0].passed, "{}", r.refuters[0].verdict);
}

#[test]
fn the_dummy_outcome_fails_an_unadjusted_comparison_of_confounded_groups() {
    // `t` depends on `x`, and so does the dummy outcome: the difference in means is biased.
    let table = no_effect(2000, 0.0, 1.0, 11);
    let s = spec(&["x"], vec![Method::DiffMeans, Method::Ols]);
    let r = run(&table, &s, &[Refuter::DummyOutcome], 100);
    let (diff, ols) = (&r.refuters[0], &r.refuters[1]);
    assert_eq!((diff.method, ols.method), (Method::DiffMeans, Method::Ols));
    assert!(!diff.passed, "{}", diff.verdict);
    assert!(diff.verdict.starts_with("failed: on 100 outcomes with no treatment effect"));
    assert!(ols.passed, "{}", ols.verdict);
}

#[test]
fn every_refuter_passes_on_the_nsw_experiment_and_runs_are_reproducible() {
    let bytes = std::fs::read(format!("{REFS}data/nsw_experimental.csv")).unwrap();
    let table = read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).unwrap().0;
    let covs = [
        "age", "age2", "educ", "educ2", "black", "hisp", "married", "nodegree", "re74", "re75",
        "u74", "u75",
    ];
    let s = spec_of("treat", "re78", &covs, vec![Method::DiffMeans, Method::Ols, Method::Ipw]);
    let r = run(&table, &s, &Refuter::ALL, 100);
    assert_eq!(r.refuters.len(), 15);
    for x in &r.refuters {
        assert!(x.passed, "{} {}: {}", x.method, x.refuter.as_str(), x.verdict);
        assert_eq!(x.new_estimates.len() + x.failed, 100);
    }
    assert_eq!(run(&table, &s, &Refuter::ALL, 100), r, "the same seed gives the same numbers");
    let json = serde_json::to_value(&r).unwrap();
    let first = &json["refuters"][0];
    assert_eq!(first["refuter"], "placebo");
    assert!(first["p_value"].is_number() && first["new_estimates"].is_array());
    assert!(json["refuters"][1].get("p_value").is_none());
}

#[test]
fn a_stop_keeps_what_was_done() {
    let table = no_effect(500, 0.5, 0.5, 3);
    let s = spec(&["x"], vec![Method::Ols]);
    let mut calls = 0;
    let r = refute(&table, &s, &Refuter::ALL, 10, &mut |_| {
        calls += 1;
        calls < 15
    })
    .unwrap();
    assert_eq!(r.refuters.len(), 2, "the first refuter whole, the second cut short");
    assert_eq!(r.refuters[1].new_estimates.len(), 5);
    assert!(r.warnings.iter().any(|w| w.starts_with("stopped before the end")));
}

/// The refuters' CSV: one line per refuter with its verdict, the placebo's p-value only on its
/// line, numbers that read back to the report's.
#[test]
fn the_refuters_download_as_csv() {
    let table = no_effect(400, 0.0, 0.8, 3);
    let r = run(&table, &spec(&["x"], vec![Method::Ols]), &[Refuter::Placebo, Refuter::Subset], 20);
    let csv = cf_engine::export::refuters_csv(&r);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("refuter,method,arm,estimate,std_error,new_effect"));
    assert!(lines[1].starts_with("placebo,ols,,"));
    assert!(lines[2].starts_with("subset,ols,,"));
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(cells[3].parse::<f64>().unwrap(), r.refuters[0].estimate);
    assert_eq!(cells[8].parse::<f64>().unwrap(), r.refuters[0].p_value.unwrap());
    assert_eq!(lines[2].split(',').nth(8), Some(""));
    assert_eq!(cells[9], "20");
    assert!(lines[1].contains(&format!(",{},", r.refuters[0].passed)));
}
