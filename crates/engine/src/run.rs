//! Running an analysis: treatment arms, the shared propensity model, each method, balance,
//! overlap, per-unit effects and the bootstrap.

use std::borrow::Cow;

use cf_estimate::{Estimand, Estimate, LogisticFit};

use crate::{
    AnalysisError, AnalysisSpec, Balance, BalanceRow, BootstrapSummary, CateSet, Design, EffectRow,
    EstimandChoice, MatchingSummary, Method, MethodFailure, Overlap, PropensitySummary, Report,
};

/// Bins of the overlap histogram on [0, 1].
const OVERLAP_BINS: usize = 20;
/// Folds of the R-learner's cross-fitting when no fold column is given (causalml's default).
const R_FOLDS: usize = 5;

/// One comparison: treated level against control (the whole design for a 0/1 treatment).
struct Comparison {
    arm: Option<String>,
    /// Positions in the design's rows (`None`: all of them).
    rows: Option<Vec<usize>>,
    /// 0/1 for the rows used (or the raw dose for a continuous 2SLS treatment).
    t: Vec<f64>,
}

/// The data one estimate sees.
struct Data<'a> {
    y: Cow<'a, [f64]>,
    t: Cow<'a, [f64]>,
    x: Vec<Cow<'a, [f64]>>,
    z: Vec<Cow<'a, [f64]>>,
    folds: Option<Cow<'a, [f64]>>,
}

impl Data<'_> {
    fn resample(&self, idx: &[usize]) -> Data<'static> {
        let pick =
            |v: &[f64]| -> Cow<'static, [f64]> { Cow::Owned(idx.iter().map(|&i| v[i]).collect()) };
        Data {
            y: pick(&self.y),
            t: pick(&self.t),
            x: self.x.iter().map(|c| pick(c)).collect(),
            z: self.z.iter().map(|c| pick(c)).collect(),
            folds: self.folds.as_ref().map(|f| pick(f)),
        }
    }
}

/// What one method gives beyond the estimate.
#[derive(Default)]
struct Extras {
    matching: Option<MatchingSummary>,
    matches: Option<Vec<Option<usize>>>,
    first_stage_f: Option<f64>,
    se_causalml: Option<f64>,
    cate: Option<Vec<f64>>,
    warnings: Vec<String>,
}

pub(crate) fn analyze(
    table: &cf_data::Table,
    spec: &AnalysisSpec,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Report, AnalysisError> {
    if spec.methods.is_empty() {
        return Err(AnalysisError::NoMethods);
    }
    spec.options.validate().map_err(AnalysisError::Option)?;
    let mut extra: Vec<(&'static str, &str)> =
        spec.instruments.iter().map(|z| ("instrument", z.as_str())).collect();
    if let Some(f) = &spec.fold_column {
        extra.push(("fold", f.as_str()));
    }
    let design = Design::build_with(table, spec, &extra)?;
    let comparisons = comparisons(&design, spec)?;
    let nz = spec.instruments.len();
    let mut report = Report {
        results: Vec::new(),
        warnings: design.warnings.clone(),
        errors: Vec::new(),
        covariates: design.covariate_names.clone(),
        propensity: None,
        overlap: Vec::new(),
        balance: Vec::new(),
        cate: Vec::new(),
        control: spec.control.clone().filter(|_| comparisons.iter().any(|c| c.arm.is_some())),
    };
    let total_work =
        (comparisons.len() * spec.methods.len() * spec.options.bootstrap).max(1) as f64;
    let mut done_work = 0usize;
    let mut keep_going = true;

    for cmp in &comparisons {
        fn cow<'s>(rows: &Option<Vec<usize>>, v: &'s [f64]) -> Cow<'s, [f64]> {
            match rows {
                Some(r) => Cow::Owned(r.iter().map(|&i| v[i]).collect()),
                None => Cow::Borrowed(v),
            }
        }
        let rows = &cmp.rows;
        let data = Data {
            y: cow(rows, &design.y),
            t: Cow::Borrowed(&cmp.t[..]),
            x: design.covariates.iter().map(|c| cow(rows, c)).collect(),
            z: design.extra[..nz].iter().map(|c| cow(rows, c)).collect(),
            folds: design.extra.get(nz).map(|c| cow(rows, c)),
        };
        let table_rows: Vec<usize> = match &cmp.rows {
            Some(r) => r.iter().map(|&i| design.rows[i]).collect(),
            None => design.rows.clone(),
        };
        let mut prop: Option<Result<LogisticFit, cf_estimate::Error>> = None;
        let mut matched: Option<Vec<Option<usize>>> = None;
        for (m_index, &method) in spec.methods.iter().enumerate() {
            let outcome = estimate(method, &data, &design.covariate_names, spec, &mut prop);
            let (e, extras) = match outcome {
                Ok(v) => v,
                Err(message) => {
                    report.errors.push(MethodFailure { method, arm: cmp.arm.clone(), message });
                    continue;
                }
            };
            if let Some(values) = extras.cate.filter(|_| spec.options.cate) {
                report.cate.push(CateSet {
                    method,
                    arm: cmp.arm.clone(),
                    rows: table_rows.clone(),
                    values,
                });
            }
            if extras.matches.is_some() {
                matched = extras.matches;
            }
            let bootstrap = if spec.options.bootstrap > 0 && keep_going {
                let mut rng = cf_estimate::SplitMix64(
                    spec.options.seed ^ (m_index as u64).wrapping_mul(0x9E37),
                );
                let n = data.y.len();
                let mut reps = Vec::with_capacity(spec.options.bootstrap);
                for _ in 0..spec.options.bootstrap {
                    let idx: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
                    let d = data.resample(&idx);
                    let mut p = None;
                    if let Ok((b, _)) = estimate(method, &d, &design.covariate_names, spec, &mut p)
                    {
                        if b.estimate.is_finite() {
                            reps.push(b.estimate);
                        }
                    }
                    done_work += 1;
                    if !progress(done_work as f64 / total_work) {
                        keep_going = false;
                        break;
                    }
                }
                summarize_bootstrap(reps, spec.options.alpha)
            } else {
                None
            };
            let row = EffectRow {
                method,
                estimand: e.estimand,
                estimate: e.estimate,
                std_error: e.std_error,
                ci_low: e.ci_low,
                ci_high: e.ci_high,
                n: e.n,
                n_treated: e.n_treated,
                n_control: e.n_control,
                arm: cmp.arm.clone(),
                warnings: extras.warnings,
                matching: extras.matching,
                first_stage_f: extras.first_stage_f,
                se_causalml: extras.se_causalml,
                bootstrap,
            };
            if [row.estimate, row.std_error, row.ci_low, row.ci_high].iter().all(|v| v.is_finite())
            {
                report.results.push(row);
            } else {
                report.errors.push(MethodFailure {
                    method,
                    arm: cmp.arm.clone(),
                    message: "the result is not a finite number (are some values extremely large?); rescale the outcome or covariates".into(),
                });
            }
        }

        // Overlap and balance, when a propensity model was fitted.
        if let Some(Ok(fit)) = &prop {
            let ps = &fit.probabilities;
            if report.propensity.is_none() {
                let (min, max) = fit.range();
                let n_trimmed = ps
                    .iter()
                    .filter(|&&p| p < spec.options.trim || p > 1.0 - spec.options.trim)
                    .count();
                let n_clipped = cf_estimate::clip_propensity(ps).1;
                let extreme = ps.iter().filter(|&&p| !(0.01..=0.99).contains(&p)).count();
                if extreme > 0 {
                    report.warnings.push(format!(
                        "{extreme} rows have a propensity below 0.01 or above 0.99 (range {min:.2e} to {max:.4}): their weights are extreme and overlap is poor; consider trimming"
                    ));
                }
                if n_trimmed > 0 && spec.options.trim > 0.0 {
                    report.warnings.push(format!(
                        "weighting left out {n_trimmed} rows with a propensity outside [{t}, {}]",
                        1.0 - spec.options.trim,
                        t = spec.options.trim
                    ));
                }
                report.propensity =
                    Some(PropensitySummary { min, max, n_iter: fit.n_iter, n_trimmed, n_clipped });
            }
            report.overlap.push(overlap(ps, &data.t, cmp.arm.clone()));
            report.balance.push(balance(
                &data,
                &design.covariate_names,
                ps,
                matched.as_deref(),
                spec,
                cmp.arm.clone(),
            ));
        }
    }
    Ok(report)
}

/// The comparisons the treatment column asks for.
fn comparisons(design: &Design<'_>, spec: &AnalysisSpec) -> Result<Vec<Comparison>, AnalysisError> {
    let t = &design.t;
    let only_iv = spec.methods.iter().all(|m| *m == Method::TwoSls);
    let binary = design.t_levels.is_none() && t.iter().all(|&v| v == 0.0 || v == 1.0);
    if binary && spec.control.as_deref().is_none_or(|c| c == "0") {
        return Ok(vec![Comparison { arm: None, rows: None, t: t.to_vec() }]);
    }
    if only_iv && design.t_levels.is_none() && spec.control.is_none() {
        return Ok(vec![Comparison { arm: None, rows: None, t: t.to_vec() }]);
    }
    // Distinct values, with labels.
    let mut values: Vec<f64> = t.to_vec();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let label = |v: f64| -> String {
        match &design.t_levels {
            Some(levels) => levels.get(v as usize).cloned().unwrap_or_default(),
            None => format!("{v}"),
        }
    };
    let labels: Vec<String> = values.iter().map(|&v| label(v)).collect();
    let Some(control) = &spec.control else {
        if design.t_levels.is_none() {
            let example = t.iter().find(|&&v| v != 0.0 && v != 1.0).map(|&v| format!("{v}"));
            return Err(AnalysisError::TreatmentNotBinary {
                name: spec.treatment.clone(),
                kind: cf_data::Kind::Numeric,
                example: example.unwrap_or_default(),
            });
        }
        return Err(AnalysisError::NeedControl { name: spec.treatment.clone(), levels: labels });
    };
    let Some(c) = labels.iter().position(|l| l == control) else {
        return Err(AnalysisError::UnknownLevel {
            name: spec.treatment.clone(),
            level: control.clone(),
            levels: labels,
        });
    };
    let cv = values[c];
    Ok(values
        .iter()
        .zip(&labels)
        .filter(|(&v, _)| v != cv)
        .map(|(&v, l)| {
            let rows: Vec<usize> = (0..t.len()).filter(|&i| t[i] == v || t[i] == cv).collect();
            let tt = rows.iter().map(|&i| f64::from(u8::from(t[i] == v))).collect();
            Comparison { arm: Some(l.clone()), rows: Some(rows), t: tt }
        })
        .collect())
}

fn weighting(spec: &AnalysisSpec) -> cf_estimate::Weighting {
    cf_estimate::Weighting { trim: spec.options.trim, l2: spec.options.l2 }
}

fn estimand(spec: &AnalysisSpec) -> Estimand {
    match spec.options.estimand {
        EstimandChoice::Ate => Estimand::Ate,
        EstimandChoice::Att => Estimand::Att,
    }
}

/// Fold ids from the fold column (whole numbers ≥ 0) or from the seed.
fn fold_ids(data: &Data<'_>, k: usize, stratify: bool, seed: u64) -> Result<Vec<usize>, String> {
    match &data.folds {
        Some(f) => f
            .iter()
            .map(|&v| {
                if v >= 0.0 && v.fract() == 0.0 && v < 1000.0 {
                    Ok(v as usize)
                } else {
                    Err(format!("the fold column must hold whole numbers 0, 1, 2, …; found {v}"))
                }
            })
            .collect(),
        None => Ok(cf_estimate::folds(data.y.len(), k, seed, stratify.then_some(&data.t[..]))),
    }
}

/// Runs one method; the propensity model is fitted once per data set and shared.
fn estimate(
    method: Method,
    data: &Data<'_>,
    names: &[String],
    spec: &AnalysisSpec,
    prop: &mut Option<Result<LogisticFit, cf_estimate::Error>>,
) -> Result<(Estimate, Extras), String> {
    let x: Vec<&[f64]> = data.x.iter().map(|c| &c[..]).collect();
    let (y, t) = (&data.y[..], &data.t[..]);
    let alpha = spec.options.alpha;
    let mut extras = Extras::default();
    let err = |e: cf_estimate::Error| e.to_string();
    let propensity = |prop: &mut Option<Result<LogisticFit, cf_estimate::Error>>| {
        prop.get_or_insert_with(|| cf_estimate::logistic_l2(t, &x, names, spec.options.l2)).clone()
    };
    let e = match method {
        Method::DiffMeans => cf_estimate::difference_in_means(y, t, alpha).map_err(err)?,
        Method::Ols => {
            let mut n = vec![spec.treatment.clone()];
            n.extend(names.iter().cloned());
            cf_estimate::regression_adjustment(y, t, &x, &n, alpha).map_err(err)?
        }
        // The weighting methods take the shared propensity model (fitted once per data set).
        Method::Ipw => {
            let model = || propensity(prop);
            cf_estimate::ipw_with(y, t, &x, names, estimand(spec), weighting(spec), alpha, model)
                .map_err(err)?
                .0
        }
        Method::Aipw => {
            let model = || propensity(prop);
            cf_estimate::aipw_with(y, t, &x, estimand(spec), weighting(spec), alpha, model)
                .map_err(err)?
                .0
        }
        Method::Psm => {
            let fit = propensity(prop).map_err(err)?;
            let logit: Vec<f64> =
                fit.probabilities.iter().map(|p| libm::log(p / (1.0 - p))).collect();
            let m =
                cf_estimate::psm(y, t, &logit, spec.options.replace, 0.2, alpha).map_err(err)?;
            if m.n_treated_unmatched > 0 {
                extras.warnings.push(format!(
                    "{} treated units have no control within the caliper and are left out: the estimate is for the matched treated",
                    m.n_treated_unmatched
                ));
            }
            extras.matching = Some(MatchingSummary {
                n_treated_matched: m.n_treated_matched,
                n_treated_unmatched: m.n_treated_unmatched,
                n_control_unique: m.n_control_unique,
                caliper: m.caliper,
                replace: spec.options.replace,
            });
            extras.matches = Some(m.matches);
            m.estimate
        }
        Method::TLearner | Method::XLearner | Method::RLearner | Method::DrLearner => {
            let fit = if method == Method::TLearner {
                cf_estimate::t_learner(y, t, &x, alpha).map_err(err)?
            } else {
                let fit = propensity(prop).map_err(err)?;
                let (p, clipped) = cf_estimate::clip_propensity(&fit.probabilities);
                if clipped > 0 {
                    extras.warnings.push(format!(
                        "{clipped} propensities clipped to [0.001, 0.999], as causalml does"
                    ));
                }
                match method {
                    Method::XLearner => cf_estimate::x_learner(y, t, &x, &p, alpha).map_err(err)?,
                    Method::RLearner => {
                        let f = fold_ids(data, R_FOLDS, true, spec.options.seed)?;
                        cf_estimate::r_learner(y, t, &x, &p, &f, alpha).map_err(err)?
                    }
                    _ => {
                        let f = fold_ids(data, 3, false, spec.options.seed)?;
                        cf_estimate::dr_learner(y, t, &x, &p, &f, alpha).map_err(err)?
                    }
                }
            };
            extras.se_causalml = fit.se_causalml;
            extras.cate = Some(fit.cate);
            fit.estimate
        }
        Method::TwoSls => {
            if data.z.is_empty() {
                return Err("2SLS needs an instrument: give the instrument role to a column".into());
            }
            let z: Vec<&[f64]> = data.z.iter().map(|c| &c[..]).collect();
            let mut n = names.to_vec();
            n.extend(spec.instruments.iter().cloned());
            let fit = cf_estimate::two_sls(y, t, &x, &z, &n, alpha).map_err(err)?;
            if fit.first_stage_f < cf_estimate::WEAK_F {
                extras.warnings.push(format!(
                    "weak instrument: first-stage F = {:.1} (below 10); the estimate is biased towards OLS and its interval unreliable",
                    fit.first_stage_f
                ));
            }
            extras.first_stage_f = Some(fit.first_stage_f);
            fit.estimate
        }
    };
    Ok((e, extras))
}

fn summarize_bootstrap(mut reps: Vec<f64>, alpha: f64) -> Option<BootstrapSummary> {
    if reps.len() < 2 {
        return None;
    }
    reps.sort_by(f64::total_cmp);
    let n = reps.len();
    let mean = reps.iter().sum::<f64>() / n as f64;
    let sd = (reps.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt();
    // numpy's default ("linear") percentile.
    let q = |p: f64| {
        let h = (n - 1) as f64 * p;
        let (lo, frac) = (h.floor() as usize, h - h.floor());
        reps[lo] + frac * (reps[(lo + 1).min(n - 1)] - reps[lo])
    };
    Some(BootstrapSummary {
        replications: n,
        std_error: sd,
        ci_low: q(alpha / 2.0),
        ci_high: q(1.0 - alpha / 2.0),
    })
}

fn overlap(ps: &[f64], t: &[f64], arm: Option<String>) -> Overlap {
    let edges: Vec<f64> = (0..=OVERLAP_BINS).map(|i| i as f64 / OVERLAP_BINS as f64).collect();
    let mut treated = vec![0; OVERLAP_BINS];
    let mut control = vec![0; OVERLAP_BINS];
    for (&p, &ti) in ps.iter().zip(t) {
        let b = ((p * OVERLAP_BINS as f64) as usize).min(OVERLAP_BINS - 1);
        if ti == 1.0 {
            treated[b] += 1;
        } else {
            control[b] += 1;
        }
    }
    Overlap { arm, edges, treated, control }
}

/// Standardized mean differences: (m₁ − m₀) / √((s₁² + s₀²)/2), the denominator always from the
/// unadjusted sample (as cobalt and causalml's `create_table_one` do).
fn balance(
    data: &Data<'_>,
    names: &[String],
    ps: &[f64],
    matches: Option<&[Option<usize>]>,
    spec: &AnalysisSpec,
    arm: Option<String>,
) -> Balance {
    let t = &data.t;
    let n = t.len();
    let ipw_w: Vec<f64> = (0..n)
        .map(|i| {
            let p = ps[i];
            match (spec.options.estimand, t[i] == 1.0) {
                (EstimandChoice::Ate, true) => 1.0 / p,
                (EstimandChoice::Ate, false) => 1.0 / (1.0 - p),
                (EstimandChoice::Att, true) => 1.0,
                (EstimandChoice::Att, false) => p / (1.0 - p),
            }
        })
        .collect();
    // Matched sample: each matched treated unit once, each control as often as it is used.
    let match_w: Option<Vec<f64>> = matches.map(|m| {
        let mut w = vec![0.0; n];
        for (i, c) in m.iter().enumerate() {
            if let Some(c) = c {
                w[i] += 1.0;
                w[*c] += 1.0;
            }
        }
        w
    });
    // One pass per weighting gives both arms' weighted means.
    let means = |x: &[f64], w: Option<&[f64]>| {
        let (mut a, mut b) = ([0.0; 2], [0.0; 2]); // [Σw, Σwx] of treated, control
        for i in 0..n {
            let wi = w.map_or(1.0, |w| w[i]);
            let acc = if t[i] == 1.0 { &mut a } else { &mut b };
            acc[0] += wi;
            acc[1] += wi * x[i];
        }
        (a[1] / a[0], b[1] / b[0])
    };
    let rows = data
        .x
        .iter()
        .zip(names)
        .map(|(x, name)| {
            let (m1, m0) = means(x, None);
            // Arm variances about the arm means (second pass, no cancellation).
            let (mut ss, mut cnt) = ([0.0; 2], [0.0; 2]);
            for i in 0..n {
                let (k, m) = if t[i] == 1.0 { (0, m1) } else { (1, m0) };
                ss[k] += (x[i] - m) * (x[i] - m);
                cnt[k] += 1.0;
            }
            let sd = ((ss[0] / cnt[0] + ss[1] / cnt[1]) / 2.0).sqrt();
            let smd = |(a, b): (f64, f64)| if sd > 0.0 { Some((a - b) / sd) } else { None };
            BalanceRow {
                covariate: name.clone(),
                smd_before: smd((m1, m0)).unwrap_or(0.0),
                smd_weighted: smd(means(x, Some(&ipw_w))).filter(|v| v.is_finite()),
                smd_matched: match_w
                    .as_ref()
                    .and_then(|w| smd(means(x, Some(w))))
                    .filter(|v| v.is_finite()),
            }
        })
        .collect();
    Balance { arm, rows }
}
