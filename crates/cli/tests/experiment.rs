//! `counterfact experiment` and `estimate --experimental-benchmark` end to end on the NSW files.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/data/");

const NSW: &str = "age,educ,black,hisp,married,nodegree,re74,re75,u74,u75";

fn counterfact<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_counterfact")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_ok(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = counterfact(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[track_caller]
fn close(got: &serde_json::Value, want: f64, rel: f64) {
    let g = got.as_f64().unwrap_or_else(|| panic!("not a number: {got}"));
    assert!((g - want).abs() <= rel * want.abs(), "{g} against {want}");
}

#[test]
fn experiment_prints_the_read_out_and_its_json() {
    let file = format!("{DATA}nsw_experimental.csv");
    let base = ["experiment", &file, "--treatment", "treat", "--outcome", "re78"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let args = with(&["--covariates", NSW, "--json"]);
    let v = json_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let c = &v["comparisons"][0];
    close(&c["lift"]["estimate"], 1794.342404270271, 1e-9);
    close(&c["lift"]["std_error"], 670.9965463815241, 1e-9);
    close(&c["control"]["mean"], 4554.801126, 1e-9);
    // statsmodels: sm.OLS(d.treat, sm.add_constant(d[covariates])).fit().fvalue / .f_pvalue.
    close(&c["balance"]["f_test"]["f"], 2.0049845688296326, 1e-9);
    close(&c["balance"]["f_test"]["p_value"], 0.03140292940774027, 1e-8);
    assert_eq!(c["n_treated"], 185);
    assert_eq!(c["binary_outcome"], false);
    assert!(c["cuped"]["variance_reduction"].as_f64().unwrap() > 0.0);
    // numpy: y − (X − X̄)θ with θ from lstsq of re78 on [1, covariates]; then treated mean /
    // control mean − 1, se √(v₁/m₀² + m₁²v₀/m₀⁴) with v the variances of the means (ddof 1).
    close(&c["cuped"]["lift"]["estimate"], 1596.933983710379, 1e-9);
    close(&c["cuped"]["relative_lift"]["estimate"], 0.34439914300722463, 1e-9);
    close(&c["cuped"]["relative_lift"]["std_error"], 0.15567881964743122, 1e-9);

    let (code, stdout, stderr) = counterfact(&with(&["--covariates", "re74,re75"]));
    assert_eq!(code, 0, "{stderr}");
    let line = |m: &str| stdout.lines().find(|l| l.trim_start().starts_with(m)).unwrap_or_default();
    let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(line("control mean")), "control mean 4,555 (se 340)");
    assert_eq!(words(line("lift")), "lift +1,794 (se 671), 95% CI [479, 3,109]");
    assert_eq!(words(line("balance")), "balance F = 0.69 on 2 and 442 df, p = 0.501");
    assert!(line("CUPED lift").contains("(with re74, re75)"), "{stdout}");
    assert!(stdout.contains("cannot prove it"), "{stdout}");
    let verdict = stdout.lines().find(|l| l.contains("cannot prove it")).unwrap_or_default();
    assert!(verdict.starts_with("  The covariates do not predict") && verdict.ends_with('.'));

    // A 0/1 outcome in percentage points, each arm against the control.
    let hill = format!("{DATA}hillstrom.csv");
    let (code, stdout, stderr) = counterfact(&[
        "experiment",
        &hill,
        "--treatment",
        "segment",
        "--control",
        "No E-Mail",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Mens E-Mail vs No E-Mail"), "{stdout}");
    assert!(stdout.contains("control rate      10.6 %"), "{stdout}");
    assert!(stdout.contains("lift              +7.7 pp"), "{stdout}");

    // Errors name the column; a usage error exits 2.
    let (code, _, stderr) = counterfact(&with(&["--covariates", "height"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("the covariate column `height` is not in the data"), "{stderr}");
    let (code, _, stderr) =
        counterfact(&["experiment", &file, "--treatment", "age", "--outcome", "re78"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("the treatment `age` must hold only 0 and 1"), "{stderr}");
    let (code, _, stderr) = counterfact(&["experiment", &file, "--treatment", "treat"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing --outcome") && stderr.contains("experiment FILE"), "{stderr}");
}

#[test]
fn estimate_holds_the_cps_estimates_against_the_experiment() {
    let cps = format!("{DATA}nsw_cps.csv");
    let exp = format!("{DATA}nsw_experimental.csv");
    let base = [
        "estimate",
        &cps,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--covariates",
        NSW,
        "--method",
        "diff-means,ols,ipw",
        "--experimental-benchmark",
        &exp,
    ];
    let v = json_ok(&[&base[..], &["--json"]].concat());
    let b = &v["benchmark"];
    close(&b["estimate"], 1794.342404270271, 1e-9);
    close(&b["std_error"], 670.9965463815241, 1e-9);
    assert_eq!(b["n"], 445);
    assert_eq!(b["file"], exp.as_str());
    let ci = b["ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < 1794.0 && ci[1].as_f64().unwrap() > 1794.0);
    let methods = b["methods"].as_array().unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(methods.len(), 3);
    for (m, r) in methods.iter().zip(results) {
        assert_eq!(m["method"], r["method"]);
        assert_eq!(m["estimand"], r["estimand"]);
        let bias = r["estimate"].as_f64().unwrap() - b["estimate"].as_f64().unwrap();
        assert_eq!(m["bias"].as_f64().unwrap(), bias);
        let (lo, hi) = (r["ci_low"].as_f64().unwrap(), r["ci_high"].as_f64().unwrap());
        let est = b["estimate"].as_f64().unwrap();
        assert_eq!(m["covers"], lo <= est && est <= hi);
        assert!(m["sentence"].as_str().unwrap().contains("against the experiment's 1,794"));
    }
    assert_eq!(methods[0]["bias"].as_f64().unwrap().round(), -10_292.0);

    let (code, stdout, stderr) = counterfact(&base);
    assert_eq!(code, 0, "{stderr}");
    let (_, after) = stdout.split_once("Experimental benchmark").unwrap();
    let row = after.lines().find(|l| l.starts_with("diff-means")).unwrap_or_default();
    let words = row.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words, "diff-means -8,498 -10,292 -574 % no");
    assert!(stdout.contains("difference in means 1,794 (se 671"), "{stdout}");

    // Without the flag, no benchmark key; a benchmark file without the columns is a data error.
    let v = json_ok(&[&base[..base.len() - 2], &["--json"]].concat());
    assert!(v.get("benchmark").is_none());
    let hill = format!("{DATA}hillstrom.csv");
    let mut other: Vec<&str> = base[..base.len() - 1].to_vec();
    other.push(&hill);
    let (code, _, stderr) = counterfact(&other);
    assert_eq!(code, 1);
    assert!(stderr.contains("the treatment column `treat` is not in the data"), "{stderr}");
}

#[test]
fn only_estimate_takes_an_experimental_benchmark() {
    let cps = format!("{DATA}nsw_cps.csv");
    let exp = format!("{DATA}nsw_experimental.csv");
    for command in ["python", "refute", "sensitivity", "experiment"] {
        let mut args = vec![command, &cps, "--treatment", "treat", "--outcome", "re78"];
        if command == "sensitivity" {
            args.extend(["--benchmark", "re75"]);
        }
        args.extend(["--experimental-benchmark", &exp]);
        let (code, stdout, stderr) = counterfact(&args);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(stdout.is_empty(), "{command}: {stdout}");
        let want =
            format!("error: --experimental-benchmark belongs to `estimate`, not to `{command}`\n");
        assert!(stderr.starts_with(&want), "{command}: {stderr}");
        assert!(stderr.contains("--experimental-benchmark OTHER.csv"), "{command}: {stderr}");
    }
}
