//! `counterfact`: the engine on the command line, for pipelines and for checking the page.
//!
//! ```text
//! counterfact estimate FILE --treatment T --outcome Y [--covariates a,b,c] [--method M]...
//!                      [--estimand ate|att] [--trim P] [--replace] [--instrument Z]...
//!                      [--control LEVEL] [--fold-column COL] [--seed N] [--bootstrap N]
//!                      [--cate-out FILE] [--alpha 0.05] [--delimiter ,] [--json]
//! counterfact python FILE [the flags of estimate]
//! ```
//!
//! Exit status: 0 when every method ran, 1 when the data or a method failed, 2 for a usage error.

mod graph;
mod python;
mod read;

use std::io::Write;
use std::process::ExitCode;

use cf_engine::{analyze, format, AnalysisSpec, EstimandChoice, Method, MissingPolicy, Report};
use serde::Serialize;

const USAGE: &str = "usage:
  counterfact estimate FILE --treatment T --outcome Y [--covariates a,b,c] [--method M]...
                       [--estimand ate|att] [--trim P] [--replace] [--instrument Z]...
                       [--control LEVEL] [--fold-column COL] [--seed N] [--bootstrap N]
                       [--cate-out FILE] [--missing drop|indicator] [--l2 L] [--alpha 0.05]
                       [--delimiter C] [--threads N] [--graph FILE] [--json]
  counterfact python FILE [the flags of estimate]

Estimates the effect of a treatment column T on the outcome Y in a CSV/TSV file.
T is 0/1, or has several levels of which --control names the control (each other level is
compared with it); with only --method 2sls it may be a continuous dose.
Methods: diff-means, ols, ipw, aipw, psm, t-learner, x-learner, r-learner, dr-learner, 2sls.
Without --covariates, every other numeric column is adjusted for. Without --method, every method
runs (2sls only when an --instrument is given).
--replace        matching with replacement (default: without)
--l2 L           L2 penalty of the propensity model on standardized covariates (default 0:
                 maximum likelihood; scikit-learn's C = 1/L after StandardScaler)
--fold-column    cross-fitting folds (0, 1, ...) for the R- and DR-learners (default: from --seed)
--bootstrap N    also a percentile bootstrap interval from N resamples (seeded by --seed)
--cate-out FILE  write the per-unit effects of the meta-learners as CSV
--graph FILE     a causal graph (DAGitty or DOT): without --covariates, adjust for its smallest
                 minimal back-door set; with them, warn when they leave a biasing path open
--missing        drop rows with a missing covariate (default), or `indicator`: impute the mean
                 and add a missing-value indicator (text columns: a `(missing)` level)

python prints a Python script (pandas, statsmodels, scikit-learn, causalml; DoWhy for --graph)
that recomputes what estimate would report with the same flags, one JSON line per method.
";

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub(crate) fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// A usage error (exit 2) or a data error (exit 1).
pub(crate) enum Failure {
    Usage(String),
    Data(String),
}

pub(crate) struct Args {
    pub(crate) file: String,
    pub(crate) spec: AnalysisSpec,
    pub(crate) graph: Option<String>,
    cate_out: Option<String>,
    delimiter: Option<u8>,
    threads: usize,
    json: bool,
}

pub(crate) fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, Failure> {
    let usage = |m: String| Failure::Usage(m);
    match args.next().as_deref() {
        Some("estimate") => {}
        Some("-h" | "--help" | "help") | None => return Err(usage(String::new())),
        Some(other) => return Err(usage(format!("unknown command `{other}`"))),
    }
    let (mut file, mut treatment, mut outcome, mut covariates) = (None, None, None, None);
    let (mut methods, mut alpha, mut delimiter, mut json) = (Vec::new(), 0.05, None, false);
    let (mut estimand, mut trim) = (EstimandChoice::Ate, 0.0);
    let (mut instruments, mut control, mut fold_column, mut cate_out) =
        (Vec::<String>::new(), None, None, None);
    let (mut seed, mut bootstrap, mut replace) = (42u64, 0usize, false);
    let mut missing = MissingPolicy::Drop;
    let mut l2 = 0.0;
    let mut graph = None;
    let list = |v: String| -> Vec<String> {
        v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    };
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, Failure> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match flag.as_str() {
            "--treatment" => treatment = Some(value("--treatment")?),
            "--outcome" => outcome = Some(value("--outcome")?),
            "--covariates" => {
                let v = value("--covariates")?;
                covariates = Some(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                );
            }
            "--method" => {
                for m in value("--method")?.split(',') {
                    let method = Method::parse(m.trim()).ok_or_else(|| {
                        let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
                        usage(format!("unknown method `{m}` (one of: {})", names.join(", ")))
                    })?;
                    if !methods.contains(&method) {
                        methods.push(method);
                    }
                }
            }
            "--alpha" => {
                let v = value("--alpha")?;
                alpha =
                    v.parse::<f64>().ok().filter(|a| *a > 0.0 && *a < 1.0).ok_or_else(|| {
                        usage(format!("--alpha must be a number in (0, 1), got `{v}`"))
                    })?;
            }
            "--estimand" => {
                let v = value("--estimand")?;
                estimand = EstimandChoice::parse(&v)
                    .ok_or_else(|| usage(format!("--estimand must be ate or att, got `{v}`")))?;
            }
            "--trim" => {
                let v = value("--trim")?;
                trim =
                    v.parse::<f64>().ok().filter(|t| (0.0..0.5).contains(t)).ok_or_else(|| {
                        usage(format!("--trim must be a number in [0, 0.5), got `{v}`"))
                    })?;
            }
            "--delimiter" => {
                let v = value("--delimiter")?;
                delimiter = Some(match v.as_str() {
                    "tab" | "\\t" | "\t" => b'\t',
                    s if s.len() == 1 => s.as_bytes()[0],
                    _ => {
                        return Err(usage(format!("--delimiter must be one character, got `{v}`")))
                    }
                });
            }
            "--threads" => {
                let v = value("--threads")?;
                threads =
                    v.parse::<usize>().ok().filter(|t| (1..=64).contains(t)).ok_or_else(|| {
                        usage(format!("--threads must be a whole number from 1 to 64, got `{v}`"))
                    })?;
            }
            "--instrument" => instruments.extend(list(value("--instrument")?)),
            "--control" => control = Some(value("--control")?),
            "--fold-column" => fold_column = Some(value("--fold-column")?),
            "--cate-out" => cate_out = Some(value("--cate-out")?),
            "--replace" => replace = true,
            "--l2" => {
                let v = value("--l2")?;
                l2 = v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| *x >= 0.0 && x.is_finite())
                    .ok_or_else(|| usage(format!("--l2 must be a number ≥ 0, got `{v}`")))?;
            }
            "--graph" => graph = Some(value("--graph")?),
            "--missing" => {
                let v = value("--missing")?;
                missing = MissingPolicy::parse(&v).ok_or_else(|| {
                    usage(format!("--missing must be drop or indicator, got `{v}`"))
                })?;
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse::<u64>()
                    .map_err(|_| usage(format!("--seed must be a whole number ≥ 0, got `{v}`")))?;
            }
            "--bootstrap" => {
                let v = value("--bootstrap")?;
                bootstrap = v.parse::<usize>().ok().filter(|b| *b <= 100_000).ok_or_else(|| {
                    usage(format!("--bootstrap must be a whole number up to 100000, got `{v}`"))
                })?;
            }
            "--json" => json = true,
            "-h" | "--help" => return Err(usage(String::new())),
            f if f.starts_with('-') => return Err(usage(format!("unknown option `{f}`"))),
            _ if file.is_none() => file = Some(arg),
            _ => return Err(usage(format!("unexpected argument `{arg}`"))),
        }
    }
    let file = file.ok_or_else(|| usage("missing FILE".into()))?;
    let treatment = treatment.ok_or_else(|| usage("missing --treatment".into()))?;
    let outcome = outcome.ok_or_else(|| usage("missing --outcome".into()))?;
    if methods.is_empty() {
        methods = Method::ADJUSTMENT.to_vec();
        if !instruments.is_empty() {
            methods.push(Method::TwoSls);
        }
    }
    let cate = cate_out.is_some();
    let mut spec = AnalysisSpec::new(&treatment, &outcome, methods);
    spec.covariates = covariates;
    spec.alpha = alpha;
    spec.estimand = estimand;
    spec.trim = trim;
    spec.instruments = instruments;
    spec.control = control;
    spec.fold_column = fold_column;
    spec.seed = seed;
    spec.bootstrap = bootstrap;
    spec.replace = replace;
    spec.cate = cate;
    spec.missing = missing;
    spec.l2 = l2;
    Ok(Args { file, spec, graph, cate_out, delimiter, threads, json })
}

/// The JSON printed with `--json` (the report plus where the data came from).
#[derive(Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    report: &'a Report,
    file: &'a str,
    n_rows: usize,
}

/// Reads `--graph`, if given, and takes its adjustment set as the covariates when none were given;
/// returns the graph and the note about the covariates it leaves open, if any.
pub(crate) fn apply_graph(
    args: &mut Args,
) -> Result<Option<(cf_graph::Dag, Option<String>)>, Failure> {
    let Some(path) = &args.graph else { return Ok(None) };
    let g = graph::read_graph(path)?;
    let spec = &args.spec;
    let (chosen, note) = graph::covariates_from_graph(
        &g,
        &spec.treatment,
        &spec.outcome,
        spec.covariates.as_deref(),
    )?;
    if chosen.is_some() {
        args.spec.covariates = chosen;
    }
    Ok(Some((g, note)))
}

fn run(mut args: Args) -> Result<bool, Failure> {
    let graph_note = apply_graph(&mut args)?.and_then(|(_, note)| note);
    let (table, read_warnings) = read::read_table(&args.file, args.delimiter, args.threads)?;
    let mut report = analyze(&table, &args.spec).map_err(|e| Failure::Data(e.to_string()))?;
    let mut warnings: Vec<String> = read_warnings.iter().map(ToString::to_string).collect();
    warnings.extend(graph_note);
    warnings.append(&mut report.warnings);
    report.warnings = warnings;

    if let Some(path) = &args.cate_out {
        write_cate(path, &report)?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = if args.json {
        let json = JsonOut { report: &report, file: &args.file, n_rows: table.n_rows() };
        serde_json::to_string_pretty(&json).map_err(|e| Failure::Data(e.to_string()))? + "\n"
    } else {
        render_table(&report, &args.spec)
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    // Also with --json (where `errors` holds them for a program): a person at a terminal sees
    // on stderr why the exit status is 1.
    for f in &report.errors {
        eprintln!("error: {}: {}", f.method, f.message);
    }
    Ok(report.errors.is_empty())
}

/// One line per (unit, arm): `row` is the data row's 0-based position in the file (pandas'
/// default index), then one column per meta-learner.
fn write_cate(path: &str, report: &Report) -> Result<(), Failure> {
    let out = cf_engine::cate_csv(report).ok_or_else(|| {
        Failure::Data(
            "--cate-out needs a meta-learner (t-learner, x-learner, r-learner or dr-learner) that ran"
                .into(),
        )
    })?;
    std::fs::write(path, out).map_err(|e| Failure::Data(format!("cannot write {path}: {e}")))
}

fn render_table(report: &Report, spec: &AnalysisSpec) -> String {
    let level = format::with_separators(100.0 * (1.0 - spec.alpha), 0);
    let multi = report.results.iter().any(|r| r.arm.is_some());
    let header = [
        if multi { "arm" } else { "" },
        "method",
        "estimand",
        "estimate",
        "std. error",
        &format!("{level}% CI"),
        "n",
        "treated",
        "control",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in &report.results {
        let d = format::decimals_for(r.std_error);
        rows.push(vec![
            r.arm.clone().unwrap_or_default(),
            r.method.clone(),
            r.estimand.clone(),
            format::with_separators(r.estimate, d),
            format::with_separators(r.std_error, d),
            format!(
                "[{}, {}]",
                format::with_separators(r.ci_low, d),
                format::with_separators(r.ci_high, d)
            ),
            format::count(r.n),
            format::count(r.n_treated),
            format::count(r.n_control),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("Effect of `{}` on `{}`\n", spec.treatment, spec.outcome);
    if !report.covariates.is_empty() {
        out += &format!("adjusting for: {}\n", report.covariates.join(", "));
    }
    out.push('\n');
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = widths[c] - s.chars().count();
                if c < 3 {
                    format!("{s}{}", " ".repeat(pad))
                } else {
                    format!("{}{s}", " ".repeat(pad))
                }
            })
            .collect();
        out += cells.join("  ").trim();
        out.push('\n');
    }
    if let Some(p) = &report.propensity {
        out += &format!(
            "propensity: logistic model, {} Newton steps, range {:.4} to {:.4}\n",
            p.n_iter, p.min, p.max
        );
    }
    if let Some(c) = &report.control {
        out += &format!("each arm is compared with the control level `{c}`\n");
    }
    for r in &report.results {
        let who = match &r.arm {
            Some(a) => format!("{} ({a})", r.method),
            None => r.method.clone(),
        };
        if let Some(m) = &r.matching {
            out += &format!(
                "{who}: {} treated matched, {} unmatched, {} distinct controls, caliper {:.4}\n",
                m.n_treated_matched, m.n_treated_unmatched, m.n_control_unique, m.caliper
            );
        }
        if let Some(f) = r.first_stage_f {
            out += &format!("{who}: first-stage F = {f:.2}\n");
        }
        if let Some(b) = &r.bootstrap {
            let d = format::decimals_for(b.std_error);
            out += &format!(
                "{who}: bootstrap ({} resamples) se {}, {level}% CI [{}, {}]\n",
                b.replications,
                format::with_separators(b.std_error, d),
                format::with_separators(b.ci_low, d),
                format::with_separators(b.ci_high, d)
            );
        }
        for w in &r.warnings {
            out += &format!("warning: {who}: {w}\n");
        }
    }
    for w in &report.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    let outcome = match first.as_deref() {
        Some("identify") => graph::identify_cmd(args),
        Some("dsep") => graph::dsep_cmd(args),
        Some("python") => python::python_cmd(args),
        _ => parse_args(first.into_iter().chain(args)).and_then(run),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Failure::Usage(msg)) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}\n");
            }
            eprint!("{USAGE}{}", graph::USAGE);
            ExitCode::from(2)
        }
        Err(Failure::Data(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
