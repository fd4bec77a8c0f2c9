//! `counterfact`: the engine on the command line, for pipelines and for checking the page.
//!
//! ```text
//! counterfact estimate FILE --treatment T --outcome Y [--covariates a,b,c]
//!                      [--method diff-means|ols|ipw]... [--estimand ate|att] [--trim P]
//!                      [--alpha 0.05] [--delimiter ,] [--json]
//! ```
//!
//! Exit status: 0 when every method ran, 1 when the data or a method failed, 2 for a usage error.

mod read;

use std::io::Write;
use std::process::ExitCode;

use cf_engine::{analyze, format, AnalysisSpec, EstimandChoice, Method, Report};
use serde::Serialize;

const USAGE: &str = "usage:
  counterfact estimate FILE --treatment T --outcome Y [--covariates a,b,c]
                       [--method diff-means|ols|ipw]... [--estimand ate|att] [--trim P]
                       [--alpha 0.05] [--delimiter C] [--threads N] [--json]

Estimates the effect of a binary treatment column T (0/1) on the outcome Y in a CSV/TSV file.
Without --covariates, every other numeric column is adjusted for. Without --method, all methods run.
";

/// A usage error (exit 2) or a data error (exit 1).
pub(crate) enum Failure {
    Usage(String),
    Data(String),
}

struct Args {
    file: String,
    spec: AnalysisSpec,
    delimiter: Option<u8>,
    threads: usize,
    json: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, Failure> {
    let usage = |m: String| Failure::Usage(m);
    match args.next().as_deref() {
        Some("estimate") => {}
        Some("-h" | "--help" | "help") | None => return Err(usage(String::new())),
        Some(other) => return Err(usage(format!("unknown command `{other}`"))),
    }
    let (mut file, mut treatment, mut outcome, mut covariates) = (None, None, None, None);
    let (mut methods, mut alpha, mut delimiter, mut json) = (Vec::new(), 0.05, None, false);
    let (mut estimand, mut trim) = (EstimandChoice::Ate, 0.0);
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
        methods = Method::ALL.to_vec();
    }
    Ok(Args {
        file,
        spec: AnalysisSpec { treatment, outcome, covariates, methods, alpha, estimand, trim },
        delimiter,
        threads,
        json,
    })
}

/// The JSON printed with `--json` (the report plus where the data came from).
#[derive(Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    report: &'a Report,
    file: &'a str,
    n_rows: usize,
}

fn run(args: Args) -> Result<bool, Failure> {
    let (table, read_warnings) = read::read_table(&args.file, args.delimiter, args.threads)?;
    let mut report = analyze(&table, &args.spec).map_err(|e| Failure::Data(e.to_string()))?;
    let mut warnings: Vec<String> = read_warnings.iter().map(ToString::to_string).collect();
    warnings.append(&mut report.warnings);
    report.warnings = warnings;

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
    if !args.json {
        for f in &report.errors {
            eprintln!("error: {}: {}", f.method, f.message);
        }
    }
    Ok(report.errors.is_empty())
}

fn render_table(report: &Report, spec: &AnalysisSpec) -> String {
    let level = format::with_separators(100.0 * (1.0 - spec.alpha), 0);
    let header = [
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
                if c < 2 {
                    format!("{s}{}", " ".repeat(pad))
                } else {
                    format!("{}{s}", " ".repeat(pad))
                }
            })
            .collect();
        out += cells.join("  ").trim_end();
        out.push('\n');
    }
    if let Some(p) = &report.propensity {
        out += &format!(
            "propensity: logistic model, {} Newton steps, range {:.4} to {:.4}\n",
            p.n_iter, p.min, p.max
        );
    }
    for w in &report.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

fn main() -> ExitCode {
    let outcome = parse_args(std::env::args().skip(1)).and_then(run);
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Failure::Usage(msg)) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}\n");
            }
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Data(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
