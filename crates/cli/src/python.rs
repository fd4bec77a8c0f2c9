//! `counterfact python`: the analysis `estimate` would run, as a Python script.

use std::ffi::OsString;

use crate::{Failure, apply_graph, parse_flags, print};

/// Parses the flags of `estimate`, applies `--graph` as `estimate` does (its adjustment set when
/// no `--covariates` are given) and prints the script. The data file is not read: the script
/// reads it.
pub(crate) fn python_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let mut args = parse_flags("python", args)?;
    if let Some(why) = cf_engine::python::unsupported(&args.spec) {
        return Err(Failure::Data(why));
    }
    let dot = apply_graph(&mut args)?.map(|(g, note)| {
        if let Some(note) = note {
            eprintln!("warning: {note}");
        }
        cf_graph::text::to_dot(&g)
    });
    print(&cf_engine::python::script(&args.spec, &args.file, dot.as_deref()));
    Ok(true)
}
