//! Results as files: a report's effect rows as CSV.
//!
//! [`results_csv`] writes one table an analyst can open in a spreadsheet or read with pandas /
//! R: one line per effect row, then one line per method that failed (its message in the `error`
//! column, every number empty). Numbers are written at full precision (Rust's shortest text
//! that reads back to the same `f64`, as JSON has them); a number that is not finite is an empty
//! cell (JSON's `null`). Fields are quoted as RFC 4180 says (a field holding `,`, `"`, a line
//! break or leading / trailing spaces is put in double quotes, inner quotes doubled) and lines end
//! with CRLF.
//!
//! The core columns are always there; the groups that only some methods fill (arm, bootstrap,
//! matching, first-stage F, causalml's R-learner error, warnings, error) appear only when a row
//! of the report has them, so a plain analysis stays a narrow table.

use crate::{EffectRow, Method, Report};

/// A column: its header and how a row fills it.
struct Column {
    name: &'static str,
    cell: fn(&EffectRow) -> String,
}

pub(crate) fn num(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

fn opt_num(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

/// A field quoted when it must be (RFC 4180), or when spaces at its ends would be trimmed by a
/// reader. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first, and not a number) gets a leading `'`: arm labels and messages come from the data.
pub(crate) fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let guarded;
    let s = if formula {
        guarded = format!("'{s}");
        guarded.as_str()
    } else {
        s
    };
    let needs = s.contains([',', '"', '\n', '\r'])
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace);
    if needs { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

const CORE: &[Column] = &[
    Column { name: "estimand", cell: |e| e.estimand.as_str().to_string() },
    Column { name: "estimate", cell: |e| num(e.estimate) },
    Column { name: "std_error", cell: |e| num(e.std_error) },
    Column { name: "ci_low", cell: |e| num(e.ci_low) },
    Column { name: "ci_high", cell: |e| num(e.ci_high) },
    Column { name: "n", cell: |e| e.n.to_string() },
    Column { name: "n_treated", cell: |e| e.n_treated.to_string() },
    Column { name: "n_control", cell: |e| e.n_control.to_string() },
];

const BOOTSTRAP: &[Column] = &[
    Column {
        name: "bootstrap_replications",
        cell: |e| e.bootstrap.as_ref().map(|b| b.replications.to_string()).unwrap_or_default(),
    },
    Column {
        name: "bootstrap_std_error",
        cell: |e| opt_num(e.bootstrap.as_ref().map(|b| b.std_error)),
    },
    Column { name: "bootstrap_ci_low", cell: |e| opt_num(e.bootstrap.as_ref().map(|b| b.ci_low)) },
    Column {
        name: "bootstrap_ci_high",
        cell: |e| opt_num(e.bootstrap.as_ref().map(|b| b.ci_high)),
    },
];

const MATCHING: &[Column] = &[
    Column {
        name: "matched_treated",
        cell: |e| e.matching.as_ref().map(|m| m.n_treated_matched.to_string()).unwrap_or_default(),
    },
    Column {
        name: "unmatched_treated",
        cell: |e| {
            e.matching.as_ref().map(|m| m.n_treated_unmatched.to_string()).unwrap_or_default()
        },
    },
    Column {
        name: "matched_controls",
        cell: |e| e.matching.as_ref().map(|m| m.n_control_unique.to_string()).unwrap_or_default(),
    },
    Column { name: "caliper", cell: |e| opt_num(e.matching.as_ref().map(|m| m.caliper)) },
    Column {
        name: "with_replacement",
        cell: |e| e.matching.as_ref().map(|m| m.replace.to_string()).unwrap_or_default(),
    },
];

const FIRST_STAGE: &[Column] =
    &[Column { name: "first_stage_f", cell: |e| opt_num(e.first_stage_f) }];

const SE_CAUSALML: &[Column] =
    &[Column { name: "std_error_causalml", cell: |e| opt_num(e.se_causalml) }];

const WARNINGS: &[Column] = &[Column { name: "warnings", cell: |e| e.warnings.join("; ") }];

/// The report's effect rows as CSV (see the module documentation for the layout).
///
/// Columns: `method`, `arm` (multi-arm data), `estimand`, `estimate`, `std_error`, `ci_low`,
/// `ci_high`, `n`, `n_treated`, `n_control`; then, when present, `bootstrap_replications`,
/// `bootstrap_std_error`, `bootstrap_ci_low`, `bootstrap_ci_high`; `matched_treated`,
/// `unmatched_treated`, `matched_controls`, `caliper`, `with_replacement`; `first_stage_f`;
/// `std_error_causalml`; `warnings` (joined with `; `); `error` (failed methods).
pub fn results_csv(report: &Report) -> String {
    let rows = &report.results;
    let multi =
        rows.iter().any(|e| e.arm.is_some()) || report.errors.iter().any(|f| f.arm.is_some());
    let mut columns: Vec<&Column> = CORE.iter().collect();
    let mut add = |group: &'static [Column], present: bool| {
        if present {
            columns.extend(group);
        }
    };
    add(BOOTSTRAP, rows.iter().any(|e| e.bootstrap.is_some()));
    add(MATCHING, rows.iter().any(|e| e.matching.is_some()));
    add(FIRST_STAGE, rows.iter().any(|e| e.first_stage_f.is_some()));
    add(SE_CAUSALML, rows.iter().any(|e| e.se_causalml.is_some()));
    add(WARNINGS, rows.iter().any(|e| !e.warnings.is_empty()));
    let errors = !report.errors.is_empty();

    let mut header: Vec<&str> = vec!["method"];
    if multi {
        header.push("arm");
    }
    header.extend(columns.iter().map(|c| c.name));
    if errors {
        header.push("error");
    }
    let mut out = String::new();
    let mut line = |cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(header.iter().map(|h| h.to_string()).collect());
    for e in rows {
        let mut cells = vec![e.method.as_str().to_string()];
        if multi {
            cells.push(e.arm.clone().unwrap_or_default());
        }
        cells.extend(columns.iter().map(|c| (c.cell)(e)));
        if errors {
            cells.push(String::new());
        }
        line(cells);
    }
    let width = header.len();
    for f in &report.errors {
        let mut cells = vec![String::new(); width];
        cells[0] = f.method.as_str().to_string();
        if multi {
            cells[1] = f.arm.clone().unwrap_or_default();
        }
        cells[width - 1] = f.message.clone();
        line(cells);
    }
    out
}

/// Writes `rows` (the first is the header) as CSV lines, each field quoted as [`field`] says.
fn csv_lines(rows: Vec<Vec<String>>) -> String {
    let mut out = String::new();
    for cells in rows {
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The refutation tests as CSV: one line per refuter, method and arm.
///
/// Columns: `refuter`, `method`, `arm` (empty for one comparison), `estimate`, `std_error`,
/// `new_effect`, `new_low`, `new_high` (the middle 1 − α of the replications), `p_value` (the
/// placebo test's), `replications` (fitted), `failed`, `passed` (`true`/`false`), `verdict`;
/// then a line per method that could not be fitted (its message in `verdict`, `passed` empty).
pub fn refuters_csv(report: &crate::RefuteReport) -> String {
    let header = [
        "refuter",
        "method",
        "arm",
        "estimate",
        "std_error",
        "new_effect",
        "new_low",
        "new_high",
        "p_value",
        "replications",
        "failed",
        "passed",
        "verdict",
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for r in &report.refuters {
        rows.push(vec![
            r.refuter.as_str().to_string(),
            r.method.as_str().to_string(),
            r.arm.clone().unwrap_or_default(),
            num(r.estimate),
            num(r.std_error),
            num(r.new_effect),
            num(r.new_interval[0]),
            num(r.new_interval[1]),
            opt_num(r.p_value),
            r.new_estimates.len().to_string(),
            r.failed.to_string(),
            r.passed.to_string(),
            r.verdict.clone(),
        ]);
    }
    for f in &report.errors {
        let mut cells = vec![String::new(); header.len()];
        cells[1] = f.method.as_str().to_string();
        cells[2] = f.arm.clone().unwrap_or_default();
        cells[header.len() - 1] = f.message.clone();
        rows.push(cells);
    }
    csv_lines(rows)
}

/// The experiment readout as CSV: one line per comparison.
///
/// Columns: `arm` (empty for one comparison), `control_mean`, `control_se`, `n_control`,
/// `treated_mean`, `treated_se`, `n_treated`, `lift`, `lift_se`, `lift_low`, `lift_high`,
/// `relative_lift`, `relative_low`, `relative_high` (empty when the control mean is 0),
/// `cuped_lift`, `cuped_se`, `cuped_low`, `cuped_high`, `cuped_relative`, `cuped_relative_low`,
/// `cuped_relative_high`, `variance_reduction` (empty without CUPED), `balance_f`, `balance_p` (the omnibus test, empty when it was skipped), `mde`,
/// `mde_relative`, `power`, `alpha`, `binary_outcome`.
pub fn experiment_csv(report: &crate::experiment::ExperimentReport) -> String {
    let header = [
        "arm",
        "control_mean",
        "control_se",
        "n_control",
        "treated_mean",
        "treated_se",
        "n_treated",
        "lift",
        "lift_se",
        "lift_low",
        "lift_high",
        "relative_lift",
        "relative_low",
        "relative_high",
        "cuped_lift",
        "cuped_se",
        "cuped_low",
        "cuped_high",
        "cuped_relative",
        "cuped_relative_low",
        "cuped_relative_high",
        "variance_reduction",
        "balance_f",
        "balance_p",
        "mde",
        "mde_relative",
        "power",
        "alpha",
        "binary_outcome",
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for c in &report.comparisons {
        let rel = c.relative_lift.as_ref();
        let cuped = c.cuped.as_ref();
        let f = c.balance.f_test.as_ref();
        rows.push(vec![
            c.arm.clone().unwrap_or_default(),
            num(c.control.mean),
            num(c.control.std_error),
            c.n_control.to_string(),
            num(c.treated.mean),
            num(c.treated.std_error),
            c.n_treated.to_string(),
            num(c.lift.estimate),
            num(c.lift.std_error),
            num(c.lift.ci[0]),
            num(c.lift.ci[1]),
            opt_num(rel.map(|r| r.estimate)),
            opt_num(rel.map(|r| r.ci[0])),
            opt_num(rel.map(|r| r.ci[1])),
            opt_num(cuped.map(|k| k.lift.estimate)),
            opt_num(cuped.map(|k| k.lift.std_error)),
            opt_num(cuped.map(|k| k.lift.ci[0])),
            opt_num(cuped.map(|k| k.lift.ci[1])),
            opt_num(cuped.and_then(|k| k.relative_lift.as_ref()).map(|r| r.estimate)),
            opt_num(cuped.and_then(|k| k.relative_lift.as_ref()).map(|r| r.ci[0])),
            opt_num(cuped.and_then(|k| k.relative_lift.as_ref()).map(|r| r.ci[1])),
            opt_num(cuped.map(|k| k.variance_reduction)),
            opt_num(f.map(|f| f.f)),
            opt_num(f.map(|f| f.p_value)),
            num(c.mde.absolute),
            opt_num(c.mde.relative),
            num(c.mde.power),
            num(c.mde.alpha),
            c.binary_outcome.to_string(),
        ]);
    }
    csv_lines(rows)
}

/// The per-unit effects of a report as CSV: `row` (the data row's 0-based position in the file,
/// pandas' default index), `arm` for multi-arm data, then one column per meta-learner; `None` when
/// no meta-learner gave per-unit effects.
pub fn cate_csv(report: &Report) -> Option<String> {
    use std::collections::BTreeMap;
    let mut methods: Vec<Method> = Vec::new();
    for set in &report.cate {
        if !methods.contains(&set.method) {
            methods.push(set.method);
        }
    }
    if methods.is_empty() {
        return None;
    }
    // (arm, row) ↦ value per method.
    let mut table: BTreeMap<(Option<&str>, usize), Vec<Option<f64>>> = BTreeMap::new();
    for set in &report.cate {
        let m = methods.iter().position(|x| *x == set.method).unwrap_or(0);
        for (&row, &v) in set.rows.iter().zip(&set.values) {
            let slot =
                table.entry((set.arm.as_deref(), row)).or_insert_with(|| vec![None; methods.len()]);
            slot[m] = Some(v);
        }
    }
    let multi = report.cate.iter().any(|s| s.arm.is_some());
    let mut out = String::from("row");
    if multi {
        out += ",arm";
    }
    for m in &methods {
        out += &format!(",{}", m.as_str());
    }
    out.push('\n');
    for ((arm, row), values) in &table {
        out += &row.to_string();
        if multi {
            out += &format!(",{}", field(arm.unwrap_or("")));
        }
        for v in values {
            out += &format!(",{}", v.map(|v| format!("{v}")).unwrap_or_default());
        }
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BootstrapSummary, Estimand, MatchingSummary, Method, MethodFailure};

    /// Splits CSV text into records of fields, undoing RFC 4180 quoting (a small reader for the
    /// tests, independent of the writer).
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cur.push(c),
                (false, '"') => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut cur)),
                (false, '\r') => assert_eq!(chars.next(), Some('\n'), "a lone CR"),
                (false, '\n') => panic!("a line ends with LF only"),
                (false, c) => cur.push(c),
            }
            if !quoted && c == '\r' {
                record.push(std::mem::take(&mut cur));
                records.push(std::mem::take(&mut record));
            }
        }
        assert!(!quoted, "an unclosed quote");
        assert!(cur.is_empty() && record.is_empty(), "the last line has no line end");
        records
    }

    fn row(method: &str, estimate: f64) -> EffectRow {
        EffectRow {
            method: Method::parse(method).unwrap(),
            estimand: Estimand::Ate,
            estimate,
            std_error: 0.1,
            ci_low: estimate - 0.196,
            ci_high: estimate + 0.196,
            n: 445,
            n_treated: 185,
            n_control: 260,
            ..EffectRow::empty(Method::Ols, Estimand::Ate)
        }
    }

    fn cell<'a>(t: &'a [Vec<String>], r: usize, col: &str) -> &'a str {
        let k = t[0].iter().position(|h| h == col).unwrap_or_else(|| panic!("no column {col}"));
        &t[r][k]
    }

    #[test]
    fn plain_report_has_the_core_columns_and_full_precision() {
        let report = Report {
            results: vec![row("diff-means", 1794.3423818501024), row("ols", 0.1 + 0.2)],
            ..Report::default()
        };
        let text = results_csv(&report);
        let t = parse(&text);
        assert_eq!(
            t[0],
            [
                "method",
                "estimand",
                "estimate",
                "std_error",
                "ci_low",
                "ci_high",
                "n",
                "n_treated",
                "n_control"
            ]
        );
        assert_eq!(t.len(), 3);
        assert_eq!(cell(&t, 1, "estimate"), "1794.3423818501024");
        assert_eq!(cell(&t, 2, "estimate"), "0.30000000000000004");
        for (r, e) in report.results.iter().enumerate() {
            for (col, x) in [
                ("estimate", e.estimate),
                ("std_error", e.std_error),
                ("ci_low", e.ci_low),
                ("ci_high", e.ci_high),
            ] {
                assert_eq!(cell(&t, r + 1, col).parse::<f64>().ok(), Some(x), "{col} reads back");
            }
        }
        assert_eq!(cell(&t, 1, "n_treated"), "185");
        assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn optional_groups_failures_and_quoting() {
        let mut psm = row("psm", -2.5e-7);
        psm.estimand = Estimand::Att;
        psm.arm = Some("Mens, \"E-Mail\"".into());
        psm.matching = Some(MatchingSummary {
            n_treated_matched: 180,
            n_treated_unmatched: 5,
            n_control_unique: 120,
            caliper: 0.2,
            replace: false,
        });
        psm.bootstrap = Some(BootstrapSummary {
            replications: 499,
            std_error: 12.5,
            ci_low: -1.0,
            ci_high: f64::NAN,
        });
        psm.warnings = vec!["5 treated units unmatched".into(), "line\nbreak".into()];
        let mut dm = row("diff-means", 3.0);
        dm.arm = Some(" Womens".into());
        dm.std_error = f64::INFINITY;
        let report = Report {
            results: vec![dm, psm],
            errors: vec![MethodFailure {
                method: Method::Ipw,
                arm: None,
                message: "the propensity model separates `age`, perfectly".into(),
            }],
            ..Report::default()
        };
        let t = parse(&results_csv(&report));
        assert_eq!(t.len(), 4);
        assert!(t.iter().all(|r| r.len() == t[0].len()), "every line has every column");
        assert_eq!(&t[0][..2], ["method", "arm"]);
        assert_eq!(t[0].last().map(String::as_str), Some("error"));
        assert_eq!(cell(&t, 1, "arm"), " Womens");
        assert_eq!(cell(&t, 2, "arm"), "Mens, \"E-Mail\"");
        assert_eq!(cell(&t, 1, "std_error"), "", "infinite is empty");
        assert_eq!(cell(&t, 2, "estimate"), "-0.00000025");
        assert_eq!(cell(&t, 2, "estimand"), "ATT");
        assert_eq!(cell(&t, 2, "matched_treated"), "180");
        assert_eq!(cell(&t, 2, "unmatched_treated"), "5");
        assert_eq!(cell(&t, 2, "with_replacement"), "false");
        assert_eq!(cell(&t, 2, "bootstrap_replications"), "499");
        assert_eq!(cell(&t, 2, "bootstrap_ci_low"), "-1");
        assert_eq!(cell(&t, 2, "bootstrap_ci_high"), "");
        assert_eq!(cell(&t, 1, "bootstrap_std_error"), "", "a row without a bootstrap");
        assert_eq!(cell(&t, 2, "warnings"), "5 treated units unmatched; line\nbreak");
        assert_eq!(cell(&t, 2, "error"), "");
        assert_eq!(cell(&t, 3, "method"), "ipw");
        assert_eq!(cell(&t, 3, "error"), "the propensity model separates `age`, perfectly");
        assert_eq!(cell(&t, 3, "estimate"), "");
        assert!(!t[0].iter().any(|h| h == "first_stage_f" || h == "std_error_causalml"));
    }

    #[test]
    fn instrument_and_causalml_columns() {
        let mut iv = row("2sls", 0.13);
        iv.first_stage_f = Some(13.256);
        let mut rl = row("r-learner", 0.5);
        rl.se_causalml = Some(0.0001);
        let t = parse(&results_csv(&Report { results: vec![iv, rl], ..Report::default() }));
        assert_eq!(cell(&t, 1, "first_stage_f"), "13.256");
        assert_eq!(cell(&t, 2, "first_stage_f"), "");
        assert_eq!(cell(&t, 2, "std_error_causalml"), "0.0001");
        assert!(!t[0].iter().any(|h| h == "arm" || h == "error" || h == "warnings"));
    }

    #[test]
    fn nothing_ran() {
        let report = Report {
            errors: vec![MethodFailure {
                method: Method::Ols,
                arm: None,
                message: "singular".into(),
            }],
            ..Report::default()
        };
        let t = parse(&results_csv(&report));
        assert_eq!(t.len(), 2);
        assert_eq!(cell(&t, 1, "method"), "ols");
        assert_eq!(cell(&t, 1, "error"), "singular");
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_defused_and_numbers_are_not() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-8497.5"), "-8497.5");
        assert_eq!(field("+1"), "+1");
        assert_eq!(field("-inf-ish"), "'-inf-ish");
    }
}
