//! "Copy as Python": a script that reproduces an analysis with causalml / statsmodels / DoWhy.
//!
//! [`script`] writes a self-contained Python program that reads the same file, selects the same
//! rows and builds the same design as [`crate::Design`] (missing-value policy, one-hot encoding,
//! the comparisons of a multi-arm treatment), then computes each requested method the way the
//! reference numbers the engine is tested against were computed: statsmodels OLS with HC1,
//! scikit-learn's logistic propensity model, causalml's meta-learners with `LinearRegression`,
//! `NearestNeighborMatch`, and numpy for the Hajek IPW, AIPW and 2SLS formulas. Each method prints
//! one JSON line `{"method", "arm", "estimate", "std_error"}`, so a notebook or a script can set
//! it beside the engine's report.
//!
//! The R- and DR-learners are cross-fitted over the fold column, or without one over the engine's
//! own folds (the script draws them with the same SplitMix64 shuffle from the seed), so they give
//! the engine's numbers. Where Python cannot give the identical number the script says so next to
//! the block: matching when several controls are equally near a treated unit (the tie order is an
//! implementation detail of each library), and the bootstrap.
//!
//! Every value taken from the spec (file name, column names, levels, the graph) is written as a
//! Python string literal by [`py_str`], so no name can break out of its quotes or hide code.

use std::fmt::Write as _;

use crate::sensitivity::SensitivitySpec;
use crate::{AnalysisSpec, EstimandChoice, LearnerChoice, Method, MissingPolicy};

/// What "Can it be trusted?" adds to a script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustChecks {
    /// The sensitivity analysis of the OLS estimate (sensemakr's statistics and the bounds of
    /// these benchmarks, then the E-value), for a numeric treatment.
    pub sensitivity: Option<SensitivitySpec>,
    /// DoWhy's refuters of this method, with this many simulations each.
    pub refute: Option<(Method, usize)>,
}

/// A Python string literal (double quotes) holding `s` exactly.
///
/// Backslashes, quotes and line breaks are escaped, and so is every character that could change
/// how the script reads or looks: control characters, Unicode line and paragraph separators,
/// zero-width and bidirectional formatting characters, the byte-order mark.
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let v = u32::from(c);
                let _ = if v <= 0xff {
                    write!(out, "\\x{v:02x}")
                } else if v <= 0xffff {
                    write!(out, "\\u{v:04x}")
                } else {
                    write!(out, "\\U{v:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters written as an escape rather than as themselves.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// A Python list of string literals.
fn py_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| py_str(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A string literal or `None`.
fn py_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_string(), py_str)
}

/// A Python float literal (`float("nan")` and friends for values a literal cannot write).
fn py_float(v: f64) -> String {
    if v.is_finite() {
        // Rust's `{:?}` writes the shortest round-tripping form, always with `.` or `e`.
        format!("{v:?}")
    } else if v.is_nan() {
        "float(\"nan\")".into()
    } else if v > 0.0 {
        "float(\"inf\")".into()
    } else {
        "-float(\"inf\")".into()
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Why `spec` cannot be written as a script, if it cannot: meta-learners on gradient-boosted
/// trees. Their trees are cf-gbdt's, not LightGBM's bit for bit, so a causalml script with
/// `LGBMRegressor` learners would give other numbers, and the script's promise is the engine's
/// numbers.
pub fn unsupported(spec: &AnalysisSpec) -> Option<String> {
    (spec.options.learner == LearnerChoice::Gbdt && spec.methods.iter().any(|m| m.has_cate())).then(
        || {
            "the meta-learners on gradient-boosted trees cannot be copied as Python: causalml with \
             LightGBM grows other trees and would not give the same numbers (use the linear learner, \
             or leave the meta-learners out)"
                .to_string()
        },
    )
}

/// The Python script that reproduces `spec` on the CSV file `file_name`.
///
/// `graph_dot`, when given (Graphviz DOT), adds a last block that builds a DoWhy `CausalModel`
/// with that graph and prints the identified estimand (skipped when DoWhy is not installed).
///
/// For a spec [`unsupported`] refuses, the script only says why and exits with that message.
pub fn script(spec: &AnalysisSpec, file_name: &str, graph_dot: Option<&str>) -> String {
    script_with(spec, file_name, graph_dot, &TrustChecks::default())
}

/// [`script`] with the checks of "Can it be trusted?": after each comparison's methods, the
/// sensitivity analysis (sensemakr's formulas in numpy, and PySensemakr's own call where it runs)
/// and DoWhy's refuter calls.
pub fn script_with(
    spec: &AnalysisSpec,
    file_name: &str,
    graph_dot: Option<&str>,
    checks: &TrustChecks,
) -> String {
    if let Some(why) = unsupported(spec) {
        return format!("raise SystemExit({})\n", py_str(&why));
    }
    let mut methods: Vec<Method> = Vec::new();
    for &m in &spec.methods {
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    let folds = spec.fold_column.is_some();
    let mut s = String::with_capacity(24_000);
    s += HEADER;

    s += "\n# ---- The analysis (as set in Counterfact) ----------------------------------------------\n";
    let method_names: Vec<String> = methods.iter().map(|m| m.as_str().to_string()).collect();
    let lines: [(&str, String, &str); 16] = [
        ("FILE", py_str(file_name), ""),
        ("TREATMENT", py_str(&spec.treatment), ""),
        ("OUTCOME", py_str(&spec.outcome), ""),
        (
            "COVARIATES",
            spec.covariates.as_deref().map_or_else(|| "None".to_string(), py_list),
            "  # None: every numeric column other than the treatment and the outcome",
        ),
        ("INSTRUMENTS", py_list(&spec.instruments), "  # for 2SLS"),
        (
            "CATEGORICAL",
            py_list(&spec.categorical),
            "  # numeric covariates taken as categories (one indicator per value)",
        ),
        (
            "FOLD_COLUMN",
            py_opt(spec.fold_column.as_deref()),
            "  # cross-fitting folds (0, 1, ...) of the R- and DR-learners",
        ),
        (
            "CONTROL",
            py_opt(spec.control.as_deref()),
            "  # the control level of a treatment with more than two values",
        ),
        ("METHODS", py_list(&method_names), ""),
        (
            "ESTIMAND",
            py_str(match spec.options.estimand {
                EstimandChoice::Ate => "ATE",
                EstimandChoice::Att => "ATT",
            }),
            "  # of IPW and AIPW (matching always estimates the ATT)",
        ),
        ("ALPHA", py_float(spec.options.alpha), "  # 1 - confidence level"),
        ("SEED", spec.options.seed.to_string(), ""),
        (
            "TRIM",
            py_float(spec.options.trim),
            "  # IPW, AIPW: leave out rows with a propensity outside [TRIM, 1 - TRIM]",
        ),
        (
            "L2",
            py_float(spec.options.l2),
            "  # L2 penalty of the propensity model on standardized covariates (0: none)",
        ),
        ("REPLACE", py_bool(spec.options.replace).to_string(), "  # matching with replacement"),
        (
            "MISSING",
            py_str(match spec.options.missing {
                MissingPolicy::Drop => "drop",
                MissingPolicy::Indicator => "indicator",
            }),
            "  # missing covariates: drop the row, or indicator (mean + flag)",
        ),
    ];
    for (name, value, comment) in lines {
        let _ = writeln!(s, "{name} = {value}{comment}");
    }
    if let Some(sens) = &checks.sensitivity {
        let kd: Vec<String> = sens.kd.iter().map(|&k| py_float(k)).collect();
        let ky: Vec<String> =
            sens.ky.as_ref().unwrap_or(&sens.kd).iter().map(|&k| py_float(k)).collect();
        let _ = writeln!(
            s,
            "SENS_BENCHMARKS = {}  # covariates a confounder is compared with\n\
             SENS_KD = [{}]  # multiples of a benchmark's strength with the treatment\n\
             SENS_KY = [{}]  # and with the outcome\n\
             SENS_Q = {}  # the share of the estimate a confounder would remove\n\
             SENS_REDUCE = {}  # the confounder moves the estimate toward zero",
            py_list(&sens.benchmarks),
            kd.join(", "),
            ky.join(", "),
            py_float(sens.q),
            py_bool(sens.reduce)
        );
    }
    if let Some((method, n)) = checks.refute {
        let _ = writeln!(
            s,
            "REFUTE_METHOD = {}  # the estimate the refuters test\nREFUTE_N = {n}  # simulations of each refuter",
            py_str(method.as_str())
        );
    }
    s += "CLIP = (1e-3, 1 - 1e-3)  # causalml's propensity clip for the X-, R- and DR-learners\n";
    s += "Z_CRIT = norm.ppf(1 - ALPHA / 2)\n";
    if spec.options.bootstrap > 0 {
        let _ = writeln!(
            s,
            "# Not reproduced here: the engine's percentile bootstrap ({} resamples drawn by its own\n\
             # SplitMix64 generator from SEED); scikit-learn's resample would draw other rows.",
            spec.options.bootstrap
        );
    }

    s += READ_AND_DESIGN;
    s += HELPERS;

    let uses_p = methods.iter().any(|m| m.uses_propensity());
    if uses_p || checks.refute.is_some() {
        s += PROPENSITY;
    }
    if !folds && methods.iter().any(|m| matches!(m, Method::RLearner | Method::DrLearner)) {
        s += ENGINE_FOLDS;
    }
    for &m in &methods {
        s += match m {
            Method::DiffMeans => DIFF_MEANS,
            Method::Ols => OLS,
            Method::Ipw => IPW,
            Method::Aipw => AIPW,
            Method::Psm => PSM,
            Method::SLearner => S_LEARNER,
            Method::TLearner => T_LEARNER,
            Method::XLearner => X_LEARNER,
            Method::RLearner => R_LEARNER_FOLDS,
            Method::DrLearner => DR_LEARNER_FOLDS,
            Method::TwoSls => TWO_SLS,
        };
    }

    if checks.sensitivity.is_some() {
        s += SENSITIVITY;
    }
    if checks.refute.is_some() {
        s += REFUTERS;
    }
    s += RUN_HEAD;
    if uses_p {
        s += "    try:  # one propensity model per comparison, shared by the methods that use it\n";
        s += "        p = propensity(X, t)\n";
        s += "    except Exception as e:  # each method that needs it reports this error\n";
        s += "        p = e\n";
    }
    for &m in &methods {
        let call = match m {
            Method::DiffMeans => "diff_means(y, t)",
            Method::Ols => "ols(y, t, X)",
            Method::Ipw => "ipw(y, t, X, need(p))",
            Method::Aipw => "aipw(y, t, X, need(p))",
            Method::Psm => "psm(y, t, need(p))",
            Method::SLearner => "s_learner(y, t, X)",
            Method::TLearner => "t_learner(y, t, X)",
            Method::XLearner => "x_learner(y, t, X, need(p))",
            Method::RLearner if folds => "r_learner(y, t, X, need(p), fold_ids(rows))",
            Method::RLearner => "r_learner(y, t, X, need(p), engine_folds(len(y), 5, SEED, t))",
            Method::DrLearner if folds => "dr_learner(y, t, X, need(p), fold_ids(rows))",
            Method::DrLearner => "dr_learner(y, t, X, need(p), engine_folds(len(y), 3, SEED))",
            Method::TwoSls => "two_sls(y, t, X, Z_ALL[rows])",
        };
        let _ = writeln!(s, "    report({}, arm, lambda: {call})", py_str(m.as_str()));
    }
    if checks.sensitivity.is_some() {
        s += "    sensitivity(y, t, X, arm)\n";
    }
    if checks.refute.is_some() {
        s += "    dowhy_refuters(y, t, X, arm)\n";
    }

    if let Some(dot) = graph_dot {
        let undecided = undecided_edges(dot);
        if !undecided.is_empty() {
            // DoWhy reads every DOT edge as an arrow, `dir=none` included: it would identify the
            // effect in one DAG of the class, picked by the order of the edge's ends.
            let list = undecided.join(", ");
            s += "\n\n# ---- The causal graph -------------------------------------------------------------\n";
            s += "# The graph in Counterfact has undecided edges, which DoWhy would read as arrows in\n";
            s += "# one direction chosen by chance; orient them in Counterfact and copy again to check\n";
            s += "# the graph with DoWhy.\n";
            let _ = writeln!(
                s,
                "print({}, file=sys.stderr)",
                py_str(&format!(
                    "# the graph has undecided edges ({list}): orient them in Counterfact to check \
                     it with DoWhy"
                ))
            );
            return s;
        }
        s += GRAPH_HEAD;
        s += "GRAPH = \"\\n\".join([\n";
        for line in dot.lines() {
            let _ = writeln!(s, "    {},", py_str(line));
        }
        s += "])\n";
        s += GRAPH_TAIL;
    }
    s
}

/// The undecided edges of a DOT graph as Counterfact writes it (`a -> b [dir=none];`), each as
/// `a -- b`.
fn undecided_edges(dot: &str) -> Vec<String> {
    dot.lines()
        .filter_map(|l| l.trim().strip_suffix("[dir=none];"))
        .map(|edge| edge.trim_end().replacen(" -> ", " -- ", 1))
        .collect()
}

const HEADER: &str = include_str!("python/header.py");

const READ_AND_DESIGN: &str = include_str!("python/read_and_design.py");

const HELPERS: &str = include_str!("python/helpers.py");

const PROPENSITY: &str = include_str!("python/propensity.py");

const DIFF_MEANS: &str = include_str!("python/diff_means.py");

const OLS: &str = include_str!("python/ols.py");

const IPW: &str = include_str!("python/ipw.py");

const AIPW: &str = include_str!("python/aipw.py");

const PSM: &str = include_str!("python/psm.py");

const S_LEARNER: &str = include_str!("python/s_learner.py");

const T_LEARNER: &str = include_str!("python/t_learner.py");

const X_LEARNER: &str = include_str!("python/x_learner.py");

const R_LEARNER_FOLDS: &str = include_str!("python/r_learner_folds.py");

const DR_LEARNER_FOLDS: &str = include_str!("python/dr_learner_folds.py");

const ENGINE_FOLDS: &str = include_str!("python/engine_folds.py");

const TWO_SLS: &str = include_str!("python/two_sls.py");

const SENSITIVITY: &str = include_str!("python/sensitivity.py");

const REFUTERS: &str = include_str!("python/refuters.py");

const RUN_HEAD: &str = include_str!("python/run_head.py");

const GRAPH_HEAD: &str = include_str!("python/graph_head.py");

const GRAPH_TAIL: &str = include_str!("python/graph_tail.py");

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Reads back a literal written by [`py_str`] with Python's rules for the escapes it uses;
    /// `None` when it is not one closed literal.
    fn read_literal(lit: &str) -> Option<String> {
        let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' | '\n' | '\r' => return None, // would end the literal or the line
                '\\' => {
                    let hex = |chars: &mut std::str::Chars<'_>, k: usize| -> Option<char> {
                        let h: String = chars.take(k).collect();
                        (h.len() == k).then_some(())?;
                        char::from_u32(u32::from_str_radix(&h, 16).ok()?)
                    };
                    out.push(match chars.next()? {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'x' => hex(&mut chars, 2)?,
                        'u' => hex(&mut chars, 4)?,
                        'U' => hex(&mut chars, 8)?,
                        _ => return None,
                    });
                }
                c => out.push(c),
            }
        }
        Some(out)
    }

    const NASTY: [&str; 10] = [
        "",
        "plain",
        "quote \" and 'single'",
        "back\\slash\\",
        "ends with backslash\\",
        "line\nbreak\r\nand\ttab",
        "x\")\nimport os\nos.system(\"echo pwned\")\n#",
        "nul\0 bell\x07 del\x7f c1\u{85}",
        "sep\u{2028}para\u{2029}bom\u{feff}rlo\u{202e}zw\u{200b}",
        "âge 身長 🙂 {braces} %s $x",
    ];

    #[test]
    fn string_literals_round_trip_and_stay_on_one_line() {
        for s in NASTY {
            let lit = py_str(s);
            assert_eq!(read_literal(&lit).as_deref(), Some(s), "{lit}");
            assert_eq!(lit.lines().count(), 1, "{lit}");
            assert!(!lit.chars().any(needs_escape), "{lit}");
            for bad in ['\u{2028}', '\u{202e}', '\u{feff}', '\u{85}'] {
                assert!(!lit.contains(bad));
            }
        }
        assert_eq!(py_str("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(py_str("\u{1}\u{2028}\u{1F600}"), "\"\\x01\\u2028\u{1F600}\"");
        assert_eq!(py_str("tab\there"), "\"tab\\there\"");
        assert_eq!(py_list(&["a".into(), "b\"".into()]), r#"["a", "b\""]"#);
        assert_eq!(py_opt(None), "None");
        assert_eq!(py_float(0.05), "0.05");
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(1e-10), "1e-10");
        assert_eq!(py_float(f64::NAN), "float(\"nan\")");
    }

    /// Python itself reads each literal back (when a python3 is on the PATH).
    #[test]
    fn python_reads_the_literals_back() {
        let program: String =
            NASTY.iter().map(|s| format!("print(json.dumps({}))\n", py_str(s))).collect::<String>();
        let Ok(out) = std::process::Command::new("python3")
            .args(["-c", &format!("import json\n{program}")])
            .output()
        else {
            return; // no Python here: the Rust reader above still checks every literal
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let got: Vec<String> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(got, NASTY);
    }

    fn spec(methods: Vec<Method>) -> AnalysisSpec {
        let mut s = AnalysisSpec::new("treat", "re78", methods);
        s.covariates = Some(vec!["age".into(), "educ".into()]);
        s
    }

    /// The code lines of a script: comments and blank lines left out.
    fn code(script: &str) -> Vec<&str> {
        script
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect()
    }

    #[test]
    fn hostile_names_cannot_inject_code() {
        let evil = "x\")\nimport os\nos.system(\"rm -rf /\")\n#";
        let mut s = spec(vec![Method::Ols, Method::TwoSls]);
        s.treatment = evil.into();
        s.outcome = "y\u{2028}print('hi')".into();
        s.covariates = Some(vec![evil.into(), "a\\".into()]);
        s.instruments = vec!["z\"".into()];
        s.control = Some("\"; import os #".into());
        s.fold_column = Some("f\r\nexec('1')".into());
        let out = script(&s, "da\"ta\n.csv", Some("digraph {\n  \"x\\\"\" -> y;\n}\n"));
        for line in out.lines() {
            assert!(!line.starts_with("import os"), "{line}");
            assert!(!line.starts_with("os.system"), "{line}");
            assert!(!line.starts_with("exec("), "{line}");
            assert!(!line.contains('\u{2028}'));
        }
        assert!(out.contains(&format!("TREATMENT = {}", py_str(evil))));
        assert!(out.contains(&format!("FILE = {}", py_str("da\"ta\n.csv"))));
        assert!(out.contains(&format!("    {},\n", py_str("  \"x\\\"\" -> y;"))));
    }

    #[test]
    fn every_method_has_its_block_and_its_report_line() {
        let mut s = spec(Method::ALL.to_vec());
        s.instruments = vec!["z".into()];
        let out = script(&s, "nsw.csv", None);
        for m in Method::ALL {
            let name = m.as_str();
            assert!(out.contains(&format!("# ---- {name}: ")), "block of {name}");
            assert!(out.contains(&format!("    report(\"{name}\", arm, lambda: ")), "{name}");
        }
        assert!(out.contains("p = propensity(X, t)"));
        assert!(out.contains("df = pd.read_csv(FILE,"));
        // Only the requested methods, and no propensity model when nothing needs it.
        let only = script(&spec(vec![Method::DiffMeans, Method::Ols]), "nsw.csv", None);
        assert!(only.contains("report(\"diff-means\"") && only.contains("report(\"ols\""));
        for m in [Method::Ipw, Method::Psm, Method::TLearner, Method::TwoSls] {
            assert!(!only.contains(&format!("report(\"{}\"", m.as_str())), "{m:?}");
        }
        assert!(!only.contains("def propensity"));
        assert!(!only.contains("DoWhy CausalModel"));
        assert!(code(&only).iter().all(|l| !l.contains("from causalml")));
        // A method asked for twice runs once.
        let twice = script(&spec(vec![Method::Ols, Method::Ols]), "nsw.csv", None);
        assert_eq!(twice.matches("report(\"ols\"").count(), 1);
    }

    #[test]
    fn estimand_alpha_seed_trim_and_penalty_reach_the_script() {
        let mut s = spec(vec![Method::Ipw, Method::Aipw, Method::Psm]);
        let ate = script(&s, "f.csv", None);
        assert!(ate.contains("ESTIMAND = \"ATE\""));
        s.options.estimand = EstimandChoice::Att;
        s.options.alpha = 0.1;
        s.options.seed = 7;
        s.options.trim = 0.025;
        s.options.l2 = 2.5;
        s.options.replace = true;
        let att = script(&s, "f.csv", None);
        for want in [
            "ESTIMAND = \"ATT\"",
            "ALPHA = 0.1",
            "SEED = 7",
            "TRIM = 0.025",
            "L2 = 2.5",
            "REPLACE = True",
        ] {
            assert!(att.contains(want), "{want}");
        }
        assert!(ate.contains("REPLACE = False") && ate.contains("L2 = 0.0"));
        // The ATT weights and influence function are in the IPW and AIPW blocks.
        assert!(att.contains("w0 = np.where(keep, (1 - t) * p / (1 - p), 0.0)"));
        assert!(att.contains("w = np.where(t == 1, 1.0, -p / (1 - p))"));
    }

    #[test]
    fn control_level_and_multi_arm_comparisons() {
        let mut s = spec(vec![Method::DiffMeans]);
        let none = script(&s, "h.csv", None);
        assert!(none.contains("CONTROL = None"));
        s.control = Some("No E-Mail".into());
        let out = script(&s, "h.csv", None);
        assert!(out.contains("CONTROL = \"No E-Mail\""));
        // Each other level against the control, on those two levels' rows.
        assert!(out.contains("if value == control_value:"));
        assert!(
            out.contains("rows = np.flatnonzero(((t_col == value) | (t_col == control_value))")
        );
        assert!(out.contains("for arm, rows, t in comparisons:"));
        // A continuous dose only when 2SLS is the only method.
        assert!(out.contains("set(METHODS) == {\"2sls\"}"));
        assert!(out.contains("METHODS = [\"diff-means\"]"));
    }

    #[test]
    fn missing_policy_and_fold_column() {
        let mut s = spec(vec![Method::RLearner, Method::DrLearner]);
        let drop = script(&s, "f.csv", None);
        assert!(drop.contains("MISSING = \"drop\""));
        assert!(drop.contains("if MISSING == \"drop\":\n    needed += covariates"));
        // Without a fold column: the engine's own folds, drawn from the seed.
        assert!(drop.contains("def engine_folds(n, k, seed, strata=None):"));
        assert!(drop.contains("r_learner(y, t, X, need(p), engine_folds(len(y), 5, SEED, t))"));
        assert!(drop.contains("dr_learner(y, t, X, need(p), engine_folds(len(y), 3, SEED))"));
        assert!(drop.contains("FOLD_COLUMN = None"));
        s.options.missing = MissingPolicy::Indicator;
        s.fold_column = Some("fold".into());
        let ind = script(&s, "f.csv", None);
        assert!(ind.contains("MISSING = \"indicator\""));
        assert!(ind.contains("x_names += [name, name + \" missing\"]"));
        assert!(ind.contains("x_names.append(f\"{name}=(missing)\")"));
        // With one: the fold ids drive the cross-fitting.
        assert!(ind.contains("FOLD_COLUMN = \"fold\""));
        assert!(ind.contains("r_learner(y, t, X, need(p), fold_ids(rows))"));
        assert!(ind.contains("dr_learner(y, t, X, need(p), fold_ids(rows))"));
        assert!(!ind.contains("def engine_folds"));
    }

    #[test]
    fn the_trust_checks_add_their_blocks_and_calls() {
        let s = spec(vec![Method::Ols]);
        let plain = script(&s, "f.csv", None);
        assert!(!plain.contains("def sensitivity(") && !plain.contains("def dowhy_refuters("));
        let checks = TrustChecks {
            sensitivity: Some(SensitivitySpec {
                benchmarks: vec!["educ".into(), "x\")\nimport os #".into()],
                ky: Some(vec![1.0, 2.0, 0.5]),
                ..SensitivitySpec::default()
            }),
            refute: Some((Method::Ipw, 50)),
        };
        let out = script_with(&s, "f.csv", None, &checks);
        assert!(
            out.contains(&format!("SENS_BENCHMARKS = [\"educ\", {}]", py_str("x\")\nimport os #")))
        );
        assert!(
            out.contains("SENS_KD = [1.0, 2.0, 3.0]") && out.contains("SENS_KY = [1.0, 2.0, 0.5]")
        );
        assert!(out.contains("REFUTE_METHOD = \"ipw\"") && out.contains("REFUTE_N = 50"));
        // OLS alone needs no propensity, but DoWhy's weighting gets the script's model.
        assert!(out.contains("def propensity_model():"));
        assert!(
            out.contains("\n    sensitivity(y, t, X, arm)\n    dowhy_refuters(y, t, X, arm)\n")
        );
        assert!(out.lines().all(|l| !l.starts_with("import os")));
    }

    #[test]
    fn the_graph_block_is_optional_and_guarded() {
        let s = spec(vec![Method::Ols]);
        let out = script(&s, "f.csv", Some("digraph {\n  age -> treat;\n}\n"));
        assert!(out.contains("    from dowhy import CausalModel\nexcept ImportError:"));
        assert!(out.contains("    \"  age -> treat;\",\n"));
        assert!(out.contains("identify_effect("));
        assert!(out.contains("print(json.dumps({\"dowhy\": {"));
        let bootstrap = script(
            &AnalysisSpec { options: crate::Options { bootstrap: 200, ..s.options.clone() }, ..s },
            "f.csv",
            None,
        );
        assert!(bootstrap.contains("percentile bootstrap (200 resamples"));
    }

    #[test]
    fn a_graph_with_undecided_edges_is_not_handed_to_dowhy() {
        let s = spec(vec![Method::Ols]);
        let dot =
            "digraph {\n  age -> treat;\n  \"a b\" -> age [dir=none];\n  x -> y [dir=none];\n}\n";
        let out = script(&s, "f.csv", Some(dot));
        assert!(!out.contains("CausalModel"));
        assert!(!out.contains("GRAPH ="));
        assert!(out.contains("undecided edges (\\\"a b\\\" -- age, x -- y)"), "{out}");
        assert!(out.ends_with("file=sys.stderr)\n"));
    }
}
