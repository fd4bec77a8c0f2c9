//! The predictive S/T/X/R/DR-learners against causalml 0.18 on IHDP surface B
//! (`shared/refs/uplift_results.json` → `ihdp_sim_b_cate`; UPLIFT.md).
//!
//! With linear base learners the in-sample effects must equal causalml's `LinearRegression`
//! learners (relative 1e-6 on the first five effects and the ATE). With gradient-boosted trees
//! (LGBMRegressor(n_estimators=200, learning_rate=0.05, num_leaves=15) there; the same settings
//! here) our trees are not LightGBM's bit for bit, so the check is the one that matters: √PEHE at
//! most 10 % above LightGBM's, and the ATE within 0.35 of causalml's (its own spread between
//! learners is 0.48).
#![allow(clippy::unwrap_used)]

use cf_data::{ReadOptions, read_csv};
use cf_estimate::{
    BaseLearner, CateKind, CateLearner, DrLearnerParams, EffectData, Estimator, Learners,
    RLearnerParams,
};
use cf_gbdt::GbdtParams;
use serde_json::Value;

const REFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/");

struct Ihdp {
    x: Vec<Vec<f64>>,
    t: Vec<f64>,
    y: Vec<f64>,
    ite: Vec<f64>,
    refs: Value,
}

fn ihdp() -> Ihdp {
    let text = std::fs::read_to_string(format!("{REFS}uplift_results.json")).unwrap();
    let refs: Value = serde_json::from_str(&text).unwrap();
    let refs = refs["ihdp_sim_b_cate"].clone();
    let bytes = std::fs::read(format!("{REFS}data/ihdp_sim_b.csv")).unwrap();
    let table = read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).unwrap().0;
    let col = |n: &str| table.column(n).and_then(|c| c.as_numeric()).unwrap().to_vec();
    let x =
        refs["covariates"].as_array().unwrap().iter().map(|n| col(n.as_str().unwrap())).collect();
    Ihdp { x, t: col("treat"), y: col("y"), ite: col("true_ite"), refs }
}

fn run(d: &Ihdp, kind: CateKind, base: BaseLearner) -> Vec<f64> {
    let x: Vec<&[f64]> = d.x.iter().map(|c| &c[..]).collect();
    let learner = CateLearner { kind, outcome: base.clone(), effect: base, classify: false };
    learner.fit(&x, &d.t, &d.y).unwrap().predict(&x)
}

fn sqrt_pehe(tau: &[f64], ite: &[f64]) -> f64 {
    (tau.iter().zip(ite).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / tau.len() as f64).sqrt()
}

#[test]
fn linear_learners_equal_causalml() {
    let d = ihdp();
    for (kind, name) in [(CateKind::S, "S"), (CateKind::T, "T"), (CateKind::X, "X")] {
        let tau = run(&d, kind, BaseLearner::Linear);
        let r = &d.refs["learners"][format!("{name}_LinearRegression")];
        let ate = tau.iter().sum::<f64>() / tau.len() as f64;
        let want = r["ate"].as_f64().unwrap();
        assert!((ate - want).abs() <= 1e-6 * want.abs(), "{name}: ATE {ate} against {want}");
        for (k, w) in r["tau_first5"].as_array().unwrap().iter().enumerate() {
            let w = w.as_f64().unwrap();
            assert!(
                (tau[k] - w).abs() <= 1e-6 * w.abs().max(1.0),
                "{name}: tau[{k}] {} against {w}",
                tau[k]
            );
        }
    }
}

#[test]
fn boosted_learners_reach_lightgbms_pehe() {
    let d = ihdp();
    let params = GbdtParams {
        n_estimators: 200,
        learning_rate: 0.05,
        num_leaves: 15,
        ..GbdtParams::default()
    };
    for (kind, name) in [(CateKind::S, "S"), (CateKind::T, "T"), (CateKind::X, "X")] {
        let tau = run(&d, kind, BaseLearner::Gbdt(params.clone()));
        let r = &d.refs["learners"][format!("{name}_LGBMRegressor")];
        let pehe = sqrt_pehe(&tau, &d.ite);
        let want = r["sqrt_pehe"].as_f64().unwrap();
        let ate = tau.iter().sum::<f64>() / tau.len() as f64;
        let want_ate = r["ate"].as_f64().unwrap();
        eprintln!(
            "{name}: sqrt PEHE {pehe:.4} (LightGBM {want:.4}), ATE {ate:.4} (causalml {want_ate:.4})"
        );
        assert!(pehe <= 1.10 * want, "{name}: sqrt PEHE {pehe} against LightGBM's {want}");
        assert!((ate - want_ate).abs() < 0.35, "{name}: ATE {ate} against {want_ate}");
    }
}

/// The predictive R- and DR-learners are the estimating ones (default folds, the propensity fitted
/// on the same rows) with their effect models kept: on the rows they were fitted on they give the
/// same effects, linear and boosted; boosted, they reach LightGBM's √PEHE within 10 % on IHDP.
/// Fitted on three rows in four and predicting the fourth, their effects are finite and their
/// √PEHE at most 1.5× the in-sample one (held-out rows are harder, not a different model).
#[test]
fn predictive_r_and_dr_learners_are_the_estimating_ones() {
    let d = ihdp();
    let x: Vec<&[f64]> = d.x.iter().map(|c| &c[..]).collect();
    let names: Vec<String> = (1..=x.len()).map(|j| format!("x{j}")).collect();
    let boosted = BaseLearner::Gbdt(GbdtParams {
        n_estimators: 200,
        learning_rate: 0.05,
        num_leaves: 15,
        ..GbdtParams::default()
    });
    for base in [BaseLearner::Linear, boosted.clone()] {
        let learners = Learners { outcome: base.clone(), effect: base.clone(), classify: false };
        let data = EffectData::new(&d.y, &d.t).with_covariates(&x, &names);
        for (kind, name) in [(CateKind::R, "R"), (CateKind::Dr, "DR")] {
            let estimating = match kind {
                CateKind::R => RLearnerParams { learners: learners.clone(), ..Default::default() }
                    .fit(&data)
                    .unwrap(),
                _ => DrLearnerParams { learners: learners.clone(), ..Default::default() }
                    .fit(&data)
                    .unwrap(),
            };
            let learner =
                CateLearner { kind, outcome: base.clone(), effect: base.clone(), classify: false };
            let tau = learner.fit(&x, &d.t, &d.y).unwrap().predict(&x);
            let gap =
                estimating.cate.iter().zip(&tau).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            assert!(gap <= 1e-9, "{name}: predictive and estimating effects differ by {gap}");
            if base == boosted {
                let pehe = sqrt_pehe(&tau, &d.ite);
                let r = &d.refs["learners"][format!("{name}_LGBMRegressor")];
                let want = r["sqrt_pehe"].as_f64().unwrap();
                eprintln!("{name}: sqrt PEHE {pehe:.4} (LightGBM {want:.4})");
                assert!(pehe <= 1.10 * want, "{name}: sqrt PEHE {pehe} against LightGBM's {want}");
                // Fitted on three rows in four, predicting the fourth.
                let n = d.y.len();
                let (a, b): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| i % 4 != 0);
                let pick =
                    |c: &[f64], rows: &[usize]| rows.iter().map(|&i| c[i]).collect::<Vec<_>>();
                let xa: Vec<Vec<f64>> = x.iter().map(|c| pick(c, &a)).collect();
                let xb: Vec<Vec<f64>> = x.iter().map(|c| pick(c, &b)).collect();
                let xa: Vec<&[f64]> = xa.iter().map(|c| &c[..]).collect();
                let xb: Vec<&[f64]> = xb.iter().map(|c| &c[..]).collect();
                let model = learner.fit(&xa, &pick(&d.t, &a), &pick(&d.y, &a)).unwrap();
                let out = model.predict(&xb);
                assert!(out.iter().all(|v| v.is_finite()));
                let held = sqrt_pehe(&out, &pick(&d.ite, &b));
                eprintln!("{name}: held-out quarter sqrt PEHE {held:.4}");
                assert!(held <= 1.5 * pehe, "{name}: held-out sqrt PEHE {held} against {pehe}");
            }
        }
    }
}
