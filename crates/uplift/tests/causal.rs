//! Causal trees and forests on a simulated continuous outcome with a known step effect.

use cf_uplift::{CausalForestParams, CausalTreeParams, fit_causal_forest, fit_causal_tree};

mod common;
use common::Lcg;

/// y = 3·x1 + τ(x)·t + noise, τ = 2 where x0 > 0.5 and 0 elsewhere; x2 is noise.
fn data(n: usize) -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
    let mut rng = Lcg(5);
    let mut x: Vec<Vec<f64>> = (0..3).map(|_| Vec::with_capacity(n)).collect();
    let (mut t, mut y) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let v: Vec<f64> = (0..3).map(|_| rng.u()).collect();
        let ti = f64::from(u8::from(rng.u() < 0.5));
        let tau = if v[0] > 0.5 { 2.0 } else { 0.0 };
        y.push(3.0 * v[1] + tau * ti + (rng.u() - 0.5) * 2.0);
        t.push(ti);
        for (c, vi) in x.iter_mut().zip(&v) {
            c.push(*vi);
        }
    }
    (x, t, y)
}

fn refs(x: &[Vec<f64>]) -> Vec<&[f64]> {
    x.iter().map(|c| &c[..]).collect()
}

#[test]
fn a_causal_tree_finds_the_step() {
    let (x, t, y) = data(20_000);
    for honesty in [true, false] {
        let p = CausalTreeParams { honesty, max_depth: 3, ..CausalTreeParams::default() };
        let tree = fit_causal_tree(&p, &refs(&x), &t, &y).expect("fit");
        let probe = [vec![0.2, 0.8, 0.25, 0.75], vec![0.5; 4], vec![0.5; 4]];
        let tau = tree.predict(&refs(&probe));
        // x0 = 0.2 and 0.25: no effect; x0 = 0.8 and 0.75: an effect of 2.
        assert!(tau[0].abs() < 0.25 && tau[2].abs() < 0.25, "honesty {honesty}: {tau:?}");
        assert!(
            (tau[1] - 2.0).abs() < 0.25 && (tau[3] - 2.0).abs() < 0.25,
            "honesty {honesty}: {tau:?}"
        );
        assert!(tree.n_leaves() >= 2);
    }
}

#[test]
fn a_causal_forest_finds_the_step_and_can_be_cancelled() {
    let (x, t, y) = data(10_000);
    let p = CausalForestParams { n_estimators: 20, seed: 3, ..CausalForestParams::default() };
    let mut calls = 0;
    let forest = fit_causal_forest(&p, &refs(&x), &t, &y, &mut |done, total| {
        calls += 1;
        assert_eq!(total, 20);
        done <= 20
    })
    .expect("fit");
    assert_eq!(calls, 20);
    let tau = forest.predict(&refs(&[vec![0.1, 0.9], vec![0.5; 2], vec![0.5; 2]]));
    assert!(tau[0].abs() < 0.4 && (tau[1] - 2.0).abs() < 0.4, "{tau:?}");
    let cancelled = fit_causal_forest(&p, &refs(&x), &t, &y, &mut |done, _| done < 3);
    assert!(cancelled.is_err());
}

#[test]
fn bad_input_is_an_error() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let p = CausalTreeParams::default();
    assert!(fit_causal_tree(&p, &[&x], &[0.0, 2.0, 1.0, 0.0], &[1.0; 4]).is_err());
    assert!(fit_causal_tree(&p, &[&x], &[1.0; 4], &[1.0; 4]).is_err());
    assert!(fit_causal_tree(&p, &[&x], &[0.0, 1.0, 0.0, 1.0], &[1.0, f64::NAN, 1.0, 1.0]).is_err());
    // Too few rows to split: one leaf, the difference in means.
    let tree = fit_causal_tree(
        &CausalTreeParams { honesty: false, ..p },
        &[&x],
        &[0.0, 1.0, 0.0, 1.0],
        &[1.0, 3.0, 1.0, 3.0],
    )
    .expect("fit");
    assert_eq!(tree.predict(&[&[0.0]]), vec![2.0]);
}
