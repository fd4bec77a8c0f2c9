//! `counterfact sensitivity`: how strong an unmeasured confounder would have to be to explain
//! the OLS estimate away (sensemakr's statistics and benchmark bounds) and its E-value.

use std::ffi::OsString;

use cf_engine::format;
use cf_engine::sensitivity::{SensitivityReport, SensitivitySpec, sensitivity};

use crate::{Failure, apply_graph, list, parse_args, print, read};

pub(crate) const USAGE: &str =
    "  counterfact sensitivity FILE --treatment T --outcome Y [--covariates a,b,c]
                    --benchmark COL[,COL] [--kd 1,2,3] [--ky 1,2,3] [--q 1] [--alpha 0.05]
                    [--categorical a,b] [--missing drop|indicator] [--graph FILE] [--json]

sensitivity fits OLS of Y on [1, T, covariates] (classical standard errors) and reports
sensemakr's statistics for T's coefficient: the partial R² of T with Y, the robustness values
RV_q and RV_q,alpha, and for each --benchmark covariate the estimate adjusted for a confounder
kd times as strong as it with T and ky times with Y (default ky = kd = 1,2,3); and the E-value.
";

/// The flags `sensitivity` adds to those of `estimate`, taken out of `args`.
#[derive(Default)]
struct Extra {
    benchmark: Vec<String>,
    kd: Option<String>,
    ky: Option<String>,
    q: Option<String>,
}

/// Takes `--benchmark`, `--kd`, `--ky` and `--q` (with `=value` or the next argument) out of
/// `args`; the rest are `estimate`'s.
fn split_extra(args: Vec<OsString>) -> Result<(Extra, Vec<OsString>), Failure> {
    let mut extra = Extra::default();
    let mut rest = Vec::with_capacity(args.len());
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let s = a.to_string_lossy().into_owned();
        let (flag, inline) = match s.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (s.clone(), None),
        };
        if !matches!(flag.as_str(), "--benchmark" | "--kd" | "--ky" | "--q") {
            rest.push(a);
            continue;
        }
        let v = match inline {
            Some(v) => v,
            None => it
                .next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?,
        };
        match flag.as_str() {
            "--benchmark" => extra.benchmark.extend(list(&v)),
            "--kd" => extra.kd = Some(v),
            "--ky" => extra.ky = Some(v),
            _ => extra.q = Some(v),
        }
    }
    Ok((extra, rest))
}

/// A comma-separated list of numbers above 0.
fn multiples(flag: &str, v: &str) -> Result<Vec<f64>, Failure> {
    let out: Option<Vec<f64>> = list(v)
        .iter()
        .map(|k| k.parse::<f64>().ok().filter(|k| *k > 0.0 && k.is_finite()))
        .collect();
    out.filter(|o| !o.is_empty()).ok_or_else(|| {
        Failure::Usage(format!("{flag} needs numbers above 0, separated by commas, got `{v}`"))
    })
}

/// Runs `counterfact sensitivity`.
pub(crate) fn sensitivity_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let (extra, rest) = split_extra(args.collect())?;
    let mut args = parse_args(std::iter::once(OsString::from("estimate")).chain(rest))?;
    let mut spec = SensitivitySpec { benchmarks: extra.benchmark, ..SensitivitySpec::default() };
    if let Some(kd) = &extra.kd {
        spec.kd = multiples("--kd", kd)?;
    }
    if let Some(ky) = &extra.ky {
        spec.ky = Some(multiples("--ky", ky)?);
    }
    if let Some(q) = &extra.q {
        spec.q = multiples("--q", q)?[0];
    }
    let graph_note = apply_graph(&mut args)?.and_then(|(_, note)| note);
    let (table, read_warnings) = read::read_table(&args.file, args.delimiter, args.threads)?;
    let mut report =
        sensitivity(&table, &args.spec, &spec).map_err(|e| Failure::Data(e.to_string()))?;
    let mut warnings: Vec<String> = read_warnings.iter().map(ToString::to_string).collect();
    warnings.extend(graph_note);
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    if args.json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| Failure::Data(e.to_string()))?;
        print(&(text + "\n"));
    } else {
        print(&render(&report));
    }
    Ok(true)
}

fn render(r: &SensitivityReport) -> String {
    let s = &r.sensitivity;
    let d = format::decimals_for(s.se);
    let num = |v: f64| format::with_separators(v, d);
    let pct = |v: f64| format::percent(v).replace(format::NBSP, " ");
    let level = format::with_separators(100.0 * (1.0 - s.alpha), 0);
    let mut out = format!(
        "Sensitivity of the effect of `{}` on `{}` (OLS, {} rows, {} degrees of freedom)\n\n",
        r.treatment,
        r.outcome,
        format::count(r.n),
        format::count(s.dof as usize)
    );
    out += &format!(
        "estimate          {}  (se {}, t {:.3})\n",
        num(s.estimate),
        num(s.se),
        s.t_statistic
    );
    out += &format!("partial R² of `{}` with `{}`: {}\n", r.treatment, r.outcome, pct(s.r2yd_x));
    out += &format!("robustness value RV (q = {}): {}\n", s.q, pct(s.rv_q));
    out += &format!("robustness value RV at alpha = {}: {}\n", s.alpha, pct(s.rv_qa));
    if !s.bounds.is_empty() {
        out += &format!(
            "\n{:<16} {:>9} {:>9} {:>12} {:>12}  {level}% CI\n",
            "bound", "R²(D~Z)", "R²(Y~Z)", "adjusted", "adjusted se"
        );
        for b in &s.bounds {
            out += &format!(
                "{:<16} {:>9} {:>9} {:>12} {:>12}  [{}, {}]\n",
                b.bound_label,
                pct(b.r2dz_x),
                pct(b.r2yz_dx),
                num(b.adjusted_estimate),
                num(b.adjusted_se),
                num(b.adjusted_lower_ci),
                num(b.adjusted_upper_ci)
            );
        }
    }
    let e = &r.evalue;
    out += &format!(
        "\nE-value {:.3} (interval: {:.3}), on the {}\n",
        e.evalue_point, e.evalue_ci, e.scale
    );
    out += &format!("{}\n{}\n", capitalize(&e.sentence()), capitalize(&r.verdict));
    for w in &r.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
