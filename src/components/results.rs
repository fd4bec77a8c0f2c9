//! The results: one row per method, and a forest plot of the intervals.

use std::rc::Rc;

use cf_engine::{AnalysisSpec, EffectRow, Method, Report, format};
use serde::Serialize;
use yew::prelude::*;

use crate::components::diagnostics::Diagnostics;
use crate::components::export::{file_name, file_stem};
use crate::components::plot::{PlotFrame, nice_ticks, x_ticks};
use crate::components::preview::millis;
use crate::services::download::download;
use crate::state::RunResult;

/// Props of [`Results`].
#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    /// The finished run.
    pub result: Rc<RunResult>,
    /// The settings changed since this run.
    #[prop_or_default]
    pub stale: bool,
    /// The data file's name (for the Python script).
    #[prop_or_default]
    pub file_name: AttrValue,
    /// The causal graph as DOT, when one is drawn (for the Python script's DoWhy part).
    #[prop_or_default]
    pub graph_dot: Option<AttrValue>,
    /// A known answer to draw on the forest plot: value and what it is.
    #[prop_or_default]
    pub benchmark: Option<(f64, AttrValue)>,
}

/// The confidence level of `alpha` as text: `95%`, `90%`, `99.5%`.
pub(crate) fn level_text(alpha: f64) -> String {
    let pct = 100.0 * (1.0 - alpha);
    let d = if (pct - pct.round()).abs() < 1e-9 { 0 } else { 1 };
    format!("{}%", format::with_separators(pct, d))
}

/// One arm's rows (`None`: a 0/1 treatment).
type ArmGroup = (Option<String>, Vec<EffectRow>);

/// The rows grouped by arm (arms in the order they first appear), and whether there are arms.
fn grouped(rows: &[EffectRow]) -> (Vec<ArmGroup>, bool) {
    let mut groups: Vec<ArmGroup> = Vec::new();
    for r in rows {
        match groups.iter_mut().find(|(a, _)| *a == r.arm) {
            Some((_, g)) => g.push(r.clone()),
            None => groups.push((r.arm.clone(), vec![r.clone()])),
        }
    }
    let multi = rows.iter().any(|r| r.arm.is_some());
    (groups, multi)
}

/// The results as a JSON file: the report's fields as the CLI's `--json` prints them, and the
/// spec they were computed with.
#[derive(Serialize)]
struct ResultsFile<'a> {
    #[serde(flatten)]
    report: &'a Report,
    spec: &'a AnalysisSpec,
}

/// The JSON download of a run (pretty-printed; numbers as serde_json writes them, as the CLI).
pub(crate) fn results_json(r: &RunResult) -> String {
    serde_json::to_string_pretty(&ResultsFile { report: &r.report, spec: &r.spec })
        .map(|t| t + "\n")
        .unwrap_or_default()
}

/// The first part of the file names of a run's downloads: `counterfact-<treatment>-<outcome>`.
fn stem_parts(spec: &AnalysisSpec) -> [&str; 3] {
    ["counterfact", &spec.treatment, &spec.outcome]
}

/// A node ref for the results heading: each new result scrolls it into view and moves keyboard
/// focus to it (the results may be far below the button that asked for them).
#[hook]
fn use_focus_on_new(result: &Rc<RunResult>) -> NodeRef {
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with(Rc::as_ptr(result) as usize, move |_| {
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                h.scroll_into_view();
                let _ = h.focus();
            }
        });
    }
    heading
}

/// The results card.
#[component]
pub fn Results(props: &ResultsProps) -> Html {
    let r = &props.result;
    let (groups, multi) = grouped(&r.report.results);
    let rows: Vec<EffectRow> = groups.iter().flat_map(|(_, g)| g.iter().cloned()).collect();
    let control = r.report.control.clone().or_else(|| r.spec.control.clone());
    let stem = stem_parts(&r.spec);
    let plot_file = |plot: &str| AttrValue::from(file_stem(&[&stem[..], &[plot]].concat()));
    let csv_click = {
        let r = r.clone();
        Callback::from(move |_: MouseEvent| {
            let name = file_name(&[&stem_parts(&r.spec)[..], &["results"]].concat(), "csv");
            download(&name, "text/csv", &cf_engine::export::results_csv(&r.report));
        })
    };
    let json_click = {
        let r = r.clone();
        Callback::from(move |_: MouseEvent| {
            let name = file_name(&[&stem_parts(&r.spec)[..], &["results"]].concat(), "json");
            download(&name, "application/json", &results_json(&r));
        })
    };
    let has_results = !r.report.results.is_empty() || !r.report.errors.is_empty();
    let level = level_text(r.spec.options.alpha);
    let heading = use_focus_on_new(r);
    let python = use_memo(
        (r.spec.clone(), props.file_name.clone(), props.graph_dot.clone()),
        |(spec, file, dot)| cf_engine::python::script(spec, file, dot.as_deref()),
    );
    let python_copied = use_state(|| false);
    let python_open = use_state(|| false);
    let python_click = {
        let (python, copied, open) = (python.clone(), python_copied.clone(), python_open.clone());
        Callback::from(move |_: MouseEvent| {
            copied.set(crate::services::clipboard::copy_text(&python));
            open.set(true);
        })
    };
    let python_toggle = {
        let open = python_open.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            if let Some(d) =
                e.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            {
                open.set(d.open());
            }
        })
    };
    html! {
        <section class={classes!("card", "results-card", props.stale.then_some("stale"))} aria-labelledby="results-title" data-testid="results">
            <header class="card-head">
                <h2 id="results-title" tabindex="-1" ref={heading} data-testid="results-title">{"Effect of "}<code>{&r.spec.treatment}</code>{" on "}<code>{&r.spec.outcome}</code></h2>
                <span class="muted">{format!("computed in {}", millis(r.millis))}</span>
                if has_results {
                    <span class="export-buttons" role="group" aria-label="Download the results">
                        <span class="hint">{"Download "}</span>
                        <button type="button" class="ghost" data-testid="export-results-csv" onclick={csv_click}
                                aria-label="Download the results as CSV" title="One line per method, full precision (CSV)">{"CSV"}</button>
                        {" "}
                        <button type="button" class="ghost" data-testid="export-results-json" onclick={json_click}
                                aria-label="Download the results as JSON" title="The full report and the settings it ran with (JSON)">{"JSON"}</button>
                        {" "}
                        <button type="button" class="ghost" data-testid="copy-python" onclick={python_click}
                                title="A script that recomputes every number with pandas, statsmodels, scikit-learn and causalml">
                            { if *python_copied { "Python copied" } else { "Copy as Python" } }
                        </button>
                    </span>
                }
            </header>
            { takeaway(r) }
            if props.stale {
                <p class="note">{"The settings changed since these numbers were computed: estimate again to update them."}</p>
            }
            if !rows.is_empty() {
                <table class="results">
                    <thead><tr>
                        <th scope="col">{"Method"}</th><th scope="col">{"Estimand"}</th>
                        <th scope="col" class="num">{"Estimate"}</th><th scope="col" class="num">{"Std. error"}</th>
                        <th scope="col" class="num">{format!("{level} interval")}</th>
                        <th scope="col" class="num">{"Treated"}</th><th scope="col" class="num">{"Control"}</th>
                    </tr></thead>
                    { for groups.iter().map(|(arm, g)| html! {
                        <tbody data-arm={arm.clone()}>
                            if let (true, Some(a)) = (multi, arm) {
                                <tr class="arm-head"><th colspan="7" scope="rowgroup">
                                    <code>{a}</code>
                                    if let Some(c) = &control { {" compared with "}<code>{c}</code> }
                                </th></tr>
                            }
                            { for g.iter().map(row) }
                        </tbody>
                    }) }
                </table>
                <ForestPlot rows={rows.clone()} {multi} file={plot_file("forest")} level={AttrValue::from(level.clone())}
                            benchmark={props.benchmark.clone()} />
            }
            if !r.report.overlap.is_empty() || !r.report.balance.is_empty() {
                <Diagnostics overlap={r.report.overlap.clone()} balance={r.report.balance.clone()} control={control.clone()}
                             file={AttrValue::from(file_stem(&stem))} />
            }
            { for r.report.errors.iter().map(|e| html! {
                <p class="error-inline" data-testid={format!("method-error-{}", e.method)} data-arm={e.arm.clone()}>
                    <strong>{e.method.label()}{ e.arm.as_ref().map(|a| format!(" · {a}")) }{": "}</strong>{&e.message}
                </p>
            }) }
            if !r.report.cate.is_empty() {
                <p class="cate-download">
                    <button class="ghost" data-testid="download-cate" onclick={{
                        let r = r.clone();
                        // Built on click: the table can hold hundreds of thousands of numbers.
                        Callback::from(move |_: MouseEvent| {
                            if let Some(csv) = cf_engine::cate_csv(&r.report) {
                                let _ = download("per-unit-effects.csv", "text/csv", &csv);
                            }
                        })
                    }}>{"Download per-unit effects (CSV)"}</button>
                    <span class="hint">{" one row per unit: the meta-learners' estimated effects (CATE), for targeting"}</span>
                </p>
            }
            { for r.report.warnings.iter().map(|w| html! { <p class="warning">{w}</p> }) }
            if has_results {
                <details class="python" data-testid="python-details" open={*python_open} ontoggle={python_toggle}>
                    <summary>{"Audit in Python: a script that recomputes these numbers with causalml and statsmodels"}</summary>
                    <pre data-testid="python-script" tabindex="0">{python.as_str()}</pre>
                </details>
            }
            <p class="muted small">
                if r.report.covariates.is_empty() {
                    {"No covariates adjusted for."}
                } else {
                    {format!("Adjusted for {} covariate(s): {}.", r.report.covariates.len(), r.report.covariates.join(", "))}
                }
                {format!(" Intervals are normal {level} intervals.")}
                { for method_notes(&r.report.results).into_iter().map(|n| html! { <>{" "}{n}</> }) }
            </p>
            if let Some(p) = &r.report.propensity {
                <p class="muted small" data-testid="propensity-summary">
                    {format!("Propensity model: logistic regression, converged in {} Newton steps; fitted propensities range from {:.3} to {:.3}.", p.n_iter, p.min, p.max)}
                </p>
            }
        </section>
    }
}

/// One sentence an analyst can paste into a report (per arm for multi-arm data): the adjusted
/// estimate when there is one.
fn takeaway(r: &RunResult) -> Html {
    let (groups, _) = grouped(&r.report.results);
    let control = r.report.control.as_ref().or(r.spec.control.as_ref());
    html! {
        { for groups.iter().filter_map(|(arm, rows)| {
            let e = rows.iter().find(|e| e.method == Method::Ols).or_else(|| rows.first())?;
            let d = format::decimals_for(e.std_error);
            let f = |x: f64| format::with_separators(x, d);
            let signed = if e.estimate > 0.0 { format!("+{}", f(e.estimate)) } else { f(e.estimate) };
            let how = if e.method == Method::Ols && !r.report.covariates.is_empty() {
                format!("Adjusting for {} covariate(s), ", r.report.covariates.len())
            } else {
                String::new()
            };
            let verdict = if e.ci_low > 0.0 || e.ci_high < 0.0 {
                "The interval excludes zero."
            } else {
                "The interval includes zero: the data are consistent with no effect."
            };
            let cap = |w: &str| if how.is_empty() { w.to_string() } else { w.to_lowercase() };
            if is_dose(e) {
                let z: Vec<Html> = r.spec.instruments.iter().map(|z| html! { <code>{z}</code> }).collect();
                return Some(html! {
                    <p class="takeaway" data-testid="takeaway">
                        {"One more unit of "}<code>{&r.spec.treatment}</code>{" (instrumented by "}{for z}{") changes "}
                        <code>{&r.spec.outcome}</code>{" by "}<strong>{signed}</strong>
                        {format!(" on average among those the instrument moves ({} interval {} to {}). {verdict}", level_text(r.spec.options.alpha), f(e.ci_low), f(e.ci_high))}
                    </p>
                });
            }
            let what = match (arm, control) {
                (Some(a), Some(c)) => html! {
                    <>{cap("Having ")}<code>{&r.spec.treatment}</code>{" = "}<code>{a}</code>{" rather than "}<code>{c}</code></>
                },
                _ => html! { <>{cap("Being treated (")}<code>{&r.spec.treatment}</code>{" = 1)"}</> },
            };
            Some(html! {
                <p class="takeaway" data-testid="takeaway">
                    {how}{what}{" changes "}<code>{&r.spec.outcome}</code>
                    {" by "}<strong>{signed}</strong>{format!(" on average ({} interval {} to {}). {verdict}", level_text(r.spec.options.alpha), f(e.ci_low), f(e.ci_high))}
                </p>
            })
        }) }
    }
}

/// A 2SLS row whose treatment is a numeric dose (not every row is 0 or 1).
fn is_dose(e: &EffectRow) -> bool {
    e.method == Method::TwoSls && e.n_treated + e.n_control < e.n
}

fn row(e: &EffectRow) -> Html {
    let d = format::decimals_for(e.std_error);
    let f = |x: f64| format::with_separators(x, d);
    let significant = e.ci_low > 0.0 || e.ci_high < 0.0;
    let mut notes: Vec<(&'static str, String)> = Vec::new();
    if let Some(m) = &e.matching {
        notes.push((
            "matching",
            format!(
                "Matched {} of {} treated units ({} unmatched) to {} distinct controls, {} replacement; caliper {:.3} on the logit scale.",
                format::count(m.n_treated_matched),
                format::count(m.n_treated_matched + m.n_treated_unmatched),
                format::count(m.n_treated_unmatched),
                format::count(m.n_control_unique),
                if m.replace { "with" } else { "without" },
                m.caliper
            ),
        ));
    }
    if let Some(fs) = e.first_stage_f {
        let weak = if fs.is_finite() && fs < cf_engine::WEAK_F {
            format!(" (below {}: a weak instrument)", cf_engine::WEAK_F)
        } else {
            String::new()
        };
        notes.push(("first-stage", format!("First-stage F of the instruments: {fs:.1}{weak}.")));
    }
    if let Some(b) = &e.bootstrap {
        notes.push((
            "bootstrap",
            format!(
                "Bootstrap ({} resamples, every model refitted): standard error {}, percentile interval {} to {}.",
                format::count(b.replications),
                f(b.std_error),
                f(b.ci_low),
                f(b.ci_high)
            ),
        ));
    }
    if let Some(se) = e.se_causalml {
        notes.push((
            "causalml-se",
            format!("causalml 0.18 would report a standard error of {} (it divides by n instead of √n); the one shown is corrected.", f(se)),
        ));
    }
    html! {
        <>
        <tr data-testid={format!("result-{}", e.method)} data-arm={e.arm.clone()}
            data-boot-ci-low={e.bootstrap.as_ref().map(|b| b.ci_low.to_string())}
            data-boot-ci-high={e.bootstrap.as_ref().map(|b| b.ci_high.to_string())}
            data-estimate={e.estimate.to_string()} data-std-error={e.std_error.to_string()}
            data-ci-low={e.ci_low.to_string()} data-ci-high={e.ci_high.to_string()}
            data-n={e.n.to_string()}
            class={classes!((!notes.is_empty() || !e.warnings.is_empty()).then_some("has-notes"))}>
            <th scope="row">
                {e.method.label()}
                if let Some(a) = &e.arm { <span class="arm-tag">{a}</span> }
            </th>
            <td>{e.estimand.as_str()}</td>
            <td class={classes!("num", "estimate", significant.then_some("significant"))}>{f(e.estimate)}</td>
            <td class="num">{f(e.std_error)}</td>
            <td class="num">{format!("{} to {}", f(e.ci_low), f(e.ci_high))}</td>
            if is_dose(e) {
                <td class="num" title="a numeric dose has no treated and control groups">{"—"}</td>
                <td class="num">{"—"}</td>
            } else {
                <td class="num">{format::count(e.n_treated)}</td>
                <td class="num">{format::count(e.n_control)}</td>
            }
        </tr>
        if !notes.is_empty() || !e.warnings.is_empty() {
            <tr class="row-notes" data-testid={format!("notes-{}", e.method)} data-arm={e.arm.clone()}>
                <td colspan="7">
                    { for notes.iter().map(|(kind, n)| html! { <p class="row-note" data-kind={*kind}>{n}</p> }) }
                    { for e.warnings.iter().map(|w| html! { <p class="row-warning">{"⚠ "}{w}</p> }) }
                </td>
            </tr>
        }
        </>
    }
}

/// Props of [`ForestPlot`].
#[derive(Properties, PartialEq)]
pub struct ForestPlotProps {
    /// One interval per method.
    pub rows: Vec<EffectRow>,
    /// Label each interval with its arm (multi-arm data).
    #[prop_or_default]
    pub multi: bool,
    /// The exported files' name, without extension (default `counterfact-forest`).
    #[prop_or_default]
    pub file: AttrValue,
    /// The intervals' confidence level, as text (default 95%).
    #[prop_or_default]
    pub level: AttrValue,
    /// A known answer drawn as a line: value and what it is.
    #[prop_or_default]
    pub benchmark: Option<(f64, AttrValue)>,
}

/// Point and interval per method on a shared axis with the zero line.
#[component]
pub fn ForestPlot(props: &ForestPlotProps) -> Html {
    const W: f64 = 640.0;
    let left: f64 = if props.multi { 250.0 } else { 210.0 };
    const RIGHT: f64 = 24.0;
    const ROW: f64 = 34.0;
    const TOP: f64 = 12.0;
    let rows = &props.rows;
    let bench = props.benchmark.as_ref().filter(|(v, _)| v.is_finite());
    let lo = rows.iter().map(|r| r.ci_low).chain(bench.map(|b| b.0)).fold(0.0_f64, f64::min);
    let hi = rows.iter().map(|r| r.ci_high).chain(bench.map(|b| b.0)).fold(0.0_f64, f64::max);
    let level = if props.level.is_empty() { "95%" } else { props.level.as_str() };
    let top = if bench.is_some() { TOP + 16.0 } else { TOP };
    let pad = (hi - lo).max(f64::MIN_POSITIVE) * 0.08;
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (W - left - RIGHT);
    let h = top + ROW * rows.len() as f64 + 30.0;
    let ticks = nice_ticks(lo, hi, 5);
    let step = ticks.get(1).zip(ticks.first()).map_or(1.0, |(b, a)| b - a);
    let tick_decimals = format::decimals_for(step * 10.0);
    let caption = html! {
        <>
            {format!("Each dot is an estimate, each bar its {level} interval; the dashed line is no effect.")}
            if let Some((_, what)) = bench { {format!(" The gold line is the {what}.")} }
        </>
    };
    let tick_labels = ticks.iter().map(|&t| (x(t), format::with_separators(t, tick_decimals)));
    html! {
        <PlotFrame kind="forest" view_box={format!("0 0 {W} {h}")} aria_label={format!("Forest plot of the estimates with {level} intervals")}
                   label="forest plot" file={props.file.clone()} {caption}>
                {x_ticks(tick_labels, top, h - 24.0, h - 8.0)}
                <line class="zero" x1={x(0.0).to_string()} x2={x(0.0).to_string()} y1={(top - 4.0).to_string()} y2={(h - 24.0).to_string()} />
                if let Some((v, what)) = bench {
                    <g class="benchmark" data-testid="forest-benchmark" data-value={v.to_string()}>
                        <line x1={x(*v).to_string()} x2={x(*v).to_string()} y1={(top - 4.0).to_string()} y2={(h - 24.0).to_string()} />
                        <text x={x(*v).to_string()} y={(top - 8.0).to_string()}
                              text-anchor={if x(*v) > W - 160.0 { "end" } else { "middle" }}>
                            {format!("{what}: {}", format::with_separators(*v, tick_decimals.clamp(2, 4)))}
                        </text>
                    </g>
                }
                { for rows.iter().enumerate().map(|(i, r)| {
                    let y = top + ROW * (i as f64 + 0.5);
                    let name = match (&r.arm, props.multi) {
                        (Some(a), true) => format!("{} · {a}", r.method.short_label()),
                        _ => r.method.label().to_string(),
                    };
                    html! {
                        <g class="interval" data-method={r.method.as_str()} data-arm={r.arm.clone()}>
                            <text class="label" x="8" y={(y + 4.0).to_string()}>{name}</text>
                            <line x1={x(r.ci_low).to_string()} x2={x(r.ci_high).to_string()} y1={y.to_string()} y2={y.to_string()} />
                            <line class="cap" x1={x(r.ci_low).to_string()} x2={x(r.ci_low).to_string()} y1={(y - 6.0).to_string()} y2={(y + 6.0).to_string()} />
                            <line class="cap" x1={x(r.ci_high).to_string()} x2={x(r.ci_high).to_string()} y1={(y - 6.0).to_string()} y2={(y + 6.0).to_string()} />
                            <circle cx={x(r.estimate).to_string()} cy={y.to_string()} r="6" />
                        </g>
                    }
                }) }
        </PlotFrame>
    }
}

/// One sentence per kind of method shown, on how its standard error is computed.
fn method_notes(results: &[EffectRow]) -> Vec<&'static str> {
    let has = |ms: &[Method]| results.iter().any(|e| ms.contains(&e.method));
    let mut out = Vec::new();
    if has(&[Method::Ols]) {
        out.push(
            "Regression adjustment uses HC1 robust standard errors (as causalml's LRSRegressor).",
        );
    }
    if has(&[Method::Ipw, Method::Aipw]) {
        out.push("Weighting uses normalized (Hajek) weights from a logistic propensity model; its standard error accounts for estimating that model (AIPW: the efficient influence function).");
    }
    if has(&[Method::Psm]) {
        out.push("Matching pairs each treated unit with the nearest control on the logit propensity within 0.2 standard deviations; Abadie–Imbens standard error.");
    }
    if has(&[Method::TLearner, Method::XLearner, Method::RLearner, Method::DrLearner]) {
        out.push("Meta-learners use linear base learners and causalml's analytic standard errors (the R-learner's corrected to divide by √n).");
    }
    if has(&[Method::TwoSls]) {
        out.push("2SLS uses heteroskedasticity-robust standard errors (linearmodels' default).");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_holds_the_report_as_the_cli_writes_it_and_the_spec() {
        let mut report = Report::default();
        report.results.push(EffectRow {
            estimate: 1586.4525752453515,
            ..EffectRow::empty(Method::Ols, cf_engine::Estimand::Ate)
        });
        report.warnings.push("12 rows dropped".into());
        let spec = AnalysisSpec::new("treat", "re78", vec![Method::Ols]);
        let r =
            RunResult { spec: spec.clone(), report: report.clone(), millis: 3.0, graph_dot: None };
        let text = results_json(&r);
        // Shortest round-trip digits, as the CLI prints them (serde_json's default reader is
        // not correctly rounded, so the numbers are checked in the text).
        assert!(text.contains("\"estimate\": 1586.4525752453515,"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        // What the CLI's --json prints for the same report (its flattened fields), read back
        // the same way.
        let cli: serde_json::Value =
            serde_json::from_str(&serde_json::to_string_pretty(&report).expect("report"))
                .expect("JSON");
        for key in ["results", "warnings", "errors", "covariates", "overlap", "balance"] {
            assert_eq!(v[key], cli[key], "{key}");
        }
        assert!(v["results"][0]["std_error"].is_null());
        let back: AnalysisSpec = serde_json::from_value(v["spec"].clone()).expect("spec");
        assert_eq!(back, spec);
        assert!(v.get("millis").is_none());
    }
}
