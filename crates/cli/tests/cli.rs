//! The `counterfact` binary end to end: arguments in, JSON or a table out, exit codes.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/data/");

fn counterfact<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_counterfact")).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The covariates of the NSW references in results.json.
const NSW_COVARIATES: &str = "age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75";

/// `estimate` on the experimental NSW file, `treat` on `re78`, then `extra`.
fn nsw_estimate(extra: &[&str]) -> Vec<String> {
    let file = format!("{DATA}nsw_experimental.csv");
    ["estimate", &file, "--treatment", "treat", "--outcome", "re78"]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

/// Runs a command that must succeed and parses its `--json` output.
fn json_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> serde_json::Value {
    let (code, stdout, stderr) = counterfact(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn json_output_matches_the_causalml_reference() {
    let file = format!("{DATA}nsw_experimental.csv");
    let covs = NSW_COVARIATES;
    let v = json_ok(&[
        "estimate",
        &file,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--covariates",
        covs,
        "--method",
        "diff-means",
        "--method",
        "ols",
        "--json",
    ]);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let ols = &results[1];
    assert_eq!(ols["method"], "ols");
    // causalml LRSRegressor on this file: ate 1586.4525752453515 (results.json).
    let ate = ols["estimate"].as_f64().unwrap();
    assert!((ate - 1_586.452_575_245_351_5).abs() < 1e-6 * 1586.0, "{ate}");
    assert_eq!(ols["n"], 445);
    assert_eq!(ols["n_treated"], 185);
    assert_eq!(ols["n_control"], 260);
    assert_eq!(results[0]["estimate"].as_f64().unwrap().round(), 1794.0);
    assert!(v["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn default_covariates_and_readable_table() {
    let file = format!("{DATA}nsw_experimental.csv");
    let (code, stdout, _) =
        counterfact(&["estimate", &file, "--treatment", "treat", "--outcome", "re78"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("adjusting for: age, educ, black, hisp, married, nodegree, re74, re75, u74, u75, age2, educ2"), "{stdout}");
    let line = |m: &str| stdout.lines().find(|l| l.starts_with(m)).unwrap_or_default().to_string();
    let words = |l: String| l.split_whitespace().map(String::from).collect::<Vec<_>>().join(" ");
    assert_eq!(words(line("diff-means")), "diff-means ATE 1,794 671 [479, 3,109] 445 185 260");
    assert_eq!(words(line("ols")), "ols ATE 1,586 665 [284, 2,889] 445 185 260");
}

#[test]
fn bad_input_gives_a_message_and_nonzero_exit() {
    let dir = std::env::temp_dir().join(format!("cf-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ragged = dir.join("ragged.csv");
    std::fs::write(&ragged, "y,t\n1,0\n2\n").unwrap();
    let (code, _, stderr) =
        counterfact(&["estimate", ragged.to_str().unwrap(), "--treatment", "t", "--outcome", "y"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("found a row with 1 field, but the header has 2")
            && stderr.contains("(line 3)"),
        "{stderr}"
    );

    let file = format!("{DATA}nsw_experimental.csv");
    let (code, _, stderr) =
        counterfact(&["estimate", &file, "--treatment", "age", "--outcome", "re78"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("the treatment `age` must hold only 0 and 1"), "{stderr}");

    let (code, _, stderr) = counterfact(&["estimate", &file, "--treatment", "treat"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing --outcome") && stderr.contains("usage:"), "{stderr}");

    let (code, _, stderr) = counterfact(&[
        "estimate",
        &file,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--method",
        "magic",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown method `magic`"), "{stderr}");

    let (code, _, stderr) =
        counterfact(&["estimate", "/nonexistent.csv", "--treatment", "t", "--outcome", "y"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("/nonexistent.csv: cannot open"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_collinear_design_reports_the_columns_and_exits_1() {
    // Hillstrom's zip_code text column repeats the zip_urban / zip_surburban indicators.
    let file = format!("{DATA}hillstrom.csv");
    let (code, stdout, stderr) = counterfact(&[
        "estimate",
        &file,
        "--treatment",
        "treatment",
        "--outcome",
        "visit",
        "--covariates",
        "zip_urban,zip_surburban,zip_code,recency",
        "--json",
    ]);
    assert_eq!(code, 1, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // With --json the failures are in `errors` for a program, and on stderr for a person: one
    // line per failed method, naming it.
    let failed = v["errors"].as_array().unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), failed.len(), "{stderr}");
    for (line, f) in lines.iter().zip(failed) {
        let want =
            format!("error: {}: {}", f["method"].as_str().unwrap(), f["message"].as_str().unwrap());
        assert_eq!(*line, want);
    }
    // Difference in means still reports, and so does the T-learner, whose linear base learners
    // (like scikit-learn's) give a dependent column a zero coefficient instead of failing.
    let ran: Vec<&str> =
        v["results"].as_array().unwrap().iter().map(|r| r["method"].as_str().unwrap()).collect();
    assert_eq!(ran, ["diff-means", "t-learner"]);
    assert_eq!(
        v["errors"][0]["message"],
        "`zip_code=Surburban` is a linear combination of `zip_surburban` (and the intercept): the design is rank-deficient; remove one of these columns"
    );
    assert_eq!(v["covariates"][2], "zip_code=Surburban");
    // IPW's propensity model names the same collinearity (not a false separation).
    let ipw = v["errors"].as_array().unwrap().iter().find(|e| e["method"] == "ipw").unwrap();
    assert_eq!(
        ipw["message"],
        "`zip_code=Surburban` is a linear combination of `zip_surburban` (and the intercept): the design is rank-deficient; remove one of these columns"
    );
}

#[test]
fn ipw_att_on_the_observational_sample_matches_the_reference() {
    // NSW treated + CPS controls: the naive difference is about −8,498; Hajek IPW ATT with the
    // shared logistic propensity is 1,593.19 (results.json, nsw_cps, ipw_hajek.att).
    let file = format!("{DATA}nsw_cps.csv");
    let covs = NSW_COVARIATES;
    let v = json_ok(&[
        "estimate",
        &file,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--covariates",
        covs,
        "--method",
        "ipw",
        "--estimand",
        "att",
        "--json",
    ]);
    let ipw = &v["results"][0];
    assert_eq!(ipw["estimand"], "ATT");
    let att = ipw["estimate"].as_f64().unwrap();
    assert!((att - 1_593.193_514_705_109).abs() < 1e-6 * 1593.0, "{att}");
    assert!(v["propensity"]["min"].as_f64().unwrap() < 1e-6);
    assert!(v["warnings"][0].as_str().unwrap().contains("overlap is poor"), "{}", v["warnings"]);

    let (code, _, stderr) = counterfact(&[
        "estimate",
        &file,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--estimand",
        "atc",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--estimand must be ate or att"), "{stderr}");
}

#[test]
fn reading_in_parallel_pieces_gives_exactly_the_one_pass_result() {
    // A 9+ MB numeric file with CRLF line ends, blank lines and missing values.
    let dir = std::env::temp_dir().join(format!("cf-cli-par-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.csv");
    let mut text = String::from("y,t,x1,x2\r\n");
    let mut i: u64 = 0;
    while text.len() < 9 << 20 {
        let t = (i * 7 + 3) % 5 < 2;
        let x1 = ((i * 37) % 101) as f64 / 7.0;
        let x2 = if i.is_multiple_of(97) {
            String::new()
        } else {
            format!("{}", (i % 13) as f64 * 0.25)
        };
        let y = 1.5 * f64::from(u8::from(t)) + 0.3 * x1 + ((i * 7919) % 23) as f64 / 23.0;
        text += &format!("{y},{},{x1},{x2}\r\n", u8::from(t));
        if i.is_multiple_of(5000) {
            text += "\r\n";
        }
        i += 1;
    }
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let run = |threads: &str| {
        let mut v = json_ok(&[
            "estimate",
            file,
            "--treatment",
            "t",
            "--outcome",
            "y",
            "--threads",
            threads,
            "--json",
        ]);
        v.as_object_mut().unwrap().remove("file");
        v
    };
    let one = run("1");
    assert_eq!(run("2"), one);
    assert_eq!(run("3"), one);
    assert!(
        one["warnings"][0].as_str().unwrap().contains("missing value in `x2`"),
        "{}",
        one["warnings"]
    );

    // An error in a later piece is reported as one pass reports it (line counted from the top).
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{text}1,0,2\r\n")).unwrap();
    let line = text.matches('\n').count() + 1;
    for threads in ["1", "2"] {
        let (code, _, stderr) = counterfact(&[
            "estimate",
            bad.to_str().unwrap(),
            "--treatment",
            "t",
            "--outcome",
            "y",
            "--threads",
            threads,
        ]);
        assert_eq!(code, 1);
        assert!(stderr.contains(&format!("(line {line})")), "{threads}: {stderr}");
    }
    std::fs::remove_dir_all(dir).ok();
}

const CARD_CONTROLS: &str =
    "exper,expersq,black,smsa,south,smsa66,reg662,reg663,reg664,reg665,reg666,reg667,reg668,reg669";

#[test]
fn two_stage_least_squares_on_card_matches_linearmodels() {
    // results.json, card, iv.linearmodels_IV2SLS (robust): 0.13150377546116943 (se
    // 0.05399952143230452), first-stage partial F 13.326624530740101.
    let file = format!("{DATA}card.csv");
    let v = json_ok(&[
        "estimate",
        &file,
        "--treatment",
        "educ",
        "--outcome",
        "lwage",
        "--covariates",
        CARD_CONTROLS,
        "--instrument",
        "nearc4",
        "--method",
        "2sls",
        "--json",
    ]);
    let r = &v["results"][0];
    let rel = |got: &serde_json::Value, want: f64| (got.as_f64().unwrap() - want).abs() / want;
    assert!(rel(&r["estimate"], 0.131_503_775_461_169_43) < 1e-6, "{r}");
    assert!(rel(&r["std_error"], 0.053_999_521_432_304_52) < 1e-6, "{r}");
    assert!(rel(&r["first_stage_f"], 13.326_624_530_740_101) < 1e-6, "{r}");
    assert_eq!(r["estimand"], "LATE");
    // Without an instrument 2SLS is a method error that says what is missing (exit 1).
    let (code, stdout, _) = counterfact(&[
        "estimate",
        &file,
        "--treatment",
        "nearc4",
        "--outcome",
        "lwage",
        "--method",
        "2sls",
        "--json",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("2SLS needs an instrument"), "{stdout}");
}

#[test]
fn a_multi_arm_treatment_is_compared_arm_by_arm_with_the_control() {
    let file = format!("{DATA}hillstrom.csv");
    let args = [
        "estimate",
        &file,
        "--treatment",
        "segment",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history",
        "--method",
        "diff-means,ols",
    ];
    let (code, _, stderr) = counterfact(&args);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("has 3 values (Mens E-Mail, No E-Mail, Womens E-Mail): choose the control"),
        "{stderr}"
    );
    let mut with_control = args.to_vec();
    with_control.extend(["--control", "No E-Mail", "--json"]);
    let v = json_ok(&with_control);
    let rows = v["results"].as_array().unwrap();
    let arms: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["arm"].as_str().unwrap(), r["method"].as_str().unwrap())).collect();
    assert_eq!(
        arms,
        [
            ("Mens E-Mail", "diff-means"),
            ("Mens E-Mail", "ols"),
            ("Womens E-Mail", "diff-means"),
            ("Womens E-Mail", "ols")
        ]
    );
    assert_eq!(v["control"], "No E-Mail");
    // MineThatData's published visit rates: Mens 18.28 %, Womens 15.14 %, none 10.62 %.
    let d = |i: usize| rows[i]["estimate"].as_f64().unwrap();
    assert!((d(0) - (0.1828 - 0.1062)).abs() < 6e-4, "{}", d(0));
    assert!((d(2) - (0.1514 - 0.1062)).abs() < 6e-4, "{}", d(2));
    // Each comparison uses its arm and the control only: 64,000 rows in three near-equal arms.
    let n: u64 = rows.iter().step_by(2).map(|r| r["n"].as_u64().unwrap()).sum();
    let control = rows[0]["n_control"].as_u64().unwrap();
    assert_eq!(n - control, 64_000);
}

#[test]
fn a_fold_column_reproduces_causalml_cross_fitting_and_cate_out_writes_every_unit() {
    // Join nsw_cps with the reference folds (folds/nsw_cps.csv) into one file.
    let dir = std::env::temp_dir().join(format!("cf-cli-folds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = std::fs::read_to_string(format!("{DATA}nsw_cps.csv")).unwrap();
    let folds = std::fs::read_to_string(format!("{DATA}../folds/nsw_cps.csv")).unwrap();
    let joined: Vec<String> =
        data.lines().zip(folds.lines()).map(|(a, b)| format!("{a},{b}")).collect();
    let file = dir.join("nsw_cps_folds.csv");
    std::fs::write(&file, joined.join("\n") + "\n").unwrap();
    let cate = dir.join("cate.csv");
    let (file, cate_s) = (file.to_str().unwrap(), cate.to_str().unwrap());
    let base = [
        "estimate",
        file,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--covariates",
        NSW_COVARIATES,
        "--json",
    ];
    let run = |method: &str, fold: &str| {
        let mut a = base.to_vec();
        a.extend(["--method", method, "--fold-column", fold, "--cate-out", cate_s]);
        json_ok(&a)
    };
    // results.json, nsw_cps: causalml BaseRRegressor ate -3625.6992627901136,
    // BaseDRRegressor ate -2845.774455358963.
    for (method, fold, want) in [
        ("r-learner", "r_fold", -3_625.699_262_790_113_6),
        ("dr-learner", "dr_fold", -2_845.774_455_358_963),
    ] {
        let v = run(method, fold);
        let got = v["results"][0]["estimate"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-6 * want.abs(), "{method}: {got} vs {want}");
        let text = std::fs::read_to_string(&cate).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(format!("row,{method}").as_str()));
        let values: Vec<f64> =
            lines.map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
        assert_eq!(values.len(), 16_177);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((mean - want).abs() < 1e-6 * want.abs(), "mean of the CATE is the ATE");
    }
    // Folds that are not whole numbers are refused by name.
    let mut a = base.to_vec();
    a.extend(["--method", "r-learner", "--fold-column", "re74"]);
    let k = a.iter().position(|s| *s == NSW_COVARIATES).unwrap();
    a[k] = "age,educ,re75";
    let (code, stdout, _) = counterfact(&a);
    assert_eq!(code, 1);
    assert!(stdout.contains("the fold column must hold whole numbers"), "{stdout}");
    // And a covariate cannot be the fold column.
    a[k] = "age,re74";
    let (code, _, stderr) = counterfact(&a);
    assert_eq!(code, 1);
    assert!(stderr.contains("`re74` cannot be both the fold column and the covariate"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn missing_covariates_are_dropped_or_flagged_as_asked() {
    let dir = std::env::temp_dir().join(format!("cf-cli-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("gaps.csv");
    let mut text = String::from("y,t,x\n");
    for i in 0..40 {
        let x = if i % 5 == 0 { String::new() } else { (i % 7).to_string() };
        text += &format!("{},{},{x}\n", i % 3, i % 2);
    }
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let args = ["estimate", f, "--treatment", "t", "--outcome", "y", "--method", "ols", "--json"];
    let v = json_ok(&args);
    assert_eq!(v["results"][0]["n"], 32);
    let mut flagged = args.to_vec();
    flagged.extend(["--missing", "indicator"]);
    let v = json_ok(&flagged);
    assert_eq!(v["results"][0]["n"], 40);
    assert_eq!(v["covariates"], serde_json::json!(["x", "x missing"]));
    let mut bad = args.to_vec();
    bad.extend(["--missing", "mean"]);
    let (code, _, stderr) = counterfact(&bad);
    assert_eq!(code, 2);
    assert!(stderr.contains("--missing must be drop or indicator"), "{stderr}");
    std::fs::remove_dir_all(dir).ok();
}

/// A path in the temporary folder for this test process: `<tag>-<pid>-<name>`.
fn temp_path(tag: &str, name: &str) -> String {
    std::env::temp_dir()
        .join(format!("{tag}-{}-{name}", std::process::id()))
        .to_string_lossy()
        .into_owned()
}

/// Writes `text` to a fresh temporary file and returns its path.
fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("cf-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn identify_lists_minimal_sets_frontdoor_instruments_and_implications() {
    // Pearl (2009) Fig. 3.4 in DAGitty syntax, plus an instrument I of X.
    let dag = temp_file(
        "pearl.dag",
        "dag {\n Z1 -> Z3; Z1 -> Z4; Z2 -> Z4; Z2 -> Z5; Z3 -> X; Z4 -> X; Z4 -> Y; Z5 -> Y\n X -> W; W -> Y; I -> X\n}\n",
    );
    let v = json_ok(&["identify", "--graph", &dag, "--treatment", "X", "--outcome", "Y", "--json"]);
    assert_eq!(v["backdoor"]["identifiable"], true);
    assert_eq!(
        v["backdoor"]["minimal_sets"],
        serde_json::json!([["Z1", "Z4"], ["Z2", "Z4"], ["Z3", "Z4"], ["Z4", "Z5"]])
    );
    assert_eq!(
        v["backdoor"]["canonical_set"],
        serde_json::json!(["I", "Z1", "Z2", "Z3", "Z4", "Z5"])
    );
    assert_eq!(v["frontdoor"]["sets"], serde_json::json!([["W"]]));
    // I reaches Y only through X (every other path meets the collider X), so it is an
    // unconditional instrument.
    assert_eq!(v["instruments"][0], serde_json::json!({"instrument": "I", "given": []}));
    assert!(
        v["implications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == &serde_json::json!({"x": "I", "y": "Z1", "given": []}))
    );
    // The same graph as DOT gives the same answer.
    let dot = temp_file(
        "pearl.dot",
        "digraph G {\n Z1 -> Z3; Z1 -> Z4; Z2 -> Z4; Z2 -> Z5; Z3 -> X; Z4 -> X; Z4 -> Y; Z5 -> Y;\n X -> W -> Y; I -> X\n}\n",
    );
    let w = json_ok(&["identify", "--graph", &dot, "--treatment", "X", "--outcome", "Y", "--json"]);
    assert_eq!(v, w);
}

#[test]
fn an_unidentifiable_graph_says_why_and_estimate_refuses_it() {
    let dag = temp_file("latent.dag", "dag { U [latent] U -> treat; U -> re78; treat -> re78 }");
    let v = json_ok(&[
        "identify",
        "--graph",
        &dag,
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--json",
    ]);
    assert_eq!(v["backdoor"]["identifiable"], false);
    assert_eq!(v["backdoor"]["minimal_sets"], serde_json::json!([]));
    let (code, _, stderr) = counterfact(&nsw_estimate(&["--graph", &dag]));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("is not identifiable by adjustment") && stderr.contains("`U`"),
        "{stderr}"
    );
}

#[test]
fn dsep_answers_and_estimate_uses_the_graphs_minimal_set() {
    let dag = temp_file(
        "nsw.dag",
        "dag { treat [exposure] re78 [outcome] age -> treat; educ -> treat; re75 -> treat; age -> re78; educ -> re78; re75 -> re78; re74 -> re75; treat -> re78 }",
    );
    let sep = |given: &str| {
        let mut a = vec!["dsep", "--graph", &dag, "--x", "re74", "--y", "treat", "--json"];
        if !given.is_empty() {
            a.extend(["--given", given]);
        }
        json_ok(&a)["d_separated"].as_bool().unwrap()
    };
    assert!(!sep(""));
    assert!(sep("re75"));
    let by_graph = json_ok(&nsw_estimate(&["--graph", &dag, "--method", "ols", "--json"]));
    assert_eq!(by_graph["covariates"], serde_json::json!(["age", "educ", "re75"]));
    let by_hand =
        json_ok(&nsw_estimate(&["--covariates", "age,educ,re75", "--method", "ols", "--json"]));
    assert_eq!(by_graph["results"], by_hand["results"]);
    // Covariates that leave a back-door path open are run, with a warning that says which.
    let v = json_ok(&nsw_estimate(&[
        "--graph",
        &dag,
        "--covariates",
        "age,educ",
        "--method",
        "ols",
        "--json",
    ]));
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("treat – re75 – re78"), "{warnings}");
}

/// `python` with the flags of `estimate` on the experimental NSW file.
fn nsw_python(extra: &[&str]) -> Vec<String> {
    let mut args = nsw_estimate(extra);
    args[0] = "python".into();
    args
}

#[test]
fn python_prints_the_analysis_estimate_would_run() {
    let (code, script, stderr) = counterfact(&nsw_python(&[
        "--covariates",
        NSW_COVARIATES,
        "--method",
        "ols,ipw",
        "--estimand",
        "att",
        "--alpha",
        "0.1",
        "--fold-column",
        "r\"fold\n",
    ]));
    assert_eq!(code, 0, "{stderr}");
    for want in [
        "TREATMENT = \"treat\"",
        "OUTCOME = \"re78\"",
        "ESTIMAND = \"ATT\"",
        "ALPHA = 0.1",
        "FOLD_COLUMN = \"r\\\"fold\\n\"",
        "METHODS = [\"ols\", \"ipw\"]",
        "    report(\"ols\", arm, lambda: ols(y, t, X))",
        "    report(\"ipw\", arm, lambda: ipw(y, t, X, need(p)))",
    ] {
        assert!(script.contains(want), "{want}\n{script}");
    }
    assert!(script.contains(&format!("FILE = \"{DATA}nsw_experimental.csv\"")));
    assert!(!script.contains("report(\"psm\""));
    // The flags are checked as estimate checks them.
    let (code, _, stderr) = counterfact(&["python", "x.csv", "--treatment", "t"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing --outcome") && stderr.contains("counterfact python"));
    let (code, _, stderr) = counterfact(&nsw_python(&["--method", "magic"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown method `magic`"), "{stderr}");
}

#[test]
fn python_takes_the_graphs_adjustment_set_and_adds_a_dowhy_block() {
    let dag = temp_file(
        "python.dag",
        "dag { age -> treat; educ -> treat; age -> re78; educ -> re78; treat -> re78 }",
    );
    let (code, script, stderr) = counterfact(&nsw_python(&["--graph", &dag, "--method", "ols"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(script.contains("COVARIATES = [\"age\", \"educ\"]"), "{script}");
    assert!(script.contains("from dowhy import CausalModel\nexcept ImportError:"));
    assert!(script.contains("GRAPH = \"\\n\".join([\n    \"digraph {\",\n"), "{script}");
    assert!(script.contains("    \"  age -> treat;\",\n"), "{script}");
}

#[test]
fn the_python_script_prints_the_numbers_estimate_reports() {
    // Needs Python with numpy, pandas, scipy, statsmodels and scikit-learn (no causalml for
    // these methods): $CF_PYTHON, the checks' environment setup.sh makes, else python3.
    // scripts/check-python.sh covers every method and dataset.
    let python = std::env::var("CF_PYTHON").unwrap_or_else(|_| "python3".into());
    let ready = Command::new(&python)
        .args(["-c", "import numpy, pandas, scipy, statsmodels, sklearn"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        let required = std::env::var("CF_REQUIRE_PYTHON").is_ok_and(|v| v == "1");
        assert!(!required, "CF_REQUIRE_PYTHON=1 and {python} lacks the modules");
        eprintln!("skipped: {python} lacks numpy, pandas, scipy, statsmodels or scikit-learn");
        return;
    }
    let flags = ["--covariates", NSW_COVARIATES, "--method", "diff-means,ols,ipw,aipw"];
    let (code, script, _) = counterfact(&nsw_python(&flags));
    assert_eq!(code, 0);
    let path = temp_file("nsw.py", &script);
    let out = Command::new(&python).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut json_flags = flags.to_vec();
    json_flags.push("--json");
    let v = json_ok(&nsw_estimate(&json_flags));
    let results = v["results"].as_array().unwrap();
    assert_eq!(lines.len(), results.len());
    for (py, cf) in lines.iter().zip(results) {
        assert_eq!(py["method"], cf["method"]);
        assert_eq!(py["arm"], serde_json::Value::Null);
        for key in ["estimate", "std_error"] {
            let (a, b) = (py[key].as_f64().unwrap(), cf[key].as_f64().unwrap());
            assert!((a - b).abs() <= 1e-6 * a.abs().max(b.abs()), "{py} vs {cf}");
        }
    }
}

#[test]
fn weighting_estimates_resting_on_extreme_weights_are_flagged() {
    let cps = json_ok(&[
        "estimate",
        &format!("{DATA}nsw_cps.csv"),
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--method",
        "ols,ipw,aipw,dr-learner",
        "--json",
    ]);
    let flag = |v: &serde_json::Value, m: &str| {
        let row = v["results"].as_array().unwrap().iter().find(|r| r["method"] == m).unwrap();
        row.get("unreliable").and_then(|u| u.as_str()).map(str::to_string)
    };
    for m in ["ipw", "aipw", "dr-learner"] {
        let why = flag(&cps, m).unwrap_or_else(|| panic!("{m} is not flagged"));
        assert!(
            why.starts_with("not to be trusted: 10 rows") && why.contains("treated group"),
            "{why}"
        );
    }
    assert_eq!(flag(&cps, "ols"), None);
    // Randomized: nothing to flag; and no 0/1 outcome, so no control rate.
    let exp = json_ok(&[
        "estimate",
        &format!("{DATA}nsw_experimental.csv"),
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--method",
        "ipw,aipw,dr-learner",
        "--json",
    ]);
    for m in ["ipw", "aipw", "dr-learner"] {
        assert_eq!(flag(&exp, m), None, "{m}");
    }
    assert!(exp.get("control_rates").is_none());
}

#[test]
fn a_zero_one_outcome_reports_the_control_rate_of_each_comparison() {
    let v = json_ok(&[
        "estimate",
        &format!("{DATA}hillstrom.csv"),
        "--treatment",
        "segment",
        "--control",
        "No E-Mail",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history",
        "--method",
        "diff-means",
        "--json",
    ]);
    let rates = v["control_rates"].as_array().expect("control rates");
    assert_eq!(rates.len(), 2);
    for r in rates {
        let rate = r["rate"].as_f64().unwrap();
        assert!(rate > 0.09 && rate < 0.12, "{r}");
        assert_eq!(r["n"], 21306);
    }
    let (code, text, _) = counterfact(&[
        "estimate",
        &format!("{DATA}nsw_cps.csv"),
        "--treatment",
        "treat",
        "--outcome",
        "re78",
        "--method",
        "dr-learner",
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("warning: dr-learner: not to be trusted"), "{text}");
}

/// `uplift` on Hillstrom with causalml's tree settings, a seeded 30 % split: the JSON shape, 101
/// curve points ending at the test split's n × difference in means, intervals around the
/// estimate, the per-row effects file, and the refusals.
#[test]
fn uplift_scores_models_on_a_held_out_split() {
    let file = format!("{DATA}hillstrom.csv");
    let cate = std::env::temp_dir().join(format!("cf-uplift-{}.csv", std::process::id()));
    let v = json_ok(&[
        "uplift",
        &file,
        "--treatment",
        "treatment",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history,mens,womens,newbie",
        "--model",
        "uplift-tree-kl,t-learner-linear,r-learner-linear,dr-learner-linear",
        "--max-depth",
        "3",
        "--bootstrap",
        "50",
        "--cate-out",
        cate.to_str().unwrap(),
        "--json",
    ]);
    // 30 % of each treatment × outcome stratum, rounded per stratum.
    let n_test = v["n_test"].as_u64().unwrap();
    assert!(n_test.abs_diff(19_200) <= 2, "{n_test}");
    assert_eq!(n_test + v["n_train"].as_u64().unwrap(), 64_000);
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 4);
    for m in models {
        let gain = m["curves"]["gain"].as_array().unwrap();
        assert_eq!(gain.len(), 101);
        assert_eq!(m["curves"]["fraction"][100], 1.0);
        let end = gain[100].as_f64().unwrap();
        // The gain curve ends at n × (treated mean − control mean): about 0.06 × 19,200.
        assert!((end / n_test as f64 - 0.061).abs() < 0.01, "{end}");
        let (a, lo, hi) = (
            m["auuc"].as_f64().unwrap(),
            m["auuc_ci"][0].as_f64().unwrap(),
            m["auuc_ci"][1].as_f64().unwrap(),
        );
        assert!(lo < a && a < hi && a > 0.5, "{a} [{lo}, {hi}]");
        assert!(m["fit_seconds"].as_f64().unwrap() > 0.0);
    }
    let rows = std::fs::read_to_string(&cate).unwrap();
    let _ = std::fs::remove_file(&cate);
    assert_eq!(
        rows.lines().next(),
        Some("row,uplift-tree-kl,t-learner-linear,r-learner-linear,dr-learner-linear")
    );
    assert_eq!(rows.lines().count() as u64, n_test + 1);

    let (code, _, stderr) = counterfact(&[
        "uplift",
        &file,
        "--treatment",
        "treatment",
        "--outcome",
        "spend",
        "--model",
        "uplift-tree-kl",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("0/1 outcome"), "{stderr}");
    let (code, _, stderr) =
        counterfact(&["uplift", &file, "--treatment", "segment", "--outcome", "visit"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("No E-Mail"), "the levels are named: {stderr}");

    // Three arms: each e-mail against no e-mail; a tree fits both arms at once.
    let v = json_ok(&[
        "uplift",
        &file,
        "--treatment",
        "segment",
        "--control",
        "No E-Mail",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history,mens,womens,newbie",
        "--model",
        "uplift-tree-kl,t-learner-linear",
        "--bootstrap",
        "20",
        "--json",
    ]);
    let models = v["models"].as_array().unwrap();
    let arms: Vec<&str> = models.iter().map(|m| m["arm"].as_str().unwrap()).collect();
    assert_eq!(arms, ["Mens E-Mail", "Womens E-Mail", "Mens E-Mail", "Womens E-Mail"]);
    // Womens e-mail moves visits more than mens (Hillstrom's known result) and both models rank
    // its responders better than random.
    for m in &models[..2] {
        assert!(m["auuc"].as_f64().unwrap().is_finite());
    }
    assert!(
        models[1]["auuc"].as_f64().unwrap() > 0.55 && models[3]["auuc"].as_f64().unwrap() > 0.55
    );
    let stderr = uplift_refused(&["--model", "forest"]);
    assert!(stderr.contains("unknown uplift model `forest`"), "{stderr}");
}

/// `counterfact uplift FILE --treatment treatment --outcome visit EXTRA…` on Hillstrom, which
/// must be refused as a usage error (exit 2); its message.
fn uplift_refused(extra: &[&str]) -> String {
    let file = format!("{DATA}hillstrom.csv");
    let mut args = vec!["uplift", &file, "--treatment", "treatment", "--outcome", "visit"];
    args.extend_from_slice(extra);
    let (code, _, stderr) = counterfact(&args);
    assert_eq!(code, 2, "{stderr}");
    stderr
}

/// `uplift --value …`: the calibration table adds up to the test split, the decision's profit of
/// targeting everyone is the test split's margin scaled to the file, and a budget caps the share.
#[test]
fn uplift_deciles_and_a_profit_optimal_share() {
    let file = format!("{DATA}hillstrom.csv");
    let (value, per_treated, per_conversion) = (30.0, 0.2, 3.0);
    let list_path = std::env::temp_dir().join(format!("cf-list-{}.csv", std::process::id()));
    let v = json_ok(&[
        "uplift",
        &file,
        "--treatment",
        "treatment",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history,mens,womens,newbie",
        "--model",
        "t-learner-linear",
        "--bootstrap",
        "20",
        "--value",
        "30",
        "--cost-per-treated",
        "0.2",
        "--cost-per-conversion",
        "3",
        "--budget-share",
        "0.25",
        "--list-out",
        list_path.to_str().unwrap(),
        "--json",
    ]);
    let n_test = v["n_test"].as_u64().unwrap() as f64;
    let m = &v["models"][0];
    let deciles = m["deciles"].as_array().unwrap();
    assert_eq!(deciles.len(), 10);
    let sum = |k: &str| deciles.iter().map(|d| d[k].as_f64().unwrap()).sum::<f64>();
    assert_eq!(sum("rows"), n_test);
    let c = &m["cumulative"];
    let at = |k: &str| c[k][100].as_f64().unwrap();
    assert_eq!(sum("treated"), at("n_t"));
    assert_eq!(sum("control"), at("n_c"));
    // Decile 1 holds the highest predictions.
    assert!(deciles[0]["predicted"].as_f64() > deciles[9]["predicted"].as_f64());
    let d = &m["decision"];
    let everyone = 64_000.0
        * ((value - per_conversion) * at("y_t") / at("n_t")
            - value * at("y_c") / at("n_c")
            - per_treated);
    let got = d["profit_everyone"].as_f64().unwrap();
    assert!((got - everyone).abs() < 1e-6 * everyone.abs(), "{got} vs {everyone}");
    let share = d["share"].as_f64().unwrap();
    assert!(share <= 0.25, "{share}");
    let curve: Vec<f64> =
        d["curve"]["profit"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let best = d["profit"].as_f64().unwrap();
    assert!(curve[..=25].iter().all(|&p| p <= best), "{best} {curve:?}");
    assert_eq!(d["customers"].as_f64().unwrap(), (share * 64_000.0).round());

    // The targeting list: every row once, ranks 1..=n by predicted uplift, the top `customers`
    // rows marked to treat.
    let list = std::fs::read_to_string(&list_path).unwrap();
    std::fs::remove_file(&list_path).ok();
    let mut lines = list.lines();
    assert_eq!(lines.next(), Some("row,uplift,rank,decision"));
    let rows: Vec<(usize, f64, usize, bool)> = lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].parse().unwrap(), c[1].parse().unwrap(), c[2].parse().unwrap(), c[3] == "treat")
        })
        .collect();
    assert_eq!(rows.len(), 64_000);
    assert!(rows.iter().enumerate().all(|(k, r)| r.0 == k + 1));
    let customers = d["customers"].as_u64().unwrap() as usize;
    assert_eq!(rows.iter().filter(|r| r.3).count(), customers);
    assert!(rows.iter().all(|r| r.3 == (r.2 <= customers)));
    let mut by_rank = rows.clone();
    by_rank.sort_by_key(|r| r.2);
    assert!(by_rank.iter().enumerate().all(|(k, r)| r.2 == k + 1), "ranks are 1..=n");
    assert!(by_rank.windows(2).all(|w| w[0].1 >= w[1].1), "ranked by predicted uplift");

    let stderr = uplift_refused(&["--list-out", "x.csv"]);
    assert!(stderr.contains("--list-out and --model-out need --value"), "{stderr}");
    let stderr = uplift_refused(&[
        "--covariates",
        "recency,history",
        "--model",
        "t-learner-linear",
        "--bootstrap",
        "2",
        "--value",
        "1",
        "--list-out",
        "never-written.csv",
        "--list-model",
        "x-learner-gbdt",
    ]);
    assert!(stderr.contains("one of: t-learner-linear"), "{stderr}");
    assert!(!std::path::Path::new("never-written.csv").exists());

    let stderr = uplift_refused(&["--cost-per-treated", "1"]);
    assert!(stderr.contains("need --value"), "{stderr}");

    // A budget of at most 5,000 customers of the 64,000.
    let v = json_ok(&[
        "uplift",
        &file,
        "--treatment",
        "treatment",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history,mens,womens,newbie",
        "--model",
        "t-learner-linear",
        "--bootstrap",
        "2",
        "--value",
        "30",
        "--budget-customers",
        "5000",
        "--json",
    ]);
    let d = &v["models"][0]["decision"];
    assert!(d["customers"].as_u64().unwrap() <= 5000, "{d}");
    assert_eq!(d["max_share"].as_f64(), Some(5000.0 / 64_000.0));
    let stderr = uplift_refused(&["--value", "1", "--budget-customers", "0"]);
    assert!(stderr.contains("at least 1"), "{stderr}");
    let stderr =
        uplift_refused(&["--value", "1", "--budget-customers", "10", "--budget-share", "0.5"]);
    assert!(stderr.contains("not both"), "{stderr}");
}

#[test]
fn boosted_learners_from_the_command_line() {
    let file = format!("{DATA}ihdp_sim_b.csv");
    let cate = std::env::temp_dir().join(format!("cf-gbdt-cate-{}.csv", std::process::id()));
    let cate_path = cate.to_string_lossy().into_owned();
    let base = ["estimate", &file, "--treatment", "treat", "--outcome", "y"];
    let mut args: Vec<&str> = base.to_vec();
    args.extend([
        "--covariates",
        "bw,b_head,preterm,momage,sex",
        "--method",
        "s-learner,t-learner,x-learner",
        "--learner",
        "gbdt",
        "--gbdt-trees",
        "50",
        "--gbdt-leaves",
        "7",
        "--gbdt-rate",
        "0.1",
        "--gbdt-min-leaf",
        "10",
        "--gbdt-depth",
        "4",
        "--gbdt-l2",
        "1",
        "--gbdt-seed",
        "3",
        "--effect-gbdt-trees",
        "20",
        "--cate-out",
        &cate_path,
        "--json",
    ]);
    let out = json_ok(&args);
    let results = out["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        let e = r["estimate"].as_f64().unwrap();
        // IHDP's sample ATE is 4.66; every learner here is within 1.5 of it.
        assert!((e - 4.66).abs() < 1.5, "{r}");
        let notes = r["warnings"].to_string();
        assert!(notes.contains("50 trees of 7 leaves, rate 0.1"), "{notes}");
    }
    let csv = std::fs::read_to_string(&cate).unwrap();
    let _ = std::fs::remove_file(&cate);
    assert!(csv.starts_with("row,s-learner,t-learner,x-learner\n"), "{csv}");
    assert_eq!(csv.lines().count(), 748);

    // Bad settings and an unknown learner are usage errors naming the flag.
    for (flag, value, message) in [
        (
            "--gbdt-trees",
            "0",
            "--gbdt-trees (boosted trees per model) must be a whole number from 1 to 100000, got `0`",
        ),
        (
            "--effect-gbdt-rate",
            "1.5",
            "--effect-gbdt-rate (the learning rate) must be a number in (0, 1], got `1.5`",
        ),
        ("--gbdt-leaves", "many", "--gbdt-leaves needs a whole number, got `many`"),
        ("--learner", "forest", "--learner must be linear or gbdt, got `forest`"),
    ] {
        let mut a: Vec<&str> = base.to_vec();
        a.extend([flag, value]);
        let (code, _, stderr) = counterfact(&a);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.starts_with(&format!("error: {message}\n")), "{stderr}");
    }

    // python refuses the boosted learners, in words.
    let mut a: Vec<&str> = vec!["python", &file, "--treatment", "treat", "--outcome", "y"];
    a.extend(["--learner", "gbdt"]);
    let (code, stdout, stderr) = counterfact(&a);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("cannot be copied as Python"), "{stderr}");
}

/// `uplift --model-out` saves the fitted model; `score` on the same file writes the very list the
/// fit wrote, on another file with only the covariate columns scores each row as the fit did, and
/// refuses a file without a covariate or a model that was edited.
#[test]
fn a_saved_model_scores_another_file_to_the_list_the_fit_wrote() {
    let file = format!("{DATA}hillstrom.csv");
    let tmp = |name: &str| temp_path("cf-score", name);
    let (list, model, scored) = (tmp("list.csv"), tmp("model.json"), tmp("scored.csv"));
    let covariates = "recency,history,mens,womens,newbie,zip_code";
    let (code, _, stderr) = counterfact(&[
        "uplift",
        &file,
        "--treatment",
        "treatment",
        "--outcome",
        "visit",
        "--covariates",
        covariates,
        "--model",
        "uplift-tree-kl",
        "--value",
        "30",
        "--cost-per-treated",
        "0.2",
        "--list-out",
        &list,
        "--model-out",
        &model,
        "--key",
        "history",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v = json_ok(&["score", &model, &file, "--out", &scored, "--json"]);
    assert_eq!(v["rows"], 64_000);
    assert_eq!(v["model"], "uplift-tree-kl");
    let written = std::fs::read_to_string(&list).unwrap();
    assert!(written.starts_with("row,history,uplift,rank,decision\n"), "{}", &written[..80]);
    assert_eq!(std::fs::read_to_string(&scored).unwrap(), written, "same list byte for byte");

    // Next month's customers: the first 500 rows, covariate columns only, in another order.
    let table = std::fs::read_to_string(&file).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keep: Vec<&str> = covariates.split(',').rev().collect();
    let at: Vec<usize> = keep.iter().map(|k| header.iter().position(|h| h == k).unwrap()).collect();
    let mut next = keep.join(",") + "\n";
    for l in lines.take(500) {
        let c: Vec<&str> = l.split(',').collect();
        next += &(at.iter().map(|&i| c[i]).collect::<Vec<_>>().join(",") + "\n");
    }
    let next_path = temp_file("cf-score-next.csv", &next);
    let v = json_ok(&["score", &model, &next_path, "--out", &scored, "--share", "0.1", "--json"]);
    assert_eq!((v["rows"].as_u64(), v["treated"].as_u64()), (Some(500), Some(50)));
    let uplift_of = |csv: &str| -> Vec<String> {
        csv.lines().skip(1).map(|l| l.split(',').nth(2).unwrap().to_string()).collect()
    };
    let new = std::fs::read_to_string(&scored).unwrap();
    assert_eq!(uplift_of(&new), uplift_of(&written)[..500], "each row scored as in the fit");
    assert_eq!(new.lines().filter(|l| l.ends_with(",treat")).count(), 50);

    // A covariate missing from the file, a level the model never saw, an edited model.
    let no_recency = temp_file("cf-score-no-recency.csv", "history,mens\n1,0\n");
    let (code, _, stderr) = counterfact(&["score", &model, &no_recency, "--out", &scored]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("recency"), "{stderr}");
    let odd = next.replacen("Surburban", "Downtown", 1);
    let odd_path = temp_file("cf-score-odd.csv", &odd);
    let (code, _, stderr) = counterfact(&["score", &model, &odd_path, "--out", &scored]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("Downtown") && stderr.contains("zip_code"), "{stderr}");
    let saved = std::fs::read_to_string(&model).unwrap();
    let edited = saved.replacen("\"label\": \"treat\"", "\"label\": \"mail\"", 1);
    assert_ne!(edited, saved);
    let edited_path = temp_file("cf-score-edited.json", &edited);
    let (code, _, stderr) = counterfact(&["score", &edited_path, &file, "--out", &scored]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("changed"), "{stderr}");
    for f in [list, model, scored] {
        std::fs::remove_file(f).ok();
    }
}

/// `uplift --arm-cost` on Hillstrom's three segments: each customer targeted gets the arm that
/// pays most net of its cost, the list ranks by that net value and names the arm, and `score`
/// writes the same list from the model file; pricing that does not fit the arms is refused.
#[test]
fn arms_priced_apart_give_each_customer_their_best_arm() {
    let file = format!("{DATA}hillstrom.csv");
    let tmp = |name: &str| temp_path("cf-arms", name);
    let (list, model, scored) = (tmp("list.csv"), tmp("model.json"), tmp("scored.csv"));
    let base = [
        "uplift",
        file.as_str(),
        "--treatment",
        "segment",
        "--control",
        "No E-Mail",
        "--outcome",
        "visit",
        "--covariates",
        "recency,history,mens,womens,newbie",
        "--model",
        "t-learner-linear",
        "--bootstrap",
        "20",
        "--value",
        "1",
    ];
    let mut args: Vec<&str> = base.to_vec();
    args.extend([
        "--arm-cost",
        "Womens E-Mail=0.02:0.1,Mens E-Mail=0.05",
        "--list-out",
        &list,
        "--model-out",
        &model,
        "--json",
    ]);
    let v = json_ok(&args);
    let d = &v["arm_decisions"][0];
    assert_eq!(d["model"], "t-learner-linear");
    assert_eq!(d["arms"], serde_json::json!(["Mens E-Mail", "Womens E-Mail"]));
    // Mens E-Mail = 0.05 per customer, Womens = 0.02 and 0.1 per conversion.
    assert_eq!(d["pricing"]["costs"][0]["cost_per_treated"], 0.05);
    assert_eq!(d["pricing"]["costs"][1]["cost_per_conversion"], 0.1);
    let customers = d["customers"].as_u64().unwrap() as usize;
    let per_arm: Vec<u64> =
        d["customers_per_arm"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
    assert!(per_arm.iter().sum::<u64>().abs_diff(customers as u64) <= 2, "{per_arm:?}");
    assert!(d["profit"].as_f64().unwrap() >= d["profit_everyone"].as_f64().unwrap());
    let written = std::fs::read_to_string(&list).unwrap();
    let mut lines = written.lines();
    assert_eq!(
        lines.next(),
        Some("row,uplift:Mens E-Mail,uplift:Womens E-Mail,net_value,rank,decision")
    );
    let mut treated = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let (mens, womens, net): (f64, f64, f64) =
            (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap());
        let (m, w) = (mens - 0.05, 0.9 * womens - 0.02);
        assert!((net - m.max(w)).abs() < 1e-12, "{line}");
        let rank: usize = f[4].parse().unwrap();
        if rank <= customers {
            treated += 1;
            assert_eq!(f[5], if m >= w { "Mens E-Mail" } else { "Womens E-Mail" }, "{line}");
        } else {
            assert_eq!(f[5], "none");
        }
    }
    assert_eq!(treated, customers);
    let (code, _, stderr) = counterfact(&["score", &model, &file, "--out", &scored]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&scored).unwrap(), written, "same list byte for byte");

    let refused = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        let (code, _, stderr) = counterfact(&args);
        assert_eq!(code, 2, "{stderr}");
        stderr
    };
    let e = refused(&["--arm-cost", "Mens E-Mail=0.05"]);
    assert!(e.contains("no entry for the arm `Womens E-Mail`"), "{e}");
    let e = refused(&["--arm-cost", "Mens E-Mail=0.05,Kids=1,Womens E-Mail=0"]);
    assert!(e.contains("`Kids` is not an arm"), "{e}");
    let e = refused(&["--arm-cost", "Mens E-Mail=cheap"]);
    assert!(e.contains("LEVEL=C or LEVEL=C:D"), "{e}");
    let e = uplift_refused(&["--value", "1", "--arm-cost", "1=0.1"]);
    assert!(e.contains("several arms"), "{e}");
}

#[test]
fn sensitivity_prints_sensemakrs_statistics_and_refuses_a_bad_benchmark() {
    let file = format!("{DATA}nsw_cps.csv");
    let base = ["sensitivity", &file, "--treatment", "treat", "--outcome", "re78"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let covs = ["--covariates", NSW_COVARIATES];
    let v = json_ok(&with(&[&covs[..], &["--benchmark=re74", "--kd", "1,2,3", "--json"]].concat()));
    let refs: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DATA}../sensitivity_results.json")).unwrap(),
    )
    .unwrap();
    let r = &refs["datasets"]["nsw_cps"];
    let close = |got: &serde_json::Value, want: &serde_json::Value| {
        let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
        assert!((g - w).abs() <= 1e-6 * w.abs(), "{g} against {w}");
    };
    for k in ["estimate", "se", "t_statistic", "dof", "r2yd_x", "rv_q", "rv_qa"] {
        close(&v["sensitivity"][k], &r["sensitivity_stats"][k]);
    }
    for (b, want) in
        v["sensitivity"]["bounds"].as_array().unwrap().iter().zip(r["bounds"].as_array().unwrap())
    {
        assert_eq!(b["bound_label"], want["bound_label"]);
        for k in [
            "r2dz_x",
            "r2yz_dx",
            "adjusted_estimate",
            "adjusted_se",
            "adjusted_lower_CI",
            "adjusted_upper_CI",
        ] {
            close(&b[k], &want[k]);
        }
    }
    close(&v["evalue"]["evalue_point"], &r["evalue"]["evalue_point"]);
    close(&v["evalue"]["evalue_ci"], &r["evalue"]["evalue_ci"]);

    let (code, stdout, _) = counterfact(&with(&[&covs[..], &["--benchmark", "re74"]].concat()));
    assert_eq!(code, 0);
    assert!(stdout.contains("robustness value RV (q = 1): 1.7 %"), "{stdout}");
    assert!(stdout.contains("1x re74"), "{stdout}");

    let (code, _, stderr) = counterfact(&with(&[&covs[..], &["--benchmark", "height"]].concat()));
    assert_eq!(code, 1);
    assert!(stderr.contains("the benchmark `height` is not among the covariates"), "{stderr}");
    let (code, _, stderr) = counterfact(&with(&["--benchmark", "re74", "--kd", "0"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--kd needs numbers above 0"), "{stderr}");
}

#[test]
fn refute_prints_each_verdict_and_exits_1_when_one_fails() {
    let file = format!("{DATA}nsw_experimental.csv");
    let base = ["refute", &file, "--treatment", "treat", "--outcome", "re78"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let covs = ["--covariates", NSW_COVARIATES];
    let v =
        json_ok(&with(&[&covs[..], &["--refuter", "placebo,subset", "--n=50", "--json"]].concat()));
    let r = v["refuters"].as_array().unwrap();
    assert_eq!(r.len(), 2, "ols alone by default");
    assert_eq!((r[0]["refuter"].as_str(), r[0]["method"].as_str()), (Some("placebo"), Some("ols")));
    assert_eq!(r[0]["new_estimates"].as_array().unwrap().len(), 50);
    assert!(r[0]["p_value"].as_f64().unwrap() < 0.05);
    assert!(
        r.iter()
            .all(|x| x["passed"] == true && x["verdict"].as_str().unwrap().starts_with("passed: "))
    );

    // No covariates leaves the placebo to fail on an outcome the treatment does not touch.
    let (code, stdout, _) = counterfact(&with(&[
        "--outcome",
        "age",
        "--covariates",
        "educ",
        "--refuter",
        "placebo",
        "--n",
        "50",
    ]));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("[FAIL] ols, placebo: failed: "), "{stdout}");

    let (code, _, stderr) = counterfact(&with(&["--refuter", "magic"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown refuter `magic` (one of: placebo, random-cause"), "{stderr}");
    let (code, _, stderr) = counterfact(&with(&["--n", "1"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--n must be a whole number from 2"), "{stderr}");
}
