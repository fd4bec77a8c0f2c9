//! Experiment mode and benchmarking mode on the NSW files, Hillstrom and small tables: the lift,
//! its relative version, balance, power and CUPED against independent computations in the test
//! and against statsmodels; the observational NSW–CPS estimates against the experimental one.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use cf_data::{ReadOptions, Table, read_csv};
use cf_engine::experiment::{self, ExperimentReport, benchmark, compare, power, sample_size_for};
use cf_engine::{AnalysisError, AnalysisSpec, Method};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/refs/data/");

/// The NSW covariates that are not squares of others.
const NSW: [&str; 10] =
    ["age", "educ", "black", "hisp", "married", "nodegree", "re74", "re75", "u74", "u75"];

fn load(name: &str) -> Table {
    let bytes = std::fs::read(format!("{DATA}{name}.csv")).unwrap();
    read_csv(&bytes[..], &ReadOptions::default(), &mut |_| true).unwrap().0
}

fn table(text: &str) -> Table {
    read_csv(text.as_bytes(), &ReadOptions::default(), &mut |_| true).unwrap().0
}

fn spec(t: &str, y: &str, covariates: &[&str]) -> AnalysisSpec {
    let mut s = AnalysisSpec::new(t, y, vec![Method::DiffMeans]);
    s.covariates = Some(covariates.iter().map(|c| c.to_string()).collect());
    s
}

#[track_caller]
fn close(what: &str, got: f64, want: f64, rel: f64) {
    let d = (got - want).abs();
    assert!(d <= rel * want.abs().max(1e-300), "{what}: got {got}, want {want} (|Δ| = {d:e})");
}

/// A column of `t` as numbers.
fn numbers(t: &Table, name: &str) -> Vec<f64> {
    t.column(name).unwrap().as_numeric().unwrap().to_vec()
}

/// Mean and sample variance (n − 1) of `y` where `t == arm`, by two passes.
fn group(y: &[f64], t: &[f64], arm: f64) -> (f64, f64, f64) {
    let v: Vec<f64> = y.iter().zip(t).filter(|(_, t)| **t == arm).map(|(y, _)| *y).collect();
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0), n)
}

/// Every number of the report survives a JSON round trip (a NaN is written as null, which does
/// not parse as a number, and as an optional number parses as `None`: unequal).
fn round_trips(r: &ExperimentReport) {
    let text = serde_json::to_string(r).unwrap();
    let back: ExperimentReport = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, r);
}

#[test]
fn nsw_lift_relative_lift_and_means() {
    let t = load("nsw_experimental");
    let r = experiment::analyze(&t, &spec("treat", "re78", &NSW)).unwrap();
    round_trips(&r);
    assert_eq!((r.n, r.comparisons.len()), (445, 1));
    let c = &r.comparisons[0];
    assert_eq!((c.arm.as_deref(), c.n_treated, c.n_control), (None, 185, 260));
    assert!(!c.binary_outcome);
    // The difference in means of the reference results (causalml's and pandas').
    close("lift", c.lift.estimate, 1794.342404270271, 1e-9);

    // Independently: two-pass group moments.
    let (y, tr) = (numbers(&t, "re78"), numbers(&t, "treat"));
    let (m1, v1, n1) = group(&y, &tr, 1.0);
    let (m0, v0, n0) = group(&y, &tr, 0.0);
    let se = (v1 / n1 + v0 / n0).sqrt();
    close("Welch SE", c.lift.std_error, se, 1e-12);
    // pandas: sqrt(y1.var()/n1 + y0.var()/n0).
    close("Welch SE (pandas)", c.lift.std_error, 670.9965463815241, 1e-9);
    close("control mean", c.control.mean, m0, 1e-12);
    close("control mean (pandas)", c.control.mean, 4554.801126, 1e-9);
    close("treated mean", c.treated.mean, m1, 1e-12);
    close("control SE", c.control.std_error, (v0 / n0).sqrt(), 1e-12);
    let z = 1.959_963_984_540_054; // scipy.stats.norm.ppf(0.975)
    close("ci low", c.lift.ci[0], c.lift.estimate - z * se, 1e-12);
    close("ci high", c.lift.ci[1], c.lift.estimate + z * se, 1e-12);

    let rel = c.relative_lift.as_ref().unwrap();
    close("relative lift", rel.estimate, m1 / m0 - 1.0, 1e-12);
    let rel_se = (v1 / n1 / (m0 * m0) + m1 * m1 * (v0 / n0) / m0.powi(4)).sqrt();
    close("relative lift SE", rel.std_error, rel_se, 1e-12);
    close("relative ci", rel.ci[1], rel.estimate + z * rel_se, 1e-12);

    // The same bits as the run's difference in means.
    let run = cf_engine::analyze(&t, &spec("treat", "re78", &NSW)).unwrap();
    assert_eq!(run.results[0].estimate, c.lift.estimate);
    assert_eq!(run.results[0].std_error, c.lift.std_error);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn nsw_balance_test_matches_statsmodels_and_the_run_balance_table() {
    let t = load("nsw_experimental");
    let r = experiment::analyze(&t, &spec("treat", "re78", &NSW)).unwrap();
    let b = &r.comparisons[0].balance;
    let f = b.f_test.as_ref().unwrap();
    // statsmodels 0.14: fit = sm.OLS(d.treat, sm.add_constant(d[covariates])).fit() with the ten
    // covariates above; fit.fvalue, fit.f_pvalue, fit.df_model, fit.df_resid.
    close("F", f.f, 2.0049845688296326, 1e-9);
    close("p", f.p_value, 0.03140292940774027, 1e-8);
    assert_eq!((f.df1, f.df2), (10, 434));
    assert!(b.verdict.contains("cannot prove it"), "{}", b.verdict);
    assert!(b.verdict.contains("the covariates predict the treatment"), "{}", b.verdict);

    // With re74 and re75 only: sm.OLS(d.treat, sm.add_constant(d[['re74', 're75']])).fit().
    let r2 = experiment::analyze(&t, &spec("treat", "re78", &["re74", "re75"])).unwrap();
    let b2 = &r2.comparisons[0].balance;
    let f2 = b2.f_test.as_ref().unwrap();
    close("F (re74, re75)", f2.f, 0.6923056384995265, 1e-9);
    close("p (re74, re75)", f2.p_value, 0.5009627470613761, 1e-8);
    assert!(b2.verdict.contains("as expected under randomization"), "{}", b2.verdict);

    // The standardized differences are the run's balance table's (before adjustment).
    let mut s = spec("treat", "re78", &NSW);
    s.methods = vec![Method::Ipw];
    let run = cf_engine::analyze(&t, &s).unwrap();
    let table = &run.balance[0].rows;
    assert_eq!(table.len(), b.rows.len());
    for (mine, theirs) in b.rows.iter().zip(table) {
        assert_eq!(mine.covariate, theirs.covariate);
        close(&mine.covariate, mine.smd.unwrap(), theirs.smd_before, 1e-12);
    }
}

#[test]
fn power_and_minimum_detectable_effect() {
    let t = load("nsw_experimental");
    let r = experiment::analyze(&t, &spec("treat", "re78", &NSW)).unwrap();
    let c = &r.comparisons[0];
    // Closed form with scipy: (norm.ppf(0.975) + norm.ppf(0.8)) * se, se from pandas (above).
    close("MDE", c.mde.absolute, 1879.8540057473308, 1e-9);
    close("relative MDE", c.mde.relative.unwrap(), c.mde.absolute / c.control.mean, 1e-12);
    assert_eq!((c.mde.power, c.mde.alpha), (0.8, 0.05));
    // statsmodels: NormalIndPower().power(effect_size=1000/se, nobs1=1, alpha=0.05, ratio=0)
    // (a one-sample z-test of effect / se, both tails).
    close("power", power(1000.0, 670.9965463815241, 0.05), 0.3195849224270559, 1e-9);
    // Symmetric in the sign of the effect; alpha at no effect; the MDE has power 0.8 plus the
    // far tail (Φ(−4.76) ≈ 1e-6).
    assert_eq!(power(-1000.0, 671.0, 0.05), power(1000.0, 671.0, 0.05));
    close("power at 0", power(0.0, 1.0, 0.05), 0.05, 1e-12);
    let at_mde = power(c.mde.absolute, c.lift.std_error, 0.05);
    assert!(at_mde > 0.8 && at_mde < 0.8 + 1e-5, "{at_mde}");
    assert_eq!(power(1.0, 0.0, 0.05), 0.0);
    assert_eq!(power(1.0, 1.0, 1.5), 0.0);
    assert_eq!(power(f64::NAN, 1.0, 0.05), 0.0);
    // statsmodels: NormalIndPower().solve_power(effect_size=0.2, alpha=0.05, power=0.8, ratio=1).
    // Its root finder stops where NormalIndPower().power(0.2, n, 0.05, ratio=1) is 2.2e-9 short
    // of 0.8, hence 1e-7; here the power of the answer is 0.8 to 1e-12.
    let n = sample_size_for(0.2, 1.0, 0.05, 0.8).unwrap();
    close("n per group", n, 392.4430232577885, 1e-7);
    close("its power", power(0.2, (2.0 / n).sqrt(), 0.05), 0.8, 1e-12);
    assert_eq!(sample_size_for(0.0, 1.0, 0.05, 0.8), None);
    assert_eq!(sample_size_for(0.2, 1.0, 0.05, 1.0), None);
    // Any sample has at least the power alpha.
    assert_eq!(sample_size_for(0.2, 1.0, 0.05, 0.05), None);
}

#[test]
fn cuped_on_the_pre_period_earnings() {
    let t = load("nsw_experimental");
    let r = experiment::analyze(&t, &spec("treat", "re78", &["re74", "re75"])).unwrap();
    round_trips(&r);
    let c = &r.comparisons[0];
    let cu = c.cuped.as_ref().unwrap();
    assert_eq!(cu.covariates, vec!["re74", "re75"]);
    assert!(c.cuped_skipped.is_none());
    assert!(cu.variance_reduction > 0.0, "{}", cu.variance_reduction);

    // Independently: θ from the 2×2 normal equations of the centred columns, then the adjusted
    // outcome's difference in means.
    let (y, tr) = (numbers(&t, "re78"), numbers(&t, "treat"));
    let (a, b) = (numbers(&t, "re74"), numbers(&t, "re75"));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb, my) = (mean(&a), mean(&b), mean(&y));
    let dot = |u: &[f64], mu: f64, v: &[f64], mv: f64| {
        u.iter().zip(v).map(|(x, z)| (x - mu) * (z - mv)).sum::<f64>()
    };
    let (saa, sab, sbb) = (dot(&a, ma, &a, ma), dot(&a, ma, &b, mb), dot(&b, mb, &b, mb));
    let (say, sby) = (dot(&a, ma, &y, my), dot(&b, mb, &y, my));
    let det = saa * sbb - sab * sab;
    let theta = [(sbb * say - sab * sby) / det, (saa * sby - sab * say) / det];
    close("theta re74", cu.theta[0], theta[0], 1e-9);
    close("theta re75", cu.theta[1], theta[1], 1e-9);
    let adj: Vec<f64> =
        (0..y.len()).map(|i| y[i] - (a[i] - ma) * theta[0] - (b[i] - mb) * theta[1]).collect();
    let (m1, v1, n1) = group(&adj, &tr, 1.0);
    let (m0, v0, n0) = group(&adj, &tr, 0.0);
    close("CUPED lift", cu.lift.estimate, m1 - m0, 1e-9);
    let se = (v1 / n1 + v0 / n0).sqrt();
    close("CUPED SE", cu.lift.std_error, se, 1e-9);
    let reduction = 1.0 - (se / c.lift.std_error).powi(2);
    close("variance reduction", cu.variance_reduction, reduction, 1e-9);

    // Without covariates there is nothing to adjust with, and no balance test.
    let r = experiment::analyze(&t, &spec("treat", "re78", &[])).unwrap();
    round_trips(&r);
    let c = &r.comparisons[0];
    assert!(c.cuped.is_none() && c.cuped_skipped.as_deref().unwrap().contains("no covariates"));
    assert!(c.balance.f_test.is_none() && c.balance.rows.is_empty());
    assert!(c.balance.verdict.starts_with("no balance test"), "{}", c.balance.verdict);
}

#[test]
fn a_zero_one_outcome_reports_rates_and_each_arm_against_the_control() {
    let t = load("hillstrom");
    let mut s = spec("segment", "visit", &["recency", "history"]);
    s.control = Some("No E-Mail".into());
    let r = experiment::analyze(&t, &s).unwrap();
    round_trips(&r);
    assert_eq!(r.control.as_deref(), Some("No E-Mail"));
    let arms: Vec<&str> = r.comparisons.iter().map(|c| c.arm.as_deref().unwrap()).collect();
    assert_eq!(arms, ["Mens E-Mail", "Womens E-Mail"]);

    // Rates counted directly from the file.
    let seg = t.column("segment").unwrap();
    let visit = numbers(&t, "visit");
    let rate = |level: &str| {
        let idx: Vec<usize> = (0..t.n_rows()).filter(|&i| seg.display(i) == level).collect();
        let ones = idx.iter().filter(|&&i| visit[i] == 1.0).count();
        (ones as f64 / idx.len() as f64, idx.len())
    };
    let (p0, n0) = rate("No E-Mail");
    for c in &r.comparisons {
        let (p1, n1) = rate(c.arm.as_deref().unwrap());
        assert!(c.binary_outcome);
        assert_eq!((c.n_control, c.n_treated), (n0, n1));
        close("control rate", c.control.mean, p0, 1e-12);
        close("treated rate", c.treated.mean, p1, 1e-12);
        close("lift", c.lift.estimate, p1 - p0, 1e-12);
        // The sample variance of a 0/1 column is p(1 − p) n/(n − 1).
        let var = |p: f64, n: usize| p * (1.0 - p) / (n as f64 - 1.0);
        close("SE", c.lift.std_error, (var(p1, n1) + var(p0, n0)).sqrt(), 1e-9);
        let rel = c.relative_lift.as_ref().unwrap();
        close("relative lift", rel.estimate, p1 / p0 - 1.0, 1e-12);
        let rel_se = (var(p1, n1) / (p0 * p0) + p1 * p1 * var(p0, n0) / p0.powi(4)).sqrt();
        close("relative SE", rel.std_error, rel_se, 1e-9);
        // Shown in percentage points.
        let d = cf_engine::format::pp_decimals(c.lift.std_error);
        assert!(cf_engine::format::pp(c.lift.estimate, d).ends_with("\u{a0}pp"));
    }
    // The men's e-mail raised visits from about 10.6 % to 18.3 %.
    let men = &r.comparisons[0];
    assert!((men.control.mean - 0.106).abs() < 0.001 && (men.treated.mean - 0.183).abs() < 0.001);

    // A numeric multi-valued treatment with a control level: the same comparisons as the run.
    let mut s = spec("arm", "visit", &[]);
    s.control = Some("0".into());
    let r = experiment::analyze(&t, &s).unwrap();
    let arms: Vec<&str> = r.comparisons.iter().map(|c| c.arm.as_deref().unwrap()).collect();
    assert_eq!(arms, ["1", "2"]);
}

#[test]
fn a_control_rate_of_zero_has_no_relative_lift() {
    let mut text = String::from("t,y,x\n");
    for i in 0..40 {
        let t = i % 2;
        let y = u8::from(t == 1 && i % 4 == 1);
        text += &format!("{t},{y},{}\n", i % 7);
    }
    let r = experiment::analyze(&table(&text), &spec("t", "y", &["x"])).unwrap();
    round_trips(&r);
    let c = &r.comparisons[0];
    assert!(c.binary_outcome);
    assert_eq!(c.control.mean, 0.0);
    close("treated rate", c.treated.mean, 0.5, 1e-15);
    assert!(c.relative_lift.is_none() && c.mde.relative.is_none());
    assert!(c.warnings.iter().any(|w| w.contains("control mean of `y` is 0")), "{:?}", c.warnings);
}

#[test]
fn benchmarking_the_cps_estimates_against_the_experiment() {
    let exp = load("nsw_experimental");
    let b = benchmark(&exp, &spec("treat", "re78", &NSW)).unwrap();
    close("benchmark", b.estimate, 1794.342404270271, 1e-9);
    close("benchmark SE", b.std_error, 670.9965463815241, 1e-9);
    assert_eq!((b.n, b.n_treated, b.n_control), (445, 185, 260));
    // The covariates are ignored: the same without them.
    assert_eq!(benchmark(&exp, &spec("treat", "re78", &[])).unwrap(), b);

    let cps = load("nsw_cps");
    let mut s = spec("treat", "re78", &NSW);
    s.methods = vec![Method::DiffMeans, Method::Ols, Method::Ipw];
    let report = cf_engine::analyze(&cps, &s).unwrap();
    assert_eq!(report.results.len(), 3, "{:?}", report.errors);
    let rows = compare(&report, &b);
    assert_eq!(rows.len(), 3);
    for (row, r) in rows.iter().zip(&report.results) {
        assert_eq!((row.method, row.estimate), (r.method, r.estimate));
        assert_eq!(row.bias, r.estimate - b.estimate);
        assert_eq!(row.relative_bias, Some(row.bias / b.estimate));
        assert_eq!(row.covers, r.ci_low <= b.estimate && b.estimate <= r.ci_high);
        assert_eq!(row.estimand, r.estimand.as_str());
        assert!(row.sentence.contains("against the experiment's 1,794"), "{}", row.sentence);
    }
    // The raw difference in means on CPS controls: −8,498 against 1,794.
    let dm = &rows[0];
    assert_eq!(dm.method, Method::DiffMeans);
    assert_eq!(dm.bias.round(), -10_292.0, "{}", dm.bias);
    assert!(!dm.covers);
    assert!(
        dm.sentence.starts_with("Diff. in means: -8,498 against the experiment's 1,794, a bias of -10,292 (-574 %); its interval"),
        "{}",
        dm.sentence
    );
    assert!(dm.sentence.ends_with("misses the experimental effect."), "{}", dm.sentence);
    // Adjusting for the covariates removes most of that bias.
    assert!(rows[1].bias.abs() < dm.bias.abs() / 5.0, "{:?}", rows[1]);
}

#[test]
fn errors_name_the_column_and_never_panic() {
    let t = load("nsw_experimental");
    let err = |s: AnalysisSpec| experiment::analyze(&t, &s).unwrap_err();
    // A treatment that is not 0/1 and has no control level.
    match err(spec("age", "re78", &["educ"])) {
        AnalysisError::TreatmentNotBinary { name, .. } => assert_eq!(name, "age"),
        e => panic!("{e}"),
    }
    // A missing column.
    assert_eq!(
        err(spec("treat", "re78", &["nope"])).to_string(),
        "the covariate column `nope` is not in the data"
    );
    assert_eq!(
        err(spec("treat", "earnings", &[])).to_string(),
        "the outcome column `earnings` is not in the data"
    );
    // A control level that is not there.
    let mut s = spec("age", "re78", &[]);
    s.control = Some("200".into());
    assert!(matches!(err(s), AnalysisError::UnknownLevel { .. }));

    // A treatment with one value: no control group.
    let constant_t = table("t,y\n1,3\n1,4\n1,5\n");
    let e = experiment::analyze(&constant_t, &spec("t", "y", &[])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the control group of the treatment `t` has 0 rows; a comparison needs at least 2 rows in each group"
    );
    assert!(benchmark(&constant_t, &spec("t", "y", &[])).is_err());
    // One treated row.
    let one = table("t,y\n1,3\n0,4\n0,5\n0,6\n");
    let e = experiment::analyze(&one, &spec("t", "y", &[])).unwrap_err();
    assert!(e.to_string().starts_with("the treated group of the treatment `t` has 1 row;"), "{e}");
    // A constant outcome.
    let flat = table("t,y\n1,3\n1,3\n0,3\n0,3\n");
    let e = experiment::analyze(&flat, &spec("t", "y", &[])).unwrap_err();
    assert_eq!(e, AnalysisError::ConstantOutcome { name: "y".into() });
    assert!(e.to_string().contains("`y`"));
    // A constant covariate: the F-test and CUPED are skipped with its name, the rest stands.
    let mut text = String::from("t,y,c,x\n");
    for i in 0..30 {
        text += &format!("{},{},7,{}\n", i % 2, (i * 13) % 11, i % 5);
    }
    let r = experiment::analyze(&table(&text), &spec("t", "y", &["c", "x"])).unwrap();
    round_trips(&r);
    let c = &r.comparisons[0];
    assert!(c.balance.f_test_skipped.as_deref().unwrap().contains("`c`"), "{:?}", c.balance);
    assert!(c.balance.verdict.contains("`c`"), "{}", c.balance.verdict);
    assert!(c.cuped_skipped.as_deref().unwrap().contains("`c`"), "{:?}", c.cuped_skipped);
    assert_eq!(c.balance.rows[0].smd, None);
    assert!(c.balance.rows[1].smd.is_some());
    // A benchmark of several treated levels.
    let h = load("hillstrom");
    let mut s = spec("segment", "visit", &[]);
    s.control = Some("No E-Mail".into());
    match benchmark(&h, &s).unwrap_err() {
        AnalysisError::SeveralArms { name, arms } => {
            assert_eq!((name.as_str(), arms.len()), ("segment", 2));
        }
        e => panic!("{e}"),
    }
    // A text treatment without a control level.
    let e = experiment::analyze(&h, &spec("segment", "visit", &[])).unwrap_err();
    assert!(matches!(e, AnalysisError::NeedControl { .. }), "{e}");
}

/// The readout's CSV: a header and one line per comparison, each number at full precision.
#[test]
fn the_readout_downloads_as_csv() {
    let t = load("nsw_experimental");
    let r = experiment::analyze(&t, &spec("treat", "re78", &NSW)).unwrap();
    let csv = cf_engine::export::experiment_csv(&r);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1 + r.comparisons.len());
    let header: Vec<&str> = lines[0].split(',').collect();
    let row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(header.len(), row.len());
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    let c = &r.comparisons[0];
    assert_eq!(cell("lift").parse::<f64>().unwrap(), c.lift.estimate);
    assert_eq!(cell("lift_low").parse::<f64>().unwrap(), c.lift.ci[0]);
    assert_eq!(cell("control_mean").parse::<f64>().unwrap(), c.control.mean);
    assert_eq!(cell("n_treated"), "185");
    assert_eq!(
        cell("variance_reduction").parse::<f64>().unwrap(),
        c.cuped.as_ref().unwrap().variance_reduction
    );
    assert_eq!(cell("binary_outcome"), "false");
    assert_eq!(cell("arm"), "");
}
