//! The estimators against the reference numbers in `shared/refs/results.json` (computed with
//! causalml 0.18.0 and statsmodels 0.15.0 on the same CSV files; settings in that file).
//!
//! Tolerance: relative difference ≤ 1e-6 on estimate, standard error and both CI bounds.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use cf_data::{read_csv, ReadOptions, Table};
use cf_estimate::{
    difference_in_means, dist, ipw, logistic, ols, regression_adjustment, Estimand, Robust,
};
use serde_json::Value;

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");
const TOL: f64 = 1e-6;

fn results() -> Value {
    let text = std::fs::read_to_string(format!("{REFS}results.json")).expect("results.json");
    serde_json::from_str(&text).expect("valid json")
}

fn load(name: &str) -> Table {
    let bytes = std::fs::read(format!("{REFS}data/{name}.csv")).expect("dataset");
    read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).expect("parses").0
}

fn col<'t>(t: &'t Table, name: &str) -> &'t [f64] {
    t.column(name).and_then(|c| c.as_numeric()).unwrap_or_else(|| panic!("numeric column {name}"))
}

#[track_caller]
fn close(what: &str, got: f64, want: f64) {
    let rel = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
    assert!(rel <= TOL, "{what}: got {got}, reference {want} (relative difference {rel:.2e})");
}

fn f(v: &Value, path: &[&str]) -> f64 {
    let mut v = v;
    for p in path {
        v = &v[p];
    }
    v.as_f64().unwrap_or_else(|| panic!("reference number at {path:?}"))
}

/// Every dataset: (name, table, y, t, covariates).
fn each_dataset(mut check: impl FnMut(&str, &Value, &[f64], &[f64], Vec<&[f64]>, Vec<String>)) {
    let refs = results();
    let datasets = refs["datasets"].as_object().expect("datasets");
    assert_eq!(datasets.len(), 5);
    for (name, d) in datasets {
        let table = load(name);
        let y = col(&table, d["outcome"].as_str().unwrap());
        let t = col(&table, d["treatment"].as_str().unwrap());
        let cov_names: Vec<String> = d["covariates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        let covs: Vec<&[f64]> = cov_names.iter().map(|c| col(&table, c)).collect();
        assert!(
            y.iter().chain(t).all(|v| v.is_finite()),
            "{name}: the references use complete rows"
        );
        check(name, &d["estimates"], y, t, covs, cov_names);
    }
}

#[test]
fn difference_in_means_matches_reference() {
    each_dataset(|name, est, y, t, _, _| {
        let r = &est["difference_in_means"];
        let e = difference_in_means(y, t, 0.05).unwrap();
        close(&format!("{name} ate"), e.estimate, f(r, &["ate"]));
        close(&format!("{name} se"), e.std_error, f(r, &["se"]));
        close(&format!("{name} ci_low"), e.ci_low, f(r, &["ci_lower"]));
        close(&format!("{name} ci_high"), e.ci_high, f(r, &["ci_upper"]));
    });
}

#[test]
fn regression_adjustment_matches_causalml_lrs_regressor() {
    each_dataset(|name, est, y, t, covs, cov_names| {
        let r = &est["causalml_LRSRegressor"];
        let mut names = vec!["t".to_string()];
        names.extend(cov_names);
        let e = regression_adjustment(y, t, &covs, &names, 0.05).unwrap();
        close(&format!("{name} ate"), e.estimate, f(r, &["ate"]));
        close(&format!("{name} ci_low"), e.ci_low, f(r, &["ci_lower"]));
        close(&format!("{name} ci_high"), e.ci_high, f(r, &["ci_upper"]));
        // causalml reports no standard error; statsmodels' HC1 one is the same quantity.
        close(&format!("{name} se"), e.std_error, f(&est["statsmodels_ols"], &["se_hc1"]));
    });
}

#[test]
fn ols_matches_statsmodels_classical_and_hc1() {
    each_dataset(|name, est, y, t, covs, cov_names| {
        let r = &est["statsmodels_ols"];
        let mut x = vec![t];
        x.extend(covs);
        let mut names = vec!["t".to_string()];
        names.extend(cov_names);
        let fit = ols(y, &x, &names, Robust::All).unwrap();
        // statsmodels' OLS intervals use Student's t with n − k degrees of freedom.
        let q = dist::t_quantile(0.975, fit.df_resid as f64);
        let (b, se, hc1) = (fit.coef[0], fit.se[0], fit.se_hc1[0].unwrap());
        close(&format!("{name} coef"), b, f(r, &["coef"]));
        close(&format!("{name} se"), se, f(r, &["se_nonrobust"]));
        close(&format!("{name} se_hc1"), hc1, f(r, &["se_hc1"]));
        let ci = |key: &str, i: usize| r[key][i].as_f64().unwrap();
        close(&format!("{name} ci low"), b - q * se, ci("ci_nonrobust", 0));
        close(&format!("{name} ci high"), b + q * se, ci("ci_nonrobust", 1));
        close(&format!("{name} hc1 ci low"), b - q * hc1, ci("ci_hc1", 0));
        close(&format!("{name} hc1 ci high"), b + q * hc1, ci("ci_hc1", 1));
    });
}

#[test]
fn card_ols_of_wage_on_education_matches_statsmodels() {
    // Wooldridge Ex. 15.4's OLS of lwage on educ and the controls (the `iv` block's
    // `statsmodels_ols_endog` row): a second check of the regression on real data.
    let refs = results();
    let iv = &refs["datasets"]["card"]["iv"];
    let r = &iv["statsmodels_ols_endog"];
    let table = load("card");
    let controls: Vec<String> = iv["exog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .filter(|c| c != "const")
        .collect();
    let mut x = vec![col(&table, "educ")];
    x.extend(controls.iter().map(|c| col(&table, c)));
    let mut names = vec!["educ".to_string()];
    names.extend(controls);
    let fit = ols(col(&table, "lwage"), &x, &names, Robust::All).unwrap();
    close("card ols educ", fit.coef[0], f(r, &["coef"]));
    close("card ols educ se", fit.se[0], f(r, &["se_nonrobust"]));
}

#[test]
fn propensity_model_matches_sklearn_unpenalized_logit() {
    each_dataset(|name, est, _, t, covs, cov_names| {
        let r = &est["propensity_logistic"];
        let fit = logistic(t, &covs, &cov_names).unwrap();
        close(&format!("{name} intercept"), fit.intercept, f(r, &["intercept"]));
        for (c, b) in cov_names.iter().zip(&fit.coef) {
            close(&format!("{name} coef {c}"), *b, f(r, &["coefficients", c]));
        }
        let first5 = r["p_first5"].as_array().unwrap();
        for (i, p) in first5.iter().enumerate() {
            close(&format!("{name} p[{i}]"), fit.probabilities[i], p.as_f64().unwrap());
        }
        let (lo, hi) = fit.range();
        close(&format!("{name} p_min"), lo, f(r, &["p_min"]));
        close(&format!("{name} p_max"), hi, f(r, &["p_max"]));
    });
}

#[test]
fn ipw_hajek_matches_reference_ate_and_att() {
    each_dataset(|name, est, y, t, covs, cov_names| {
        let r = &est["ipw_hajek"];
        for (estimand, key) in [(Estimand::Ate, "ate"), (Estimand::Att, "att")] {
            let (e, _) = ipw(y, t, &covs, &cov_names, estimand, 0.0, 0.05).unwrap();
            close(&format!("{name} ipw {key}"), e.estimate, f(r, &[key]));
            assert!(
                e.std_error.is_finite() && e.std_error > 0.0,
                "{name} {key} se {}",
                e.std_error
            );
        }
    });
}

#[test]
fn ipw_standard_error_matches_the_stacked_sandwich() {
    // test_data/ipw_sandwich.json: numpy/statsmodels sandwich of the stacked estimating equations
    // (arm means + logistic score) with a central-difference Jacobian (test_data/ipw_sandwich.py).
    // Tolerance 1e-4: the finite differences, not our formula, limit the agreement.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test_data/ipw_sandwich.json"
    ))
    .unwrap();
    let sandwich: Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    each_dataset(|name, _, y, t, covs, cov_names| {
        // The script covers three datasets (the other two would only repeat the check).
        let Some(r) = sandwich.get(name) else { return };
        checked += 1;
        for (estimand, key) in [(Estimand::Ate, "ate"), (Estimand::Att, "att")] {
            let (e, _) = ipw(y, t, &covs, &cov_names, estimand, 0.0, 0.05).unwrap();
            let want = f(r, &[key, "se_sandwich"]);
            let rel = (e.std_error - want).abs() / want;
            assert!(rel < 1e-4, "{name} {key}: se {} vs sandwich {want} ({rel:.1e})", e.std_error);
        }
    });
    assert_eq!(checked, 3, "ipw_sandwich.json covers nsw_experimental, card and nsw_cps");
}
