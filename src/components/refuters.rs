//! The refutation tests in "Can it be trusted?": a method of the run refitted on data changed
//! in ways whose effect is known, as a checklist with a sentence and a small distribution each.

use cf_engine::{Method, Refuter, RefuterResult, format};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::context::use_app_opt;
use crate::components::export::file_name;
use crate::components::message::message;
use crate::services::download::download;
use crate::state::refute::{REPLICATIONS, RefuteResult};
use crate::state::{Action, Busy};

/// Props of [`Refuters`].
#[derive(Properties, PartialEq)]
pub(crate) struct RefutersProps {
    /// Start the tests the state asks for ([`crate::state::AppState::refute_ask`]).
    pub(crate) on_refute: Callback<()>,
    /// Stop them.
    pub(crate) on_cancel: Callback<()>,
}

/// A refuter's name in the checklist.
pub(crate) fn refuter_label(r: Refuter) -> &'static str {
    match r {
        Refuter::Placebo => "Placebo treatment",
        Refuter::RandomCause => "Random common cause",
        Refuter::Subset => "Random 80 % subsets",
        Refuter::Bootstrap => "Bootstrap",
        Refuter::DummyOutcome => "Dummy outcome",
    }
}

/// The checklist, its settings and its button.
#[component]
pub(crate) fn Refuters(props: &RefutersProps) -> Html {
    let Some((s, dispatch)) = use_app_opt() else { return html! {} };
    let methods = s.refute_methods();
    let Some(method) = s.refute_method() else { return html! {} };
    let running = s.busy == Busy::Refuting;
    let can_run = s.refute_ask().is_some();
    let on_method = dispatch.reform(move |e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetRefuteMethod(Method::parse(&v).unwrap_or(method))
    });
    let on_reps = dispatch.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetRefuteReplications(v.parse().unwrap_or(0))
    });
    let shown = s.refute_shown();
    // How many of the graph's testable implications the data reject (the graph panel's rule).
    let tested = s.implications.iter().filter(|t| t.p_value.is_some()).count();
    let rejected = s.implications.iter().filter(|t| t.p_value.is_some_and(|p| p < 0.05)).count();
    html! {
        <div class="refuters" data-testid="refuters">
            <h4>{"Refutation tests"}</h4>
            <p class="muted small">{"Each test refits the method, its propensity model included, on data changed in a way whose effect on the estimate is known: a sound estimate behaves as each line says."}</p>
            <div class="run-row refute-row">
                <label>{"Method "}
                    <select data-testid="refute-method" aria-label="the method refuted" onchange={on_method} disabled={running}>
                        { for methods.iter().map(|m| html! {
                            <option value={m.as_str()} selected={*m == method}>{m.label()}</option>
                        }) }
                    </select>
                </label>
                <label>{"Replications "}
                    <select data-testid="refute-replications" aria-label="replications of each refuter" onchange={on_reps} disabled={running}>
                        { for REPLICATIONS.iter().map(|n| html! {
                            <option value={n.to_string()} selected={*n == s.refute.replications}>{n.to_string()}</option>
                        }) }
                    </select>
                </label>
                <button class="secondary" data-testid="refute-button" disabled={!can_run} onclick={props.on_refute.reform(|_| ())}>
                    if running { <span class="spinner" aria-hidden="true"></span>{"Refuting…"} } else { {"Run refutation tests"} }
                </button>
                if running {
                    <button class="ghost" data-testid="refute-cancel" onclick={props.on_cancel.reform(|_| ())}>{"Cancel"}</button>
                    <span class="run-progress" data-testid="refute-progress">
                        <progress max="100" value={format!("{:.0}", 100.0 * s.refute.progress)} aria-label="refutation progress"></progress>
                        {format!(" {:.0}%", 100.0 * s.refute.progress)}
                    </span>
                }
            </div>
            if let Some(e) = &s.refute.error {
                <p class="error-inline" role="alert" data-testid="refute-error">{message(e)}</p>
            }
            if let Some(t) = shown {
                <span class="export-buttons" role="group" aria-label="Download the refutation tests">
                    <span class="hint">{"Download "}</span>
                    <button type="button" class="ghost" data-testid="export-refuters-csv" onclick={download_click(t, "csv")}
                            aria-label="Download the refutation tests as CSV" title="One line per refuter: the estimate, the replications' mean and middle range, the verdict (CSV)">{"CSV"}</button>
                    {" "}
                    <button type="button" class="ghost" data-testid="export-refuters-json" onclick={download_click(t, "json")}
                            aria-label="Download the refutation tests as JSON" title="Every replication's estimate and the settings the tests ran with (JSON)">{"JSON"}</button>
                </span>
                <Checklist result={t.report.refuters.clone()} millis={t.millis} replications={t.ask.replications}
                           warnings={t.report.warnings.clone()}
                           errors={t.report.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>()} />
            }
            if tested > 0 {
                <p class={classes!("implications-reminder", (rejected > 0).then_some("failed"))} data-testid="implications-reminder"
                   data-rejected={rejected.to_string()} data-tested={tested.to_string()}>
                    <span class="mark" aria-hidden="true">{ if rejected == 0 { "✓" } else { "✗" } }</span>
                    <span><strong>{"The graph's testable implications: "}</strong>
                    { if rejected == 0 {
                        format!("the data reject none of {} at the 5 % level, so nothing in them contradicts the graph the adjustment rests on.",
                            format::plural(tested, "implied independence", "implied independences"))
                    } else {
                        format!("the data reject {rejected} of {} at the 5 % level: the graph the adjustment set comes from is contradicted somewhere (see the graph panel's list).",
                            format::plural(tested, "implied independence", "implied independences"))
                    } }</span>
                </p>
            }
        </div>
    }
}

/// The refuters' report as JSON: the settings they ran with (the analysis, the method,
/// replications) and every replication's estimate.
fn refuters_json(t: &RefuteResult) -> String {
    #[derive(serde::Serialize)]
    struct Download<'a> {
        spec: &'a cf_engine::AnalysisSpec,
        replications: usize,
        #[serde(flatten)]
        report: &'a cf_engine::RefuteReport,
    }
    let d = Download { spec: &t.ask.spec, replications: t.ask.replications, report: &t.report };
    serde_json::to_string_pretty(&d).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Downloads the shown tests as `extension` (`csv` or `json`).
fn download_click(t: &RefuteResult, extension: &'static str) -> Callback<MouseEvent> {
    let t = t.clone();
    Callback::from(move |_: MouseEvent| {
        let spec = &t.ask.spec;
        let method = spec.methods.first().map_or("", |m| m.as_str());
        let name = file_name(
            &["counterfact", &spec.treatment, &spec.outcome, method, "refuters"],
            extension,
        );
        if extension == "csv" {
            download(&name, "text/csv", &cf_engine::export::refuters_csv(&t.report));
        } else {
            download(&name, "application/json", &refuters_json(&t));
        }
    })
}

#[derive(Properties, PartialEq)]
struct ChecklistProps {
    result: Vec<RefuterResult>,
    millis: f64,
    replications: usize,
    warnings: Vec<String>,
    errors: Vec<String>,
}

#[component]
fn Checklist(props: &ChecklistProps) -> Html {
    let passed = props.result.iter().filter(|r| r.passed).count();
    let total = props.result.len();
    let method = props.result.first().map(|r| r.method.label()).unwrap_or_default();
    let seconds = format::with_separators(props.millis / 1000.0, 1);
    html! {
        <>
            if total > 0 {
                <p class="refute-summary" data-testid="refute-summary" data-passed={passed.to_string()} data-total={total.to_string()}>
                    <strong>{format!("{passed} of {total} passed")}</strong>
                    {format!(" for {method}, {} of each ({seconds} s).", format::plural(props.replications, "replication", "replications"))}
                </p>
            }
            <ul class="checklist" data-testid="refute-list">
                { for props.result.iter().map(|r| html! {
                    <li data-testid="refuter" data-refuter={r.refuter.as_str()} data-passed={r.passed.to_string()}
                        data-estimate={r.estimate.to_string()} data-new-effect={r.new_effect.to_string()}
                        data-p-value={r.p_value.map(|p| p.to_string()).unwrap_or_default()}
                        data-arm={r.arm.clone().unwrap_or_default()}
                        class={classes!(if r.passed { "passed" } else { "failed" })}>
                        <span class="mark" aria-hidden="true">{ if r.passed { "✓" } else { "✗" } }</span>
                        <div class="refuter-text">
                            <strong>{refuter_label(r.refuter)}{ r.arm.as_ref().map(|a| format!(" · {a}")) }{": "}</strong>
                            {format::capitalize(&r.verdict)}{"."}
                            <span class="muted small expectation">{format!(" Why: {}.", r.expectation)}</span>
                        </div>
                        <Strip values={r.new_estimates.clone()} estimate={r.estimate} refuter={r.refuter} />
                    </li>
                }) }
            </ul>
            if total > 0 {
                <p class="muted small">{"Bars: the estimates on the changed data. Solid line: the estimate (for the dummy outcome, 0, its true effect); dashed: 0."}</p>
            }
            { for props.errors.iter().map(|e| html! { <p class="error-inline" data-testid="refute-method-error">{message(e)}</p> }) }
            { for props.warnings.iter().map(|w| html! { <p class="muted small" data-testid="refute-warning">{message(w)}</p> }) }
        </>
    }
}

const STRIP_W: f64 = 150.0;
const STRIP_H: f64 = 34.0;
const BINS: usize = 24;

#[derive(Properties, PartialEq)]
struct StripProps {
    values: Vec<f64>,
    estimate: f64,
    refuter: Refuter,
}

/// The replications' estimates as a small histogram with the value they are judged against: the
/// estimate (solid) and 0 (dashed) for the placebo, 0 alone for the dummy outcome (its true
/// effect), the estimate alone for the others.
#[component]
fn Strip(props: &StripProps) -> Html {
    let v: Vec<f64> = props.values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return html! {};
    }
    let (solid, dashed) = match props.refuter {
        Refuter::Placebo => (Some(props.estimate), Some(0.0)),
        Refuter::DummyOutcome => (Some(0.0), None),
        _ => (Some(props.estimate), None),
    };
    let marks = solid.into_iter().chain(dashed);
    let (mut lo, mut hi) = marks
        .clone()
        .chain(v.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| (lo.min(t), hi.max(t)));
    if !(hi > lo) {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.04;
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |t: f64| (t - lo) / (hi - lo) * STRIP_W;
    let mut counts = [0usize; BINS];
    for t in &v {
        let b = (((t - lo) / (hi - lo)) * BINS as f64).floor() as usize;
        counts[b.min(BINS - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bw = STRIP_W / BINS as f64;
    let label = format!(
        "{} estimates of the changed data between {} and {}; the line: {}",
        v.len(),
        format::with_separators(lo + pad, 2),
        format::with_separators(hi - pad, 2),
        match props.refuter {
            Refuter::DummyOutcome => "0, the true effect".to_string(),
            _ => format!("the estimate, {}", format::with_separators(props.estimate, 2)),
        }
    );
    html! {
        <svg class="strip" viewBox={format!("0 0 {STRIP_W} {}", STRIP_H + 2.0)} width={STRIP_W.to_string()} height={(STRIP_H + 2.0).to_string()}
             role="img" aria-label={label} data-testid="refuter-strip" data-refuter={props.refuter.as_str()}>
            { for counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| {
                let h = (*c as f64 / top) * (STRIP_H - 4.0);
                html! { <rect x={format!("{:.1}", i as f64 * bw + 0.5)} y={format!("{:.1}", STRIP_H - h)} width={format!("{:.1}", bw - 1.0)} height={format!("{:.1}", h)} /> }
            }) }
            { for dashed.map(|d| html! { <line class="zero" x1={format!("{:.1}", x(d))} x2={format!("{:.1}", x(d))} y1="0" y2={STRIP_H.to_string()} /> }) }
            { for solid.map(|m| html! { <line class="estimate" x1={format!("{:.1}", x(m))} x2={format!("{:.1}", x(m))} y1="0" y2={STRIP_H.to_string()} /> }) }
        </svg>
    }
}
