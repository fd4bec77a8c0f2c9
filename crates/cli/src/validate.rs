//! `counterfact sensitivity`: how strong an unmeasured confounder would have to be to explain
//! the OLS estimate away (sensemakr's statistics and benchmark bounds) and its E-value;
//! `counterfact refute`: refutation tests of the estimate of each method.

use std::ffi::OsString;

use cf_engine::refutation::MAX_REPLICATIONS;
use cf_engine::sensitivity::{SensitivityReport, SensitivitySpec, sensitivity};
use cf_engine::{Method, Refuter, format};

use crate::{Failure, apply_graph, list, parse_flags, print, read};

pub(crate) const USAGE: &str =
    "  counterfact sensitivity FILE --treatment T --outcome Y [--covariates a,b,c]
                    --benchmark COL[,COL] [--kd 1,2,3] [--ky 1,2,3] [--q 1] [--alpha 0.05]
                    [--categorical a,b] [--missing drop|indicator] [--graph FILE] [--json]

sensitivity fits OLS of Y on [1, T, covariates] (classical standard errors) and reports
sensemakr's statistics for T's coefficient: the partial R² of T with Y, the robustness values
RV_q and RV_q,alpha, and for each --benchmark covariate the estimate adjusted for a confounder
kd times as strong as it with T and ky times with Y (default ky = kd = 1,2,3); and the E-value.
  counterfact refute FILE [the flags of estimate]
                    [--refuter placebo,random-cause,subset,bootstrap,dummy-outcome] [--n 200]

refute refits each --method (default: ols) --n times per refuter on changed data and says whether
the estimate behaved: placebo (shuffled treatment), random-cause (a noise covariate added),
subset (random 80 % of the rows), bootstrap (resampled rows), dummy-outcome (an outcome made
from the covariates, with no treatment effect). Exit status 1 when a refuter fails.
";

/// Runs `counterfact refute`; `Ok(false)` (exit 1) when a refuter failed or a method could not
/// be fitted.
pub(crate) fn refute_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let args: Vec<OsString> = args.collect();
    let methods_given = args.iter().any(|a| a.to_string_lossy().starts_with("--method"));
    let (extra, rest) = split_extra(args, &["--refuter", "--n"])?;
    let mut args = parse_flags("refute", rest)?;
    if !methods_given {
        args.spec.methods = vec![Method::Ols];
    }
    let mut refuters: Vec<Refuter> = Vec::new();
    let mut n = 200;
    for (flag, v) in &extra {
        if flag == "--n" {
            n = v.parse::<usize>().ok().filter(|n| (2..=MAX_REPLICATIONS).contains(n)).ok_or_else(
                || {
                    Failure::Usage(format!(
                        "--n must be a whole number from 2 to {MAX_REPLICATIONS}, got `{v}`"
                    ))
                },
            )?;
            continue;
        }
        for name in list(v) {
            let r = Refuter::parse(&name).ok_or_else(|| {
                let all: Vec<&str> = Refuter::ALL.iter().map(|r| r.as_str()).collect();
                Failure::Usage(format!("unknown refuter `{name}` (one of: {})", all.join(", ")))
            })?;
            if !refuters.contains(&r) {
                refuters.push(r);
            }
        }
    }
    if refuters.is_empty() {
        refuters = Refuter::ALL.to_vec();
    }
    let report = run_on_file(
        &mut args,
        |table, spec| {
            cf_engine::refute(table, spec, &refuters, n, &mut |_| true).map_err(|e| e.to_string())
        },
        |r| &mut r.warnings,
    )?;
    if args.json {
        print_json(&report)?;
    } else {
        let mut out = format!(
            "Refuting the effect of `{}` on `{}`\n\n",
            args.spec.treatment, args.spec.outcome
        );
        for r in &report.refuters {
            let who = match &r.arm {
                Some(a) => format!("{} ({a})", r.method),
                None => r.method.to_string(),
            };
            out += &format!(
                "[{}] {who}, {}: {}\n",
                if r.passed { "ok" } else { "FAIL" },
                r.refuter.as_str(),
                r.verdict
            );
        }
        for w in &report.warnings {
            out += &format!("warning: {w}\n");
        }
        print(&out);
    }
    for f in &report.errors {
        eprintln!("error: {}: {}", f.label(), f.message);
    }
    Ok(report.errors.is_empty() && report.refuters.iter().all(|r| r.passed))
}

/// A flag and its value.
type FlagValue = (String, String);

/// Takes the flags `own` (with `=value` or the next argument) out of `args`: their values by
/// flag, in order, and the rest (`estimate`'s flags).
pub(crate) fn split_extra(
    args: Vec<OsString>,
    own: &[&str],
) -> Result<(Vec<FlagValue>, Vec<OsString>), Failure> {
    let mut extra = Vec::new();
    let mut rest = Vec::with_capacity(args.len());
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let s = a.to_string_lossy().into_owned();
        let (flag, inline) = match s.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (s.clone(), None),
        };
        if !own.contains(&flag.as_str()) {
            rest.push(a);
            continue;
        }
        let v = match inline {
            Some(v) => v,
            None => it
                .next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?,
        };
        extra.push((flag, v));
    }
    Ok((extra, rest))
}

/// A comma-separated list of numbers above 0.
pub(crate) fn multiples(flag: &str, v: &str) -> Result<Vec<f64>, Failure> {
    let out: Option<Vec<f64>> = list(v)
        .iter()
        .map(|k| k.parse::<f64>().ok().filter(|k| *k > 0.0 && k.is_finite()))
        .collect();
    out.filter(|o| !o.is_empty()).ok_or_else(|| {
        Failure::Usage(format!("{flag} needs numbers above 0, separated by commas, got `{v}`"))
    })
}

/// Runs `counterfact sensitivity`.
pub(crate) fn sensitivity_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let (extra, rest) = split_extra(args.collect(), &["--benchmark", "--kd", "--ky", "--q"])?;
    let mut args = parse_flags("sensitivity", rest)?;
    let mut spec = SensitivitySpec::default();
    for (flag, v) in &extra {
        match flag.as_str() {
            "--benchmark" => spec.benchmarks.extend(list(v)),
            "--kd" => spec.kd = multiples(flag, v)?,
            "--ky" => spec.ky = Some(multiples(flag, v)?),
            _ => spec.q = multiples(flag, v)?[0],
        }
    }
    let report = run_on_file(
        &mut args,
        |table, a| sensitivity(table, a, &spec).map_err(|e| e.to_string()),
        |r| &mut r.warnings,
    )?;
    if args.json {
        print_json(&report)?;
    } else {
        print(&render(&report));
    }
    Ok(true)
}

/// Applies `--graph`, reads the file and runs `run` on it; the read's and the graph's warnings
/// go before the run's own (`warnings` finds them in its result).
pub(crate) fn run_on_file<R>(
    args: &mut crate::Args,
    run: impl FnOnce(&cf_data::Table, &cf_engine::AnalysisSpec) -> Result<R, String>,
    warnings: impl FnOnce(&mut R) -> &mut Vec<String>,
) -> Result<R, Failure> {
    let graph_note = apply_graph(args)?.and_then(|(_, note)| note);
    let (table, read_warnings) = read::read_table(&args.file, args.delimiter, args.threads)?;
    let mut report = run(&table, &args.spec).map_err(Failure::Data)?;
    let own = warnings(&mut report);
    let mut all: Vec<String> = read_warnings.iter().map(ToString::to_string).collect();
    all.extend(graph_note);
    all.append(own);
    *own = all;
    Ok(report)
}

pub(crate) fn print_json(report: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(report).map_err(|e| Failure::Data(e.to_string()))?;
    print(&(text + "\n"));
    Ok(())
}

fn render(r: &SensitivityReport) -> String {
    let s = &r.sensitivity;
    let d = format::decimals_for(s.se);
    let num = |v: f64| format::with_separators(v, d);
    let pct = |v: f64| format::percent(v).replace(format::NBSP, " ");
    let level = format::with_separators(100.0 * (1.0 - s.alpha), 0);
    let mut out = format!(
        "Sensitivity of the effect of `{}` on `{}` (OLS, {} rows, {} degrees of freedom)\n\n",
        r.treatment,
        r.outcome,
        format::count(r.n),
        format::count(s.dof as usize)
    );
    out += &format!(
        "estimate          {}  (se {}, t {:.3})\n",
        num(s.estimate),
        num(s.se),
        s.t_statistic
    );
    out += &format!("partial R² of `{}` with `{}`: {}\n", r.treatment, r.outcome, pct(s.r2yd_x));
    out += &format!("robustness value RV (q = {}): {}\n", s.q, pct(s.rv_q));
    out += &format!("robustness value RV at alpha = {}: {}\n", s.alpha, pct(s.rv_qa));
    if !s.bounds.is_empty() {
        out += &format!(
            "\n{:<16} {:>9} {:>9} {:>12} {:>12}  {level}% CI\n",
            "bound", "R²(D~Z)", "R²(Y~Z)", "adjusted", "adjusted se"
        );
        for b in &s.bounds {
            out += &format!(
                "{:<16} {:>9} {:>9} {:>12} {:>12}  [{}, {}]\n",
                b.bound_label,
                pct(b.r2dz_x),
                pct(b.r2yz_dx),
                num(b.adjusted_estimate),
                num(b.adjusted_se),
                num(b.adjusted_lower_ci),
                num(b.adjusted_upper_ci)
            );
        }
    }
    let e = &r.evalue;
    out += &format!(
        "\nE-value {:.3} (interval: {:.3}), on the {}\n",
        e.evalue_point, e.evalue_ci, e.scale
    );
    out += &format!("{}\n{}\n", format::capitalize(&e.sentence()), format::capitalize(&r.verdict));
    for w in &r.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}
