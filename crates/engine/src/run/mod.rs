//! Running an analysis: the treatment's comparisons, the shared propensity model, each method
//! through [`methods::fit_method`], the bootstrap (which refits through the same path), balance,
//! overlap and per-unit effects.

mod degenerate;
pub(crate) mod diagnostics;
mod methods;
pub(crate) mod refute;

use std::borrow::Cow;

use cf_estimate::{EffectData, LogisticFit};

use crate::report::ControlRate;
use crate::{
    AnalysisError, AnalysisSpec, CateSet, Design, EffectRow, Estimand, Method, MethodFailure,
    PropensitySummary, Report, format,
};
use methods::Fitted;

/// One comparison: treated level against control (the whole design for a 0/1 treatment).
pub(crate) struct Comparison {
    pub(crate) arm: Option<String>,
    /// Positions in the design's rows (`None`: all of them).
    pub(crate) rows: Option<Vec<usize>>,
    /// 0/1 for the rows used (or the raw dose for a continuous 2SLS treatment).
    pub(crate) t: Vec<f64>,
}

/// The columns one comparison (or one bootstrap resample of it) sees.
struct Data<'a> {
    y: Cow<'a, [f64]>,
    t: Cow<'a, [f64]>,
    x: Vec<Cow<'a, [f64]>>,
    z: Vec<Cow<'a, [f64]>>,
    folds: Option<Cow<'a, [f64]>>,
}

impl Data<'_> {
    /// The same columns, borrowed (to replace one of them).
    fn borrowed(&self) -> Data<'_> {
        fn b(v: &[f64]) -> Cow<'_, [f64]> {
            Cow::Borrowed(v)
        }
        Data {
            y: b(&self.y),
            t: b(&self.t),
            x: self.x.iter().map(|c| b(c)).collect(),
            z: self.z.iter().map(|c| b(c)).collect(),
            folds: self.folds.as_ref().map(|c| b(c)),
        }
    }

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

/// The design, its comparisons, and the names the estimators report errors with.
struct Setup<'a> {
    spec: &'a AnalysisSpec,
    design: Design<'a>,
    comparisons: Vec<Comparison>,
}

pub(crate) fn analyze(
    table: &cf_data::Table,
    spec: &AnalysisSpec,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Report, AnalysisError> {
    let setup = setup(table, spec)?;
    let mut report = Report {
        results: Vec::new(),
        warnings: setup.design.warnings.clone(),
        errors: Vec::new(),
        covariates: setup.design.covariate_names.clone(),
        propensity: None,
        overlap: Vec::new(),
        balance: Vec::new(),
        cate: Vec::new(),
        control: spec.control.clone().filter(|_| setup.comparisons.iter().any(|c| c.arm.is_some())),
        control_rates: Vec::new(),
        sensitivity: None,
        experiment: None,
    };
    let mut work = Work {
        done: 0,
        total: (setup.comparisons.len() * spec.methods.len() * spec.options.bootstrap).max(1),
        progress,
        stopped: false,
    };
    for cmp in &setup.comparisons {
        setup.run_comparison(cmp, &mut report, &mut work);
    }
    let plain = matches!(&setup.comparisons[..], [c] if c.arm.is_none() && c.rows.is_none());
    if plain && report.results.iter().any(|r| r.method == Method::Ols) {
        report.sensitivity = crate::sensitivity::for_run(&setup.design, spec).ok().map(Box::new);
    }
    if spec.options.randomized {
        match crate::experiment::for_design(&setup.design, spec) {
            Ok(e) => report.experiment = Some(Box::new(e)),
            Err(e) => report.warnings.push(format!("no experiment readout: {e}")),
        }
    }
    Ok(report)
}

/// Runs `refuters` on every method of `spec`, `replications` times each.
pub(crate) fn refute(
    table: &cf_data::Table,
    spec: &AnalysisSpec,
    refuters: &[refute::Refuter],
    replications: usize,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<refute::RefuteReport, AnalysisError> {
    let setup = setup(table, spec)?;
    let mut work = Work {
        done: 0,
        total: (setup.comparisons.len() * spec.methods.len() * refuters.len() * replications)
            .max(1),
        progress,
        stopped: false,
    };
    Ok(setup.refute(refuters, replications, &mut work))
}

/// The design and comparisons of `spec`, its options checked.
fn setup<'a>(
    table: &'a cf_data::Table,
    spec: &'a AnalysisSpec,
) -> Result<Setup<'a>, AnalysisError> {
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
    Ok(Setup { spec, design, comparisons })
}

/// Bootstrap progress over the whole analysis.
struct Work<'p> {
    done: usize,
    total: usize,
    progress: &'p mut dyn FnMut(f64) -> bool,
    /// The caller asked to stop: no more replications (those done so far are used).
    stopped: bool,
}

impl Work<'_> {
    /// Counts one replication; false once the caller asks to stop.
    fn step(&mut self) -> bool {
        self.done += 1;
        if !(self.progress)(self.done as f64 / self.total as f64) {
            self.stopped = true;
        }
        !self.stopped
    }
}

impl Setup<'_> {
    /// Every method on one comparison, then its propensity diagnostics.
    fn run_comparison(&self, cmp: &Comparison, report: &mut Report, work: &mut Work<'_>) {
        let (spec, design) = (self.spec, &self.design);
        let data = self.data(cmp);
        let table_rows: Vec<usize> = match &cmp.rows {
            Some(r) => r.iter().map(|&i| design.rows[i]).collect(),
            None => design.rows.clone(),
        };
        // One propensity model per comparison, shared by every method that needs one.
        let needs_propensity = spec.methods.iter().any(|m| m.uses_propensity());
        let prop = needs_propensity.then(|| self.propensity(&data));
        // Covariates that reproduce the outcome: every outcome model would be exact.
        let reproduced = spec
            .methods
            .iter()
            .any(|m| m.models_outcome())
            .then(|| {
                degenerate::reproduced_outcome(
                    &spec.outcome,
                    &data.y,
                    &data.t,
                    &data.x,
                    &design.covariate_names,
                )
            })
            .flatten();
        if let Some(why) = &reproduced {
            let whom = cmp.arm.as_ref().map(|a| format!(" ({})", self.name(a))).unwrap_or_default();
            report.warnings.push(format!("{why}{whom}"));
        }
        if let Some(rate) = control_rate(&data.y, &data.t) {
            report.control_rates.push(ControlRate {
                arm: cmp.arm.clone(),
                rate: rate.0,
                n: rate.1,
            });
        }
        let mut matched: Option<Vec<Option<usize>>> = None;
        for (m_index, &method) in spec.methods.iter().enumerate() {
            let failure = |message: String| MethodFailure { method, arm: cmp.arm.clone(), message };
            if let Some(why) = reproduced.as_ref().filter(|_| method.models_outcome()) {
                report.errors.push(failure(why.clone()));
                continue;
            }
            let fitted = match self.fit(method, &data, prop.as_ref()) {
                Ok(f) => f,
                Err(message) => {
                    report.errors.push(failure(message));
                    continue;
                }
            };
            if let Some(values) = fitted.cate.clone().filter(|_| spec.options.cate) {
                let (arm, rows) = (cmp.arm.clone(), table_rows.clone());
                report.cate.push(CateSet { method, arm, rows, values });
            }
            if fitted.matches.is_some() {
                matched.clone_from(&fitted.matches);
            }
            let bootstrap = (spec.options.bootstrap > 0 && !work.stopped)
                .then(|| self.bootstrap(method, m_index, &data, work))
                .flatten();
            let mut row = self.row(method, cmp, fitted, bootstrap);
            if let Some(Ok(fit)) = &prop {
                row.unreliable = self.unreliable(method, row.estimand, fit, &data.t);
            }
            if method != Method::TwoSls && row.std_error > 0.0 && row.estimate.is_finite() {
                row.evalue = Some(crate::sensitivity::evalue_of(
                    &data.y,
                    &data.t,
                    row.estimate,
                    row.std_error,
                    spec.options.alpha,
                ));
            }
            if row.std_error == 0.0 {
                report.errors.push(failure(degenerate::ZERO_SE.into()));
            } else if [row.estimate, row.std_error, row.ci_low, row.ci_high]
                .iter()
                .all(|v| v.is_finite())
            {
                report.results.push(row);
            } else {
                report.errors.push(failure("the result is not a finite number (are some values extremely large?); rescale the outcome or covariates".into()));
            }
        }
        if let Some(Ok(fit)) = &prop {
            self.propensity_diagnostics(fit, &data, matched.as_deref(), cmp, report);
        }
    }

    /// How the comparison of `arm` is named in messages (`Womens E-Mail vs No E-Mail`).
    fn name(&self, arm: &str) -> String {
        let control = self.spec.control.as_deref().unwrap_or("");
        format::comparison(&self.spec.treatment, arm, control)
    }

    /// Why a weighting estimate is not to be trusted, when rows with extreme inverse-propensity
    /// weights carry too much of a group's weight ([`diagnostics::EXTREME_WEIGHT_SHARE`]).
    fn unreliable(
        &self,
        method: Method,
        estimand: Estimand,
        fit: &LogisticFit,
        t: &[f64],
    ) -> Option<String> {
        let att = estimand == Estimand::Att;
        let s = match method {
            Method::Ipw | Method::Aipw => diagnostics::extreme_weight_share(
                &fit.probabilities,
                t,
                att,
                self.spec.options.trim,
            ),
            Method::DrLearner => {
                let clipped = cf_estimate::clip_propensity(&fit.probabilities).0;
                diagnostics::extreme_weight_share(&clipped, t, att, 0.0)
            }
            _ => None,
        }?;
        (s.share > diagnostics::EXTREME_WEIGHT_SHARE).then(|| {
            format!(
                "not to be trusted: {} with a propensity below {} for their own group (weights of 100 or more) carry {} of the {} group's weight, so the estimate rests on them; trim the propensities or keep only rows where the groups overlap",
                format::plural(s.rows, "row", "rows"),
                diagnostics::EXTREME_PROPENSITY,
                format::percent(s.share).replace(format::NBSP, " "),
                if s.treated { "treated" } else { "control" },
            )
        })
    }

    /// The design's columns over the comparison's rows.
    fn data<'s>(&'s self, cmp: &'s Comparison) -> Data<'s> {
        fn cow<'s>(rows: &Option<Vec<usize>>, v: &'s [f64]) -> Cow<'s, [f64]> {
            match rows {
                Some(r) => Cow::Owned(r.iter().map(|&i| v[i]).collect()),
                None => Cow::Borrowed(v),
            }
        }
        let (design, rows) = (&self.design, &cmp.rows);
        let nz = self.spec.instruments.len();
        Data {
            y: cow(rows, &design.y),
            t: Cow::Borrowed(&cmp.t[..]),
            x: design.covariates.iter().map(|c| cow(rows, c)).collect(),
            z: design.extra[..nz].iter().map(|c| cow(rows, c)).collect(),
            folds: design.extra.get(nz).map(|c| cow(rows, c)),
        }
    }

    fn propensity(&self, data: &Data<'_>) -> Result<LogisticFit, cf_estimate::Error> {
        let x: Vec<&[f64]> = data.x.iter().map(|c| &c[..]).collect();
        cf_estimate::logistic_l2(&data.t, &x, &self.design.covariate_names, self.spec.options.l2)
    }

    /// Fits one method. `prop` is the comparison's shared propensity model (`None`: fit one
    /// where needed, as a bootstrap replication does); when it failed, the methods that need it
    /// report its error.
    fn fit(
        &self,
        method: Method,
        data: &Data<'_>,
        prop: Option<&Result<LogisticFit, cf_estimate::Error>>,
    ) -> Result<Fitted, String> {
        self.fit_with(method, data, prop, &self.design.covariate_names)
    }

    /// As [`Setup::fit`] with no shared propensity model, the covariates named `names` (a
    /// refuter that adds a column names it).
    fn fit_named(
        &self,
        method: Method,
        data: &Data<'_>,
        names: &[String],
    ) -> Result<Fitted, String> {
        self.fit_with(method, data, None, names)
    }

    fn fit_with(
        &self,
        method: Method,
        data: &Data<'_>,
        prop: Option<&Result<LogisticFit, cf_estimate::Error>>,
        names: &[String],
    ) -> Result<Fitted, String> {
        if method == Method::TwoSls && data.z.is_empty() {
            return Err("2SLS needs an instrument: give the instrument role to a column".into());
        }
        let shared = match prop.filter(|_| method.uses_propensity()) {
            Some(Err(e)) => return Err(e.to_string()),
            Some(Ok(fit)) => Some(fit),
            None => None,
        };
        let folds = match (&data.folds, method) {
            (Some(f), Method::RLearner | Method::DrLearner) => Some(fold_ids(f)?),
            _ => None,
        };
        let x: Vec<&[f64]> = data.x.iter().map(|c| &c[..]).collect();
        let z: Vec<&[f64]> = data.z.iter().map(|c| &c[..]).collect();
        let mut d = EffectData::new(&data.y, &data.t)
            .with_covariates(&x, names)
            .with_treatment_name(&self.spec.treatment)
            .with_instruments(&z, &self.spec.instruments);
        if let Some(f) = &folds {
            d = d.with_folds(f);
        }
        if let Some(p) = shared {
            d = d.with_propensity(p);
        }
        methods::fit_method(method, &d, &self.spec.options).map_err(|e| e.to_string())
    }

    /// A percentile bootstrap of one method: each replication resamples the comparison's rows
    /// and refits everything, the propensity model included.
    fn bootstrap(
        &self,
        method: Method,
        m_index: usize,
        data: &Data<'_>,
        work: &mut Work<'_>,
    ) -> Option<crate::BootstrapSummary> {
        let options = &self.spec.options;
        let mut rng = cf_estimate::SplitMix64(options.seed ^ (m_index as u64).wrapping_mul(0x9E37));
        let n = data.y.len();
        let mut reps = Vec::with_capacity(options.bootstrap);
        for _ in 0..options.bootstrap {
            let idx: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
            if let Ok(b) = self.fit(method, &data.resample(&idx), None)
                && b.effect.estimate.is_finite()
            {
                reps.push(b.effect.estimate);
            }
            if !work.step() {
                break;
            }
        }
        diagnostics::summarize_bootstrap(reps, options.alpha)
    }

    /// The report's row for one fit.
    fn row(
        &self,
        method: Method,
        cmp: &Comparison,
        fitted: Fitted,
        bootstrap: Option<crate::BootstrapSummary>,
    ) -> EffectRow {
        let e = fitted.effect;
        let (ci_low, ci_high) = e.conf_int(self.spec.options.alpha).unwrap_or((f64::NAN, f64::NAN));
        EffectRow {
            method,
            estimand: e.estimand,
            estimate: e.estimate,
            std_error: e.std_error,
            ci_low,
            ci_high,
            n: e.n,
            n_treated: e.n_treated,
            n_control: e.n_control,
            arm: cmp.arm.clone(),
            warnings: fitted.warnings,
            matching: fitted.matching,
            first_stage_f: fitted.first_stage_f,
            se_causalml: fitted.se_causalml,
            bootstrap,
            unreliable: None,
            evalue: None,
        }
    }

    /// The propensity summary (of the first comparison), overlap and balance of one comparison.
    fn propensity_diagnostics(
        &self,
        fit: &LogisticFit,
        data: &Data<'_>,
        matched: Option<&[Option<usize>]>,
        cmp: &Comparison,
        report: &mut Report,
    ) {
        let options = &self.spec.options;
        let ps = &fit.probabilities;
        if report.propensity.is_none() {
            let (min, max) = fit.range();
            let trim = options.trim;
            let n_trimmed = ps.iter().filter(|&&p| p < trim || p > 1.0 - trim).count();
            let n_clipped = cf_estimate::clip_propensity(ps).1;
            let extreme = ps.iter().filter(|&&p| !(0.01..=0.99).contains(&p)).count();
            if extreme > 0 {
                let whom =
                    cmp.arm.as_ref().map(|a| format!(" ({})", self.name(a))).unwrap_or_default();
                report.warnings.push(format!(
                    "{} {} a propensity below 0.01 or above 0.99 (fitted propensities range from {} to {}): their weights are extreme and overlap is poor; consider trimming{whom}",
                    format::plural(extreme, "row", "rows"),
                    if extreme == 1 { "has" } else { "have" },
                    format::p_value(min).replace(format::NBSP, " "),
                    format::p_value(max).replace(format::NBSP, " "),
                ));
            }
            if n_trimmed > 0 && trim > 0.0 {
                report.warnings.push(format!(
                    "weighting left out {} with a propensity outside [{trim}, {}]",
                    format::plural(n_trimmed, "row", "rows"),
                    1.0 - trim
                ));
            }
            report.propensity =
                Some(PropensitySummary { min, max, n_iter: fit.n_iter, n_trimmed, n_clipped });
        }
        report.overlap.push(diagnostics::overlap(ps, &data.t, cmp.arm.clone()));
        report.balance.push(diagnostics::balance(
            &data.t,
            &data.x,
            &self.design.covariate_names,
            ps,
            matched,
            options,
            cmp.arm.clone(),
        ));
    }
}

/// The comparisons the treatment column asks for.
pub(crate) fn comparisons(
    design: &Design<'_>,
    spec: &AnalysisSpec,
) -> Result<Vec<Comparison>, AnalysisError> {
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
        .filter(|&(&v, _)| v != cv)
        .map(|(&v, l)| {
            let rows: Vec<usize> = (0..t.len()).filter(|&i| t[i] == v || t[i] == cv).collect();
            let tt = rows.iter().map(|&i| f64::from(u8::from(t[i] == v))).collect();
            Comparison { arm: Some(l.clone()), rows: Some(rows), t: tt }
        })
        .collect())
}

/// For a 0/1 outcome and a 0/1 comparison: the mean outcome of the control rows and their count.
fn control_rate(y: &[f64], t: &[f64]) -> Option<(f64, usize)> {
    let binary = |v: &[f64]| v.iter().all(|&x| x == 0.0 || x == 1.0);
    if !(binary(y) && binary(t)) {
        return None;
    }
    let (ones, n) = y
        .iter()
        .zip(t)
        .filter(|&(_, &ti)| ti == 0.0)
        .fold((0usize, 0usize), |(o, n), (&yi, _)| (o + usize::from(yi == 1.0), n + 1));
    (n > 0).then(|| (ones as f64 / n as f64, n))
}

/// Fold ids from the fold column: whole numbers ≥ 0.
fn fold_ids(column: &[f64]) -> Result<Vec<usize>, String> {
    column
        .iter()
        .map(|&v| {
            if v >= 0.0 && v.fract() == 0.0 && v < 1000.0 {
                Ok(v as usize)
            } else {
                Err(format!("the fold column must hold whole numbers 0, 1, 2, …; found {v}"))
            }
        })
        .collect()
}
