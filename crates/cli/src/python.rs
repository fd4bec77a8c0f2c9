//! `counterfact python`: the analysis `estimate` would run, as a Python script.

use std::ffi::OsString;

use cf_engine::Method;
use cf_engine::python::TrustChecks;
use cf_engine::refutation::MAX_REPLICATIONS;
use cf_engine::sensitivity::SensitivitySpec;

use crate::validate::{multiples, split_extra};
use crate::{Failure, apply_graph, list, parse_flags, print};

/// The flags `python` takes besides `estimate`'s: the checks of "Can it be trusted?".
const TRUST_FLAGS: [&str; 6] =
    ["--benchmark", "--kd", "--ky", "--q", "--refute-method", "--refute-n"];

/// Parses the flags of `estimate`, applies `--graph` as `estimate` does (its adjustment set when
/// no `--covariates` are given) and prints the script. The data file is not read: the script
/// reads it.
///
/// `--benchmark COL[,COL] [--kd ..] [--ky ..] [--q ..]` adds the sensitivity analysis (as
/// `sensitivity` computes it) and `--refute-method M [--refute-n N]` DoWhy's refuters of `M`.
pub(crate) fn python_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let (extra, rest) = split_extra(args.collect(), &TRUST_FLAGS)?;
    let mut args = parse_flags("python", rest)?;
    if let Some(why) = cf_engine::python::unsupported(&args.spec) {
        return Err(Failure::Data(why));
    }
    let checks = trust_checks(&extra)?;
    let dot = apply_graph(&mut args)?.map(|(g, note)| {
        if let Some(note) = note {
            eprintln!("warning: {note}");
        }
        cf_graph::text::to_dot(&g)
    });
    print(&cf_engine::python::script_with(&args.spec, &args.file, dot.as_deref(), &checks));
    Ok(true)
}

/// The checks the trust flags ask for.
fn trust_checks(extra: &[(String, String)]) -> Result<TrustChecks, Failure> {
    let mut sens = SensitivitySpec::default();
    let mut sens_asked = false;
    let mut method = None;
    let mut n = 100;
    for (flag, v) in extra {
        match flag.as_str() {
            "--benchmark" => {
                sens.benchmarks.extend(list(v));
                sens_asked = true;
            }
            "--kd" => sens.kd = multiples(flag, v)?,
            "--ky" => sens.ky = Some(multiples(flag, v)?),
            "--q" => sens.q = multiples(flag, v)?[0],
            "--refute-method" => {
                method = Some(Method::parse(v).ok_or_else(|| {
                    Failure::Usage(format!("--refute-method: unknown method `{v}`"))
                })?);
            }
            _ => {
                n = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (2..=MAX_REPLICATIONS).contains(n))
                    .ok_or_else(|| {
                        Failure::Usage(format!(
                            "--refute-n must be a whole number from 2 to {MAX_REPLICATIONS}, got `{v}`"
                        ))
                    })?;
            }
        }
    }
    if sens.ky.as_ref().is_some_and(|ky| ky.len() != sens.kd.len()) {
        return Err(Failure::Usage("give one --ky multiple per --kd multiple".into()));
    }
    Ok(TrustChecks { sensitivity: sens_asked.then_some(sens), refute: method.map(|m| (m, n)) })
}
