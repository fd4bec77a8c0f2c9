//! cf-gbdt against LightGBM 4.7 (held-out error on the same data, `lightgbm_fixture.json`, made
//! by `make_lightgbm_fixture.py`), and the behaviour its parameters promise.

use cf_gbdt::{GbdtError, GbdtParams, Objective, fit};

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 * 2f64.powi(-53)
    }
}

/// The fixture's data: columns x0..x9 (x5 missing on even rows), y, and b = 1[y > 14].
fn data() -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
    let mut rng = SplitMix64(2026);
    let (n, p) = (3000, 10);
    let mut x = vec![vec![0.0; n]; p];
    let mut y = vec![0.0; n];
    for i in 0..n {
        for col in x.iter_mut() {
            col[i] = rng.uniform();
        }
        let f = 10.0 * (std::f64::consts::PI * x[0][i] * x[1][i]).sin()
            + 20.0 * (x[2][i] - 0.5).powi(2)
            + 10.0 * x[3][i]
            + 5.0 * x[4][i];
        y[i] = f + 2.0 * (rng.uniform() - 0.5);
    }
    for i in (0..n).step_by(2) {
        x[5][i] = f64::NAN;
    }
    let b = y.iter().map(|&v| f64::from(u8::from(v > 14.0))).collect();
    (x, y, b)
}

fn fixture() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/lightgbm_fixture.json"
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("json")
}

fn split(x: &[Vec<f64>], range: std::ops::Range<usize>) -> Vec<Vec<f64>> {
    x.iter().map(|c| c[range.clone()].to_vec()).collect()
}

fn refs(x: &[Vec<f64>]) -> Vec<&[f64]> {
    x.iter().map(|c| &c[..]).collect()
}

#[test]
fn the_data_are_the_fixtures() {
    let (_, y, b) = data();
    let fx = fixture();
    for (k, v) in fx["y_first3"].as_array().expect("array").iter().enumerate() {
        assert!((y[k] - v.as_f64().expect("number")).abs() < 1e-12);
    }
    assert!(
        (b.iter().sum::<f64>() / 3000.0 - fx["binary_mean"].as_f64().expect("number")).abs()
            < 1e-12
    );
}

/// Held-out RMSE within 2 % of LightGBM's (LightGBM 1.0013 on noise of RMSE 0.577 + a hard
/// surface), log loss within 5 %.
#[test]
fn held_out_error_matches_lightgbm() {
    let (x, y, b) = data();
    let fx = fixture();
    let (xtr, xte) = (split(&x, 0..2000), split(&x, 2000..3000));
    let reg = fit(&GbdtParams::default(), &refs(&xtr), &y[..2000], None).expect("fit");
    let pred = reg.predict(&refs(&xte));
    let rmse =
        (pred.iter().zip(&y[2000..]).map(|(p, y)| (p - y).powi(2)).sum::<f64>() / 1000.0).sqrt();
    let lgb = fx["rmse"].as_f64().expect("rmse");
    assert!(rmse <= lgb * 1.02, "RMSE {rmse} against LightGBM's {lgb}");

    let params = GbdtParams { objective: Objective::Binary, ..GbdtParams::default() };
    let clf = fit(&params, &refs(&xtr), &b[..2000], None).expect("fit");
    let q = clf.predict(&refs(&xte));
    assert!(q.iter().all(|&q| (0.0..=1.0).contains(&q)));
    let ll = -q
        .iter()
        .zip(&b[2000..])
        .map(|(q, b)| {
            let q = q.clamp(1e-15, 1.0 - 1e-15);
            b * q.ln() + (1.0 - b) * (1.0 - q).ln()
        })
        .sum::<f64>()
        / 1000.0;
    let lgb = fx["logloss"].as_f64().expect("logloss");
    assert!(ll <= lgb * 1.05, "log loss {ll} against LightGBM's {lgb}");
}

#[test]
fn a_seed_fixes_the_fit_and_bagging_depends_on_it() {
    let (x, y, _) = data();
    let p = GbdtParams {
        bagging_fraction: 0.7,
        bagging_freq: 1,
        feature_fraction: 0.6,
        seed: 3,
        n_estimators: 30,
        ..GbdtParams::default()
    };
    let a = fit(&p, &refs(&x), &y, None).expect("fit").predict(&refs(&x));
    let b = fit(&p, &refs(&x), &y, None).expect("fit").predict(&refs(&x));
    assert_eq!(
        a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    let c = fit(&GbdtParams { seed: 4, ..p }, &refs(&x), &y, None).expect("fit").predict(&refs(&x));
    assert!(a.iter().zip(&c).any(|(a, c)| a != c));
}

/// Weight 2 on a row is the row twice (with leaf sizes that do not bind, and fewer distinct
/// values than bins, so both fits bin alike).
#[test]
fn a_weight_of_two_is_a_duplicated_row() {
    let (x, y, _) = data();
    let (x, y) = (split(&x, 0..200), &y[..200]);
    let p = GbdtParams {
        min_data_in_leaf: 1,
        min_sum_hessian_in_leaf: 0.0,
        n_estimators: 20,
        ..GbdtParams::default()
    };
    let w: Vec<f64> = (0..200).map(|i| if i < 100 { 2.0 } else { 1.0 }).collect();
    let weighted = fit(&p, &refs(&x), y, Some(&w)).expect("fit").predict(&refs(&x));
    let dup_x: Vec<Vec<f64>> =
        x.iter().map(|c| c.iter().chain(&c[..100]).copied().collect()).collect();
    let dup_y: Vec<f64> = y.iter().chain(&y[..100]).copied().collect();
    let dup = fit(&p, &refs(&dup_x), &dup_y, None).expect("fit").predict(&refs(&x));
    for (a, b) in weighted.iter().zip(&dup) {
        assert!((a - b).abs() < 1e-9, "{a} {b}");
    }
    // Weight 0 rows do not pull the fit: their outcome can be anything.
    let mut y2 = y.to_vec();
    let mut w0 = vec![1.0; 200];
    for i in 0..50 {
        y2[i] = 1e6;
        w0[i] = 0.0;
    }
    let pred = fit(&p, &refs(&x), &y2, Some(&w0)).expect("fit").predict(&refs(&x));
    assert!(pred.iter().all(|v| v.abs() < 100.0));
}

#[test]
fn missing_values_go_to_the_side_learned() {
    let n = 400;
    let x: Vec<f64> =
        (0..n).map(|i| if i % 4 == 0 { f64::NAN } else { f64::from(i % 10) }).collect();
    let y: Vec<f64> = x
        .iter()
        .map(|v| {
            if v.is_nan() {
                5.0
            } else if *v < 5.0 {
                0.0
            } else {
                1.0
            }
        })
        .collect();
    let m = fit(&GbdtParams::default(), &[&x], &y, None).expect("fit");
    let p = m.predict(&[&[f64::NAN, 2.0, 8.0]]);
    assert!((p[0] - 5.0).abs() < 0.01 && p[1].abs() < 0.01 && (p[2] - 1.0).abs() < 0.01, "{p:?}");
}

#[test]
fn early_stopping_stops_on_noise() {
    let mut rng = SplitMix64(9);
    let x: Vec<f64> = (0..2000).map(|_| rng.uniform()).collect();
    let y: Vec<f64> = (0..2000).map(|_| rng.uniform()).collect();
    let p =
        GbdtParams { early_stopping_rounds: Some(5), n_estimators: 500, ..GbdtParams::default() };
    let m = fit(&p, &[&x], &y, None).expect("fit");
    assert!(m.n_trees() < 100, "{} trees", m.n_trees());
    assert_eq!(m.best_iteration(), Some(m.n_trees()));
}

#[test]
fn leaves_and_depth_are_bounded() {
    let (x, y, _) = data();
    let p = GbdtParams {
        min_data_in_leaf: 500,
        n_estimators: 1,
        learning_rate: 1.0,
        ..GbdtParams::default()
    };
    let m = fit(&p, &refs(&x), &y, None).expect("fit");
    // With 500 rows per leaf, at most 6 leaves: at most 6 distinct predictions.
    let mut pred = m.predict(&refs(&x));
    pred.sort_by(f64::total_cmp);
    pred.dedup();
    assert!(pred.len() <= 6 && pred.len() >= 2, "{}", pred.len());
    let stump = GbdtParams { max_depth: Some(1), n_estimators: 1, ..GbdtParams::default() };
    let mut pred = fit(&stump, &refs(&x), &y, None).expect("fit").predict(&refs(&x));
    pred.sort_by(f64::total_cmp);
    pred.dedup();
    assert_eq!(pred.len(), 2);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = [1.0, 2.0, 3.0];
    let binary = GbdtParams { objective: Objective::Binary, ..GbdtParams::default() };
    assert_eq!(fit(&binary, &[&x], &[0.0, 2.0, 1.0], None), Err(GbdtError::NotBinary { row: 1 }));
    assert!(matches!(
        fit(&GbdtParams::default(), &[&x], &[1.0, 2.0], None),
        Err(GbdtError::Length { .. })
    ));
    assert_eq!(fit(&GbdtParams::default(), &[], &[], None), Err(GbdtError::Empty));
    assert!(matches!(
        fit(&GbdtParams::default(), &[&x], &[1.0, f64::NAN, 2.0], None),
        Err(GbdtError::NotFinite { row: 1, .. })
    ));
    assert_eq!(
        fit(&GbdtParams::default(), &[&x], &[1.0, 2.0, 3.0], Some(&[0.0, 0.0, 0.0])),
        Err(GbdtError::Weights)
    );
    let bad = GbdtParams { learning_rate: 0.0, ..GbdtParams::default() };
    let err = fit(&bad, &[&x], &[1.0, 2.0, 3.0], None).expect_err("refused");
    assert!(err.to_string().contains("learning_rate"), "{err}");
    // Too few rows to split: a constant model, not an error.
    let m = fit(&GbdtParams::default(), &[&x], &[1.0, 2.0, 3.0], None).expect("fit");
    assert!(m.predict(&[&x]).iter().all(|&p| (p - 2.0).abs() < 1e-12));
}

#[test]
fn a_saved_model_predicts_the_same_bits_and_a_broken_one_is_refused() {
    let (x, y, b) = data();
    for (objective, target) in [(Objective::SquaredError, &y), (Objective::Binary, &b)] {
        let params = GbdtParams { objective, n_estimators: 30, ..GbdtParams::default() };
        let model = fit(&params, &refs(&x), target, None).expect("fit");
        model.check().expect("a fitted model is well formed");
        let text = serde_json::to_string(&model).expect("save");
        let back: cf_gbdt::Booster = serde_json::from_str(&text).expect("load");
        assert_eq!(back, model);
        let (a, z) = (model.predict(&refs(&x)), back.predict(&refs(&x)));
        assert!(a.iter().zip(&z).all(|(p, q)| p.to_bits() == q.to_bits()));
        // A split pointing back at the root would loop: refused.
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v["trees"][1]["nodes"][1]["left"] = serde_json::json!(0);
        let bad: cf_gbdt::Booster = serde_json::from_value(v).expect("still parses");
        let e = bad.check().expect_err("a loop is refused");
        assert!(e.contains("tree 2") && e.contains("out of order"), "{e}");
        // A feature the rows do not have.
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v["trees"][0]["nodes"][0]["feature"] = serde_json::json!(10);
        let bad: cf_gbdt::Booster = serde_json::from_value(v).expect("still parses");
        assert!(bad.check().expect_err("refused").contains("feature 10 of 10"));
    }
}
