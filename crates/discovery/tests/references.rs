//! PC against causal-learn 0.1.4.8 on every visible case of `discovery_results.json`: the CPDAG,
//! skeleton, separating sets, colliders, Meek steps, call counts and the SHA-256 of the call
//! sequence must be equal; the Fisher-z and chi-square spot checks must agree to 1e-9.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::sync::OnceLock;

use cf_discovery::{CiTester, Cpdag, IndepTest, PcOptions, pc};
use serde_json::Value;
use sha2::{Digest, Sha256};

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");

fn refs() -> &'static Value {
    static REFS_JSON: OnceLock<Value> = OnceLock::new();
    REFS_JSON.get_or_init(|| {
        let text = std::fs::read_to_string(format!("{REFS}discovery_results.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

/// A numeric CSV with a header (the reference files have no quotes or blanks).
fn read_csv(path: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(format!("{REFS}{path}")).unwrap();
    let mut lines = text.lines();
    let names: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut cols = vec![Vec::new(); names.len()];
    for line in lines.filter(|l| !l.is_empty()) {
        for (c, v) in cols.iter_mut().zip(line.split(',')) {
            c.push(v.parse::<f64>().unwrap());
        }
    }
    (names, cols)
}

fn visible() -> Vec<String> {
    refs()["split"]["visible"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().into())
        .collect()
}

fn test_of(name: &str) -> IndepTest {
    match name {
        "fisherz" => IndepTest::FisherZ,
        "chisq" => IndepTest::ChiSq,
        other => panic!("unknown test {other}"),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let p = strings(p);
            (p[0].clone(), p[1].clone())
        })
        .collect()
}

fn triples(v: &Value) -> Vec<[String; 3]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let t = strings(t);
            [t[0].clone(), t[1].clone(), t[2].clone()]
        })
        .collect()
}

/// Every difference between our run and the reference run, as lines.
fn compare(id: &str, run: &str, got: &Cpdag, want: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let mut check = |what: &str, same: bool, detail: String| {
        if !same {
            bad.push(format!("{id} {run} {what}: {detail}"));
        }
    };
    let (d, u) = (pairs(&want["cpdag"]["directed"]), pairs(&want["cpdag"]["undirected"]));
    check("directed", got.directed == d, format!("got {:?}, want {d:?}", got.directed));
    check("undirected", got.undirected == u, format!("got {:?}, want {u:?}", got.undirected));
    let skel = pairs(&want["skeleton"]);
    check("skeleton", got.skeleton == skel, format!("got {:?}, want {skel:?}", got.skeleton));
    let calls = want["n_ci_calls"].as_u64().unwrap() as usize;
    check("n_ci_calls", got.n_ci_calls == calls, format!("got {}, want {calls}", got.n_ci_calls));
    let distinct = want["n_ci_distinct"].as_u64().unwrap() as usize;
    check(
        "n_ci_distinct",
        got.n_ci_distinct == distinct,
        format!("got {}, want {distinct}", got.n_ci_distinct),
    );
    let by_depth: Vec<(usize, usize)> = got
        .n_ci_calls_by_depth
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(d, &c)| (d, c))
        .collect();
    let want_depth: Vec<(usize, usize)> = want["n_ci_calls_by_depth"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.parse().unwrap(), v.as_u64().unwrap() as usize))
        .collect();
    check(
        "calls by depth",
        by_depth == want_depth,
        format!("got {by_depth:?}, want {want_depth:?}"),
    );
    let text = got.trace_text().unwrap();
    let sha: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let want_sha = want["ci_trace_sha256"].as_str().unwrap();
    check("trace sha256", sha == want_sha, format!("got {sha}, want {want_sha}"));
    if let Some(lines) = want.get("ci_trace") {
        let got_lines: Vec<String> = text.lines().map(String::from).collect();
        check("trace", got_lines == strings(lines), "the call sequences differ".into());
    }
    let seps = want["sepsets"].as_array().unwrap();
    check(
        "sepset count",
        got.sepsets.len() == seps.len(),
        format!("got {}, want {}", got.sepsets.len(), seps.len()),
    );
    for (g, w) in got.sepsets.iter().zip(seps) {
        let pair = strings(&w["pair"]);
        let stored: Vec<Vec<String>> =
            w["stored"].as_array().unwrap().iter().map(strings).collect();
        let same = [g.x.clone(), g.y.clone()] == pair[..]
            && g.removed_at_depth == w["removed_at_depth"].as_u64().unwrap() as usize
            && g.stored == stored
            && g.union == strings(&w["union"]);
        check("sepset", same, format!("got {g:?}, want {w}"));
    }
    let applied = triples(&want["colliders_applied"]);
    check(
        "colliders applied",
        got.colliders_applied == applied,
        format!("got {:?}, want {applied:?}", got.colliders_applied),
    );
    let skipped = triples(&want["colliders_skipped_conflict"]);
    check(
        "colliders skipped",
        got.colliders_skipped_conflict == skipped,
        format!("got {:?}, want {skipped:?}", got.colliders_skipped_conflict),
    );
    let meek: Vec<[String; 3]> = got
        .meek_orientations
        .iter()
        .map(|m| [m.rule.as_str().to_string(), m.from.clone(), m.to.clone()])
        .collect();
    let want_meek = triples(&want["meek_orientations"]);
    check("meek", meek == want_meek, format!("got {meek:?}, want {want_meek:?}"));
    let fired = want["meek_cycle_check"]["fired"].as_u64().unwrap() as usize;
    check(
        "cycle guard",
        got.cycle_guard_fired == fired,
        format!("got {}, want {fired}", got.cycle_guard_fired),
    );
    bad
}

#[test]
fn every_visible_run_matches_causal_learn() {
    let cases = &refs()["cases"];
    let ids = visible();
    assert_eq!(ids.len(), 47);
    let mut bad = Vec::new();
    let mut runs = 0;
    for id in &ids {
        let case = &cases[id.as_str()];
        let (names, cols) = read_csv(case["csv"].as_str().unwrap());
        assert_eq!(names, strings(&case["columns"]), "{id}");
        let columns: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let test = test_of(case["indep_test"].as_str().unwrap());
        for (run, want) in case["runs"].as_object().unwrap() {
            let options = PcOptions {
                alpha: want["alpha"].as_f64().unwrap(),
                test,
                record_trace: true,
                ..PcOptions::default()
            };
            let got = pc(&names, &columns, &options).unwrap();
            bad.extend(compare(id, run, &got, want));
            runs += 1;
        }
    }
    assert_eq!(runs, 78);
    assert!(bad.is_empty(), "{} differences:\n{}", bad.len(), bad.join("\n"));
}

/// |got − want| ≤ 1e-9 · |want| + floor: relative 1e-9, with an absolute floor for values whose
/// reference is itself rounded to a multiple of the double spacing near 1 (causal-learn's
/// `2 (1 − Φ(z))`).
fn close(got: f64, want: f64, floor: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs() + floor
}

#[test]
fn spot_checks_agree_to_1e9() {
    let cases = &refs()["cases"];
    let mut bad = Vec::new();
    let mut checked = 0;
    for id in visible() {
        let case = &cases[id.as_str()];
        let (names, cols) = read_csv(case["csv"].as_str().unwrap());
        let columns: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let test = test_of(case["indep_test"].as_str().unwrap());
        let tester = CiTester::new(&names, &columns, test).unwrap();
        let key = if test == IndepTest::FisherZ { "fisherz_checks" } else { "chisq_checks" };
        for check in case[key].as_array().unwrap() {
            let idx = |v: &Value| v.as_u64().unwrap() as usize;
            let s: Vec<usize> = check["S_cols"].as_array().unwrap().iter().map(idx).collect();
            let r = tester.test(idx(&check["x_col"]), idx(&check["y_col"]), &s).unwrap();
            let f = |k: &str| check[k].as_f64().unwrap();
            let mut ok =
                close(r.p_value, f("p_value"), 1e-15) && close(r.statistic, f("statistic"), 0.0);
            if test == IndepTest::FisherZ {
                ok &= close(r.partial_corr.unwrap(), f("partial_corr"), 1e-15)
                    && close(r.fisher_z.unwrap(), f("fisher_z"), 1e-15);
            } else {
                ok &=
                    r.df == Some(idx(&check["df"])) && r.n_strata == Some(idx(&check["n_strata"]));
            }
            if !ok {
                bad.push(format!("{id}: {check} vs {r:?}"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 47 * 5);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
