//! Spec resolution, the missing-value policy, encoding, and invariances of the estimates.

use super::*;
use crate::{EstimandChoice, MissingPolicy};

fn table(text: &str) -> Table {
    cf_data::read_csv(text.as_bytes(), &Default::default(), &mut |_| true).unwrap().0
}

fn spec(t: &str, y: &str, covs: Option<&[&str]>) -> AnalysisSpec {
    let mut s = AnalysisSpec::new(t, y, Method::ADJUSTMENT.to_vec());
    s.covariates = covs.map(|c| c.iter().map(|s| s.to_string()).collect());
    s
}

/// A small deterministic dataset with a confounder `x`, a categorical `g` and some gaps.
fn sample_csv(n: usize) -> String {
    let mut s = String::from("y,t,x,g,z\n");
    for i in 0..n {
        let x = ((i * 37) % 101) as f64 / 10.0;
        let t = u8::from((i * 13) % 7 < 3 + usize::from(x > 5.0));
        let g = ["a", "b", "c"][i % 3];
        let y = 1.0
            + 2.0 * f64::from(t)
            + 0.7 * x
            + if g == "b" { 1.5 } else { 0.0 }
            + ((i * 7919) % 17) as f64 / 17.0;
        let z = if i % 11 == 0 { String::new() } else { format!("{}", (i % 5) as f64) };
        s += &format!("{y},{t},{x},{g},{z}\n");
    }
    s
}

#[test]
fn default_covariates_are_the_other_numeric_columns() {
    let t = table(&sample_csv(50));
    assert_eq!(default_covariates(&t, &spec("t", "y", None)), vec!["x", "z"]);
    // Nor are an instrument and the fold column, and neither can also be a covariate.
    let mut s = spec("t", "y", None);
    s.instruments = vec!["x".into()];
    assert_eq!(default_covariates(&t, &s), vec!["z"]);
    s.fold_column = Some("z".into());
    assert!(default_covariates(&t, &s).is_empty());
    s.covariates = Some(vec!["x".into()]);
    assert_eq!(
        Design::build(&t, &s).unwrap_err().to_string(),
        "`x` cannot be both the instrument and the covariate"
    );
    let r = analyze(&t, &spec("t", "y", None)).unwrap();
    assert_eq!(r.covariates, vec!["x", "z"]);
    assert_eq!(r.results.len(), Method::ADJUSTMENT.len(), "{:?}", r.errors);
    assert_eq!(r.warnings, vec!["dropped 5 of 50 rows with a missing value in `z`"]);
    assert!(
        r.results
            .iter()
            .filter(|e| e.method != Method::Psm)
            .all(|e| e.n == 45 && e.n_treated + e.n_control == 45)
    );
}

#[test]
fn categorical_covariates_are_one_hot_encoded() {
    let t = table(&sample_csv(60));
    let r = analyze(&t, &spec("t", "y", Some(&["x", "g"]))).unwrap();
    assert_eq!(r.covariates, vec!["x", "g=b", "g=c"]);
    assert_eq!(
        r.warnings,
        vec!["`g` is categorical: encoded as 2 indicator columns, `a` is the reference level"]
    );
    let ols = &r.results[1];
    assert_eq!(ols.method, Method::Ols);
    // y = 1 + 2t + 0.7x + 1.5[g=b] + noise in [0, 1): the adjusted effect is close to 2.
    assert!((ols.estimate - 2.0).abs() < 0.3, "{}", ols.estimate);
}

#[test]
fn spec_errors_name_the_variable() {
    let t = table(&sample_csv(20));
    let msg = |s: AnalysisSpec| analyze(&t, &s).unwrap_err().to_string();
    assert_eq!(msg(spec("nope", "y", None)), "the treatment column `nope` is not in the data");
    assert_eq!(
        msg(spec("t", "y", Some(&["x", "w"]))),
        "the covariate column `w` is not in the data"
    );
    assert_eq!(
        msg(spec("x", "y", None)),
        "the treatment `x` must hold only 0 and 1 (treated / control), but it is numeric with values such as \"3.7\"; for several treatment arms, name the control level"
    );
    assert_eq!(
        msg(spec("t", "g", None)),
        "the outcome `g` holds text; pick a numeric or 0/1 column"
    );
    assert_eq!(msg(spec("t", "t", None)), "`t` cannot be both the treatment and the outcome");
    assert_eq!(
        msg(spec("t", "y", Some(&["y"]))),
        "`y` cannot be both the outcome and the covariate"
    );
    assert_eq!(msg(spec("t", "y", Some(&["x", "x"]))), "the covariate `x` is listed twice");
    let mut s = spec("t", "y", None);
    s.methods.clear();
    assert_eq!(msg(s), "choose at least one method");
}

#[test]
fn a_failing_method_does_not_hide_the_others() {
    let t = table("y,t,a,b\n1,0,1,2\n2,1,2,4\n3,0,3,6\n4,1,4,8\n5,0,5,10\n7,1,1,2\n");
    let mut s = spec("t", "y", None);
    s.methods = vec![Method::DiffMeans, Method::Ols];
    let r = analyze(&t, &s).unwrap();
    assert_eq!(r.results.len(), 1);
    assert_eq!(r.results[0].method, Method::DiffMeans);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(
        r.errors[0].message,
        "`b` is a linear combination of `a` (and the intercept): the design is rank-deficient; remove one of these columns"
    );
}

#[test]
fn all_rows_missing_is_an_error() {
    let t = table("y,t,x\n1,0,\n2,1,NA\n3,0,\n");
    assert_eq!(analyze(&t, &spec("t", "y", None)).unwrap_err(), AnalysisError::NoCompleteRows);
}

/// Shuffles rows, shifts or scales y, and checks every method's effect responds as it must.
///
/// The R- and DR-learners get their folds from a column, so the folds move with the rows (folds
/// drawn from the seed are tied to row positions). Matching is left out of the permutation check:
/// greedy matching takes treated units in row order by definition (as causalml does), and ties
/// go to the earlier row.
#[test]
fn invariances_row_order_location_and_scale() {
    let mut text = String::new();
    for (i, line) in sample_csv(120).lines().enumerate() {
        let fold = if i == 0 { "fold".to_string() } else { (i % 3).to_string() };
        text += &format!("{line},{fold}\n");
    }
    let run = |text: &str| {
        let mut s = spec("t", "y", Some(&["x", "g"]));
        s.fold_column = Some("fold".into());
        let r = analyze(&table(text), &s).unwrap();
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.results.len(), Method::ADJUSTMENT.len());
        r
    };
    let base = run(&text);
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    // A fixed permutation: reverse, then interleave.
    lines.reverse();
    let (a, b) = lines.split_at(lines.len() / 2);
    let mut shuffled = vec![header.to_string()];
    for i in 0..a.len().max(b.len()) {
        shuffled.extend(b.get(i).map(|s| s.to_string()));
        shuffled.extend(a.get(i).map(|s| s.to_string()));
    }
    let permuted = run(&shuffled.join("\n"));

    let transform = |f: &dyn Fn(f64) -> f64| {
        let mut out = vec![header.to_string()];
        for l in text.lines().skip(1) {
            let (y, rest) = l.split_once(',').unwrap();
            out.push(format!("{},{rest}", f(y.parse().unwrap())));
        }
        run(&out.join("\n"))
    };
    let shifted = transform(&|y| y + 1000.0);
    let scaled = transform(&|y| y * -3.0);
    for i in 0..base.results.len() {
        let (b, p, s, k) =
            (&base.results[i], &permuted.results[i], &shifted.results[i], &scaled.results[i]);
        let m = b.method;
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-8 * y.abs().max(1.0);
        if m != Method::Psm {
            assert!(
                close(p.estimate, b.estimate) && close(p.std_error, b.std_error),
                "{m} permuted"
            );
        }
        assert!(close(s.estimate, b.estimate) && close(s.std_error, b.std_error), "{m} shifted");
        assert!(close(k.estimate, -3.0 * b.estimate), "{m} scaled");
        assert!(close(k.std_error, 3.0 * b.std_error), "{m} scaled se");
    }
}

#[test]
fn multi_arm_treatment_compares_each_level_with_the_control() {
    // Two arms with effects +2 and −1 against control, randomized.
    let mut text = String::from("y,arm,x\n");
    for i in 0..300 {
        let arm = ["ctl", "up", "down"][i % 3];
        let x = ((i * 37) % 101) as f64 / 10.0;
        let effect = match arm {
            "up" => 2.0,
            "down" => -1.0,
            _ => 0.0,
        };
        text +=
            &format!("{},{arm},{x}\n", 1.0 + effect + 0.5 * x + ((i * 7919) % 13) as f64 / 13.0);
    }
    let t = table(&text);
    let mut s = spec("arm", "y", Some(&["x"]));
    let err = analyze(&t, &s).unwrap_err().to_string();
    assert_eq!(
        err,
        "the treatment `arm` has 3 values (ctl, down, up): choose the control level, and each other level is compared with it"
    );
    s.control = Some("none".into());
    assert!(analyze(&t, &s).unwrap_err().to_string().contains("\"none\" is not a value of `arm`"));
    s.control = Some("ctl".into());
    s.methods = vec![Method::Ols, Method::TLearner];
    s.options.cate = true;
    let r = analyze(&t, &s).unwrap();
    assert_eq!(r.control.as_deref(), Some("ctl"));
    let arms: Vec<(&str, &str)> =
        r.results.iter().map(|e| (e.arm.as_deref().unwrap(), e.method.as_str())).collect();
    assert_eq!(arms, [("down", "ols"), ("down", "t-learner"), ("up", "ols"), ("up", "t-learner")]);
    assert!((r.results[0].estimate + 1.0).abs() < 0.2, "{}", r.results[0].estimate);
    assert!((r.results[2].estimate - 2.0).abs() < 0.2, "{}", r.results[2].estimate);
    assert!(r.results.iter().all(|e| e.n == 200));
    assert_eq!(r.cate.len(), 2);
    assert_eq!(r.cate[0].rows.len(), 200);
    assert!(
        r.cate[0].rows.iter().all(|&row| row % 3 != 1),
        "the `down` comparison has no `up` rows"
    );
}

#[test]
fn two_sls_takes_instruments_and_warns_when_they_are_weak() {
    // d is driven by z; y = 1.5 d + u, with u also in d (confounding): OLS is biased, 2SLS is not.
    let mut text = String::from("y,d,z,w\n");
    for i in 0..400 {
        let z = (i % 2) as f64;
        let u = ((i * 7919) % 101) as f64 / 101.0 - 0.5;
        let w = ((i * 31) % 17) as f64;
        let d = 2.0 * z + u + 0.1 * w + ((i * 13) % 7) as f64 / 7.0;
        text += &format!("{},{d},{z},{w}\n", 1.5 * d + 3.0 * u + 0.2 * w);
    }
    let t = table(&text);
    let mut s = spec("d", "y", Some(&["w"]));
    s.methods = vec![Method::TwoSls];
    let r = analyze(&t, &s).unwrap();
    assert!(r.errors[0].message.contains("needs an instrument"), "{:?}", r.errors);
    s.instruments = vec!["z".into()];
    let r = analyze(&t, &s).unwrap();
    let iv = &r.results[0];
    assert_eq!((iv.method.as_str(), iv.estimand.as_str()), ("2sls", "LATE"));
    assert!((iv.estimate - 1.5).abs() < 0.1, "{}", iv.estimate);
    assert!(iv.first_stage_f.unwrap() > 100.0 && iv.warnings.is_empty());
    // A useless instrument: w's parity.
    let mut weak = String::from("y,d,z\n");
    for i in 0..400 {
        let d = ((i * 7919) % 101) as f64;
        let z = ((i * 37) % 2) as f64 + if i % 5 == 0 { 0.3 } else { 0.0 };
        weak += &format!("{},{d},{z}\n", 2.0 * d + (i % 7) as f64);
    }
    let mut s = spec("d", "y", Some(&[]));
    s.methods = vec![Method::TwoSls];
    s.instruments = vec!["z".into()];
    let r = analyze(&table(&weak), &s).unwrap();
    let w = r.results.first().map(|e| e.warnings.join(" ")).unwrap_or_default();
    let e = r.errors.first().map(|e| e.message.clone()).unwrap_or_default();
    assert!(w.contains("weak instrument") || e.contains("do not predict"), "{w} {e}");
}

#[test]
fn bootstrap_is_seeded_and_reports_progress() {
    let t = table(&sample_csv(100));
    let mut s = spec("t", "y", Some(&["x"]));
    s.methods = vec![Method::DiffMeans, Method::Ipw];
    s.options.bootstrap = 50;
    let mut seen = Vec::new();
    let r = analyze_with_progress(&t, &s, &mut |p| {
        seen.push(p);
        true
    })
    .unwrap();
    assert_eq!(seen.len(), 100);
    assert!((seen[99] - 1.0).abs() < 1e-12);
    let b = r.results[0].bootstrap.as_ref().unwrap();
    assert_eq!(b.replications, 50);
    // The bootstrap SE of a difference in means is near its analytic SE.
    let ratio = b.std_error / r.results[0].std_error;
    assert!((0.6..1.5).contains(&ratio), "{ratio}");
    assert!(b.ci_low < r.results[0].estimate && r.results[0].estimate < b.ci_high);
    let again = analyze(&t, &s).unwrap();
    assert_eq!(again.results[0].bootstrap, r.results[0].bootstrap, "same seed, same draws");
    // Cancel after 10 replications: the bootstrap keeps what it has, the rest is skipped.
    let mut calls = 0;
    let r = analyze_with_progress(&t, &s, &mut |_| {
        calls += 1;
        calls < 10
    })
    .unwrap();
    assert_eq!(r.results[0].bootstrap.as_ref().unwrap().replications, 10);
    assert!(r.results[1].bootstrap.is_none());
}

#[test]
fn balance_improves_after_weighting_and_overlap_counts_every_row() {
    let t = table(&sample_csv(200));
    let mut s = spec("t", "y", Some(&["x"]));
    s.methods = vec![Method::Ipw, Method::Psm];
    s.options.replace = true;
    let r = analyze(&t, &s).unwrap();
    let b = &r.balance[0].rows[0];
    assert_eq!(b.covariate, "x");
    assert!(b.smd_before.abs() > 0.1, "x confounds: {}", b.smd_before);
    assert!(b.smd_weighted.unwrap().abs() < b.smd_before.abs() / 2.0);
    assert!(b.smd_matched.unwrap().abs() < b.smd_before.abs());
    let o = &r.overlap[0];
    assert_eq!(o.treated.iter().sum::<usize>() + o.control.iter().sum::<usize>(), 200);
    assert_eq!(o.edges.len(), o.treated.len() + 1);
}

#[test]
fn ipw_reports_its_propensity_model_and_randomized_ipw_equals_difference_in_means() {
    // Without covariates the propensity is the treated share in every row, so Hajek IPW is
    // exactly the difference in means.
    let t = table(&sample_csv(90));
    let mut s = spec("t", "y", Some(&[]));
    s.methods = vec![Method::DiffMeans, Method::Ipw];
    let r = analyze(&t, &s).unwrap();
    let (dm, ipw) = (&r.results[0], &r.results[1]);
    assert!(
        (dm.estimate - ipw.estimate).abs() < 1e-12 * dm.estimate.abs(),
        "{} vs {}",
        dm.estimate,
        ipw.estimate
    );
    let p = r.propensity.unwrap();
    assert!((p.min - p.max).abs() < 1e-12 && p.n_trimmed == 0);
    // ATT and trimming go through.
    s.options.estimand = EstimandChoice::Att;
    s.covariates = Some(vec!["x".into()]);
    s.options.trim = 0.45;
    let r = analyze(&t, &s).unwrap();
    assert_eq!(r.results[1].estimand, Estimand::Att);
    assert!(r.results[1].n < 90);
    assert!(r.warnings.iter().any(|w| w.starts_with("weighting left out")), "{:?}", r.warnings);
}

#[test]
fn report_json_shape() {
    let t = table(&sample_csv(30));
    let mut s = spec("t", "y", Some(&["x"]));
    s.methods = vec![Method::Ols];
    let report = analyze(&t, &s).unwrap();
    let v = serde_json::to_value(&report).unwrap();
    let row = &v["results"][0];
    // The results CSV's core columns are named as the JSON's fields.
    let csv = export::results_csv(&report);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header.len(), 9, "{header:?}");
    for key in header {
        assert!(!row[key].is_null(), "missing {key}");
    }
    assert_eq!(row["method"], "ols");
    assert_eq!(row["estimand"], "ATE");
    assert!(v["warnings"].is_array());
    let parsed: AnalysisSpec = serde_json::from_str(
        r#"{"treatment":"t","outcome":"y","covariates":null,"methods":["diff-means","ols"]}"#,
    )
    .unwrap();
    assert_eq!(parsed.options.alpha, 0.05);
    assert_eq!(parsed.methods, vec![Method::DiffMeans, Method::Ols]);
    assert_eq!((parsed.options.estimand, parsed.options.trim), (EstimandChoice::Ate, 0.0));
}

#[test]
fn one_hot_levels_come_from_the_rows_used() {
    // Level `zz` occurs only in a row dropped for a missing `x`; `a` (the first level) too.
    let t = table(
        "y,t,x,g\n1,0,,a\n2,1,,zz\n3,0,1,b\n4,1,2,c\n2,0,3,b\n5,1,4,c\n3,0,5,b\n6,1,6,c\n2,1,7,b\n3,0,8,c\n",
    );
    let mut s = spec("t", "y", Some(&["x", "g"]));
    s.methods = vec![Method::Ols];
    let r = analyze(&t, &s).unwrap();
    assert_eq!(r.covariates, vec!["x", "g=c"]);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(
        r.warnings.iter().any(|w| w.contains("`b` is the reference level")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn an_identifier_column_is_refused_as_a_covariate() {
    let mut text = String::from("y,t,id\n");
    for i in 0..300 {
        text += &format!("{},{},user{i}\n", i % 7, i % 2);
    }
    let err = analyze(&table(&text), &spec("t", "y", Some(&["id"]))).unwrap_err();
    assert_eq!(err, AnalysisError::TooManyLevels { name: "id".into(), levels: 300 });
}

#[test]
fn a_non_finite_result_is_a_method_error_not_a_number() {
    let t = table("y,t\n1e200,0\n-1e200,1\n3e200,0\n-2e200,1\n");
    let mut s = spec("t", "y", Some(&[]));
    s.methods = vec![Method::DiffMeans];
    let r = analyze(&t, &s).unwrap();
    assert!(r.results.is_empty());
    assert!(r.errors[0].message.contains("not a finite number"), "{:?}", r.errors);
}

#[test]
fn missing_covariates_can_be_imputed_with_an_indicator() {
    let t = table(
        "y,t,x,g\n1,0,1,a\n2,1,,b\n3,0,3,\n4,1,4,a\n2,0,,b\n5,1,6,a\n3,0,7,b\n6,1,8,\n2,1,9,a\n3,0,10,b\n",
    );
    let mut s = spec("t", "y", Some(&["x", "g"]));
    s.methods = vec![Method::DiffMeans, Method::Ols];
    let dropped = analyze(&t, &s).unwrap();
    assert_eq!(dropped.results[0].n, 6);
    s.options.missing = MissingPolicy::Indicator;
    let r = analyze(&t, &s).unwrap();
    assert_eq!(r.results[0].n, 10, "no row dropped");
    assert_eq!(r.covariates, ["x", "x missing", "g=b", "g=(missing)"]);
    assert!(
        r.warnings.iter().any(|w| w.starts_with("`x`: 2 missing values set to the mean")),
        "{:?}",
        r.warnings
    );
    let design = Design::build(&t, &s).unwrap();
    let mean = (1.0 + 3.0 + 4.0 + 6.0 + 7.0 + 8.0 + 9.0 + 10.0) / 8.0;
    assert_eq!(design.covariates[0][1], mean);
    assert_eq!(&design.covariates[1][..4], &[0.0, 1.0, 0.0, 0.0]);
    assert_eq!(design.covariates[3][2], 1.0);
}

#[test]
fn implied_independences_are_tested_by_partial_correlation() {
    // y depends on x; z is noise: x ⟂ z holds, x ⟂ y does not.
    let mut text = String::from("x,y,z,g\n");
    for i in 0..300 {
        let x = ((i * 37) % 101) as f64 / 10.0;
        let z = ((i * 7919) % 97) as f64;
        text += &format!("{x},{},{z},{}\n", 2.0 * x + ((i * 13) % 7) as f64, ["a", "b"][i % 2]);
    }
    let t = table(&text);
    let ind = |x: &str, y: &str, given: &[&str]| Independence {
        x: x.into(),
        y: y.into(),
        given: given.iter().map(|s| s.to_string()).collect(),
    };
    let r = test_independences(
        &t,
        &[ind("x", "z", &[]), ind("x", "y", &["z"]), ind("x", "g", &[]), ind("x", "w", &[])],
    );
    assert!(r[0].p_value.unwrap() > 0.01, "{:?}", r[0]);
    assert!(r[1].p_value.unwrap() < 1e-10 && r[1].r.unwrap() > 0.9, "{:?}", r[1]);
    assert_eq!(r[1].n, 300);
    assert_eq!(r[2].error.as_deref(), Some("`g` holds text; the test needs numbers"));
    assert_eq!(r[3].error.as_deref(), Some("`w` is not a column of the data"));
}

#[test]
fn a_failure_on_multi_arm_data_names_its_method_and_arm_apart() {
    // `b` = 2a: OLS fails in each comparison; the arm label starts like a spreadsheet formula.
    let mut text = String::from("y,arm,a,b\n");
    for i in 0..90 {
        let arm = ["ctl", "=HYPERLINK(\"x\")", "plain"][i % 3];
        let a = ((i * 37) % 11) as f64;
        text +=
            &format!("{},\"{}\",{a},{}\n", (i % 7) as f64 + a, arm.replace('"', "\"\""), 2.0 * a);
    }
    let t = table(&text);
    let mut s = spec("arm", "y", Some(&["a", "b"]));
    s.control = Some("ctl".into());
    s.methods = vec![Method::DiffMeans, Method::Ols];
    let r = analyze(&t, &s).unwrap();
    let failed: Vec<(Method, Option<&str>)> =
        r.errors.iter().map(|f| (f.method, f.arm.as_deref())).collect();
    assert_eq!(failed, [(Method::Ols, Some("=HYPERLINK(\"x\")")), (Method::Ols, Some("plain"))]);
    assert_eq!(r.errors[1].label(), "ols (plain)");
    let json = serde_json::to_value(&r.errors[1]).unwrap();
    assert_eq!(json["method"], "ols");
    assert_eq!(json["arm"], "plain");
    // The results CSV keeps the method and the arm in their own columns.
    let csv = export::results_csv(&r);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("method,arm,"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with("ols,plain,")), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("ols,\"'=HYPERLINK(\"\"x\"\")\",")), "{csv}");
}

#[test]
fn arm_labels_that_look_like_formulas_are_defused_in_the_per_unit_csv() {
    let mut text = String::from("y,arm,x\n");
    for i in 0..120 {
        let arm = ["ctl", "=1+1", "@SUM(A1)", "-2+3"][i % 4];
        let x = ((i * 37) % 101) as f64 / 10.0;
        text += &format!("{},{arm},{x}\n", 1.0 + 0.5 * x + ((i * 7919) % 13) as f64 / 13.0);
    }
    let t = table(&text);
    let mut s = spec("arm", "y", Some(&["x"]));
    s.control = Some("ctl".into());
    s.methods = vec![Method::TLearner];
    s.options.cate = true;
    let r = analyze(&t, &s).unwrap();
    let csv = cate_csv(&r).unwrap();
    let arms: std::collections::BTreeSet<&str> =
        csv.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(arms.into_iter().collect::<Vec<_>>(), ["'-2+3", "'=1+1", "'@SUM(A1)"]);
    assert!(csv.starts_with("row,arm,t-learner\n"));
}

#[test]
fn options_are_checked_in_one_place() {
    let ok = Options::default();
    assert_eq!(ok.validate(), Ok(()));
    let bad = |o: Options| o.validate().unwrap_err().to_string();
    assert_eq!(
        bad(Options { alpha: 0.0, ..ok.clone() }),
        "alpha (1 − the confidence level) must be a number from 0.000001 to 0.5, got 0"
    );
    assert!(bad(Options { alpha: f64::NAN, ..ok.clone() }).starts_with("alpha"));
    assert_eq!(
        bad(Options { trim: 0.5, ..ok.clone() }),
        "trim must be a number in [0, 0.5), got 0.5"
    );
    assert_eq!(
        bad(Options { l2: f64::INFINITY, ..ok.clone() }),
        "l2 must be a number ≥ 0, got inf"
    );
    assert_eq!(
        bad(Options { bootstrap: Options::MAX_BOOTSTRAP + 1, ..ok.clone() }),
        "bootstrap must be a whole number up to 10000, got 10001"
    );
    assert_eq!(Options { alpha: 0.5, trim: 0.49, bootstrap: 10_000, ..ok }.validate(), Ok(()));
    // The spec serializes flat, as share links have always held it.
    let json = serde_json::to_value(AnalysisSpec::new("t", "y", vec![Method::Ols])).unwrap();
    assert_eq!(json["alpha"], 0.05);
    assert_eq!(json["seed"], 42);
    assert!(json.get("options").is_none());
}

#[test]
fn covariates_that_reproduce_the_outcome_are_refused_by_name() {
    // NHEFS-like: the outcome is the weight change wt82 − wt71, and wt82 (measured after the
    // treatment) is among the covariates.
    let mut text = String::from("qsmk,change,wt71,wt82,age\n");
    for i in 0..200 {
        let t = i % 2;
        let wt71 = 60.0 + ((i * 37) % 41) as f64;
        let age = 25.0 + ((i * 13) % 40) as f64;
        let wt82 = wt71 + 3.0 * t as f64 + ((i * 7919) % 17) as f64 / 4.0 - 2.0;
        text += &format!("{t},{:.2},{wt71},{wt82:.2},{age}\n", wt82 - wt71);
    }
    let t = table(&text);
    let s = spec("qsmk", "change", None);
    let r = analyze(&t, &s).unwrap();
    let ran: Vec<Method> = r.results.iter().map(|e| e.method).collect();
    assert_eq!(ran, [Method::DiffMeans, Method::Ipw, Method::Psm], "{:?}", r.errors);
    for m in [
        Method::Ols,
        Method::Aipw,
        Method::TLearner,
        Method::XLearner,
        Method::RLearner,
        Method::DrLearner,
    ] {
        let f = r.errors.iter().find(|f| f.method == m).unwrap();
        assert!(
            f.message.starts_with("the covariates reproduce the outcome `change` exactly")
                && f.message.contains("`wt71`, `wt82` together give it"),
            "{m}: {}",
            f.message
        );
    }
    assert!(r.warnings.iter().any(|w| w.contains("reproduce the outcome")), "{:?}", r.warnings);
    // Without wt82 the same data estimate as usual.
    let r = analyze(&t, &spec("qsmk", "change", Some(&["wt71", "age"]))).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(r.results.iter().all(|e| e.std_error > 0.0));
}

#[test]
fn a_zero_standard_error_is_never_a_result() {
    // The outcome takes one value per arm: every difference is exact.
    let mut text = String::from("t,y,x\n");
    for i in 0..40 {
        text += &format!("{},{},{}\n", i % 2, 5 + 2 * (i % 2), i % 7);
    }
    let t = table(&text);
    let r = analyze(&t, &spec("t", "y", None)).unwrap();
    assert!(r.results.is_empty(), "{:?}", r.results);
    let dm = r.errors.iter().find(|f| f.method == Method::DiffMeans).unwrap();
    assert!(dm.message.starts_with("the standard error is exactly 0"), "{}", dm.message);
    let ols = r.errors.iter().find(|f| f.method == Method::Ols).unwrap();
    assert!(ols.message.contains("has one value among the treated and one among the controls"));
}

#[test]
fn identifier_columns_are_flagged_in_the_summary() {
    let mut text = String::from("seqn,code,income,age,few\n");
    for i in 0..30 {
        text += &format!("{},C{},{}.5,{},{}\n", 1000 + (i * 7) % 30, i, i * 13, 20 + i % 9, i % 2);
    }
    let s = summarize(&table(&text), &[], 3);
    let flags: Vec<(&str, bool)> =
        s.columns.iter().map(|c| (c.name.as_str(), c.identifier)).collect();
    assert_eq!(
        flags,
        [("seqn", true), ("code", true), ("income", false), ("age", false), ("few", false)]
    );
    // Too few rows to tell.
    let s = summarize(&table("id,y\n1,2\n2,3\n3,4\n"), &[], 3);
    assert!(!s.columns[0].identifier);
}

#[test]
fn a_numeric_column_taken_as_categories_is_encoded_as_its_text_would_be() {
    // `g` as codes 1/2/3 and as the text levels c1/c2/c3: the same design, so the same numbers.
    let text = sample_csv(300);
    let mut codes = String::from("y,t,x,g,z\n");
    let mut words = String::from("y,t,x,g,z\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let k = match f[3] {
            "a" => 1,
            "b" => 2,
            _ => 3,
        };
        codes += &format!("{},{},{},{k},{}\n", f[0], f[1], f[2], f[4]);
        words += &format!("{},{},{},c{k},{}\n", f[0], f[1], f[2], f[4]);
    }
    let covs = ["x", "g"];
    let mut by_code = spec("t", "y", Some(&covs));
    by_code.categorical = vec!["g".into()];
    let a = analyze(&table(&codes), &by_code).unwrap();
    let b = analyze(&table(&words), &spec("t", "y", Some(&covs))).unwrap();
    let c = analyze(&table(&codes), &spec("t", "y", Some(&covs))).unwrap();
    assert_eq!(a.results.len(), b.results.len());
    for (ra, rb) in a.results.iter().zip(&b.results) {
        assert!(
            (ra.estimate - rb.estimate).abs() < 1e-9,
            "{:?}: {} vs {}",
            ra.method,
            ra.estimate,
            rb.estimate
        );
        assert!((ra.std_error - rb.std_error).abs() < 1e-9);
    }
    // As a number, `g` is one slope instead: a different OLS estimate.
    let ols = |r: &Report| r.results.iter().find(|e| e.method == Method::Ols).unwrap().estimate;
    assert!((ols(&a) - ols(&c)).abs() > 1e-6);
    assert!(
        a.warnings.iter().any(|w| w.contains(
            "`g` is taken as categories: encoded as 2 indicator columns, `1` is the reference level"
        )),
        "{:?}",
        a.warnings
    );
    // A name that is not a column is refused.
    by_code.categorical = vec!["nope".into()];
    let e = analyze(&table(&codes), &by_code).unwrap_err().to_string();
    assert!(e.contains("`nope` is not in the data"), "{e}");
}

#[test]
fn boosted_learners_give_finite_estimates_and_per_unit_effects() {
    use crate::{GbdtSetting, LearnerChoice, OptionError};
    let t = table(&sample_csv(400));
    let mut s = spec("t", "y", Some(&["x", "g"]));
    s.methods = vec![
        Method::SLearner,
        Method::TLearner,
        Method::XLearner,
        Method::RLearner,
        Method::DrLearner,
    ];
    s.options.learner = LearnerChoice::Gbdt;
    s.options.gbdt.trees = 30;
    s.options.effect_gbdt.trees = 20;
    s.options.cate = true;
    s.options.bootstrap = 3;
    let r = analyze(&t, &s).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.results.len(), 5);
    for e in &r.results {
        assert!(e.estimate.is_finite() && e.std_error.is_finite(), "{e:?}");
        // The data's effect is 2 (y = … + 2t); boosted trees on 400 rows land near it.
        assert!((e.estimate - 2.0).abs() < 1.0, "{}: {}", e.method, e.estimate);
        assert!(e.warnings.iter().any(|w| w.contains("gradient-boosted trees")), "{e:?}");
    }
    assert_eq!(r.cate.len(), 5);
    assert!(
        r.cate
            .iter()
            .all(|c| c.rows.len() == c.values.len() && c.values.iter().all(|v| v.is_finite()))
    );
    assert!(crate::cate_csv(&r).is_some());

    // A 0/1 outcome: classifiers, effects are differences of probabilities.
    let mut text = String::from("y,t,x\n");
    for i in 0..400 {
        let x = ((i * 37) % 101) as f64 / 100.0;
        let t = (i * 13) % 7 < 3;
        let y = ((i * 7919) % 100) as f64 / 100.0 < 0.2 + 0.3 * x + if t { 0.2 } else { 0.0 };
        text += &format!("{},{},{x}\n", u8::from(y), u8::from(t));
    }
    let mut b = spec("t", "y", Some(&["x"]));
    b.methods = vec![Method::TLearner, Method::XLearner];
    b.options.learner = LearnerChoice::Gbdt;
    b.options.cate = true;
    let r = analyze(&table(&text), &b).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    for e in &r.results {
        assert!(e.warnings.iter().any(|w| w.contains("classifiers of the 0/1 outcome")), "{e:?}");
        assert!(e.estimate.abs() < 1.0);
    }
    assert!(r.cate[0].values.iter().all(|v| (-1.0..=1.0).contains(v)));

    // Bad settings: the validator's message, naming the flag.
    s.options.effect_gbdt.rate = 0.0;
    let err = analyze(&t, &s).unwrap_err().to_string();
    assert_eq!(
        err, "effect-gbdt-rate (the learning rate) must be a number in (0, 1], got 0",
        "{err}"
    );
    assert_eq!(
        s.options.validate(),
        Err(OptionError::Gbdt { effect: true, setting: GbdtSetting::Rate(0.0) })
    );
    s.options.effect_gbdt.rate = 0.1;
    s.options.gbdt.leaves = 1;
    assert!(analyze(&t, &s).unwrap_err().to_string().starts_with("gbdt-leaves (leaves per tree)"));
}

#[test]
fn boosted_learners_on_a_multi_arm_treatment() {
    use crate::LearnerChoice;
    let mut text = String::from("y,arm,x\n");
    for i in 0..450 {
        let arm = ["ctl", "up", "down"][i % 3];
        let x = ((i * 37) % 101) as f64 / 10.0;
        let effect = match arm {
            "up" => 2.0,
            "down" => -1.0,
            _ => 0.0,
        };
        text +=
            &format!("{},{arm},{x}\n", 1.0 + effect + 0.5 * x + ((i * 7919) % 13) as f64 / 13.0);
    }
    let mut s = spec("arm", "y", Some(&["x"]));
    s.control = Some("ctl".into());
    s.methods = vec![Method::SLearner, Method::TLearner, Method::DrLearner];
    s.options.learner = LearnerChoice::Gbdt;
    s.options.cate = true;
    let r = analyze(&table(&text), &s).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.results.len(), 6);
    for e in &r.results {
        let want = if e.arm.as_deref() == Some("up") { 2.0 } else { -1.0 };
        assert!((e.estimate - want).abs() < 0.5, "{} {:?}: {}", e.method, e.arm, e.estimate);
    }
    assert_eq!(r.cate.len(), 6);
    assert!(r.cate.iter().all(|c| c.rows.len() == 300));
}

#[test]
fn a_targeting_list_has_every_row_ranks_by_the_model_and_marks_the_top_rows() {
    use crate::uplift::{self, ListSpec, UpliftSpec, UpliftSplit};
    // Row 3 misses x: the models never see it. `=HYPERLINK` would run in a spreadsheet.
    let t = table(
        "id,t,y,x,test\na1,1,1,0.5,0\n=HYPERLINK(1),0,0,0.2,1\nc3,1,0,,0\nd4,0,1,0.9,1\ne5,1,1,0.1,1\nf6,0,0,0.3,0\n",
    );
    let mut roles = AnalysisSpec::new("t", "y", Vec::new());
    roles.covariates = Some(vec!["x".into()]);
    let spec = UpliftSpec {
        roles,
        models: Vec::new(),
        scores: Vec::new(),
        split: UpliftSplit::Column("test".into()),
        bootstrap: 10,
        alpha: 0.05,
        seed: 1,
        gbdt: Default::default(),
        effect_gbdt: Default::default(),
        tree: Default::default(),
        truth: None,
    };
    // `prepare` refuses nothing to evaluate; the list itself needs no model.
    let mut with_score = spec.clone();
    with_score.scores = vec!["x".into()];
    let data = uplift::prepare(&t, &with_score).unwrap();
    assert_eq!(data.rows, vec![0, 1, 3, 4, 5]);
    // Ties (0.2 twice) keep file order; NaN ranks last.
    let u = [0.2, 0.5, f64::NAN, 0.2, 0.9];
    let columns = vec![("uplift".to_string(), &u[..])];
    let list = ListSpec {
        columns: &columns,
        rank_by: 0,
        treat: 2,
        treat_label: "treat",
        key: Some("id"),
        pricing: None,
    };
    let csv = uplift::targeting_list(&t, &data, &list).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "row,id,uplift,rank,decision");
    assert_eq!(lines[1], "1,a1,0.2,3,none");
    assert_eq!(lines[2], "2,'=HYPERLINK(1),0.5,2,treat");
    assert_eq!(lines[3], "3,c3,,,none (missing values)");
    assert_eq!(lines[4], "4,d4,,5,none");
    assert_eq!(lines[5], "5,e5,0.2,4,none");
    assert_eq!(lines[6], "6,f6,0.9,1,treat");
    assert_eq!(lines.len(), 7);
    let short = [0.1];
    let bad = vec![("uplift".to_string(), &short[..])];
    assert!(uplift::targeting_list(&t, &data, &ListSpec { columns: &bad, ..list }).is_err());
    let e = uplift::targeting_list(&t, &data, &ListSpec { key: Some("nope"), ..list }).unwrap_err();
    assert!(e.to_string().contains("`nope`"), "{e}");
}

/// A campaign log with a text covariate, a numeric one with missing values (indicator policy)
/// and a two-arm treatment, for the model-file tests.
fn campaign(arms: &[&str], rows: usize) -> String {
    let mut text = String::from("id,arm,bought,recency,channel,spend\n");
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut draw = |m: u64| {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % m) as usize
    };
    for i in 0..rows {
        let arm = arms[draw(arms.len() as u64)];
        let recency = draw(12);
        let channel = ["web", "phone", "both"][draw(3)];
        let spend = if i % 17 == 0 { String::new() } else { format!("{}", draw(50)) };
        let lift = if arm == arms[0] {
            0.0
        } else if recency < 5 {
            0.3
        } else {
            0.05
        };
        let u = draw(1000) as f64 / 1000.0;
        let bought = u8::from(u < 0.2 + lift + if channel == "web" { 0.1 } else { 0.0 });
        text += &format!("c{i},{arm},{bought},{recency},{channel},{spend}\n");
    }
    text
}

#[test]
fn a_saved_model_scores_the_file_it_was_fitted_on_to_the_same_list_byte_for_byte() {
    use crate::model_file::{self, ScoreOptions};
    use crate::uplift::{self, UpliftModel, UpliftSpec, UpliftSplit};
    for arms in [&["0", "1"][..], &["ctl", "mail", "sms"][..]] {
        let t = table(&campaign(arms, 1200));
        let mut roles = AnalysisSpec::new("arm", "bought", Vec::new());
        roles.covariates = Some(vec!["recency".into(), "channel".into(), "spend".into()]);
        roles.options.missing = crate::MissingPolicy::Indicator;
        if arms.len() > 2 {
            roles.control = Some("ctl".into());
        }
        let spec = UpliftSpec {
            roles,
            models: [
                "uplift-forest-kl",
                "uplift-tree-ed",
                "t-learner-gbdt",
                "x-learner-linear",
                "dr-learner-gbdt",
                "s-learner-gbdt",
                "r-learner-linear",
                "causal-forest",
                "causal-tree",
            ]
            .iter()
            .map(|m| m.parse::<UpliftModel>().unwrap())
            .collect(),
            scores: Vec::new(),
            split: UpliftSplit::Fraction { test_fraction: 0.3, seed: 7 },
            bootstrap: 10,
            alpha: 0.05,
            seed: 3,
            gbdt: crate::uplift::GbdtOptions { trees: 20, ..Default::default() },
            effect_gbdt: crate::uplift::GbdtOptions { trees: 20, ..Default::default() },
            tree: Default::default(),
            truth: None,
        };
        let data = uplift::prepare(&t, &spec).unwrap();
        let run = uplift::run(&data, &spec, &|| 0.0, &mut |_| {});
        assert!(run.errors.is_empty(), "{:?}", run.errors);
        // With several arms, also priced apart: sms is cheap, mail dear.
        let cost = |c| uplift::ArmCost { cost_per_treated: c, cost_per_conversion: 0.0 };
        let priced = uplift::ArmPricing { value: 1.0, costs: vec![cost(0.12), cost(0.02)] };
        let pricings = if arms.len() > 2 { vec![None, Some(&priced)] } else { vec![None] };
        for pricing in pricings {
            for focus in 0..run.report.models.len() {
                let share = 0.37;
                let text =
                    model_file::save(&data, &run, focus, share, Some("id"), pricing).unwrap();
                let file = model_file::load(&text).unwrap();
                let scored = model_file::score(&t, &file, &ScoreOptions::default()).unwrap();
                let treat = (share * data.rows.len() as f64).round() as usize;
                let want =
                    uplift::targeting_csv(&t, &data, &run, focus, treat, Some("id"), pricing)
                        .unwrap();
                assert_eq!(scored.csv, want, "{}", run.report.models[focus].model);
                assert_eq!((scored.rows, scored.scored, scored.treated), (1200, 1200, treat));
                if pricing.is_some() {
                    // Treated rows get the arm whose net value is highest, ranked by it.
                    let lines: Vec<&str> = want.lines().collect();
                    assert_eq!(lines[0], "row,id,uplift:mail,uplift:sms,net_value,rank,decision");
                    for line in &lines[1..] {
                        let f: Vec<&str> = line.split(',').collect();
                        let (mail, sms, net) = (
                            f[2].parse::<f64>().unwrap(),
                            f[3].parse::<f64>().unwrap(),
                            f[4].parse::<f64>().unwrap(),
                        );
                        let best = (mail - 0.12).max(sms - 0.02);
                        assert!((net - best).abs() < 1e-12, "{line}");
                        let rank: usize = f[5].parse().unwrap();
                        let arm = if mail - 0.12 > sms - 0.02 { "mail" } else { "sms" };
                        assert_eq!(f[6], if rank <= treat { arm } else { "none" }, "{line}");
                    }
                }
            }
        }
        if arms.len() > 2 {
            let rows = uplift::policy_rows(&data, &run).unwrap();
            assert_eq!(rows.models.len(), 9);
            assert!(rows.models.iter().all(|(_, c)| c.len() == 2 && c[0].len() == data.n_test));
            let d = uplift::decide_arms(&rows, 0, &priced, 1200, 1.0, 0.05).unwrap();
            assert_eq!(d.model, "uplift-forest-kl");
            let sum: usize = d.customers_per_arm.iter().sum();
            assert!(sum.abs_diff(d.customers) <= 2, "{sum} vs {}", d.customers);
            assert!(d.profit >= 0.0 && d.profit_ci[0] <= d.profit && d.profit <= d.profit_ci[1]);
            // Wrong pricing is refused, in words.
            let short = uplift::ArmPricing { value: 1.0, costs: vec![cost(0.1)] };
            assert!(uplift::decide_arms(&rows, 0, &short, 1200, 1.0, 0.05).is_none());
            let e = uplift::targeting_csv(&t, &data, &run, 0, 5, None, Some(&short)).unwrap_err();
            assert!(e.to_string().contains("for 1 arms, the treatment has 2"), "{e}");
        } else {
            assert!(uplift::policy_rows(&data, &run).is_none());
        }
    }
}

#[test]
fn a_model_file_that_was_edited_is_of_another_version_or_does_not_fit_the_file_is_refused() {
    use crate::model_file::{self, ModelFileError, ScoreOptions};
    use crate::uplift::{self, UpliftSpec, UpliftSplit};
    let t = table(&campaign(&["0", "1"], 600));
    let mut roles = AnalysisSpec::new("arm", "bought", Vec::new());
    roles.covariates = Some(vec!["recency".into(), "channel".into(), "spend".into()]);
    let spec = UpliftSpec {
        roles,
        models: vec!["uplift-tree-kl".parse().unwrap()],
        scores: Vec::new(),
        split: UpliftSplit::Fraction { test_fraction: 0.3, seed: 7 },
        bootstrap: 10,
        alpha: 0.05,
        seed: 3,
        gbdt: Default::default(),
        effect_gbdt: Default::default(),
        tree: Default::default(),
        truth: None,
    };
    let data = uplift::prepare(&t, &spec).unwrap();
    let run = uplift::run(&data, &spec, &|| 0.0, &mut |_| {});
    let text = model_file::save(&data, &run, 0, 0.5, None, None).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        f(&mut v);
        serde_json::to_string(&v).unwrap()
    };
    // A leaf's rate changed by hand.
    let edited = with(&|v| v["body"]["decision"]["share"] = serde_json::json!(0.9));
    assert_eq!(model_file::load(&edited), Err(ModelFileError::Tampered));
    let newer = with(&|v| v["version"] = serde_json::json!(2));
    let e = model_file::load(&newer).unwrap_err();
    assert_eq!(e, ModelFileError::Version { found: 2 });
    assert!(e.to_string().contains("reads version 1"), "{e}");
    assert!(matches!(model_file::load("{\"rows\": 3}"), Err(ModelFileError::NotAModel(_))));
    assert!(matches!(model_file::load("id,arm\n1,0\n"), Err(ModelFileError::NotAModel(_))));
    // Structure broken and the checksum recomputed: still refused, by the model's own check.
    let mut v = value.clone();
    v["body"]["fitted"]["tree"]["nodes"][0]["split"]["left"] = serde_json::json!(0);
    // The checksum is over the body as the model writes it (fields in their order).
    let body: model_file::ModelBody = serde_json::from_value(v["body"].clone()).unwrap();
    let body = serde_json::to_string(&body).unwrap();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    v["checksum"] = serde_json::json!(format!("{h:016x}"));
    let e = model_file::load(&serde_json::to_string(&v).unwrap()).unwrap_err();
    assert!(matches!(&e, ModelFileError::Damaged(m) if m.contains("out of order")), "{e}");

    let file = model_file::load(&text).unwrap();
    let score = |csv: &str| model_file::score(&table(csv), &file, &ScoreOptions::default());
    let e = score("id,recency,channel\n1,3,web\n").unwrap_err().to_string();
    assert!(e.contains("no column `spend`"), "{e}");
    let e = score("recency,channel,spend\n3,web,1\n4,fax,2\n").unwrap_err().to_string();
    assert!(e.contains("`channel`, row 2: `fax` is not a level"), "{e}");
    let e = score("recency,channel,spend\n3,web,1\nsoon,web,2\n").unwrap_err().to_string();
    assert!(e.contains("`recency` must hold numbers") && e.contains("row 2"), "{e}");
    // Next month's file: no treatment or outcome, a missing value listed unscored.
    let s = score("recency,channel,spend\n3,web,1\n4,phone,\n9,both,7\n").unwrap();
    let lines: Vec<&str> = s.csv.lines().collect();
    assert_eq!(lines[0], "row,uplift,rank,decision");
    assert_eq!(lines[2], "2,,,none (missing values)");
    assert_eq!((s.rows, s.scored, s.treated), (3, 2, 1));
}

#[test]
fn a_true_uplift_column_judges_each_list_and_is_never_a_covariate() {
    use crate::uplift::{self, Truth, UpliftSpec, UpliftSplit};
    // Ranked 3, 1, 2, 0 by the score; by the truth 1, 3, 0, 2.
    let t = Truth::new(&[0.1, 0.5, 0.2, 0.9], &[0.25, 1.0, 0.0, 0.5]);
    assert_eq!(t.fraction.len(), 101);
    assert_eq!((t.model[0], t.model[25], t.model[50], t.model[100]), (0.0, 0.5, 1.5, 1.75));
    assert_eq!((t.best[25], t.best[50], t.best[100]), (1.0, 1.5, 1.75));
    assert_eq!(t.random[50], 0.875);
    assert_eq!(t.share_of_best(25), Some(0.5));
    assert_eq!(Truth::new(&[1.0, 2.0], &[0.0, 0.0]).share_of_best(50), None);

    let mut text = String::from("t,y,x,truth,test\n");
    for r in 0..400 {
        let x = (r % 10) as f64;
        let (treated, test) = (r % 2, usize::from(r % 3 == 0));
        let y = usize::from((r * 7 + treated * (r % 10)) % 10 >= 6);
        text += &format!("{treated},{y},{x},{},{test}\n", x / 20.0);
    }
    let table = table(&text);
    let mut roles = AnalysisSpec::new("t", "y", Vec::new());
    roles.covariates = Some(vec!["x".into(), "truth".into()]);
    let spec = UpliftSpec {
        roles,
        models: Vec::new(),
        scores: vec!["x".into()],
        split: UpliftSplit::Column("test".into()),
        bootstrap: 10,
        alpha: 0.05,
        seed: 1,
        gbdt: Default::default(),
        effect_gbdt: Default::default(),
        tree: Default::default(),
        truth: Some("truth".into()),
    };
    let e = uplift::prepare(&table, &spec).unwrap_err().to_string();
    assert!(e.contains("`truth` is among the covariates"), "{e}");
    let mut ok = spec.clone();
    ok.roles.covariates = Some(vec!["x".into()]);
    let data = uplift::prepare(&table, &ok).unwrap();
    let run = uplift::run(&data, &ok, &|| 0.0, &mut |_| {});
    let truth = run.report.models[0].truth.as_ref().unwrap();
    // The score x ranks exactly by the truth x/20: its list is the best list.
    assert_eq!(truth.model, truth.best);
    assert!(truth.model[30] > truth.random[30]);
    // Without covariates named, the true-uplift column is not a default covariate.
    let mut defaults = ok.clone();
    defaults.roles.covariates = None;
    let data = uplift::prepare(&table, &defaults).unwrap();
    assert!(!data.covariates.contains(&"truth".to_string()), "{:?}", data.covariates);
}

#[test]
fn the_distribution_counts_every_prediction_and_importance_finds_the_driving_column() {
    use crate::uplift::{self, Histogram, UpliftModel, UpliftSpec, UpliftSplit};
    let h = Histogram::of(&[0.0, 1.0, 2.0, 3.0, f64::NAN], 3);
    assert_eq!((h.edges, h.counts, h.missing), (vec![0.0, 1.0, 2.0, 3.0], vec![1, 1, 2], 1));
    let one = Histogram::of(&[2.0, 2.0], 30);
    assert_eq!((one.edges, one.counts), (vec![2.0, 2.0], vec![2]));
    assert!(Histogram::of(&[f64::NAN], 5).counts.is_empty());

    // The effect grows with x; z is noise the effect does not depend on.
    let mut text = String::from("t,y,x,z\n");
    let mut rng = cf_estimate::SplitMix64(3);
    for r in 0..4000 {
        let x = (r % 10) as f64 / 10.0;
        let z = rng.below(1000) as f64 / 1000.0;
        let t = r % 2;
        let p = 0.2 + 0.5 * x * t as f64;
        let y = usize::from((rng.below(10_000) as f64) < p * 10_000.0);
        text += &format!("{t},{y},{x},{z}\n");
    }
    let table = table(&text);
    let mut roles = AnalysisSpec::new("t", "y", Vec::new());
    roles.covariates = Some(vec!["x".into(), "z".into()]);
    for model in [UpliftModel::Tree(uplift::Criterion::Kl), "t-learner-linear".parse().unwrap()] {
        let spec = UpliftSpec {
            roles: roles.clone(),
            models: vec![model],
            scores: Vec::new(),
            split: UpliftSplit::Fraction { test_fraction: 0.3, seed: 1 },
            bootstrap: 10,
            alpha: 0.05,
            seed: 1,
            gbdt: Default::default(),
            effect_gbdt: Default::default(),
            tree: Default::default(),
            truth: None,
        };
        let data = uplift::prepare(&table, &spec).unwrap();
        let run = uplift::run(&data, &spec, &|| 0.0, &mut |_| {});
        let m = &run.report.models[0];
        assert_eq!(m.distribution.counts.iter().sum::<usize>(), 4000, "every row scored");
        let names: Vec<&str> = m.importance.iter().map(|i| i.column.as_str()).collect();
        assert_eq!(names, ["x", "z"], "{:?}", m.importance);
        assert!(
            m.importance[0].permutation > 3.0 * m.importance[1].permutation,
            "{:?}",
            m.importance
        );
        let tree = matches!(model, UpliftModel::Tree(_));
        assert_eq!(m.importance[0].split_gain.is_some(), tree);
        if tree {
            let g: f64 = m.importance.iter().map(|i| i.split_gain.unwrap()).sum();
            assert!((g - 1.0).abs() < 1e-12, "{g}");
        }
    }
}
