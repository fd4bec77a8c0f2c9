//! Errors, background knowledge and the bootstrap, on small generated data.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use cf_discovery::{DiscoveryError, IndepTest, Knowledge, MeekRule, PcOptions, bootstrap, pc};

/// Standard normal draws from a fixed LCG (Box–Muller).
struct Normal(u64);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 + 0.5) / (1_u64 << 53) as f64
    }

    fn draw(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    fn column(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.draw()).collect()
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn refs(cols: &[Vec<f64>]) -> Vec<&[f64]> {
    cols.iter().map(Vec::as_slice).collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// x → z ← y.
fn collider(n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut g = Normal(seed);
    let x = g.column(n);
    let y = g.column(n);
    let z: Vec<f64> = (0..n).map(|i| x[i] + y[i] + 0.5 * g.draw()).collect();
    vec![x, y, z]
}

/// a → b → c.
fn chain(n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut g = Normal(seed);
    let a = g.column(n);
    let b: Vec<f64> = a.iter().map(|v| v + 0.6 * g.draw()).collect();
    let c: Vec<f64> = b.iter().map(|v| v + 0.6 * g.draw()).collect();
    vec![a, b, c]
}

#[test]
fn a_collider_is_found_and_tiers_forbid_later_to_earlier_edges() {
    let cols = collider(2000, 1);
    let nm = names(&["x", "y", "z"]);
    let g = pc(&nm, &refs(&cols), &PcOptions::default()).unwrap();
    assert_eq!(g.directed, [pair("x", "z"), pair("y", "z")]);
    // z in the first tier: x → z and y → z point from a later tier to an earlier one.
    let options = PcOptions {
        knowledge: Knowledge {
            tiers: vec![vec!["z".into()], vec!["x".into(), "y".into()]],
            ..Knowledge::default()
        },
        ..PcOptions::default()
    };
    let g = pc(&nm, &refs(&cols), &options).unwrap();
    assert_eq!(g.directed, [pair("z", "x"), pair("z", "y")]);
    assert!(g.colliders_applied.is_empty());
    assert_eq!(g.colliders_skipped_knowledge, [["x", "z", "y"].map(String::from)]);
    // The tests are the same: knowledge only orients here.
    assert_eq!(g.skeleton, [pair("x", "z"), pair("y", "z")]);
}

#[test]
fn forbidding_both_directions_removes_the_edge_and_required_edges_are_oriented() {
    let cols = chain(3000, 2);
    let nm = names(&["a", "b", "c"]);
    let plain = pc(&nm, &refs(&cols), &PcOptions::default()).unwrap();
    assert!(plain.directed.is_empty());
    assert_eq!(plain.undirected, [pair("a", "b"), pair("b", "c")]);

    let required = PcOptions {
        knowledge: Knowledge { required: vec![pair("a", "b")], ..Knowledge::default() },
        ..PcOptions::default()
    };
    let g = pc(&nm, &refs(&cols), &required).unwrap();
    // a → b by knowledge, then b → c by Meek's first rule.
    assert_eq!(g.directed, [pair("a", "b"), pair("b", "c")]);
    assert_eq!(g.meek_orientations.len(), 1);
    assert_eq!(g.meek_orientations[0].rule, MeekRule::R1);
    assert!(g.missing_required.is_empty());

    let banned = PcOptions {
        knowledge: Knowledge {
            forbidden: vec![pair("a", "b"), pair("b", "a")],
            required: vec![pair("b", "c")],
            ..Knowledge::default()
        },
        record_trace: true,
        ..PcOptions::default()
    };
    let g = pc(&nm, &refs(&cols), &banned).unwrap();
    assert_eq!(g.skeleton, [pair("b", "c")]);
    assert_eq!(g.directed, [pair("b", "c")]);
    // The banned pair was still tested at depth 0 (causal-learn makes those calls), and has an
    // empty separating set.
    let trace = g.trace_text().unwrap();
    assert!(trace.starts_with("0 1|\n0 2|\n1 0|\n"), "{trace}");
    let sep = g.sepsets.iter().find(|s| s.x == "a" && s.y == "b").unwrap();
    assert_eq!((sep.removed_at_depth, sep.union.len()), (0, 0));

    // A required edge the tests remove is reported, not forced in.
    let missing = PcOptions {
        knowledge: Knowledge { required: vec![pair("a", "c")], ..Knowledge::default() },
        ..PcOptions::default()
    };
    let g = pc(&nm, &refs(&cols), &missing).unwrap();
    assert_eq!(g.missing_required, [pair("a", "c")]);
}

#[test]
fn knowledge_that_names_no_column_or_contradicts_itself_is_refused() {
    let cols = chain(200, 3);
    let nm = names(&["a", "b", "c"]);
    let with =
        |k: Knowledge| pc(&nm, &refs(&cols), &PcOptions { knowledge: k, ..PcOptions::default() });
    assert_eq!(
        with(Knowledge { forbidden: vec![pair("a", "q")], ..Knowledge::default() }).unwrap_err(),
        DiscoveryError::UnknownColumn("q".into())
    );
    let contradiction = Knowledge {
        tiers: vec![vec!["a".into()], vec!["b".into()]],
        required: vec![pair("b", "a")],
        ..Knowledge::default()
    };
    assert!(matches!(with(contradiction).unwrap_err(), DiscoveryError::Param(_)));
    let twice =
        Knowledge { tiers: vec![vec!["a".into()], vec!["a".into()]], ..Knowledge::default() };
    assert!(matches!(with(twice).unwrap_err(), DiscoveryError::Param(_)));
}

#[test]
fn data_errors_name_the_column() {
    let mut g = Normal(4);
    let x = g.column(100);
    let y = g.column(100);
    let nm = names(&["x", "y", "k"]);
    let opts = PcOptions::default();

    let constant = vec![x.clone(), y.clone(), vec![2.5; 100]];
    let e = pc(&nm, &refs(&constant), &opts).unwrap_err();
    assert_eq!(e, DiscoveryError::Constant { column: "k".into() });
    assert!(e.to_string().contains("`k` is constant"), "{e}");

    let sum: Vec<f64> = x.iter().zip(&y).map(|(a, b)| 2.0 * a - b).collect();
    let collinear = vec![x.clone(), y.clone(), sum];
    let e = pc(&nm, &refs(&collinear), &opts).unwrap_err();
    assert_eq!(e, DiscoveryError::Collinear { column: "k".into(), with: names(&["x", "y"]) });
    assert!(e.to_string().contains("`k` is a linear combination of `x`, `y`"), "{e}");

    let mut missing = vec![x.clone(), y.clone(), g.column(100)];
    missing[1][17] = f64::NAN;
    let e = pc(&nm, &refs(&missing), &opts).unwrap_err();
    assert_eq!(e, DiscoveryError::NotFinite { column: "y".into(), row: 17 });
    assert!(e.to_string().contains("row 18"), "{e}");

    let e = pc(&nm[..1], &[x.as_slice()], &opts).unwrap_err();
    assert_eq!(e, DiscoveryError::TooFewColumns(1));
    let e = pc(&names(&["x", "x"]), &refs(&[x.clone(), y.clone()]), &opts).unwrap_err();
    assert_eq!(e, DiscoveryError::DuplicateName("x".into()));
    let short = vec![x.clone(), y[..50].to_vec()];
    assert!(matches!(pc(&nm[..2], &refs(&short), &opts), Err(DiscoveryError::Shape(_))));
    let bad_alpha = PcOptions { alpha: 1.5, ..PcOptions::default() };
    assert!(matches!(pc(&nm[..2], &refs(&[x, y]), &bad_alpha), Err(DiscoveryError::Param(_))));
}

#[test]
fn discrete_tests_refuse_too_many_levels() {
    let n = 300;
    let a: Vec<f64> = (0..n).map(|i| f64::from(i % 2)).collect();
    let b: Vec<f64> = (0..n).map(|i| f64::from(i % 3)).collect();
    let many: Vec<f64> = (0..n).map(|i| f64::from(i % 60)).collect();
    let nm = names(&["a", "b", "wide"]);
    let cols = vec![a, b, many];
    for test in [IndepTest::ChiSq, IndepTest::GSq] {
        let e = pc(&nm, &refs(&cols), &PcOptions { test, ..PcOptions::default() }).unwrap_err();
        assert_eq!(e, DiscoveryError::TooManyLevels { column: "wide".into(), levels: 60, max: 50 });
        assert!(e.to_string().contains("`wide` has 60 distinct values"), "{e}");
    }
    // The mixed test bins it instead.
    let mixed = PcOptions { test: IndepTest::Mixed { bins: 4 }, ..PcOptions::default() };
    assert!(pc(&nm, &refs(&cols), &mixed).is_ok());
}

#[test]
fn fisher_z_needs_more_rows_than_the_conditioning_set_plus_three() {
    let cols = vec![vec![1.0, 2.0, 3.0, 4.0], vec![1.1, 2.0, 3.1, 3.9], vec![0.9, 2.1, 2.9, 4.2]];
    let nm = names(&["a", "b", "c"]);
    // Depth 0 needs n > 3 (4 rows: fine); every pair stays dependent, and depth 1 needs n > 4.
    let e = pc(&nm, &refs(&cols), &PcOptions::default()).unwrap_err();
    assert_eq!(e, DiscoveryError::TooFewRows { n: 4, conditioning: 1 });
    assert!(e.to_string().contains("needs more than 4 rows"), "{e}");
    let shallow = PcOptions { max_k: Some(0), ..PcOptions::default() };
    let g = pc(&nm, &refs(&cols), &shallow).unwrap();
    assert_eq!(g.skeleton.len(), 3);
    assert_eq!(g.n_ci_calls_by_depth, [6]);
}

#[test]
fn max_k_limits_the_conditioning_sets() {
    let cols = chain(500, 5);
    let nm = names(&["a", "b", "c"]);
    let g = pc(&nm, &refs(&cols), &PcOptions { max_k: Some(0), ..PcOptions::default() }).unwrap();
    // Without conditioning a and c stay adjacent.
    assert_eq!(g.skeleton.len(), 3);
    assert_eq!(g.n_ci_calls_by_depth, [6]);
}

#[test]
fn the_bootstrap_is_deterministic_for_a_seed() {
    let cols = collider(400, 6);
    let nm = names(&["x", "y", "z"]);
    let opts = PcOptions::default();
    let one = bootstrap(&nm, &refs(&cols), &opts, 30, 11).unwrap();
    let two = bootstrap(&nm, &refs(&cols), &opts, 30, 11).unwrap();
    assert_eq!(one, two);
    let other = bootstrap(&nm, &refs(&cols), &opts, 30, 12).unwrap();
    assert_eq!((one.resamples, one.failed, one.seed), (30, 0, 11));
    for e in one.edges.iter().chain(&other.edges) {
        assert!(e.a < e.b);
        assert!((e.forward + e.backward + e.undirected - e.frequency).abs() < 1e-12);
        assert!(e.frequency > 0.0 && e.frequency <= 1.0);
    }
    let xz = one.edges.iter().find(|e| e.a == "x" && e.b == "z").unwrap();
    assert!(xz.frequency > 0.9 && xz.forward > 0.8, "{xz:?}");
    // Most frequent first.
    assert!(one.edges.windows(2).all(|w| w[0].frequency >= w[1].frequency));
    assert!(matches!(bootstrap(&nm, &refs(&cols), &opts, 0, 1), Err(DiscoveryError::Param(_))));
}

#[test]
fn the_pattern_prints_as_dagitty_text() {
    let cols = chain(3000, 2);
    let nm = names(&["a", "b", "c d"]);
    let g = pc(&nm, &refs(&cols), &PcOptions::default()).unwrap();
    assert_eq!(g.to_dagitty(), "pdag {\na\nb\n\"c d\"\na -- b\nb -- \"c d\"\n}\n");
}
