//! The sensitivity analysis against sensemakr (PySensemakr 0.0.8) and the E-values of
//! `shared/refs/sensitivity_results.json` (made by `make_sensitivity_refs.py` on the same CSV
//! files). Tolerance: relative difference ≤ 1e-6 on every number.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use cf_data::{ReadOptions, Table, read_csv};
use cf_engine::sensitivity::{SensitivitySpec, sensitivity};
use cf_engine::{AnalysisSpec, Method};
use serde_json::Value;

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");
const TOL: f64 = 1e-6;

fn load(name: &str) -> Option<Table> {
    let bytes = std::fs::read(format!("{REFS}data/{name}.csv")).ok()?;
    Some(read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).expect("parses").0)
}

#[track_caller]
fn close(what: &str, got: f64, want: &Value) {
    let want = want.as_f64().unwrap_or_else(|| panic!("{what}: no reference number"));
    let rel = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
    assert!(rel <= TOL, "{what}: got {got}, reference {want} (relative difference {rel:.2e})");
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

/// Checks one dataset of the reference file; false when its data file is not here.
fn check(name: &str, r: &Value) -> bool {
    let Some(table) = load(name) else { return false };
    // The reference one-hot encodes Darfur's `village`; here the text column is encoded by the
    // design (another reference level, the same column span, so the same treatment coefficient).
    let covariates: Vec<String> = if name == "darfur" {
        ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female", "village"]
            .map(String::from)
            .to_vec()
    } else {
        strings(&r["covariates"])
    };
    let mut spec = AnalysisSpec::new(
        r["treatment"].as_str().unwrap(),
        r["outcome"].as_str().unwrap(),
        vec![Method::Ols],
    );
    spec.covariates = Some(covariates);
    spec.options.alpha = r["alpha"].as_f64().unwrap();
    let s = SensitivitySpec {
        benchmarks: strings(&r["benchmark_covariates"]),
        kd: r["kd"].as_array().unwrap().iter().map(|k| k.as_f64().unwrap()).collect(),
        ky: None,
        q: r["q"].as_f64().unwrap(),
        reduce: true,
    };
    let got = sensitivity(&table, &spec, &s).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(got.n as u64, r["n"].as_u64().unwrap(), "{name}: rows used");
    let st = &r["sensitivity_stats"];
    let g = &got.sensitivity;
    for (what, v) in [
        ("estimate", g.estimate),
        ("se", g.se),
        ("t_statistic", g.t_statistic),
        ("r2yd_x", g.r2yd_x),
        ("f2yd_x", g.f2yd_x),
        ("rv_q", g.rv_q),
        ("rv_qa", g.rv_qa),
        ("dof", g.dof),
    ] {
        close(&format!("{name} {what}"), v, &st[what]);
    }
    let bounds = r["bounds"].as_array().unwrap();
    assert_eq!(g.bounds.len(), bounds.len(), "{name}: bounds");
    for (b, want) in g.bounds.iter().zip(bounds) {
        assert_eq!(b.bound_label, want["bound_label"].as_str().unwrap());
        for (what, v) in [
            ("r2dz_x", b.r2dz_x),
            ("r2yz_dx", b.r2yz_dx),
            ("adjusted_estimate", b.adjusted_estimate),
            ("adjusted_se", b.adjusted_se),
            ("adjusted_t", b.adjusted_t),
            ("adjusted_lower_CI", b.adjusted_lower_ci),
            ("adjusted_upper_CI", b.adjusted_upper_ci),
        ] {
            close(&format!("{name} {} {what}", b.bound_label), v, &want[what]);
        }
    }
    let e = &r["evalue"];
    close(&format!("{name} E-value"), got.evalue.evalue_point, &e["evalue_point"]);
    close(&format!("{name} E-value of the interval"), got.evalue.evalue_ci, &e["evalue_ci"]);
    close(&format!("{name} risk ratio"), got.evalue.rr, &e["rr"]);
    close(&format!("{name} d"), got.evalue.d.unwrap(), &e["d"]);
    close(&format!("{name} RR lower"), got.evalue.rr_ci[0], &e["rr_ci"][0]);
    close(&format!("{name} RR upper"), got.evalue.rr_ci[1], &e["rr_ci"][1]);
    true
}

#[test]
fn every_reference_dataset_matches_sensemakr_and_the_evalues() {
    let text = std::fs::read_to_string(format!("{REFS}sensitivity_results.json")).unwrap();
    let refs: Value = serde_json::from_str(&text).unwrap();
    let mut checked = Vec::new();
    for (name, r) in refs["datasets"].as_object().unwrap() {
        if check(name, r) {
            checked.push(name.as_str());
        }
    }
    // The datasets whose files ship with the references must all have been checked.
    for name in ["darfur", "nsw_cps", "nsw_experimental", "card"] {
        assert!(checked.contains(&name), "{name} was not checked: {checked:?}");
    }
}

#[test]
fn the_published_darfur_numbers() {
    let table = load("darfur").unwrap();
    let mut spec = AnalysisSpec::new("directlyharmed", "peacefactor", vec![Method::Ols]);
    spec.covariates = Some(
        ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female", "village"]
            .map(String::from)
            .to_vec(),
    );
    let s = SensitivitySpec { benchmarks: vec!["female".into()], ..SensitivitySpec::default() };
    let got = sensitivity(&table, &spec, &s).unwrap();
    let g = &got.sensitivity;
    assert_eq!((g.rv_q * 1000.0).round(), 139.0);
    assert_eq!((g.rv_qa * 1000.0).round(), 76.0);
    let adjusted: Vec<f64> =
        g.bounds.iter().map(|b| (b.adjusted_estimate * 1000.0).round() / 1000.0).collect();
    assert_eq!(adjusted, [0.075, 0.053, 0.030]);
    assert!(got.verdict.contains("13.9 %"), "{}", got.verdict);
}

/// The page's report carries every covariate as a benchmark (a categorical one, Darfur's 486
/// villages, by the F-test of its indicators, though none of its bounds can be shown), with the
/// bounds `sensitivity` gives for it alone, a verdict that names none, and a contour that holds
/// the bounds of the one compared first.
#[test]
fn the_report_of_a_run_compares_with_every_covariate() {
    let table = load("darfur").unwrap();
    let covariates =
        ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female", "village"];
    let mut spec = AnalysisSpec::new("directlyharmed", "peacefactor", vec![Method::Ols]);
    spec.covariates = Some(covariates.map(String::from).to_vec());
    let report = cf_engine::analyze(&table, &spec).unwrap();
    let sens = report.sensitivity.expect("OLS on a 0/1 treatment has a sensitivity analysis");
    let g = &sens.sensitivity;
    let of = |c: &str| g.bounds.iter().filter(|b| b.benchmark == c).collect::<Vec<_>>();
    for c in covariates {
        // A confounder twice or three times as strong as all the villages together cannot be
        // (sensemakr refuses those multiples), and one as strong would explain all of the
        // outcome's residual variance (a zero-width interval): the report leaves all three out.
        let want = if c == "village" { 0 } else { 3 };
        assert_eq!(of(c).len(), want, "{c}: the multiples of its strength that can be");
    }
    for c in ["female", "age"] {
        let s = SensitivitySpec { benchmarks: vec![c.into()], ..SensitivitySpec::default() };
        let alone = sensitivity(&table, &spec, &s).unwrap();
        assert_eq!(of(c).len(), alone.sensitivity.bounds.len());
        for (a, b) in of(c).iter().zip(&alone.sensitivity.bounds) {
            assert_eq!(a.adjusted_estimate, b.adjusted_estimate, "{}", a.bound_label);
            assert_eq!(a.adjusted_lower_ci, b.adjusted_lower_ci, "{}", a.bound_label);
        }
    }
    let s = SensitivitySpec { benchmarks: vec!["village".into()], ..SensitivitySpec::default() };
    assert!(sensitivity(&table, &spec, &s).is_err(), "asked for, 3× village is an error");
    let s = SensitivitySpec {
        benchmarks: vec!["village".into()],
        kd: vec![1.0],
        ..SensitivitySpec::default()
    };
    let alone = sensitivity(&table, &spec, &s).unwrap();
    assert_eq!(alone.sensitivity.bounds[0].r2yz_dx, 1.0, "1× village explains all of the outcome");
    assert!(
        !sens.verdict.contains("Fragile") && !sens.verdict.contains("benchmark"),
        "{}",
        sens.verdict
    );
    // Compared first: the strongest covariate of one regressor (not the 486 villages).
    let strongest = sens.compare_first.as_deref().unwrap();
    let strength = |b: &cf_engine::sensitivity::Bound| b.r2dz_x.max(b.r2yz_dx);
    let top = g
        .bounds
        .iter()
        .filter(|b| b.kd == 1.0 && b.benchmark != "village")
        .map(strength)
        .fold(0.0, f64::max);
    assert!(g.bounds.iter().any(|b| b.benchmark == strongest && b.kd == 1.0 && strength(b) == top));
    let lim = *sens.contour.grid.last().unwrap();
    for b in g.bounds.iter().filter(|b| b.benchmark == strongest) {
        assert!(strength(b) < lim, "{} lies on the contour plot ({lim})", b.bound_label);
    }
}
