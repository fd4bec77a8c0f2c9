//! `counterfact experiment`: the read-out of a randomized A/B test (group means, lift and
//! relative lift with intervals, balance and its F-test, minimum detectable effect, CUPED); and
//! `estimate --experimental-benchmark FILE`: the estimates held against an experiment's
//! difference in means.

use std::ffi::OsString;

use cf_engine::experiment::{
    self, Benchmark, BenchmarkRow, ExperimentComparison, ExperimentReport, MDE_POWER,
};
use cf_engine::{AnalysisSpec, Report, format};
use serde::Serialize;

use crate::validate::{print_json, run_on_file};
use crate::{Failure, parse_flags, print, read};

pub(crate) const USAGE: &str =
    "  counterfact experiment FILE --treatment T --outcome Y [--covariates a,b] [--control LEVEL]
                    [--alpha 0.05] [--categorical a,b] [--missing drop|indicator] [--json]

experiment reads out a randomized experiment: the control and treated means (rates for a 0/1
outcome), the lift with Welch's standard error and interval (percentage points for a 0/1
outcome), the lift relative to the control mean (delta method), the covariates' balance
(standardized differences and the F-test that they do not predict T), the minimum detectable
effect at 80 % power, and CUPED: the lift on Y adjusted by the covariates as pre-period
measurements, and how much of its variance that removes.
  counterfact estimate FILE [the flags of estimate] --experimental-benchmark OTHER.csv

--experimental-benchmark also reads OTHER.csv (an experiment with the same T and Y columns) and
compares every estimate with its difference in means: bias, relative bias, and whether the
estimate's interval holds it (LaLonde's test of observational methods).
";

/// Runs `counterfact experiment`.
pub(crate) fn experiment_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let mut args = parse_flags("experiment", args)?;
    let report = run_on_file(
        &mut args,
        |table, spec| experiment::analyze(table, spec).map_err(|e| e.to_string()),
        |r| &mut r.warnings,
    )?;
    if args.json {
        print_json(&report)?;
    } else {
        print(&render(&report));
    }
    Ok(true)
}

/// A two-column block: labels padded to one width.
fn block(lines: &[(String, String)]) -> String {
    let width = lines.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(l, v)| format!("  {l}{}  {v}\n", " ".repeat(width - l.chars().count())))
        .collect()
}

/// The interval `[lo, hi]` of values shown by `show`.
fn interval(ci: [f64; 2], show: impl Fn(f64) -> String) -> String {
    format!("[{}, {}]", show(ci[0]), show(ci[1]))
}

fn render(r: &ExperimentReport) -> String {
    let level = format::with_separators(100.0 * (1.0 - r.alpha), 0);
    let mut out = format!(
        "Experiment: the effect of `{}` on `{}` ({})\n",
        r.treatment,
        r.outcome,
        format::plural(r.n, "row", "rows")
    );
    if !r.covariates.is_empty() {
        out += &format!("covariates: {}\n", r.covariates.join(", "));
    }
    for c in &r.comparisons {
        out.push('\n');
        out += &comparison(r, c, &level);
    }
    for w in &r.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

fn comparison(r: &ExperimentReport, c: &ExperimentComparison, level: &str) -> String {
    let sp = |s: String| s.replace(format::NBSP, " ");
    let name = match &c.arm {
        Some(a) => format::comparison(&r.treatment, a, r.control.as_deref().unwrap_or("")),
        None => "treated vs control".to_string(),
    };
    let mut out = format!(
        "{name} ({} treated, {} control)\n",
        format::count(c.n_treated),
        format::count(c.n_control)
    );
    let mut lines: Vec<(String, String)> = Vec::new();
    let d = format::decimals_for(c.lift.std_error);
    let num = |v: f64| format::with_separators(v, d);
    let pp_d = format::pp_decimals(c.lift.std_error);
    // A 0/1 outcome: rates in percent, differences in percentage points.
    let diff = |v: f64| -> String {
        if c.binary_outcome { sp(format::pp(v, pp_d)) } else { format::signed(v, d) }
    };
    // The ends of an interval: signed points for a 0/1 outcome, plain numbers otherwise.
    let end = |v: f64| -> String { if c.binary_outcome { diff(v) } else { num(v) } };
    let size = |v: f64| -> String {
        if c.binary_outcome {
            sp(format::pp(v, pp_d)).trim_start_matches('+').to_string()
        } else {
            num(v)
        }
    };
    let mean = |m: &experiment::GroupMean| -> String {
        if c.binary_outcome {
            format!("{} (se {})", sp(format::percent(m.mean)), sp(format::percent(m.std_error)))
        } else {
            let d = format::decimals_for(m.std_error);
            format!(
                "{} (se {})",
                format::with_separators(m.mean, d),
                format::with_separators(m.std_error, d)
            )
        }
    };
    let what = if c.binary_outcome { "rate" } else { "mean" };
    lines.push((format!("control {what}"), mean(&c.control)));
    lines.push((format!("treated {what}"), mean(&c.treated)));
    lines.push((
        "lift".into(),
        format!(
            "{} (se {}), {level}% CI {}",
            diff(c.lift.estimate),
            size(c.lift.std_error),
            interval(c.lift.ci, end)
        ),
    ));
    let pct = |v: f64| format!("{} %", format::signed(100.0 * v, 1));
    let relative = |rel: &experiment::Estimate| {
        format!(
            "{} (se {} %), {level}% CI {}",
            pct(rel.estimate),
            format::with_separators(100.0 * rel.std_error, 1),
            interval(rel.ci, pct)
        )
    };
    match &c.relative_lift {
        Some(rel) => lines.push(("relative lift".into(), relative(rel))),
        None => lines.push(("relative lift".into(), "not defined (the control mean is 0)".into())),
    }
    let balance = match &c.balance.f_test {
        Some(f) => format!(
            "F = {} on {} and {} df, p = {}",
            format::with_separators(f.f, 2),
            f.df1,
            format::count(f.df2),
            sp(format::p_value(f.p_value))
        ),
        None => "no test".into(),
    };
    lines.push(("balance".into(), balance));
    let mde_rel = c
        .mde
        .relative
        .map(|v| format!(" ({} of the control mean)", sp(format::percent(v))))
        .unwrap_or_default();
    lines.push((
        format!("MDE ({} % power)", format::with_separators(100.0 * MDE_POWER, 0)),
        format!("{}{mde_rel}", size(c.mde.absolute)),
    ));
    match (&c.cuped, &c.cuped_skipped) {
        (Some(cu), _) => lines.push((
            "CUPED lift".into(),
            format!(
                "{} (se {}), {level}% CI {}; variance reduced by {} (with {})",
                diff(cu.lift.estimate),
                size(cu.lift.std_error),
                interval(cu.lift.ci, end),
                sp(format::percent(cu.variance_reduction)),
                cu.covariates.join(", ")
            ),
        )),
        (None, Some(why)) => lines.push(("CUPED".into(), format!("skipped: {why}"))),
        (None, None) => {}
    }
    if let Some(rel) = c.cuped.as_ref().and_then(|cu| cu.relative_lift.as_ref()) {
        lines.push(("CUPED relative".into(), relative(rel)));
    }
    out += &block(&lines);
    if !c.balance.rows.is_empty() {
        let smd: Vec<String> = c
            .balance
            .rows
            .iter()
            .map(|b| {
                let v = b.smd.map_or("–".to_string(), |v| format::with_separators(v, 3));
                format!("{} {v}", b.covariate)
            })
            .collect();
        out += &format!("  standardized differences: {}\n", smd.join(", "));
    }
    // The verdict is a sentence (or two): it ends with its full stop.
    let verdict = format::capitalize(&c.balance.verdict);
    let stop = if verdict.ends_with('.') { "" } else { "." };
    out += &format!("  {verdict}{stop}\n");
    for w in &c.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

/// The `benchmark` key of `estimate --json`.
#[derive(Serialize)]
pub(crate) struct BenchmarkJson {
    estimate: f64,
    std_error: f64,
    ci: [f64; 2],
    n: usize,
    file: String,
    methods: Vec<BenchmarkRow>,
}

/// Reads the experimental file `path` and compares `report`'s estimates with its difference in
/// means; the read's warnings join the report's, with the file's name.
pub(crate) fn benchmark_of(
    path: &str,
    spec: &AnalysisSpec,
    report: &mut Report,
    delimiter: Option<u8>,
    threads: usize,
) -> Result<(Benchmark, Vec<BenchmarkRow>), Failure> {
    let (table, warnings) = read::read_table(path, delimiter, threads)?;
    let b = experiment::benchmark(&table, spec)
        .map_err(|e| Failure::Data(format!("{path} (the experimental benchmark): {e}")))?;
    let rows = experiment::compare(report, &b);
    report.warnings.extend(warnings.iter().map(|w| format!("{path}: {w}")));
    Ok((b, rows))
}

impl BenchmarkJson {
    pub(crate) fn new(b: Benchmark, methods: Vec<BenchmarkRow>, file: &str) -> Self {
        BenchmarkJson {
            estimate: b.estimate,
            std_error: b.std_error,
            ci: b.ci,
            n: b.n,
            file: file.to_string(),
            methods,
        }
    }
}

/// The comparison as a table, after `estimate`'s own.
pub(crate) fn render_benchmark(
    b: &Benchmark,
    rows: &[BenchmarkRow],
    file: &str,
    alpha: f64,
) -> String {
    let level = format::with_separators(100.0 * (1.0 - alpha), 0);
    let d = format::decimals_for(b.std_error);
    let num = |v: f64| format::with_separators(v, d);
    let mut out = format!(
        "\nExperimental benchmark ({file}): difference in means {} (se {}, {level}% CI [{}, {}], {})\n\n",
        num(b.estimate),
        num(b.std_error),
        num(b.ci[0]),
        num(b.ci[1]),
        format::plural(b.n, "row", "rows")
    );
    let multi = rows.iter().any(|r| r.arm.is_some());
    let header = [
        if multi { "arm" } else { "" },
        "method",
        "estimate",
        "bias",
        "relative bias",
        "interval holds it",
    ];
    let mut cells: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        cells.push(vec![
            r.arm.clone().unwrap_or_default(),
            r.method.to_string(),
            num(r.estimate),
            format::signed(r.bias, d),
            r.relative_bias.map_or("–".into(), |v| format!("{} %", format::signed(100.0 * v, 0))),
            if r.covers { "yes" } else { "no" }.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| cells.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = " ".repeat(widths[c] - s.chars().count());
                if c < 2 { format!("{s}{pad}") } else { format!("{pad}{s}") }
            })
            .collect();
        out += line.join("  ").trim();
        out.push('\n');
    }
    for r in rows {
        out += &format!("{}\n", r.sentence);
    }
    out
}
