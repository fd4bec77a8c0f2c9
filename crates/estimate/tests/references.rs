//! The estimators against the reference numbers in `shared/refs/results.json` (computed with
//! causalml 0.18.0 and statsmodels 0.15.0 on the same CSV files; settings in that file).
//!
//! Tolerance: relative difference ≤ 1e-6 on estimate, standard error and both CI bounds.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use cf_data::{ReadOptions, Table, read_csv};
use cf_estimate::{
    AipwParams, BaseLearner, CateKind, CateLearner, DiffMeansParams, DrLearnerParams, EffectData,
    EffectFit, Estimand, Estimator, IpwParams, Learners, MatchingParams, MetaLearnerFit, OlsParams,
    RLearnerParams, Robust, SLearnerParams, TLearnerParams, TwoSlsParams, XLearnerParams, dist,
    logistic, ols,
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

/// The exogenous controls of card's `iv` block (without the constant).
fn card_controls(iv: &Value) -> Vec<String> {
    iv["exog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .filter(|c| c != "const")
        .collect()
}

/// The reference fold ids of a dataset (`r_fold` or `dr_fold`).
fn ref_folds(name: &str, column: &str) -> Vec<usize> {
    let bytes = std::fs::read(format!("{REFS}folds/{name}.csv")).expect("folds");
    let table = read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).unwrap().0;
    col(&table, column).iter().map(|&v| v as usize).collect()
}

/// Estimate and CI bounds against a causalml `estimate_ate` row.
#[track_caller]
fn close_ate(what: &str, fit: &MetaLearnerFit, r: &Value) {
    let (low, high) = fit.conf_int(0.05).unwrap();
    close(&format!("{what} ate"), fit.effect().estimate, f(r, &["ate"]));
    close(&format!("{what} ci_low"), low, f(r, &["ci_lower"]));
    close(&format!("{what} ci_high"), high, f(r, &["ci_upper"]));
    let cate = fit.cate().unwrap();
    let mean = cate.iter().sum::<f64>() / cate.len() as f64;
    close(&format!("{what} mean of cate"), mean, f(r, &["ate"]));
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
        let e = DiffMeansParams::default().fit(&EffectData::new(y, t)).unwrap();
        let (low, high) = e.conf_int(0.05).unwrap();
        close(&format!("{name} ate"), e.estimate, f(r, &["ate"]));
        close(&format!("{name} se"), e.std_error, f(r, &["se"]));
        close(&format!("{name} ci_low"), low, f(r, &["ci_lower"]));
        close(&format!("{name} ci_high"), high, f(r, &["ci_upper"]));
    });
}

#[test]
fn regression_adjustment_matches_causalml_lrs_regressor() {
    each_dataset(|name, est, y, t, covs, cov_names| {
        let r = &est["causalml_LRSRegressor"];
        let data = EffectData::new(y, t).with_covariates(&covs, &cov_names);
        let fit = OlsParams::default().fit(&data).unwrap();
        let (e, (low, high)) = (fit.effect(), fit.conf_int(0.05).unwrap());
        close(&format!("{name} ate"), e.estimate, f(r, &["ate"]));
        close(&format!("{name} ci_low"), low, f(r, &["ci_lower"]));
        close(&format!("{name} ci_high"), high, f(r, &["ci_upper"]));
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
            let data = EffectData::new(y, t).with_covariates(&covs, &cov_names);
            let fit = IpwParams { estimand, ..Default::default() }.fit(&data).unwrap();
            let e = fit.effect();
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
            let data = EffectData::new(y, t).with_covariates(&covs, &cov_names);
            let e = IpwParams { estimand, ..Default::default() }.fit(&data).unwrap().effect;
            let want = f(r, &[key, "se_sandwich"]);
            let rel = (e.std_error - want).abs() / want;
            assert!(rel < 1e-4, "{name} {key}: se {} vs sandwich {want} ({rel:.1e})", e.std_error);
        }
    });
    assert_eq!(checked, 3, "ipw_sandwich.json covers nsw_experimental, card and nsw_cps");
}

#[test]
fn t_learner_matches_causalml() {
    each_dataset(|name, est, y, t, covs, names| {
        let data = EffectData::new(y, t).with_covariates(&covs, &names);
        let fit = TLearnerParams::default().fit(&data).unwrap();
        assert_eq!(fit.n_clipped, 0);
        close_ate(&format!("{name} T"), &fit, &est["causalml_BaseTRegressor"]);
    });
}

#[test]
fn x_learner_matches_causalml() {
    each_dataset(|name, est, y, t, covs, names| {
        // The propensity model is fitted by the learner (as `logistic` does) and clipped.
        let data = EffectData::new(y, t).with_covariates(&covs, &names);
        let fit = XLearnerParams::default().fit(&data).unwrap();
        close_ate(&format!("{name} X"), &fit, &est["causalml_BaseXRegressor"]);
    });
}

#[test]
fn r_learner_matches_causalml_point_and_corrects_its_interval() {
    each_dataset(|name, est, y, t, covs, names| {
        let r = &est["causalml_BaseRRegressor"];
        let folds = ref_folds(name, "r_fold");
        let data = EffectData::new(y, t).with_covariates(&covs, &names).with_folds(&folds);
        let fit = RLearnerParams::default().fit(&data).unwrap();
        close(&format!("{name} R ate"), fit.effect.estimate, f(r, &["ate"]));
        // causalml 0.18 divides by n, not √n: we reproduce its figure, and report the √n one.
        let causalml = fit.se_causalml.unwrap();
        close(&format!("{name} R se as causalml"), causalml, f(r, &["se_causalml_as_implemented"]));
        let z = dist::normal_quantile(0.975);
        close(
            &format!("{name} R causalml ci"),
            fit.effect.estimate - z * causalml,
            f(r, &["ci_lower"]),
        );
        close(&format!("{name} R se"), fit.effect.std_error, f(r, &["se_if_divided_by_sqrt_n"]));
    });
}

#[test]
fn dr_learner_matches_causalml_with_its_folds() {
    each_dataset(|name, est, y, t, covs, names| {
        let folds = ref_folds(name, "dr_fold");
        let data = EffectData::new(y, t).with_covariates(&covs, &names).with_folds(&folds);
        let fit = DrLearnerParams::default().fit(&data).unwrap();
        close_ate(&format!("{name} DR"), &fit, &est["causalml_BaseDRRegressor"]);
    });
}

/// With replacement, the range of the ATT over every way of resolving ties: each treated unit
/// within the caliper may take any of its equally nearest controls.
fn att_range_over_ties(y: &[f64], t: &[f64], logit: &[f64], caliper: f64) -> (f64, f64, usize) {
    let mut controls: Vec<usize> = (0..t.len()).filter(|&i| t[i] == 0.0).collect();
    controls.sort_by(|&a, &b| logit[a].total_cmp(&logit[b]));
    let scores: Vec<f64> = controls.iter().map(|&i| logit[i]).collect();
    let (mut lo, mut hi, mut m) = (0.0, 0.0, 0);
    for i in (0..t.len()).filter(|&i| t[i] == 1.0) {
        let s = logit[i];
        let pos = scores.partition_point(|&c| c < s);
        let d = [pos.checked_sub(1), (pos < scores.len()).then_some(pos)]
            .into_iter()
            .flatten()
            .map(|k| (scores[k] - s).abs())
            .fold(f64::INFINITY, f64::min);
        if !(d < caliper) {
            continue;
        }
        // The controls at distance d lie in two runs of equal scores around `pos`.
        let near = |target: f64| {
            let a = scores.partition_point(|&c| c < target);
            let b = scores.partition_point(|&c| c <= target);
            controls[a..b].iter().copied().filter(move |&j| (logit[j] - s).abs() == d)
        };
        let sides: Vec<f64> = [pos.checked_sub(1), (pos < scores.len()).then_some(pos)]
            .into_iter()
            .flatten()
            .map(|k| scores[k])
            .filter(|c| (c - s).abs() == d)
            .collect();
        let (ymin, ymax) = sides
            .iter()
            .flat_map(|&c| near(c))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), j| (a.min(y[j]), b.max(y[j])));
        lo += y[i] - ymax;
        hi += y[i] - ymin;
        m += 1;
    }
    (lo / m as f64, hi / m as f64, m)
}

#[test]
fn matching_agrees_with_causalml_up_to_tie_order() {
    // causalml breaks ties between equally near controls in the order sklearn's KD-tree
    // (with replacement) or numpy's argpartition (without) happen to visit them; we take the
    // smaller score, then the earlier row (documented in cf_estimate::psm). The reference records
    // how many treated units have tied nearest controls: none in IHDP, where we agree to 1e-6;
    // 29–5,776 elsewhere (exact duplicates of discrete covariates), where the matched controls —
    // and on the small NSW samples the estimate, by up to 15 % — depend on that order. There we
    // check what does not depend on it: the caliper, the matched counts, and (with replacement)
    // that both causalml's ATT and ours lie in the range the tie choices allow.
    each_dataset(|name, est, y, t, covs, names| {
        // One propensity model, shared by both matchings (and the logit the ties are judged on).
        let model = logistic(t, &covs, &names).unwrap();
        let logit: Vec<f64> =
            model.probabilities.iter().map(|p| libm::log(p / (1.0 - p))).collect();
        let data = EffectData::new(y, t).with_covariates(&covs, &names).with_propensity(&model);
        for (replace, key) in
            [(true, "psm_nn_att_with_replacement"), (false, "psm_nn_att_without_replacement")]
        {
            let r = &est[key];
            let fit = MatchingParams { replace, ..Default::default() }.fit(&data).unwrap();
            let want = f(r, &["att"]);
            let what = format!("{name} {key}");
            close(&format!("{what} caliper"), fit.caliper_logit, f(r, &["caliper_abs_logit"]));
            assert!(fit.effect.std_error.is_finite() && fit.effect.std_error > 0.0);
            let ties = f(r, &["n_treated_with_tied_nearest_control"]);
            if ties == 0.0 {
                close(&format!("{what} att"), fit.effect.estimate, want);
                assert_eq!(fit.n_treated_matched as f64, f(r, &["n_treated_matched"]), "{what}");
                assert_eq!(fit.n_control_unique as f64, f(r, &["n_control_unique"]), "{what}");
            } else if replace {
                assert_eq!(fit.n_treated_matched as f64, f(r, &["n_treated_matched"]), "{what}");
                let (lo, hi, m) = att_range_over_ties(y, t, &logit, fit.caliper_logit);
                assert_eq!(m, fit.n_treated_matched, "{what}");
                let slack = 1e-9 * (hi - lo).abs().max(want.abs());
                for (who, v) in [("causalml", want), ("ours", fit.effect.estimate)] {
                    assert!(
                        lo - slack <= v && v <= hi + slack,
                        "{what}: {who} {v} outside [{lo}, {hi}]"
                    );
                }
            } else {
                // Greedy matching without replacement: which control a tie takes changes which
                // controls later treated units can use, so even the count may move; it stays close.
                let n_ref = f(r, &["n_treated_matched"]);
                let dn = (fit.n_treated_matched as f64 - n_ref).abs() / n_ref;
                assert!(dn <= 0.02, "{what}: matched {} vs {n_ref}", fit.n_treated_matched);
            }
        }
    });
}

#[test]
fn two_sls_matches_linearmodels_and_causalml_on_card() {
    let refs = results();
    let iv = &refs["datasets"]["card"]["iv"];
    let table = load("card");
    let controls = card_controls(iv);
    let w: Vec<&[f64]> = controls.iter().map(|c| col(&table, c)).collect();
    let instrument_names = ["nearc4".to_string()];
    let (y, d, z) = (col(&table, "lwage"), col(&table, "educ"), col(&table, "nearc4"));
    let z = [z];
    let data = EffectData::new(y, d)
        .with_treatment_name("educ")
        .with_covariates(&w, &controls)
        .with_instruments(&z, &instrument_names);
    let fit = TwoSlsParams::default().fit(&data).unwrap();
    assert!(!fit.weak_instruments());
    let lm = &iv["linearmodels_IV2SLS"];
    close("2sls coef", fit.effect.estimate, f(lm, &["robust", "coef"]));
    close("2sls robust se", fit.effect.std_error, f(lm, &["robust", "se"]));
    close("2sls robust ci", fit.conf_int(0.05).unwrap().0, lm["robust"]["ci"][0].as_f64().unwrap());
    close("2sls unadjusted se", fit.se_unadjusted, f(lm, &["unadjusted", "se"]));
    close("2sls first-stage F", fit.first_stage_f, f(lm, &["first_stage_partial_f"]));
    let cm = &iv["causalml_IVRegressor"];
    close("causalml IV coef", fit.effect.estimate, f(cm, &["coef"]));
    close("causalml IV se", fit.se_small_sample, f(cm, &["se"]));
    // Without covariates, one binary instrument: the Wald ratio (DoWhy).
    let wald = TwoSlsParams::default()
        .fit(&EffectData::new(y, d).with_instruments(&z, &instrument_names))
        .unwrap();
    close("wald", wald.effect.estimate, f(iv, &["dowhy_iv_instrumental_variable", "coef"]));
}

#[test]
fn aipw_matches_an_independent_sklearn_computation() {
    // test_data/aipw.json: the same estimator written with scikit-learn and numpy
    // (test_data/aipw.py); no library among the references offers AIPW with linear outcome models.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/aipw.json"))
        .unwrap();
    let want: Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    each_dataset(|name, _, y, t, covs, names| {
        let Some(r) = want.get(name) else { return };
        checked += 1;
        for (estimand, key) in [(Estimand::Ate, "ate"), (Estimand::Att, "att")] {
            let data = EffectData::new(y, t).with_covariates(&covs, &names);
            let e = AipwParams { estimand, ..Default::default() }.fit(&data).unwrap().effect;
            close(&format!("{name} aipw {key}"), e.estimate, f(r, &[key, "estimate"]));
            close(&format!("{name} aipw {key} se"), e.std_error, f(r, &[key, "se"]));
        }
    });
    assert_eq!(checked, 4);
}

#[test]
fn partial_correlation_matches_numpy() {
    // nsw_experimental: corr of residuals of re78 and re75 on [1, age, educ] (numpy lstsq):
    // python3 -c "import numpy as np, pandas as pd; d=pd.read_csv('nsw_experimental.csv');
    //   Z=np.c_[np.ones(len(d)), d.age, d.educ]; r=lambda v: v-Z@np.linalg.lstsq(Z,v,rcond=None)[0];
    //   a,b=r(d.re78.values),r(d.re75.values); print(np.corrcoef(a,b)[0,1])"
    let table = load("nsw_experimental");
    let pc = cf_estimate::partial_correlation(
        col(&table, "re78"),
        col(&table, "re75"),
        &[col(&table, "age"), col(&table, "educ")],
        ["re78", "re75"],
    )
    .unwrap();
    close("partial r", pc.r, PARTIAL_R_NSW);
    let constant = vec![1.0; 445];
    let err =
        cf_estimate::partial_correlation(col(&table, "re78"), &constant, &[], ["re78", "one"])
            .unwrap_err();
    assert_eq!(err, cf_estimate::Error::Constant { column: "one".into() }, "named in errors");
    let z = PARTIAL_R_NSW.atanh() * ((445 - 2 - 3) as f64).sqrt();
    close("fisher z", pc.z, z);
    close("p", pc.p_value, 2.0 * (1.0 - dist::normal_cdf(z.abs())));
}

/// The numpy figure quoted in `partial_correlation_matches_numpy`.
const PARTIAL_R_NSW: f64 = 0.079_549_398_871_989_92;

#[test]
fn penalized_propensity_matches_sklearn_with_a_standard_scaler() {
    // test_data/logistic_l2.json: make_pipeline(StandardScaler(), LogisticRegression(C=1/l2)),
    // written by test_data/logistic_l2.py.
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/logistic_l2.json"))
            .unwrap();
    let want: Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    each_dataset(|name, _, y, t, covs, names| {
        let Some(r) = want.get(name) else { return };
        for l2 in [1.0, 10.0] {
            let r = &r[format!("{l2:?}")];
            let fit = cf_estimate::logistic_l2(t, &covs, &names, l2).unwrap();
            close(&format!("{name} l2={l2} intercept"), fit.intercept, f(r, &["intercept"]));
            for (j, b) in fit.coef.iter().enumerate() {
                close(
                    &format!("{name} l2={l2} coef {j}"),
                    *b,
                    r["coefficients"][j].as_f64().unwrap(),
                );
            }
            for (i, p) in r["p_first5"].as_array().unwrap().iter().enumerate() {
                close(&format!("{name} l2={l2} p[{i}]"), fit.probabilities[i], p.as_f64().unwrap());
            }
            let data = EffectData::new(y, t).with_covariates(&covs, &names);
            let e = IpwParams { l2, ..Default::default() }.fit(&data).unwrap().effect;
            close(&format!("{name} l2={l2} ipw"), e.estimate, f(r, &["ipw_ate"]));
            assert!(e.std_error.is_finite() && e.std_error > 0.0);
            checked += 1;
        }
    });
    assert_eq!(checked, 4);
}

/// IHDP surface B (`uplift_results.json` → `ihdp_sim_b_cate`, UPLIFT.md): the in-sample effects
/// of the estimating meta-learners on gradient-boosted trees with causalml's reference settings,
/// LGBMRegressor(n_estimators=200, learning_rate=0.05, num_leaves=15); R and DR on the
/// reference's folds (`folds/ihdp_sim_b.csv`), the propensity the unpenalized logistic model as
/// there.
struct Ihdp {
    x: Vec<Vec<f64>>,
    names: Vec<String>,
    t: Vec<f64>,
    y: Vec<f64>,
    ite: Vec<f64>,
    r_fold: Vec<usize>,
    dr_fold: Vec<usize>,
    refs: Value,
}

fn ihdp() -> Ihdp {
    let text = std::fs::read_to_string(format!("{REFS}uplift_results.json")).unwrap();
    let refs: Value = serde_json::from_str(&text).unwrap();
    let refs = refs["ihdp_sim_b_cate"].clone();
    let table = load("ihdp_sim_b");
    let names: Vec<String> = refs["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    Ihdp {
        x: names.iter().map(|n| col(&table, n).to_vec()).collect(),
        names,
        t: col(&table, "treat").to_vec(),
        y: col(&table, "y").to_vec(),
        ite: col(&table, "true_ite").to_vec(),
        r_fold: ref_folds("ihdp_sim_b", "r_fold"),
        dr_fold: ref_folds("ihdp_sim_b", "dr_fold"),
        refs,
    }
}

fn sqrt_pehe(tau: &[f64], ite: &[f64]) -> f64 {
    (tau.iter().zip(ite).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / tau.len() as f64).sqrt()
}

fn lgbm_reference_params() -> cf_gbdt::GbdtParams {
    cf_gbdt::GbdtParams {
        n_estimators: 200,
        learning_rate: 0.05,
        num_leaves: 15,
        ..cf_gbdt::GbdtParams::default()
    }
}

/// Fits learner `name` (S, T, X, R, DR) on IHDP with `learners`.
fn ihdp_fit(d: &Ihdp, name: &str, learners: Learners) -> MetaLearnerFit {
    let x: Vec<&[f64]> = d.x.iter().map(|c| &c[..]).collect();
    let data = EffectData::new(&d.y, &d.t).with_covariates(&x, &d.names);
    match name {
        "S" => SLearnerParams { learners }.fit(&data),
        "T" => TLearnerParams { learners }.fit(&data),
        "X" => XLearnerParams { learners, ..Default::default() }.fit(&data),
        "R" => RLearnerParams { learners, ..Default::default() }.fit(&data.with_folds(&d.r_fold)),
        _ => DrLearnerParams { learners, ..Default::default() }.fit(&data.with_folds(&d.dr_fold)),
    }
    .unwrap()
}

/// With linear learners the S-learner is causalml's `BaseSRegressor(LinearRegression())`
/// (1e-6 on the ATE and the first five effects), and the other four are again causalml's
/// `LinearRegression` learners on this surface (T, X: 1e-6; R and DR on the reference folds).
#[test]
fn ihdp_linear_learners_equal_causalml() {
    let d = ihdp();
    for name in ["S", "T", "X", "R", "DR"] {
        let fit = ihdp_fit(&d, name, Learners::default());
        let r = &d.refs["learners"][format!("{name}_LinearRegression")];
        close(&format!("IHDP {name} linear ATE"), fit.effect.estimate, f(r, &["ate"]));
        for (k, w) in r["tau_first5"].as_array().unwrap().iter().enumerate() {
            close(&format!("IHDP {name} linear tau[{k}]"), fit.cate[k], w.as_f64().unwrap());
        }
    }
}

/// Gradient-boosted base learners with LightGBM's reference settings: our trees are not
/// LightGBM's bit for bit (see cf-gbdt), so the check is on what the learners are for. √PEHE must
/// be at most 10 % above LightGBM's for S, T and X (the acceptance bar) and for R and DR too; the
/// ATE within 0.35 of causalml's LightGBM ATE (causalml's own ATEs spread by 0.48 across these
/// five learners on this surface). The R-learner's effect model is fitted with weights `(t − p)²`
/// (7e-5 to 0.93 here): it reaches LightGBM's figure only because cf-gbdt counts a side's rows for
/// `min_data_in_leaf` from its hessian sum, as LightGBM does (with plain row counts, √PEHE was 5.6).
#[test]
fn ihdp_boosted_learners_reach_lightgbms_pehe() {
    let d = ihdp();
    let g = BaseLearner::Gbdt(lgbm_reference_params());
    let learners = Learners { outcome: g.clone(), effect: g, classify: false };
    for name in ["S", "T", "X", "R", "DR"] {
        let fit = ihdp_fit(&d, name, learners.clone());
        let r = &d.refs["learners"][format!("{name}_LGBMRegressor")];
        let pehe = sqrt_pehe(&fit.cate, &d.ite);
        let (want, want_ate) = (f(r, &["sqrt_pehe"]), f(r, &["ate"]));
        let ate = fit.effect.estimate;
        eprintln!(
            "IHDP {name}: sqrt PEHE {pehe:.4} (LightGBM {want:.4}), ATE {ate:.4} (causalml {want_ate:.4}), se {:.4}",
            fit.effect.std_error
        );
        assert!(pehe <= 1.10 * want, "{name}: sqrt PEHE {pehe} against LightGBM's {want}");
        assert!((ate - want_ate).abs() < 0.35, "{name}: ATE {ate} against causalml's {want_ate}");
        assert!(fit.effect.std_error.is_finite() && fit.effect.std_error > 0.0);
    }
}

/// The mean absolute gap allowed between our first five test-row effects and causalml's on
/// Hillstrom. A row's effect is a difference of two probabilities of about 0.15 each, so trees
/// that split differently move single rows by several points while the mean stays within 0.001.
const FIRST5_GAP: f64 = 0.05;

/// The classifier forms on Hillstrom `visit` (`uplift_results.json` → `uplift.hillstrom`), fitted
/// on the reference's training split with its LGBMClassifier settings (100 trees, 31 leaves, rate
/// 0.1): the in-sample effects of the estimating learners must equal the predictive
/// [`CateLearner`]'s on the same rows (one code path), and the predictive learner's mean effect on
/// the test split must be within 0.005 of causalml's `BaseTClassifier` / `BaseSClassifier` /
/// `BaseXClassifier` `tau_mean` (our trees are not LightGBM's bit for bit, so a loose check; the
/// test split's difference in means is 0.061), the first five within [`FIRST5_GAP`] on average.
#[test]
fn hillstrom_classifier_forms_near_causalml() {
    let refs: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{REFS}uplift_results.json")).unwrap(),
    )
    .unwrap();
    let h = &refs["uplift"]["hillstrom"];
    let table = load("hillstrom");
    let split = {
        let bytes = std::fs::read(format!("{REFS}folds/hillstrom_uplift_split.csv")).unwrap();
        read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).unwrap().0
    };
    let test = col(&split, "test");
    let (tr, te): (Vec<usize>, Vec<usize>) = (0..test.len()).partition(|&r| test[r] == 0.0);
    let pick = |c: &[f64], rows: &[usize]| rows.iter().map(|&r| c[r]).collect::<Vec<f64>>();
    let names: Vec<String> = h["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    let x_tr: Vec<Vec<f64>> = names.iter().map(|n| pick(col(&table, n), &tr)).collect();
    let x_te: Vec<Vec<f64>> = names.iter().map(|n| pick(col(&table, n), &te)).collect();
    let (xr, xe): (Vec<&[f64]>, Vec<&[f64]>) =
        (x_tr.iter().map(|c| &c[..]).collect(), x_te.iter().map(|c| &c[..]).collect());
    let t = pick(col(&table, "treatment"), &tr);
    let y = pick(col(&table, "visit"), &tr);
    let g = BaseLearner::Gbdt(cf_gbdt::GbdtParams { seed: 42, ..cf_gbdt::GbdtParams::default() });
    let learners = Learners { outcome: g.clone(), effect: g.clone(), classify: true };
    let data = EffectData::new(&y, &t).with_covariates(&xr, &names);
    for (kind, name) in [(CateKind::T, "T"), (CateKind::S, "S"), (CateKind::X, "X")] {
        let fit = match kind {
            CateKind::T => TLearnerParams { learners: learners.clone() }.fit(&data),
            CateKind::S => SLearnerParams { learners: learners.clone() }.fit(&data),
            _ => XLearnerParams { learners: learners.clone(), l2: 0.0 }.fit(&data),
        }
        .unwrap();
        let predictive =
            CateLearner { kind, outcome: g.clone(), effect: g.clone(), classify: true };
        let model = predictive.fit(&xr, &t, &y).unwrap();
        let same = model.predict(&xr);
        let gap = fit.cate.iter().zip(&same).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(
            gap <= 1e-9,
            "{name}: in-sample effects differ from the predictive learner's by {gap}"
        );
        let tau = model.predict(&xe);
        let r = &h["outcome_results"]["visit"]["models"][format!("Base{name}Classifier_LGBM")];
        let mean = tau.iter().sum::<f64>() / tau.len() as f64;
        let want = f(r, &["tau_mean"]);
        eprintln!(
            "Hillstrom visit {name}: test tau mean {mean:.5} (causalml {want:.5}), ATE in-sample {:.5}",
            fit.effect.estimate
        );
        assert!((mean - want).abs() <= 0.005, "{name}: test tau mean {mean} against {want}");
        let first5: Vec<f64> =
            r["tau_first5"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
        let gap = first5.iter().zip(&tau).map(|(w, a)| (a - w).abs()).sum::<f64>() / 5.0;
        eprintln!("  first five {:?} against {first5:?}: mean gap {gap:.4}", &tau[..5]);
        assert!(gap <= FIRST5_GAP, "{name}: the first five effects are {gap} apart on average");
    }
}
