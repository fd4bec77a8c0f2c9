//! Uplift trees and forests against causalml 0.18 on Hillstrom (`shared/refs/uplift_results.json`,
//! settings in UPLIFT.md: max_depth 5, min_samples_leaf 200, min_samples_treatment 50, n_reg 100).
#![allow(clippy::unwrap_used)]

use cf_data::{ReadOptions, read_csv};
use cf_uplift::metrics::{bootstrap, coefficients, curves};
use cf_uplift::{Criterion, UpliftForestParams, UpliftTreeParams, fit_forest, fit_tree};
use serde_json::Value;

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");

struct Hill {
    x_train: Vec<Vec<f64>>,
    x_test: Vec<Vec<f64>>,
    g_train: Vec<usize>,
    g_test: Vec<usize>,
    arm_train: Vec<usize>,
    y: [(Vec<f64>, Vec<f64>); 2],
    refs: Value,
}

fn hillstrom() -> Hill {
    let refs: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{REFS}uplift_results.json")).unwrap(),
    )
    .unwrap();
    let refs = refs["uplift"]["hillstrom"].clone();
    let read = |p: &str| {
        read_csv(
            &std::fs::read(format!("{REFS}{p}")).unwrap()[..],
            &ReadOptions::default(),
            &mut |_| true,
        )
        .unwrap()
        .0
    };
    let data = read("data/hillstrom.csv");
    let split = read("folds/hillstrom_uplift_split.csv");
    let col = |n: &str| data.column(n).and_then(|c| c.as_numeric()).unwrap().to_vec();
    let test = split.column("test").and_then(|c| c.as_numeric()).unwrap().to_vec();
    let (tr, te): (Vec<usize>, Vec<usize>) = (0..test.len()).partition(|&r| test[r] == 0.0);
    let pick = |c: &[f64], rows: &[usize]| rows.iter().map(|&r| c[r]).collect::<Vec<f64>>();
    let cov: Vec<Vec<f64>> =
        refs["covariates"].as_array().unwrap().iter().map(|n| col(n.as_str().unwrap())).collect();
    let t = col("treatment");
    let arm = col("arm");
    let ys = |n: &str| (pick(&col(n), &tr), pick(&col(n), &te));
    Hill {
        x_train: cov.iter().map(|c| pick(c, &tr)).collect(),
        x_test: cov.iter().map(|c| pick(c, &te)).collect(),
        g_train: tr.iter().map(|&r| t[r] as usize).collect(),
        g_test: te.iter().map(|&r| t[r] as usize).collect(),
        arm_train: tr.iter().map(|&r| arm[r] as usize).collect(),
        y: [ys("visit"), ys("conversion")],
        refs,
    }
}

fn refs_of(c: &[Vec<f64>]) -> Vec<&[f64]> {
    c.iter().map(|v| &v[..]).collect()
}

fn params(criterion: Criterion) -> UpliftTreeParams {
    UpliftTreeParams {
        criterion,
        max_depth: 5,
        min_samples_leaf: 200,
        min_samples_treatment: 50,
        n_reg: 100.0,
        ..UpliftTreeParams::default()
    }
}

/// The trees are causalml's trees: the same test-row effects (first five and mean, 1e-9) and the
/// same number of distinct predictions.
#[test]
fn trees_equal_causalmls() {
    let h = hillstrom();
    for (k, outcome) in ["visit", "conversion"].iter().enumerate() {
        for (criterion, name) in
            [(Criterion::Kl, "KL"), (Criterion::Ed, "ED"), (Criterion::Chi, "Chi")]
        {
            let tree =
                fit_tree(&params(criterion), &refs_of(&h.x_train), &h.g_train, &h.y[k].0).unwrap();
            let tau: Vec<f64> = tree.uplift(&refs_of(&h.x_test)).iter().map(|u| u[0]).collect();
            let r = &h.refs["outcome_results"][outcome]["models"]
                [format!("UpliftTreeClassifier_{name}")];
            let mut distinct = tau.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let mean = tau.iter().sum::<f64>() / tau.len() as f64;
            let want_mean = r["tau_mean"].as_f64().unwrap();
            eprintln!(
                "{outcome} {name}: mean {mean} ({want_mean}), distinct {} ({})",
                distinct.len(),
                r["n_distinct_predictions"]
            );
            assert_eq!(
                distinct.len() as u64,
                r["n_distinct_predictions"].as_u64().unwrap(),
                "{outcome} {name}"
            );
            assert!(
                (mean - want_mean).abs() < 1e-9,
                "{outcome} {name}: mean {mean} against {want_mean}"
            );
            for (i, w) in r["tau_first5"].as_array().unwrap().iter().enumerate() {
                let w = w.as_f64().unwrap();
                assert!(
                    (tau[i] - w).abs() < 1e-9,
                    "{outcome} {name}: tau[{i}] {} against {w}",
                    tau[i]
                );
            }
        }
    }
}

/// A forest cannot draw numpy's bootstrap samples, so causalml's forest is compared through the
/// test split's sampling spread: causalml's AUUC and Qini lie inside our forest's 95 % bootstrap
/// intervals (200 resamples of the test rows).
#[test]
fn forest_ranks_like_causalmls() {
    let h = hillstrom();
    let p = UpliftForestParams {
        tree: UpliftTreeParams { max_features: Some(10), ..params(Criterion::Kl) },
        n_estimators: 50,
        seed: 42,
    };
    let forest =
        fit_forest(&p, &refs_of(&h.x_train), &h.g_train, &h.y[0].0, &mut |_, _| true).unwrap();
    let tau: Vec<f64> = forest.uplift(&refs_of(&h.x_test)).iter().map(|u| u[0]).collect();
    let treated: Vec<bool> = h.g_test.iter().map(|&g| g == 1).collect();
    let k = coefficients(&curves(&tau, &treated, &h.y[0].1).unwrap());
    let r = &h.refs["outcome_results"]["visit"]["models"];
    let forest_qini = r["UpliftRandomForestClassifier_KL"]["qini_normalized"].as_f64().unwrap();
    eprintln!("forest qini {} auuc {} (causalml forest {forest_qini})", k.qini, k.auuc);
    let forest_auuc = r["UpliftRandomForestClassifier_KL"]["auuc_normalized"].as_f64().unwrap();
    let iv = bootstrap(&tau, &treated, &h.y[0].1, 200, 7, 0.05).unwrap();
    assert!(iv.qini.0 < forest_qini && forest_qini < iv.qini.1, "{iv:?} against {forest_qini}");
    assert!(iv.auuc.0 < forest_auuc && forest_auuc < iv.auuc.1, "{iv:?} against {forest_auuc}");
}

#[test]
fn three_groups_give_two_effects() {
    let h = hillstrom();
    let tree =
        fit_tree(&params(Criterion::Kl), &refs_of(&h.x_train), &h.arm_train, &h.y[0].0).unwrap();
    assert_eq!(tree.n_groups(), 3);
    let u = tree.uplift(&refs_of(&h.x_test));
    assert!(u.iter().all(|v| v.len() == 2));
    assert!(tree.n_leaves() > 1);
}

#[test]
fn bad_input_is_an_error() {
    let x = [1.0, 2.0, 3.0, 4.0];
    assert!(
        fit_tree(&UpliftTreeParams::default(), &[&x], &[0, 1, 0, 1], &[0.0, 2.0, 1.0, 0.0])
            .is_err()
    );
    assert!(
        fit_tree(&UpliftTreeParams::default(), &[&x], &[1, 1, 1, 1], &[0.0, 1.0, 1.0, 0.0])
            .is_err()
    );
    assert!(
        fit_tree(
            &UpliftTreeParams::default(),
            &[&[1.0, f64::NAN, 1.0, 2.0]],
            &[0, 1, 0, 1],
            &[0.0, 1.0, 1.0, 0.0]
        )
        .is_err()
    );
    assert!(fit_tree(&UpliftTreeParams::default(), &[], &[], &[]).is_err());
}
