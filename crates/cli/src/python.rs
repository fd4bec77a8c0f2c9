//! `counterfact python`: the analysis `estimate` would run, as a Python script.

use crate::{graph, parse_args, print, Failure};

/// Parses the flags of `estimate`, applies `--graph` as `estimate` does (its adjustment set when
/// no `--covariates` are given) and prints the script. The data file is not read: the script
/// reads it.
pub(crate) fn python_cmd(args: impl Iterator<Item = String>) -> Result<bool, Failure> {
    let mut args = parse_args(std::iter::once("estimate".to_string()).chain(args))?;
    let mut dot = None;
    if let Some(path) = &args.graph {
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
        if let Some(note) = note {
            eprintln!("warning: {note}");
        }
        dot = Some(cf_graph::text::to_dot(&g));
    }
    print(&cf_engine::python::script(&args.spec, &args.file, dot.as_deref()));
    Ok(true)
}
