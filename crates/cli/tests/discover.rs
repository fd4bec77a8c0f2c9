//! `counterfact discover` end to end: the reference CPDAGs, the JSON, knowledge flags, the
//! bootstrap and the errors.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::process::Command;

use serde_json::Value;

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");

fn counterfact(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_counterfact")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_ok(args: &[&str]) -> Value {
    let (code, stdout, stderr) = counterfact(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn reference_run(case: &str, alpha: &str) -> Value {
    let text = std::fs::read_to_string(format!("{REFS}discovery_results.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all["cases"][case]["runs"][alpha].clone()
}

fn data(file: &str) -> String {
    format!("{REFS}data/{file}")
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cf-cli-discover-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn sachs_continuous_gives_the_reference_cpdag() {
    let want = reference_run("sachs_continuous", "alpha_0.05");
    let file = data("sachs_continuous.csv");
    let v = json_ok(&["discover", &file, "--alpha", "0.05", "--json"]);
    assert_eq!(v["directed"], want["cpdag"]["directed"]);
    assert_eq!(v["undirected"], want["cpdag"]["undirected"]);
    let edges = v["directed"].as_array().unwrap().len() + v["undirected"].as_array().unwrap().len();
    assert_eq!(edges, 25);
    assert_eq!(v["n_ci_tests"], want["n_ci_calls"]);
    assert_eq!(v["n_ci_distinct"], want["n_ci_distinct"]);
    assert_eq!((v["test"].as_str(), v["alpha"].as_f64()), (Some("fisherz"), Some(0.05)));
    assert_eq!((v["n_rows"].as_u64(), v["dropped_rows"].as_u64()), (Some(7466), Some(0)));
    assert!(v.get("bootstrap").is_none());
    // Sepsets: the union of the reference's entries, per pair in column order.
    let seps = v["sepsets"].as_array().unwrap();
    let want_seps = want["sepsets"].as_array().unwrap();
    assert_eq!(seps.len(), want_seps.len());
    for (g, w) in seps.iter().zip(want_seps) {
        assert_eq!([&g["x"], &g["y"]], [&w["pair"][0], &w["pair"][1]]);
        assert_eq!(g["set"], w["union"]);
    }

    // The same pattern as DAGitty text.
    let (code, stdout, stderr) = counterfact(&["discover", &file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("pdag {\nraf\n"), "{stdout}");
    assert!(stdout.ends_with("jnk -- p38\n}\n"), "{stdout}");
    for pair in want["cpdag"]["directed"].as_array().unwrap() {
        let line = format!("\n{} -> {}\n", pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert!(stdout.contains(&line), "{line} in {stdout}");
    }
    assert!(stderr.contains("PC (fisherz, alpha 0.05) on 7,466 rows and 11 columns"), "{stderr}");
}

#[test]
fn integer_codes_with_few_levels_get_the_chi_square_test() {
    let want = reference_run("sachs_discrete", "alpha_0.05");
    let v = json_ok(&["discover", &data("sachs_discrete.csv"), "--json"]);
    assert_eq!(v["test"], "chisq");
    assert_eq!(v["directed"], want["cpdag"]["directed"]);
    assert_eq!(v["undirected"], want["cpdag"]["undirected"]);
    assert_eq!(v["n_ci_tests"], want["n_ci_calls"]);
}

#[test]
fn tiers_keep_edges_from_pointing_back() {
    let file = data("sachs_continuous.csv");
    let (code, stdout, stderr) = counterfact(&["discover", &file, "--tiers", "erk;akt"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\nerk -> akt\n") && !stdout.contains("akt -> erk"), "{stdout}");
    // Forbidding both directions removes the adjacency; a required edge the tests remove warns.
    let v =
        json_ok(&["discover", &file, "--forbid", "akt--erk", "--require", "raf->pip3", "--json"]);
    let has = |list: &Value, a: &str, b: &str| {
        list.as_array().unwrap().iter().any(|p| p[0] == a && p[1] == b)
    };
    assert!(!has(&v["directed"], "akt", "erk") && !has(&v["directed"], "erk", "akt"));
    let warnings = v["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("raf -> pip3")), "{warnings:?}");
}

#[test]
fn the_bootstrap_is_reproducible() {
    let file = data("discovery/lg_00.csv");
    let args = ["discover", &file, "--bootstrap", "10", "--seed", "3", "--json"];
    let one = json_ok(&args);
    let two = json_ok(&args);
    assert_eq!(one["bootstrap"], two["bootstrap"]);
    assert_eq!((one["bootstrap_resamples"].as_u64(), one["seed"].as_u64()), (Some(10), Some(3)));
    let edges = one["bootstrap"].as_array().unwrap();
    assert!(!edges.is_empty());
    for e in edges {
        let f = |k: &str| e[k].as_f64().unwrap();
        assert!((f("forward") + f("backward") + f("undirected") - f("frequency")).abs() < 1e-12);
        assert!(e["edge"][0].as_str() < e["edge"][1].as_str());
    }
    let (code, stdout, _) = counterfact(&["discover", &file, "--bootstrap", "10", "--seed", "3"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("edge stability over 10 resamples (seed 3):"), "{stdout}");
}

#[test]
fn rows_with_a_missing_value_are_dropped_and_counted() {
    let mut text = String::from("a,b,c,label\n");
    for i in 0..200 {
        let a = f64::from(i % 17) - 8.0;
        let b = 0.8 * a + f64::from((i * 7) % 11) - 5.0;
        let c =
            if i == 5 { String::new() } else { format!("{}", 0.5 * b + f64::from((i * 3) % 13)) };
        text += &format!("{a},{b},{c},x{}\n", i % 3);
    }
    let file = temp_file("missing.csv", &text);
    let v = json_ok(&["discover", &file, "--json"]);
    assert_eq!((v["n_rows"].as_u64(), v["dropped_rows"].as_u64()), (Some(199), Some(1)));
    assert_eq!(v["columns"], serde_json::json!(["a", "b", "c"]));
    let warnings = v["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w == "text columns left out: label"), "{warnings:?}");
    let (code, _, stderr) = counterfact(&["discover", &file]);
    assert_eq!(code, 0);
    assert!(stderr.contains("dropped 1 row with a missing value"), "{stderr}");
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let constant =
        temp_file("constant.csv", "a,b,k\n1,2.5,3\n2,1.5,3\n3,5.5,3\n4,4.5,3\n5,7.5,3\n");
    let cases: [(&[&str], i32, &str); 7] = [
        (&["discover", &constant], 1, "error: column `k` is constant"),
        (&["discover", &constant, "--columns", "a,zz"], 1, "there is no column `zz`"),
        (
            &["discover", &constant, "--columns", "a,b", "--tiers", "a;q"],
            1,
            "`q` in the background knowledge is not one of the columns",
        ),
        (
            &["discover", &constant, "--test", "kci"],
            2,
            "--test must be fisherz, chisq, gsq or mixed",
        ),
        (&["discover", &constant, "--forbid", "a"], 2, "--forbid takes a->b or a--b, got `a`"),
        (
            &["discover", &data("sachs_continuous.csv"), "--test", "chisq"],
            1,
            "column `raf` has 695 distinct values",
        ),
        (&["discover", "/nonexistent/file.csv"], 1, "cannot open"),
    ];
    for (args, want_code, want) in cases {
        let (code, stdout, stderr) = counterfact(args);
        assert_eq!(code, want_code, "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
    }
    let collinear =
        temp_file("collinear.csv", "x,y,z\n1,2,4\n2,1,5\n3,5,11\n4,4,12\n5,7,17\n6,1,13\n");
    let (code, _, stderr) = counterfact(&["discover", &collinear, "--test", "fisherz"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("`z` is a linear combination of `x`, `y`"), "{stderr}");
    let short = temp_file("short.csv", "a,b,c\n1,1.1,0.9\n2,2.0,2.1\n3,3.1,2.9\n4,3.9,4.2\n");
    let (code, _, stderr) = counterfact(&["discover", &short, "--test", "fisherz"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("too few for the Fisher-z test"), "{stderr}");
}
