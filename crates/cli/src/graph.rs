//! `counterfact identify` and `counterfact dsep`, and the graph behind `estimate --graph`.

use cf_graph::identify::{self, Identification};
use cf_graph::Dag;
use serde::Serialize;

use crate::Failure;

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

/// Flags of the graph commands, as (name, value); `--json` has no value.
fn flags(
    args: impl Iterator<Item = String>,
    known: &[&str],
) -> Result<(Vec<(String, String)>, bool), Failure> {
    let mut out = Vec::new();
    let mut json = false;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "--json" {
            json = true;
            continue;
        }
        if arg == "-h" || arg == "--help" {
            return Err(Failure::Usage(String::new()));
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if !known.contains(&flag.as_str()) {
            return Err(Failure::Usage(format!("unknown option `{flag}`")));
        }
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
        out.push((flag, value));
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

fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

#[derive(Serialize)]
struct IdentifyOut<'a> {
    #[serde(flatten)]
    id: &'a Identification,
    #[serde(skip_serializing_if = "Option::is_none")]
    tests: Option<Vec<cf_engine::IndependenceTest>>,
}

/// `identify`: prints the identification of X → Y.
pub(crate) fn identify_cmd(args: impl Iterator<Item = String>) -> Result<bool, Failure> {
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
    if s.is_empty() {
        "{} (nothing to adjust for)".into()
    } else {
        format!("{{{}}}", s.join(", "))
    }
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
pub(crate) fn dsep_cmd(args: impl Iterator<Item = String>) -> Result<bool, Failure> {
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
        let mut z = Vec::new();
        for c in cov {
            match g.index(c) {
                Some(i) => z.push(i),
                None => {
                    return Ok((
                        None,
                        Some(format!(
                        "`{c}` is not in the graph, so the graph cannot vouch for this adjustment"
                    )),
                    ))
                }
            }
        }
        if identify::is_backdoor(g, x, y, &z) {
            return Ok((None, None));
        }
        let open: Vec<String> = identify::open_paths(g, x, y, &z)
            .into_iter()
            .filter(|p| p.open && !p.causal)
            .map(|p| p.nodes.join(" – "))
            .take(3)
            .collect();
        let why = if open.is_empty() {
            "they include a descendant of the treatment".to_string()
        } else {
            format!("open biasing path(s): {}", open.join("; "))
        };
        return Ok((
            None,
            Some(format!(
                "by the graph, these covariates do not satisfy the back-door criterion: {why}"
            )),
        ));
    }
    let b = identify::backdoor(g, x, y);
    match b.minimal_sets.into_iter().next() {
        Some(set) => {
            let note = format!(
                "covariates from the graph: the smallest minimal adjustment set {}",
                if set.is_empty() { "{} (nothing to adjust for)".into() } else { format!("{{{}}}", set.join(", ")) }
            );
            Ok((Some(set), Some(note)))
        }
        None => Err(Failure::Data(format!(
            "by the graph, the effect of `{treatment}` on `{outcome}` is not identifiable by adjustment: {}",
            b.reason.unwrap_or_default()
        ))),
    }
}
