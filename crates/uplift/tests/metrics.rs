//! Uplift metrics on cases small enough to compute by hand, and properties that can fail.

use cf_uplift::metrics::{MetricError, at_percents, bootstrap, coefficients, curves};
use cf_uplift::split::stratified;

/// Four rows ranked 0.9, 0.5 (twice, tied), 0.1.
#[test]
fn a_hand_computed_case_with_a_tie_and_a_leading_gap() {
    let score = [0.5, 0.9, 0.5, 0.1];
    let treated = [false, true, true, false];
    let y = [0.0, 1.0, 1.0, 1.0];
    let c = curves(&score, &treated, &y).expect("curves");
    // Ranked rows: 1 (t, 1), 0 (c, 0), 2 (t, 1), 3 (c, 1).
    // k=1: no control: lift 0/0 → filled from (0, 0) to k=2; qini(1) = 0/0 too.
    // k=2: Nt=1 Yt=1, Nc=1 Yc=0: lift 1, qini 1.
    // k=3: Nt=2 Yt=2: lift 1 − 0 = 1, qini 2.
    // k=4: Nc=2 Yc=1: lift 1 − 0.5 = 0.5, qini 2 − 1·2/2 = 1.
    assert_eq!(c.lift, vec![0.0, 0.5, 1.0, 1.0, 0.5]);
    assert_eq!(c.gain, vec![0.0, 0.5, 2.0, 3.0, 2.0]);
    assert_eq!(c.qini, vec![0.0, 0.5, 1.0, 2.0, 1.0]);
    let k = coefficients(&c);
    assert!((k.auuc_raw - 7.5 / 5.0).abs() < 1e-15);
    assert!((k.auuc - 7.5 / 5.0 / 2.0).abs() < 1e-15);
    // Qini: (4.5 − 5 · (0 + 1)/2) / 5 = 0.4, and normalised by |1| the same.
    assert!((k.qini_raw - 0.4).abs() < 1e-15);
    assert!((k.qini - 0.4).abs() < 1e-15);
}

#[test]
fn ties_keep_row_order() {
    let treated = [true, false, true, false];
    let y = [1.0, 0.0, 0.0, 1.0];
    let a = curves(&[1.0; 4], &treated, &y).expect("curves");
    let b = curves(&[4.0, 3.0, 2.0, 1.0], &treated, &y).expect("curves");
    assert_eq!(a, b);
}

/// A negative overall effect: the normalised gain curve ends at −1.
#[test]
fn normalising_divides_by_the_absolute_end() {
    let score = [3.0, 2.0, 1.0, 0.0];
    let treated = [true, false, true, false];
    let y = [0.0, 1.0, 0.0, 1.0];
    let c = curves(&score, &treated, &y).expect("curves");
    assert_eq!(c.gain.last().copied(), Some(-4.0));
    let k = coefficients(&c);
    assert!((k.auuc - k.auuc_raw / 4.0).abs() < 1e-15);
}

mod common;
use common::Lcg;

/// Simulated: the effect is x (in [0, 1]), base rate 0.2.
fn simulated(n: usize) -> (Vec<f64>, Vec<bool>, Vec<f64>, Vec<f64>) {
    let mut rng = Lcg(11);
    let mut x = Vec::new();
    let mut t = Vec::new();
    let mut y = Vec::new();
    let mut noise = Vec::new();
    for _ in 0..n {
        let xi = rng.u();
        let ti = rng.u() < 0.5;
        let p = 0.2 + if ti { 0.5 * xi } else { 0.0 };
        x.push(xi);
        t.push(ti);
        y.push(f64::from(u8::from(rng.u() < p)));
        noise.push(rng.u());
    }
    (x, t, y, noise)
}

/// A random score gives AUUC ≈ 0.5 and Qini ≈ 0; the true effect as score beats it; the
/// bootstrap interval holds the estimate and narrows with more rows.
#[test]
fn random_ranking_is_about_half_and_the_truth_beats_it() {
    let (x, t, y, noise) = simulated(20_000);
    let random = coefficients(&curves(&noise, &t, &y).expect("curves"));
    let truth = coefficients(&curves(&x, &t, &y).expect("curves"));
    assert!((random.auuc - 0.5).abs() < 0.03, "{}", random.auuc);
    assert!(random.qini.abs() < 0.03, "{}", random.qini);
    assert!(truth.auuc > 0.6 && truth.qini > 0.1, "{truth:?}");
    let iv = bootstrap(&x, &t, &y, 200, 1, 0.05).expect("bootstrap");
    assert!(iv.auuc.0 < truth.auuc && truth.auuc < iv.auuc.1, "{iv:?}");
    assert!(iv.qini.0 < truth.qini && truth.qini < iv.qini.1, "{iv:?}");
    assert!(iv.qini_raw.0 < truth.qini_raw && truth.qini_raw < iv.qini_raw.1);
    assert_eq!(iv.replicates, 200);
    // The curves' bands hold the curves (the start, 0, exactly) and widen along them.
    let c = curves(&x, &t, &y).expect("curves");
    for (band, curve) in [(&iv.gain_band, &c.gain), (&iv.qini_band, &c.qini)] {
        let (_, points) = at_percents(curve);
        assert_eq!(band.len(), 101);
        assert_eq!(band[0], (0.0, 0.0));
        let inside =
            (1..=100).filter(|&k| band[k].0 <= points[k] && points[k] <= band[k].1).count();
        assert!(inside >= 95, "{inside} of 100 points inside their band");
        assert!(band[100].1 - band[100].0 > band[10].1 - band[10].0);
    }
    let (x2, t2, y2, _) = simulated(2_000);
    let small = bootstrap(&x2, &t2, &y2, 200, 1, 0.05).expect("bootstrap");
    assert!(small.auuc.1 - small.auuc.0 > iv.auuc.1 - iv.auuc.0);
}

#[test]
fn hundred_and_one_points() {
    let (x, t, y, _) = simulated(1_000);
    let c = curves(&x, &t, &y).expect("curves");
    let (f, g) = at_percents(&c.gain);
    assert_eq!((f.len(), g.len()), (101, 101));
    assert_eq!((f[0], f[100], g[100]), (0.0, 1.0, c.gain[1000]));
    assert_eq!(g[37], c.gain[370]);
}

#[test]
fn bad_input_is_an_error() {
    assert_eq!(curves(&[1.0], &[true, false], &[1.0, 0.0]), Err(MetricError::Length));
    assert_eq!(curves(&[1.0, 2.0], &[true, true], &[1.0, 0.0]), Err(MetricError::NoGroup));
    assert_eq!(
        curves(&[1.0, f64::NAN], &[true, false], &[1.0, 0.0]),
        Err(MetricError::NotFinite(1))
    );
    assert!(bootstrap(&[1.0, 2.0], &[true, false], &[1.0, 0.0], 1, 0, 0.05).is_err());
}

#[test]
fn the_split_keeps_every_stratum_share() {
    let (_, t, y, _) = simulated(10_000);
    let group: Vec<usize> = t.iter().map(|&t| usize::from(t)).collect();
    let test = stratified(&group, &y, 0.3, 42);
    for g in 0..2 {
        for v in [0.0, 1.0] {
            let rows: Vec<usize> = (0..y.len()).filter(|&r| group[r] == g && y[r] == v).collect();
            let in_test = rows.iter().filter(|&&r| test[r]).count();
            assert_eq!(in_test, ((rows.len() as f64) * 0.3).round() as usize);
        }
    }
    assert_eq!(test, stratified(&group, &y, 0.3, 42));
    assert_ne!(test, stratified(&group, &y, 0.3, 43));
}
