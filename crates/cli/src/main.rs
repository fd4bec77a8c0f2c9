//! `counterfact`: the engine on the command line, for pipelines and for checking the page.
//!
//! ```text
//! counterfact estimate FILE --treatment T --outcome Y [--covariates a,b,c] [--categorical a,b]
//!                      [--method M]... [--estimand ate|att] [--trim P] [--replace]
//!                      [--instrument Z]... [--control LEVEL] [--fold-column COL] [--seed N]
//!                      [--bootstrap N] [--cate-out FILE] [--alpha 0.05] [--delimiter ,] [--json]
//! counterfact python FILE [the flags of estimate] [--benchmark COL] [--refute-method M]
//! counterfact experiment FILE --treatment T --outcome Y [--covariates a,b] [--json]
//! counterfact discover FILE [--columns a,b,c] [--alpha 0.05] [--test fisherz|chisq|gsq] [--json]
//! ```
//!
//! Exit status: 0 when every method ran, 1 when the data or a method failed, 2 for a usage error.

mod discover;
mod experiment;
mod graph;
mod python;
mod read;
mod score;
mod uplift;
mod validate;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use cf_engine::{
    AnalysisSpec, EstimandChoice, LearnerChoice, Method, MissingPolicy, OptionError, Report,
    analyze, format,
};
use lexopt::{Arg, Parser};
use serde::Serialize;

const USAGE: &str = "usage:
  counterfact estimate FILE --treatment T --outcome Y [--covariates a,b,c] [--method M]...
                       [--categorical a,b] [--estimand ate|att] [--trim P] [--replace] [--instrument Z]...
                       [--control LEVEL] [--fold-column COL] [--seed N] [--bootstrap N]
                       [--cate-out FILE] [--missing drop|indicator] [--l2 L] [--alpha 0.05]
                       [--delimiter C] [--threads N] [--graph FILE] [--json]
                       [--learner linear|gbdt] [--gbdt-trees N] [--gbdt-leaves N] [--gbdt-rate R]
                       [--gbdt-min-leaf N] [--gbdt-depth N] [--gbdt-l2 X] [--gbdt-seed N]
                       [--effect-gbdt-… the same] [--experimental-benchmark FILE]
  counterfact python FILE [the flags of estimate] [--benchmark COL[,COL] [--kd 1,2,3]]
                       [--refute-method M [--refute-n 100]]

Estimates the effect of a treatment column T on the outcome Y in a CSV/TSV file.
T is 0/1, or has several levels of which --control names the control (each other level is
compared with it); with only --method 2sls it may be a continuous dose.
Methods: diff-means, ols, ipw, aipw, psm, s-learner, t-learner, x-learner, r-learner,
dr-learner, 2sls.
Without --covariates, every other numeric column (not an instrument or the fold column) is
adjusted for. Without --method, every method runs but the s-learner (2sls only when an
--instrument is given).
--categorical    numeric covariates to take as categories (codes such as education levels):
                 one indicator per value, the smallest the reference
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
--learner        the S/T/X/R/DR-learners' base learner: linear (default; least squares, also
                 on a 0/1 outcome) or gbdt (gradient-boosted trees; classifiers of a 0/1
                 outcome, as causalml's Base*Classifier, with regressors as effect models)
--gbdt-trees N --gbdt-leaves N --gbdt-rate R --gbdt-min-leaf N --gbdt-depth N --gbdt-l2 X
--gbdt-seed N    the boosted outcome models (LightGBM's defaults: 100 trees, 31 leaves,
                 rate 0.1, 20 rows per leaf, no depth limit, l2 0, seed 0)
--effect-gbdt-…  the same for the effect models of the X-, R- and DR-learners
--experimental-benchmark FILE
                 compare every estimate with the difference in means of an experiment in FILE
                 (the same T and Y columns): bias, relative bias, whether the interval holds it

python prints a Python script (pandas, statsmodels, scikit-learn, causalml; DoWhy for --graph)
that recomputes what estimate would report with the same flags, one JSON line per method
(not for --learner gbdt: causalml on LightGBM grows other trees, so python refuses it).
--benchmark adds the sensitivity analysis of sensitivity (sensemakr's formulas in numpy, and
PySensemakr's call where it runs) and --refute-method DoWhy's five refuters of that method.
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

/// What the command line asks for.
pub(crate) struct Args {
    pub(crate) file: String,
    pub(crate) spec: AnalysisSpec,
    pub(crate) graph: Option<String>,
    cate_out: Option<String>,
    /// `--experimental-benchmark`: an experiment's file to compare the estimates with.
    benchmark: Option<String>,
    delimiter: Option<u8>,
    threads: usize,
    json: bool,
}

fn usage(message: String) -> Failure {
    Failure::Usage(message)
}

/// A command-line error of the parser as a usage error.
pub(crate) fn parse_error(e: lexopt::Error) -> Failure {
    usage(match e {
        lexopt::Error::UnexpectedValue { option, .. } => format!("{option} takes no value"),
        lexopt::Error::MissingValue { option: Some(option) } => format!("{option} needs a value"),
        e => e.to_string(),
    })
}

/// The value of `flag` (`--flag value` or `--flag=value`).
pub(crate) fn value(parser: &mut Parser, flag: &str) -> Result<String, Failure> {
    parser
        .value()
        .map_err(|_| usage(format!("{flag} needs a value")))?
        .into_string()
        .map_err(|_| usage(format!("{flag} needs a value in UTF-8")))
}

/// The value of `--delimiter`: one character, or `tab`.
pub(crate) fn delimiter(parser: &mut Parser, flag: &str) -> Result<u8, Failure> {
    let v = value(parser, flag)?;
    match v.as_str() {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 => Ok(s.as_bytes()[0]),
        _ => Err(usage(format!("--delimiter must be one character, got `{v}`"))),
    }
}

/// A positional argument as text.
pub(crate) fn text(arg: OsString) -> Result<String, Failure> {
    arg.into_string().map_err(|a| usage(format!("`{}` is not valid UTF-8", a.to_string_lossy())))
}

/// A comma-separated list, blanks dropped.
pub(crate) fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// A setting out of range, or not a number, as a usage error that names its flag: the engine's
/// message (which starts with the setting's name) after `--`, with the value as typed.
fn option_error(e: OptionError, typed: &str) -> Failure {
    let message = e.to_string();
    let head = message.rsplit_once(", got ").map_or(message.as_str(), |(head, _)| head);
    usage(format!("--{head}, got `{typed}`"))
}

/// The value of a setting that [`cf_engine::Options::validate`] bounds: a usage error in the
/// words of `bound` when it is not a number.
fn setting<T: std::str::FromStr>(
    parser: &mut Parser,
    flag: &str,
    bound: OptionError,
) -> Result<T, Failure> {
    let v = value(parser, flag)?;
    v.parse().map_err(|_| option_error(bound, &v))
}

/// Adds the methods of one `--method` (a comma-separated list), each once.
fn add_methods(methods: &mut Vec<Method>, names: &str) -> Result<(), Failure> {
    for m in names.split(',') {
        let method = Method::parse(m.trim()).ok_or_else(|| {
            let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
            usage(format!("unknown method `{m}` (one of: {})", names.join(", ")))
        })?;
        if !methods.contains(&method) {
            methods.push(method);
        }
    }
    Ok(())
}

/// The flags that only `estimate` takes: the other commands that parse its flags (`python`,
/// `refute`, `sensitivity`, `experiment`) refuse them rather than ignore them.
const ESTIMATE_ONLY: &[&str] = &["--experimental-benchmark"];

/// Sets what the option `flag` (a long one, with its `--`) asks for; `command` is the
/// subcommand whose flags these are.
fn set_option(
    args: &mut Args,
    command: &str,
    flag: &str,
    parser: &mut Parser,
) -> Result<(), Failure> {
    if command != "estimate" && ESTIMATE_ONLY.contains(&flag) {
        return Err(usage(format!("{flag} belongs to `estimate`, not to `{command}`")));
    }
    let spec = &mut args.spec;
    let options = &mut spec.options;
    match flag {
        "--treatment" => spec.treatment = value(parser, flag)?,
        "--outcome" => spec.outcome = value(parser, flag)?,
        "--covariates" => spec.covariates = Some(list(&value(parser, flag)?)),
        "--method" => add_methods(&mut spec.methods, &value(parser, flag)?)?,
        "--instrument" => spec.instruments.extend(list(&value(parser, flag)?)),
        "--control" => spec.control = Some(value(parser, flag)?),
        "--fold-column" => spec.fold_column = Some(value(parser, flag)?),
        "--categorical" => spec.categorical.extend(list(&value(parser, flag)?)),
        "--alpha" => options.alpha = setting(parser, flag, OptionError::Alpha(0.0))?,
        "--trim" => options.trim = setting(parser, flag, OptionError::Trim(0.0))?,
        "--l2" => options.l2 = setting(parser, flag, OptionError::L2(0.0))?,
        "--bootstrap" => options.bootstrap = setting(parser, flag, OptionError::Bootstrap(0))?,
        "--estimand" => {
            let v = value(parser, flag)?;
            options.estimand = EstimandChoice::parse(&v)
                .ok_or_else(|| usage(format!("--estimand must be ate or att, got `{v}`")))?;
        }
        "--missing" => {
            let v = value(parser, flag)?;
            options.missing = MissingPolicy::parse(&v)
                .ok_or_else(|| usage(format!("--missing must be drop or indicator, got `{v}`")))?;
        }
        "--seed" => {
            let v = value(parser, flag)?;
            options.seed = v
                .parse()
                .map_err(|_| usage(format!("--seed must be a whole number ≥ 0, got `{v}`")))?;
        }
        "--replace" => options.replace = true,
        "--learner" => {
            let v = value(parser, flag)?;
            options.learner = LearnerChoice::parse(&v)
                .ok_or_else(|| usage(format!("--learner must be linear or gbdt, got `{v}`")))?;
        }
        f if f.starts_with("--gbdt-") || f.starts_with("--effect-gbdt-") => {
            gbdt_flag(options, f, parser)?;
        }
        "--cate-out" => {
            args.cate_out = Some(value(parser, flag)?);
            options.cate = true;
        }
        "--delimiter" => args.delimiter = Some(delimiter(parser, flag)?),
        "--threads" => {
            let v = value(parser, flag)?;
            args.threads =
                v.parse::<usize>().ok().filter(|t| (1..=64).contains(t)).ok_or_else(|| {
                    usage(format!("--threads must be a whole number from 1 to 64, got `{v}`"))
                })?;
        }
        "--graph" => args.graph = Some(value(parser, flag)?),
        "--experimental-benchmark" => args.benchmark = Some(value(parser, flag)?),
        "--json" => args.json = true,
        "--help" => return Err(usage(String::new())),
        _ => return Err(usage(format!("unknown option `{flag}`"))),
    }
    Ok(())
}

/// Sets a `--gbdt-…` (outcome models) or `--effect-gbdt-…` (effect models) flag; the bounds are
/// [`cf_engine::Options::validate`]'s.
fn gbdt_flag(
    options: &mut cf_engine::Options,
    flag: &str,
    parser: &mut Parser,
) -> Result<(), Failure> {
    let (g, rest) = match flag.strip_prefix("--effect-gbdt-") {
        Some(rest) => (&mut options.effect_gbdt, rest),
        None => (&mut options.gbdt, flag.trim_start_matches("--gbdt-")),
    };
    let v = value(parser, flag)?;
    let whole = |v: &str| {
        v.parse::<usize>().map_err(|_| usage(format!("{flag} needs a whole number, got `{v}`")))
    };
    let number =
        |v: &str| v.parse::<f64>().map_err(|_| usage(format!("{flag} needs a number, got `{v}`")));
    match rest {
        "trees" => g.trees = whole(&v)?,
        "leaves" => g.leaves = whole(&v)?,
        "rate" => g.rate = number(&v)?,
        "min-leaf" => g.min_leaf = whole(&v)?,
        "depth" => g.max_depth = Some(whole(&v)?),
        "l2" => g.l2 = number(&v)?,
        "seed" => {
            g.seed = v
                .parse()
                .map_err(|_| usage(format!("{flag} must be a whole number ≥ 0, got `{v}`")))?;
        }
        _ => return Err(usage(format!("unknown option `{flag}`"))),
    }
    Ok(())
}

/// Parses `estimate FILE --flag value ...` (the command word first).
pub(crate) fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Args, Failure> {
    match args.next().map(|c| c.to_string_lossy().into_owned()).as_deref() {
        Some("estimate") => {}
        Some("-h" | "--help" | "help") | None => return Err(usage(String::new())),
        Some(other) => return Err(usage(format!("unknown command `{other}`"))),
    }
    parse_flags("estimate", args)
}

/// Parses `FILE --flag value ...` (after the command word) with the flags of `estimate` for the
/// subcommand `command`, which takes them all but those only `estimate` uses.
pub(crate) fn parse_flags(
    command: &str,
    args: impl IntoIterator<Item = OsString>,
) -> Result<Args, Failure> {
    let mut parsed = Args {
        file: String::new(),
        spec: AnalysisSpec::new("", "", Vec::new()),
        graph: None,
        cate_out: None,
        benchmark: None,
        delimiter: None,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()).min(8),
        json: false,
    };
    // Which of the required arguments were given (an empty `--treatment ""` counts as given:
    // the data then says that there is no such column).
    let (mut file, mut treatment, mut outcome) = (false, false, false);
    let mut parser = Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(parse_error)? {
        match arg {
            Arg::Long(name) => {
                let flag = format!("--{name}");
                treatment |= flag == "--treatment";
                outcome |= flag == "--outcome";
                set_option(&mut parsed, command, &flag, &mut parser)?;
            }
            Arg::Short('h') => return Err(usage(String::new())),
            Arg::Short(c) => return Err(usage(format!("unknown option `-{c}`"))),
            Arg::Value(v) if !file => {
                parsed.file = text(v)?;
                file = true;
            }
            Arg::Value(v) => {
                return Err(usage(format!("unexpected argument `{}`", v.to_string_lossy())));
            }
        }
    }
    let spec = &mut parsed.spec;
    if let Err(e) = spec.options.validate() {
        let typed = match e {
            OptionError::Alpha(v) | OptionError::Trim(v) | OptionError::L2(v) => v.to_string(),
            OptionError::Bootstrap(b) => b.to_string(),
            OptionError::Gbdt { setting, .. } => setting.value(),
        };
        return Err(option_error(e, &typed));
    }
    for (given, what) in [(file, "FILE"), (treatment, "--treatment"), (outcome, "--outcome")] {
        if !given {
            return Err(usage(format!("missing {what}")));
        }
    }
    if spec.methods.is_empty() {
        spec.methods = Method::ADJUSTMENT.to_vec();
        if !spec.instruments.is_empty() {
            spec.methods.push(Method::TwoSls);
        }
    }
    Ok(parsed)
}

/// The JSON printed with `--json` (the report plus where the data came from).
#[derive(Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    report: &'a Report,
    file: &'a str,
    n_rows: usize,
    /// `--experimental-benchmark`: the experiment's difference in means and each estimate's bias.
    #[serde(skip_serializing_if = "Option::is_none")]
    benchmark: Option<experiment::BenchmarkJson>,
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
    let benchmark = match &args.benchmark {
        Some(path) => Some((
            path,
            experiment::benchmark_of(path, &args.spec, &mut report, args.delimiter, args.threads)?,
        )),
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = if args.json {
        let json = JsonOut {
            report: &report,
            file: &args.file,
            n_rows: table.n_rows(),
            benchmark: benchmark
                .map(|(path, (b, rows))| experiment::BenchmarkJson::new(b, rows, path)),
        };
        serde_json::to_string_pretty(&json).map_err(|e| Failure::Data(e.to_string()))? + "\n"
    } else {
        let mut text = render_table(&report, &args.spec);
        if let Some((path, (b, rows))) = &benchmark {
            text += &experiment::render_benchmark(b, rows, path, args.spec.options.alpha);
        }
        text
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    // Also with --json (where `errors` holds them for a program): a person at a terminal sees
    // on stderr why the exit status is 1.
    for f in &report.errors {
        eprintln!("error: {}: {}", f.label(), f.message);
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
    let level = format::with_separators(100.0 * (1.0 - spec.options.alpha), 0);
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
            r.method.to_string(),
            r.estimand.as_str().to_string(),
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
            None => r.method.to_string(),
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
        if let Some(e) = &r.evalue {
            out += &format!("{who}: E-value {:.2} (interval {:.2})\n", e.evalue_point, e.evalue_ci);
        }
        for w in &r.warnings {
            out += &format!("warning: {who}: {w}\n");
        }
        if let Some(u) = &r.unreliable {
            out += &format!("warning: {who}: {u}\n");
        }
    }
    for w in &report.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let first = args.next();
    let outcome = match first.as_ref().and_then(|c| c.to_str()) {
        Some("identify") => graph::identify_cmd(args),
        Some("dsep") => graph::dsep_cmd(args),
        Some("python") => python::python_cmd(args),
        Some("uplift") => uplift::uplift_cmd(args),
        Some("score") => score::score_cmd(args),
        Some("sensitivity") => validate::sensitivity_cmd(args),
        Some("refute") => validate::refute_cmd(args),
        Some("experiment") => experiment::experiment_cmd(args),
        Some("discover") => discover::discover_cmd(args),
        _ => parse_args(first.into_iter().chain(args)).and_then(run),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Failure::Usage(msg)) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}\n");
            }
            eprint!(
                "{USAGE}{}{}{}{}{}{}",
                uplift::USAGE,
                score::USAGE,
                validate::USAGE,
                experiment::USAGE,
                graph::USAGE,
                discover::USAGE
            );
            ExitCode::from(2)
        }
        Err(Failure::Data(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cf_engine::Options;

    fn parse(args: &[&str]) -> Result<Args, Failure> {
        parse_args(std::iter::once("estimate").chain(args.iter().copied()).map(OsString::from))
    }

    fn usage_error(args: &[&str]) -> String {
        match parse(args) {
            Err(Failure::Usage(m)) => m,
            Err(Failure::Data(m)) => panic!("a data error: {m}"),
            Ok(_) => panic!("parsed: {args:?}"),
        }
    }

    #[test]
    fn the_flags_fill_the_spec_and_its_options() {
        let args = parse(&[
            "d.csv",
            "--treatment=segment",
            "--outcome",
            "visit",
            "--covariates",
            " a, b,,",
            "--method",
            "ols,ipw",
            "--method=ols",
            "--control",
            "No E-Mail",
            "--instrument",
            "z1,z2",
            "--fold-column",
            "fold",
            "--categorical",
            "educ, v1",
            "--alpha",
            "0.1",
            "--estimand",
            "ATT",
            "--trim=0.05",
            "--l2",
            "0.5",
            "--replace",
            "--seed",
            "7",
            "--bootstrap",
            "10000",
            "--cate-out",
            "cate.csv",
            "--missing",
            "indicator",
            "--delimiter",
            "tab",
            "--threads",
            "3",
            "--graph",
            "g.dag",
            "--experimental-benchmark",
            "exp.csv",
            "--json",
        ])
        .unwrap_or_else(|_| panic!("did not parse"));
        let mut want = AnalysisSpec::new("segment", "visit", vec![Method::Ols, Method::Ipw]);
        want.covariates = Some(vec!["a".into(), "b".into()]);
        want.control = Some("No E-Mail".into());
        want.instruments = vec!["z1".into(), "z2".into()];
        want.fold_column = Some("fold".into());
        want.categorical = vec!["educ".into(), "v1".into()];
        want.options = Options {
            alpha: 0.1,
            estimand: EstimandChoice::Att,
            trim: 0.05,
            l2: 0.5,
            replace: true,
            seed: 7,
            bootstrap: Options::MAX_BOOTSTRAP,
            cate: true,
            missing: MissingPolicy::Indicator,
            ..Options::default()
        };
        assert_eq!(args.spec, want);
        assert_eq!(args.file, "d.csv");
        assert_eq!(args.cate_out.as_deref(), Some("cate.csv"));
        assert_eq!((args.delimiter, args.threads, args.json), (Some(b'\t'), 3, true));
        assert_eq!(args.graph.as_deref(), Some("g.dag"));
        assert_eq!(args.benchmark.as_deref(), Some("exp.csv"));
        let plain = parse(&["d.csv", "--treatment", "t", "--outcome", "y"])
            .unwrap_or_else(|_| panic!("did not parse"));
        assert_eq!(plain.benchmark, None);
    }

    #[test]
    fn the_other_commands_refuse_the_flags_only_estimate_takes() {
        let base = ["d.csv", "--treatment", "t", "--outcome", "y"];
        let of = |command: &str, extra: &[&str]| {
            let args = base.iter().chain(extra).map(OsString::from).collect::<Vec<_>>();
            parse_flags(command, args)
        };
        for command in ["python", "refute", "sensitivity", "experiment"] {
            let want =
                format!("--experimental-benchmark belongs to `estimate`, not to `{command}`");
            for extra in [
                &["--experimental-benchmark", "exp.csv"][..],
                &["--experimental-benchmark=exp.csv"],
                // Refused before its value is looked for.
                &["--experimental-benchmark"],
            ] {
                match of(command, extra) {
                    Err(Failure::Usage(m)) => assert_eq!(m, want),
                    Err(Failure::Data(m)) => panic!("a data error: {m}"),
                    Ok(_) => panic!("{command} took {extra:?}"),
                }
            }
            assert!(of(command, &[]).is_ok(), "{command}");
        }
        let args = of("estimate", &["--experimental-benchmark", "exp.csv"])
            .unwrap_or_else(|_| panic!("did not parse"));
        assert_eq!(args.benchmark.as_deref(), Some("exp.csv"));
    }

    #[test]
    fn without_methods_every_adjustment_method_runs_and_2sls_with_an_instrument() {
        let base = ["d.csv", "--treatment", "t", "--outcome", "y"];
        let args = parse(&base).unwrap_or_else(|_| panic!("did not parse"));
        assert_eq!(args.spec.methods, Method::ADJUSTMENT.to_vec());
        assert_eq!(args.spec.options, Options::default());
        let args = parse(&[&base[..], &["--instrument", "z"]].concat())
            .unwrap_or_else(|_| panic!("did not parse"));
        assert_eq!(args.spec.methods.last(), Some(&Method::TwoSls));
    }

    #[test]
    fn bounds_come_from_the_options_and_name_the_flag() {
        let base = ["d.csv", "--treatment", "t", "--outcome", "y"];
        let with = |extra: &[&str]| usage_error(&[&base[..], extra].concat());
        assert_eq!(with(&["--trim", "0.7"]), "--trim must be a number in [0, 0.5), got `0.7`");
        assert_eq!(with(&["--trim", "x"]), "--trim must be a number in [0, 0.5), got `x`");
        assert_eq!(with(&["--l2", "-1"]), "--l2 must be a number ≥ 0, got `-1`");
        assert_eq!(with(&["--l2=inf"]), "--l2 must be a number ≥ 0, got `inf`");
        assert_eq!(
            with(&["--alpha", "0.6"]),
            "--alpha (1 − the confidence level) must be a number from 0.000001 to 0.5, got `0.6`"
        );
        assert_eq!(
            with(&["--alpha", "abc"]),
            "--alpha (1 − the confidence level) must be a number from 0.000001 to 0.5, got `abc`"
        );
        assert_eq!(
            with(&["--bootstrap", "10001"]),
            "--bootstrap must be a whole number up to 10000, got `10001`"
        );
        assert_eq!(
            with(&["--bootstrap", "-3"]),
            "--bootstrap must be a whole number up to 10000, got `-3`"
        );
        // The bounds are checked before what is missing.
        assert!(usage_error(&["--trim", "0.7"]).starts_with("--trim"));
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        assert_eq!(usage_error(&[]), "missing FILE");
        assert_eq!(usage_error(&["d.csv", "--outcome", "y"]), "missing --treatment");
        assert_eq!(usage_error(&["d.csv", "--treatment", "t"]), "missing --outcome");
        assert_eq!(usage_error(&["d.csv", "e.csv"]), "unexpected argument `e.csv`");
        assert_eq!(usage_error(&["d.csv", "--treatment"]), "--treatment needs a value");
        assert_eq!(usage_error(&["d.csv", "--bogus=1"]), "unknown option `--bogus`");
        assert_eq!(usage_error(&["d.csv", "-x"]), "unknown option `-x`");
        assert_eq!(usage_error(&["d.csv", "--json=yes"]), "--json takes no value");
        assert_eq!(
            usage_error(&["d.csv", "--experimental-benchmark"]),
            "--experimental-benchmark needs a value"
        );
        assert_eq!(usage_error(&["d.csv", "--help"]), "");
        assert_eq!(
            usage_error(&["d.csv", "--delimiter", ";;"]),
            "--delimiter must be one character, got `;;`"
        );
        assert!(
            usage_error(&["d.csv", "--method", "ols,magic"]).starts_with("unknown method `magic`")
        );
        assert_eq!(
            usage_error(&["d.csv", "--threads", "0"]),
            "--threads must be a whole number from 1 to 64, got `0`"
        );
        assert_eq!(
            usage_error(&["d.csv", "--seed", "-1"]),
            "--seed must be a whole number ≥ 0, got `-1`"
        );
        // A value may look like an option.
        let args = parse(&["d.csv", "--treatment", "-t", "--outcome", "--y"])
            .unwrap_or_else(|_| panic!("did not parse"));
        assert_eq!((args.spec.treatment.as_str(), args.spec.outcome.as_str()), ("-t", "--y"));
    }
}
