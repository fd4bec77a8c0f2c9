//! `counterfact identify` and `counterfact dsep`, and the graph behind `estimate --graph`.

use std::ffi::OsString;

use cf_graph::Dag;
use cf_graph::identify::{self, Identification};
use lexopt::{Arg, Parser};
use serde::Serialize;

use crate::{Failure, list};

pub(crate) const USAGE: &str =
    "  counterfact identify --graph FILE --treatment X --outcome Y [--data FILE] [--json]
  counterfact dsep --graph FILE --x A --y B [--given C,D] [--json]

The graph file is DAGitty model code (dag { X -> Y }) or Graphviz DOT (digraph { X -> Y }),
told apart by its content. identify lists the minimal back-door adjustment sets, the canonical
set, front-door sets, instruments and the graph's testable implications; with --data it tests
each implication against that CSV (partial correlation, Fisher's z).
";

/// Reads and parses a graph file.
pub(crate) fn read_graph(path: &str) -> Result<Dag, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Data(format!("{path}: cannot read the graph: {e}")))?;
    cf_graph::text::parse(&text).map_err(|e| Failure::Data(format!("{path}: {e}")))
}

/// Flags of the graph commands, as (name, value) in the order given, and whether `--json` was
/// given (it has no value).
fn flags(
    args: impl Iterator<Item = OsString>,
    known: &[&str],
) -> Result<(Vec<(String, String)>, bool), Failure> {
    let mut out = Vec::new();
    let mut json = false;
    let mut parser = Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(crate::parse_error)? {
        match arg {
            Arg::Long("json") => json = true,
            Arg::Long("help") | Arg::Short('h') => return Err(Failure::Usage(String::new())),
            Arg::Long(name) => {
                let flag = format!("--{name}");
                if !known.contains(&flag.as_str()) {
                    return Err(Failure::Usage(format!("unknown option `{flag}`")));
                }
                let value = crate::value(&mut parser, &flag)?;
                out.push((flag, value));
            }
            Arg::Short(c) => return Err(Failure::Usage(format!("unknown option `-{c}`"))),
            Arg::Value(v) => {
                return Err(Failure::Usage(format!(
                    "unexpected argument `{}`",
                    v.to_string_lossy()
                )));
            }
        }
    }
    Ok((out, json))
}

fn get<'a>(flags: &'a [(String, String)], name: &str) -> Result<&'a str, Failure> {
    flags
        .iter()
        .find(|(f, _)| f == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| Failure::Usage(format!("missing {name}")))
}

#[derive(Serialize)]
struct IdentifyOut<'a> {
    #[serde(flatten)]
    id: &'a Identification,
    #[serde(skip_serializing_if = "Option::is_none")]
    tests: Option<Vec<cf_engine::IndependenceTest>>,
}

/// `identify`: prints the identification of X → Y.
pub(crate) fn identify_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let (f, json) = flags(args, &["--graph", "--treatment", "--outcome", "--data"])?;
    let g = read_graph(get(&f, "--graph")?)?;
    let (x, y) = (get(&f, "--treatment")?, get(&f, "--outcome")?);
    let id = identify::identify(&g, x, y).map_err(|e| Failure::Data(e.to_string()))?;
    let tests = match f.iter().find(|(k, _)| k == "--data") {
        Some((_, path)) => {
            let (table, _) = crate::read::read_table(path, None, 1)?;
            let list: Vec<cf_engine::Independence> = id
                .implications
                .iter()
                .map(|i| cf_engine::Independence {
                    x: i.x.clone(),
                    y: i.y.clone(),
                    given: i.given.clone(),
                })
                .collect();
            Some(cf_engine::test_independences(&table, &list))
        }
        None => None,
    };
    let text = if json {
        serde_json::to_string_pretty(&IdentifyOut { id: &id, tests })
            .map_err(|e| Failure::Data(e.to_string()))?
            + "\n"
    } else {
        render(&id, tests.as_deref(), x, y)
    };
    crate::print(&text);
    Ok(true)
}

fn set(s: &[String]) -> String {
    if s.is_empty() { "{} (nothing to adjust for)".into() } else { format!("{{{}}}", s.join(", ")) }
}

fn render(
    id: &Identification,
    tests: Option<&[cf_engine::IndependenceTest]>,
    x: &str,
    y: &str,
) -> String {
    let mut out = format!("Effect of `{x}` on `{y}`\n\nback-door adjustment: ");
    let b = &id.backdoor;
    if b.identifiable {
        out += "identifiable\n  minimal sets:\n";
        for s in &b.minimal_sets {
            out += &format!("    {}\n", set(s));
        }
        if let Some(c) = &b.canonical_set {
            out += &format!("  canonical set: {}\n", set(c));
        }
    } else {
        out += &format!(
            "not identifiable by adjustment: {}\n",
            b.reason.as_deref().unwrap_or("no set blocks every back-door path")
        );
    }
    out += "front-door sets: ";
    if id.frontdoor.sets.is_empty() {
        out += "none\n";
    } else {
        let s: Vec<String> = id.frontdoor.sets.iter().map(|s| set(s)).collect();
        out += &format!("{}\n", s.join(", "));
    }
    out += "instruments: ";
    if id.instruments.is_empty() {
        out += "none\n";
    } else {
        let s: Vec<String> = id
            .instruments
            .iter()
            .map(|i| {
                if i.given.is_empty() {
                    i.instrument.clone()
                } else {
                    format!("{} given {}", i.instrument, set(&i.given))
                }
            })
            .collect();
        out += &format!("{}\n", s.join(", "));
    }
    out += "testable implications:\n";
    for (k, i) in id.implications.iter().enumerate() {
        let given =
            if i.given.is_empty() { String::new() } else { format!(" | {}", i.given.join(", ")) };
        out += &format!("  {} _||_ {}{given}", i.x, i.y);
        if let Some(t) = tests.and_then(|t| t.get(k)) {
            match (&t.error, t.r, t.p_value) {
                (Some(e), _, _) => out += &format!("    not tested: {e}"),
                (None, Some(r), Some(p)) => {
                    let flag = if p < 0.05 { "  ✗ contradicted by the data" } else { "" };
                    let p = if p < 1e-16 {
                        "< 1e-16".to_string()
                    } else if p < 1e-4 {
                        format!("{p:.1e}")
                    } else {
                        format!("{p:.4}")
                    };
                    out += &format!("    r = {r:.3}, p = {p}{flag}");
                }
                _ => {}
            }
        }
        out.push('\n');
    }
    if id.implications.is_empty() {
        out +=
            "  none (every pair of observed variables is adjacent or linked through latent ones)\n";
    }
    out
}

#[derive(Serialize)]
struct DsepOut {
    d_separated: bool,
}

/// `dsep`: whether X and Y are d-separated given Z.
pub(crate) fn dsep_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let (f, json) = flags(args, &["--graph", "--x", "--y", "--given"])?;
    let g = read_graph(get(&f, "--graph")?)?;
    let idx = |names: Vec<String>| -> Result<Vec<usize>, Failure> {
        names.iter().map(|n| g.require(n).map_err(|e| Failure::Data(e.to_string()))).collect()
    };
    let xs = idx(list(get(&f, "--x")?))?;
    let ys = idx(list(get(&f, "--y")?))?;
    let given = f.iter().find(|(k, _)| k == "--given").map(|(_, v)| list(v)).unwrap_or_default();
    let zs = idx(given.clone())?;
    let sep = g.d_separated(&xs, &ys, &zs);
    let text = if json {
        serde_json::to_string(&DsepOut { d_separated: sep })
            .map_err(|e| Failure::Data(e.to_string()))?
            + "\n"
    } else {
        let given =
            if given.is_empty() { String::new() } else { format!(" given {}", given.join(", ")) };
        format!(
            "{} and {} are {}{given}\n",
            get(&f, "--x")?,
            get(&f, "--y")?,
            if sep { "d-separated" } else { "d-connected" }
        )
    };
    crate::print(&text);
    Ok(true)
}

/// The covariates `estimate --graph` uses: the smallest minimal back-door set (ties by name), or
/// with `--covariates` given, a warning when they leave a biasing path open.
pub(crate) fn covariates_from_graph(
    g: &Dag,
    treatment: &str,
    outcome: &str,
    given: Option<&[String]>,
) -> Result<(Option<Vec<String>>, Option<String>), Failure> {
    let data = |e: cf_graph::GraphError| Failure::Data(format!("the graph: {e}"));
    let (x, y) = (g.require(treatment).map_err(data)?, g.require(outcome).map_err(data)?);
    if let Some(cov) = given {
        return Ok((None, adjustment_note(&identify::check_adjustment(g, x, y, cov))));
    }
    let b = identify::backdoor(g, x, y);
    match b.minimal_sets.into_iter().next() {
        Some(chosen) => {
            let note = format!(
                "covariates from the graph: the smallest minimal adjustment set {}",
                set(&chosen)
            );
            Ok((Some(chosen), Some(note)))
        }
        None => Err(Failure::Data(format!(
            "by the graph, the effect of `{treatment}` on `{outcome}` is not identifiable by adjustment: {}",
            b.reason.unwrap_or_default()
        ))),
    }
}

/// Why the graph does not vouch for the covariates given, or `None` when it does.
fn adjustment_note(check: &identify::AdjustmentCheck) -> Option<String> {
    if let Some(c) = check.not_in_graph.first() {
        return Some(format!(
            "`{c}` is not in the graph, so the graph cannot vouch for this adjustment"
        ));
    }
    if let Some(c) = check.latent.first() {
        return Some(format!(
            "`{c}` is latent (unobserved) in the graph, so the graph cannot vouch for this adjustment"
        ));
    }
    if check.satisfies_backdoor {
        return None;
    }
    let open: Vec<String> = check.biasing_open().map(|p| p.nodes.join(" – ")).take(3).collect();
    let why = if open.is_empty() {
        "they include a descendant of the treatment".to_string()
    } else {
        format!("open biasing path(s): {}", open.join("; "))
    };
    Some(format!("by the graph, these covariates do not satisfy the back-door criterion: {why}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn given_covariates_get_a_note_when_the_graph_does_not_vouch_for_them() {
        let g = cf_graph::text::parse("dag { a -> t; a -> y; t -> y; t -> m; u [latent]; u -> a }")
            .unwrap();
        let note = |cov: &[&str]| {
            let cov: Vec<String> = cov.iter().map(|c| c.to_string()).collect();
            match covariates_from_graph(&g, "t", "y", Some(&cov)) {
                Ok((None, note)) => note,
                _ => panic!("{cov:?}"),
            }
        };
        assert_eq!(note(&["a"]), None);
        assert_eq!(
            note(&[]).unwrap(),
            "by the graph, these covariates do not satisfy the back-door criterion: open biasing \
             path(s): t – a – y"
        );
        assert!(note(&["a", "m"]).unwrap().ends_with("they include a descendant of the treatment"));
        assert!(note(&["a", "zip"]).unwrap().starts_with("`zip` is not in the graph"));
        assert!(note(&["a", "u"]).unwrap().starts_with("`u` is latent (unobserved) in the graph"));
        match covariates_from_graph(&g, "t", "y", None) {
            Ok((Some(set), Some(note))) => {
                assert_eq!(set, vec!["a".to_string()]);
                assert!(note.ends_with("the smallest minimal adjustment set {a}"), "{note}");
            }
            _ => panic!("no set"),
        }
    }
}
