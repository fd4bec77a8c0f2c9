//! `counterfact discover`: a causal pattern (CPDAG) learned from the data by the PC algorithm,
//! as causal-learn's `pc()` runs it.

use std::ffi::OsString;

use cf_discovery::{Bootstrap, IndepTest, Knowledge, MAX_LEVELS, MAX_RESAMPLES};
use cf_engine::format;
use lexopt::{Arg, Parser};
use serde::Serialize;

use crate::{Failure, list, parse_error, print, read, text, value};

pub(crate) const USAGE: &str =
    "  counterfact discover FILE [--columns a,b,c] [--alpha 0.05] [--test fisherz|chisq|gsq|mixed]
                      [--bins N] [--tiers 'a,b;c;d'] [--forbid a->b]... [--require a->b]...
                      [--max-k N] [--bootstrap N] [--seed S] [--delimiter C] [--json]

discover learns a causal pattern (CPDAG) with the PC algorithm exactly as causal-learn's pc()
runs it (stable skeleton search, colliders that keep earlier orientations, Meek's rules R1-R3)
and prints it as DAGitty text (`pdag { a -> b  c -- d }`; `--` is an edge the data cannot
orient), or with --json the edges, the separating sets and the number of tests.
Columns: --columns, or every numeric column. Rows with a missing value in them are dropped.
--test   fisherz (partial correlations; continuous data), chisq or gsq (discrete data: each
         distinct value a level, at most 50), or mixed (columns with more than --bins distinct
         values, default 4, cut into quantile bins, then gsq). Default: chisq when every column
         holds whole numbers with at most 10 distinct values (or text), else fisherz.
--tiers  ordered groups of columns (`;` between tiers): no edge from a later tier to an earlier
         one; an edge across tiers is oriented from the earlier tier
--forbid a->b forbids that direction (a--b forbids the edge); --require a->b orients a -> b
         when the two stay adjacent (the tests may still separate them: then a warning)
--max-k N     the largest conditioning set tested (default: no limit)
--bootstrap N edge stability over N resamples of the rows (seeded by --seed, default 0): how
         often each pair is adjacent, and in which direction
";

struct DiscoverArgs {
    file: String,
    columns: Option<Vec<String>>,
    alpha: f64,
    test: Option<IndepTest>,
    bins: Option<usize>,
    knowledge: Knowledge,
    max_k: Option<usize>,
    bootstrap: usize,
    seed: u64,
    delimiter: Option<u8>,
    json: bool,
}

fn usage(m: String) -> Failure {
    Failure::Usage(m)
}

/// `a->b` as (a, b); `a--b` (only where `both` is allowed) as both directions.
fn edges(v: &str, flag: &str, both: bool) -> Result<Vec<(String, String)>, Failure> {
    let pair = |a: &str, b: &str| (a.trim().to_string(), b.trim().to_string());
    let bad = || {
        let forms = if both { "a->b or a--b" } else { "a->b" };
        usage(format!("{flag} takes {forms}, got `{v}`"))
    };
    let (a, b, two) = if let Some((a, b)) = v.split_once("->") {
        (a, b, false)
    } else if let Some((a, b)) = v.split_once("--").filter(|_| both) {
        (a, b, true)
    } else {
        return Err(bad());
    };
    if a.trim().is_empty() || b.trim().is_empty() {
        return Err(bad());
    }
    Ok(if two { vec![pair(a, b), pair(b, a)] } else { vec![pair(a, b)] })
}

fn parse(args: impl Iterator<Item = OsString>) -> Result<DiscoverArgs, Failure> {
    let mut a = DiscoverArgs {
        file: String::new(),
        columns: None,
        alpha: 0.05,
        test: None,
        bins: None,
        knowledge: Knowledge::default(),
        max_k: None,
        bootstrap: 0,
        seed: 0,
        delimiter: None,
        json: false,
    };
    let mut file = false;
    let mut parser = Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(parse_error)? {
        match arg {
            Arg::Long(name) => {
                let flag = format!("--{name}");
                match name {
                    "columns" => a.columns = Some(list(&value(&mut parser, &flag)?)),
                    "alpha" => {
                        let v = value(&mut parser, &flag)?;
                        a.alpha =
                            v.parse().ok().filter(|x: &f64| *x > 0.0 && *x < 1.0).ok_or_else(
                                || {
                                    usage(format!(
                                        "--alpha must be a number between 0 and 1, got `{v}`"
                                    ))
                                },
                            )?;
                    }
                    "test" => {
                        let v = value(&mut parser, &flag)?;
                        a.test = Some(IndepTest::parse(&v).ok_or_else(|| {
                            usage(format!("--test must be fisherz, chisq, gsq or mixed, got `{v}`"))
                        })?);
                    }
                    "bins" => {
                        let v = value(&mut parser, &flag)?;
                        a.bins = Some(
                            v.parse().ok().filter(|b| (2..=MAX_LEVELS).contains(b)).ok_or_else(
                                || {
                                    usage(format!(
                                        "--bins must be a whole number from 2 to {MAX_LEVELS}, got `{v}`"
                                    ))
                                },
                            )?,
                        );
                    }
                    "tiers" => {
                        let v = value(&mut parser, &flag)?;
                        a.knowledge.tiers =
                            v.split(';').map(list).filter(|t| !t.is_empty()).collect();
                    }
                    "forbid" => {
                        let v = value(&mut parser, &flag)?;
                        a.knowledge.forbidden.extend(edges(&v, &flag, true)?);
                    }
                    "require" => {
                        let v = value(&mut parser, &flag)?;
                        a.knowledge.required.extend(edges(&v, &flag, false)?);
                    }
                    "max-k" => {
                        let v = value(&mut parser, &flag)?;
                        a.max_k = Some(v.parse().map_err(|_| {
                            usage(format!("--max-k must be a whole number ≥ 0, got `{v}`"))
                        })?);
                    }
                    "bootstrap" => {
                        let v = value(&mut parser, &flag)?;
                        a.bootstrap =
                            v.parse().ok().filter(|b| *b <= MAX_RESAMPLES).ok_or_else(|| {
                                usage(format!(
                                    "--bootstrap must be a whole number up to {MAX_RESAMPLES}, got `{v}`"
                                ))
                            })?;
                    }
                    "seed" => {
                        let v = value(&mut parser, &flag)?;
                        a.seed = v.parse().map_err(|_| {
                            usage(format!("--seed must be a whole number ≥ 0, got `{v}`"))
                        })?;
                    }
                    "delimiter" => a.delimiter = Some(crate::delimiter(&mut parser, &flag)?),
                    "json" => a.json = true,
                    "help" => return Err(usage(String::new())),
                    _ => return Err(usage(format!("unknown option `{flag}`"))),
                }
            }
            Arg::Short('h') => return Err(usage(String::new())),
            Arg::Short(c) => return Err(usage(format!("unknown option `-{c}`"))),
            Arg::Value(v) if !file => {
                a.file = text(v)?;
                file = true;
            }
            Arg::Value(v) => {
                return Err(usage(format!("unexpected argument `{}`", v.to_string_lossy())));
            }
        }
    }
    if !file {
        return Err(usage("missing FILE".into()));
    }
    if let Some(bins) = a.bins {
        match a.test {
            Some(IndepTest::Mixed { .. }) => a.test = Some(IndepTest::Mixed { bins }),
            _ => return Err(usage("--bins goes with --test mixed".into())),
        }
    }
    Ok(a)
}

#[derive(Serialize)]
struct SepsetOut<'a> {
    x: &'a str,
    y: &'a str,
    set: &'a [String],
}

#[derive(Serialize)]
struct EdgeOut<'a> {
    edge: [&'a str; 2],
    frequency: f64,
    forward: f64,
    backward: f64,
    undirected: f64,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    file: &'a str,
    columns: &'a [String],
    n_rows: usize,
    dropped_rows: usize,
    test: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bins: Option<usize>,
    alpha: f64,
    max_k: Option<usize>,
    directed: &'a [(String, String)],
    undirected: &'a [(String, String)],
    sepsets: Vec<SepsetOut<'a>>,
    n_ci_tests: usize,
    n_ci_distinct: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    bootstrap: Option<Vec<EdgeOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bootstrap_resamples: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bootstrap_failed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    warnings: &'a [String],
}

fn share(x: f64) -> String {
    format!("{x:.2}")
}

/// The stability table: one line per pair, most frequent first.
fn render_bootstrap(b: &Bootstrap) -> String {
    let mut rows: Vec<[String; 5]> =
        vec![["pair".into(), "adjacent".into(), "a -> b".into(), "b -> a".into(), "a -- b".into()]];
    for e in &b.edges {
        rows.push([
            format!("{} - {}", e.a, e.b),
            share(e.frequency),
            share(e.forward),
            share(e.backward),
            share(e.undirected),
        ]);
    }
    let widths: Vec<usize> =
        (0..5).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = format!(
        "\nedge stability over {} (seed {}{}):\n",
        format::plural(b.resamples, "resample", "resamples"),
        b.seed,
        if b.failed > 0 { format!(", {} failed", format::count(b.failed)) } else { String::new() }
    );
    for r in &rows {
        let mut line = format!("{}{}", r[0], " ".repeat(widths[0] - r[0].chars().count()));
        for c in 1..5 {
            line += &format!("  {}{}", " ".repeat(widths[c] - r[c].chars().count()), r[c]);
        }
        out += line.trim_end();
        out.push('\n');
    }
    out
}

/// Runs `counterfact discover`.
pub(crate) fn discover_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let a = parse(args)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let (table, read_warnings) = read::read_table(&a.file, a.delimiter, threads)?;
    let mut warnings: Vec<String> = read_warnings.iter().map(ToString::to_string).collect();
    let spec = cf_engine::discover::DiscoverSpec {
        columns: a.columns.clone(),
        alpha: a.alpha,
        test: a.test,
        knowledge: a.knowledge.clone(),
        max_k: a.max_k,
        bootstrap: a.bootstrap,
        seed: a.seed,
    };
    let report =
        cf_engine::discover::discover(&table, &spec, &mut |_| ()).map_err(Failure::Data)?;
    warnings.extend(report.warnings.iter().cloned());
    let (g, boot, test, dropped) =
        (&report.cpdag, &report.bootstrap, report.test, report.dropped_rows);
    let names = &g.names;
    if a.json {
        let out = JsonOut {
            file: &a.file,
            columns: names,
            n_rows: g.n_rows,
            dropped_rows: dropped,
            test: test.name(),
            bins: match test {
                IndepTest::Mixed { bins } => Some(bins),
                _ => None,
            },
            alpha: a.alpha,
            max_k: a.max_k,
            directed: &g.directed,
            undirected: &g.undirected,
            sepsets: g
                .sepsets
                .iter()
                .map(|s| SepsetOut { x: &s.x, y: &s.y, set: &s.union })
                .collect(),
            n_ci_tests: g.n_ci_calls,
            n_ci_distinct: g.n_ci_distinct,
            bootstrap: boot.as_ref().map(|b| {
                b.edges
                    .iter()
                    .map(|e| EdgeOut {
                        edge: [&e.a, &e.b],
                        frequency: e.frequency,
                        forward: e.forward,
                        backward: e.backward,
                        undirected: e.undirected,
                    })
                    .collect()
            }),
            bootstrap_resamples: boot.as_ref().map(|b| b.resamples),
            bootstrap_failed: boot.as_ref().map(|b| b.failed),
            seed: boot.as_ref().map(|b| b.seed),
            warnings: &warnings,
        };
        crate::validate::print_json(&out)?;
    } else {
        let mut out = g.to_dagitty();
        if let Some(b) = &boot {
            out += &render_bootstrap(b);
        }
        print(&out);
        let bins = match test {
            IndepTest::Mixed { bins } => format!(", {bins} bins"),
            _ => String::new(),
        };
        eprintln!(
            "PC ({}{bins}, alpha {}) on {} and {}: {}, {} directed and {} undirected edges",
            test.name(),
            a.alpha,
            format::plural(g.n_rows, "row", "rows"),
            format::plural(names.len(), "column", "columns"),
            format::plural(g.n_ci_calls, "test", "tests"),
            format::count(g.directed.len()),
            format::count(g.undirected.len()),
        );
        if dropped > 0 {
            eprintln!(
                "dropped {} with a missing value in these columns",
                format::plural(dropped, "row", "rows")
            );
        }
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<DiscoverArgs, Failure> {
        parse(args.iter().map(OsString::from))
    }

    fn usage_error(args: &[&str]) -> String {
        match parsed(args) {
            Err(Failure::Usage(m)) => m,
            Err(Failure::Data(m)) => panic!("a data error: {m}"),
            Ok(_) => panic!("parsed: {args:?}"),
        }
    }

    #[test]
    fn flags_fill_the_options() {
        let Ok(a) = parsed(&[
            "d.csv",
            "--columns",
            "a, b,c",
            "--alpha=0.01",
            "--test",
            "mixed",
            "--bins",
            "3",
            "--tiers",
            "a,b; c;;d",
            "--forbid",
            "a->c",
            "--forbid",
            "b--d",
            "--require",
            " c -> d",
            "--max-k",
            "2",
            "--bootstrap",
            "50",
            "--seed",
            "9",
            "--json",
        ]) else {
            panic!("did not parse")
        };
        assert_eq!(a.file, "d.csv");
        assert_eq!(a.columns, Some(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!((a.alpha, a.test), (0.01, Some(IndepTest::Mixed { bins: 3 })));
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(a.knowledge.tiers, vec![s(&["a", "b"]), s(&["c"]), s(&["d"])]);
        let p = |x: &str, y: &str| (x.to_string(), y.to_string());
        assert_eq!(a.knowledge.forbidden, vec![p("a", "c"), p("b", "d"), p("d", "b")]);
        assert_eq!(a.knowledge.required, vec![p("c", "d")]);
        assert_eq!((a.max_k, a.bootstrap, a.seed, a.json), (Some(2), 50, 9, true));
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        assert_eq!(usage_error(&[]), "missing FILE");
        assert_eq!(
            usage_error(&["d.csv", "--test", "kci"]),
            "--test must be fisherz, chisq, gsq or mixed, got `kci`"
        );
        assert_eq!(
            usage_error(&["d.csv", "--alpha", "1"]),
            "--alpha must be a number between 0 and 1, got `1`"
        );
        assert_eq!(
            usage_error(&["d.csv", "--forbid", "a-b"]),
            "--forbid takes a->b or a--b, got `a-b`"
        );
        assert_eq!(
            usage_error(&["d.csv", "--require", "a--b"]),
            "--require takes a->b, got `a--b`"
        );
        assert_eq!(usage_error(&["d.csv", "--bins", "3"]), "--bins goes with --test mixed");
        assert_eq!(
            usage_error(&["d.csv", "--bootstrap", "10001"]),
            "--bootstrap must be a whole number up to 10000, got `10001`"
        );
        assert_eq!(
            usage_error(&["d.csv", "--max-k", "-1"]),
            "--max-k must be a whole number ≥ 0, got `-1`"
        );
        assert_eq!(usage_error(&["d.csv", "--nope"]), "unknown option `--nope`");
        assert_eq!(usage_error(&["d.csv", "e.csv"]), "unexpected argument `e.csv`");
    }
}
