//! The results: one row per method, and a forest plot of the intervals.

use std::rc::Rc;

use cf_engine::{AnalysisSpec, EffectRow, Method, Report, format};
use serde::Serialize;
use yew::prelude::*;

use crate::components::benchmark::CompareWithExperiment;
use crate::components::context::use_app_opt;
use crate::components::diagnostics::Diagnostics;
use crate::components::experiment::ExperimentReadout;
use crate::components::export::{file_name, file_stem};
use crate::components::plot::{PlotFrame, nice_ticks, x_ticks};
use crate::components::preview::millis;
use crate::components::trust::Trust;
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
    /// Start the refutation tests.
    #[prop_or_default]
    pub on_refute: Callback<()>,
    /// Stop the worker.
    #[prop_or_default]
    pub on_cancel: Callback<()>,
    /// The experiment the open example offers to compare with.
    #[prop_or_default]
    pub compare_example: Option<&'static crate::examples::Example>,
    /// Compare with that example's file.
    #[prop_or_default]
    pub on_compare_example: Callback<&'static crate::examples::Example>,
    /// Compare with an experiment's file the user picks.
    #[prop_or_default]
    pub on_compare_file: Callback<web_sys::File>,
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

/// An engine message as the page shows it: the first letter capitalized, names between
/// backticks as code (an unpaired backtick becomes a quote).
pub(crate) fn message(text: &str) -> Html {
    let text = format::capitalize(text);
    if text.matches('`').count() % 2 == 1 {
        return html! { {text.replace('`', "\"")} };
    }
    html! {
        { for text.split('`').enumerate().map(|(i, part)| {
            if i % 2 == 1 { html! { <code>{part.to_string()}</code> } } else { html! { {part.to_string()} } }
        }) }
    }
}

/// How a row's numbers are shown: in the outcome's own units, or for a 0/1 outcome in
/// percentage points, read against the control group's rate.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Units {
    /// The comparison's control rate (a 0/1 outcome), or `None`.
    pub(crate) rate: Option<f64>,
}

impl Units {
    /// The units of the comparison of `arm` in `report`.
    pub(crate) fn of(report: &Report, arm: Option<&str>) -> Self {
        Units { rate: report.control_rate(arm).map(|c| c.rate) }
    }

    /// Decimal places for numbers with standard error `se`.
    fn decimals(self, se: f64) -> usize {
        if self.rate.is_some() { format::pp_decimals(se) } else { format::decimals_for(se) }
    }

    /// Decimal places of a standard error: one more than its effect in percentage points (two
    /// significant digits), the effect's otherwise.
    fn se_decimals(self, d: usize) -> usize {
        if self.rate.is_some() { d + 1 } else { d }
    }

    /// A number of the outcome's scale without unit (`7.7` points, or `1,794`).
    fn bare(self, x: f64, d: usize) -> String {
        let scale = if self.rate.is_some() { 100.0 } else { 1.0 };
        format::with_separators(scale * x, d)
    }

    /// The unit after a number (` pp`, with a no-break space), or nothing.
    fn unit(self) -> String {
        if self.rate.is_some() { format!("{}pp", format::NBSP) } else { String::new() }
    }

    /// An effect with its unit (`+7.7 pp`; `1,794` in the outcome's units).
    fn effect(self, x: f64, d: usize) -> String {
        if self.rate.is_some() { format::pp(x, d) } else { format::with_separators(x, d) }
    }

    /// An effect with its sign and unit (`+7.7 pp`, `+1,794`).
    fn signed(self, x: f64, d: usize) -> String {
        if self.rate.is_some() { format::pp(x, d) } else { format::signed(x, d) }
    }

    /// An interval `7.3 to 8.0 pp`.
    fn interval(self, lo: f64, hi: f64, d: usize) -> String {
        format!("{} to {}{}", self.bare(lo, d), self.bare(hi, d), self.unit())
    }

    /// `+50 % relative to a control rate of 15.2 %`, for a 0/1 outcome.
    fn relative(self, x: f64) -> Option<String> {
        let rate = self.rate?;
        let base = format!("a control rate of {}", format::percent(rate));
        Some(match format::relative(x, rate) {
            Some(rel) => format!("{rel} relative to {base}"),
            None => base,
        })
    }
}

/// The name of the comparison of `arm`: `Womens E-Mail vs No E-Mail`, `arm 1 vs arm 0`.
fn comparison_name(r: &RunResult, arm: &str) -> String {
    let control = r.report.control.as_deref().or(r.spec.control.as_deref()).unwrap_or("");
    format::comparison(&r.spec.treatment, arm, control)
}

/// The most important caveat, shown under the headline: estimates not to be trusted first, then
/// the report's first warning (dropped rows come first, then extreme propensities). Also gives
/// the index of the report warning it shows.
fn lead_warning(r: &RunResult) -> Option<(Html, Option<usize>)> {
    let flagged: Vec<&EffectRow> =
        r.report.results.iter().filter(|e| e.unreliable.is_some()).collect();
    if let Some(first) = flagged.first() {
        let mut names: Vec<String> = Vec::new();
        for e in &flagged {
            let name = match &e.arm {
                Some(a) => format!("{} ({})", e.method.label(), comparison_name(r, a)),
                None => e.method.label().to_string(),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let why = first.unreliable.as_deref().unwrap_or_default();
        let why = why.strip_prefix("not to be trusted: ").unwrap_or(why);
        let html = html! {
            <>
                <strong>{format!("Not to be trusted: {}.", names.join(", "))}</strong>{" "}
                {message(why)}{"."}
            </>
        };
        return Some((html, None));
    }
    r.report.warnings.first().map(|w| (message(w), Some(0)))
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
    // With the page state: the checks of "Can it be trusted?" as set (the benchmark shown, the
    // method refuted and its replications) go into the script too.
    let checks = use_app_opt().map(|(s, _)| s.trust_checks()).unwrap_or_default();
    let python = use_memo(
        (r.spec.clone(), props.file_name.clone(), props.graph_dot.clone(), checks),
        |(spec, file, dot, checks)| {
            cf_engine::python::script_with(spec, file, dot.as_deref(), checks)
        },
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
    let lead = lead_warning(r);
    let lead_index = lead.as_ref().and_then(|(_, i)| *i);
    let other_warnings: Vec<&String> = r
        .report
        .warnings
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != lead_index)
        .map(|(_, w)| w)
        .collect();
    let units = |arm: Option<&str>| Units::of(&r.report, arm);
    let plain_rate = r.report.control_rate(None).filter(|_| !multi);
    let forest_rows: Vec<(EffectRow, Option<String>)> =
        rows.iter().map(|e| (e.clone(), e.arm.as_ref().map(|a| comparison_name(r, a)))).collect();
    let forest_pp = !rows.is_empty() && rows.iter().all(|e| units(e.arm.as_deref()).rate.is_some());
    // The E-value shown: OLS's when it ran, else the first method's (one comparison only).
    let evalue = (!multi)
        .then(|| {
            rows.iter()
                .filter(|e| e.evalue.is_some())
                .min_by_key(|e| e.method != Method::Ols)
                .and_then(|e| Some((AttrValue::from(e.method.label()), e.evalue.clone()?)))
        })
        .flatten();
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
                                title="A script that recomputes every number with pandas, statsmodels, scikit-learn and causalml, then the sensitivity analysis and DoWhy's refuters">
                            { if *python_copied { "Python copied" } else { "Copy as Python" } }
                        </button>
                    </span>
                }
            </header>
            { takeaway(r) }
            if let Some((lead, _)) = &lead {
                <p class="lead-warning" data-testid="lead-warning" role="note">{"⚠ "}{lead.clone()}</p>
            }
            if !other_warnings.is_empty() {
                <ul class="report-warnings" data-testid="report-warnings">
                    { for other_warnings.iter().map(|w| html! { <li class="warning">{message(w)}</li> }) }
                </ul>
            }
            if props.stale {
                <p class="note">{"The settings changed since these numbers were computed: estimate again to update them."}</p>
            }
            if let Some(e) = &r.report.experiment {
                <ExperimentReadout report={e.clone()}
                    names={e.comparisons.iter().filter_map(|c| c.arm.clone()).map(|a| (Some(a.clone()), comparison_name(r, &a))).collect::<Vec<_>>()} />
            }
            if let Some(c) = plain_rate {
                <p class="control-rate muted small" data-testid="control-rate" data-rate={c.rate.to_string()}>
                    {format!("Effects in percentage points (pp) of {}: the control group's rate is {} ({}).",
                        r.spec.outcome, format::percent(c.rate), format::plural(c.n, "row", "rows"))}
                </p>
            }
            if !rows.is_empty() {
                <table class="results">
                    <thead><tr>
                        <th scope="col">{"Method"}</th><th scope="col">{"Estimand"}</th>
                        <th scope="col" class="num">{"Estimate"}</th><th scope="col" class="num">{"Std. error"}</th>
                        <th scope="col" class="num">{format!("{level} interval")}</th>
                        <th scope="col" class="num">{"Treated"}</th><th scope="col" class="num">{"Control"}</th>
                    </tr></thead>
                    { for groups.iter().map(|(arm, g)| {
                        let u = units(arm.as_deref());
                        html! {
                        <tbody data-arm={arm.clone()}>
                            if let (true, Some(a)) = (multi, arm) {
                                <tr class="arm-head"><th colspan="7" scope="rowgroup" data-testid="arm-head">
                                    <span class="arm-name">{comparison_name(r, a)}</span>
                                    if let Some(c) = r.report.control_rate(Some(a)) {
                                        <span class="arm-rate" data-rate={c.rate.to_string()}>
                                            {format!("control rate {} of {}", format::percent(c.rate), format::plural(c.n, "row", "rows"))}
                                        </span>
                                    }
                                </th></tr>
                            }
                            { for g.iter().map(|e| row(e, u, &level)) }
                        </tbody>
                    } }) }
                </table>
                <ForestPlot rows={forest_rows} {multi} file={plot_file("forest")} level={AttrValue::from(level.clone())}
                            benchmark={props.benchmark.clone()} pp={forest_pp} />
                <Trust sensitivity={r.report.sensitivity.clone()} {evalue} file={plot_file("contour")}
                       on_refute={props.on_refute.clone()} on_cancel={props.on_cancel.clone()} />
                if !multi {
                    <CompareWithExperiment example={props.compare_example} on_example={props.on_compare_example.clone()}
                                           on_file={props.on_compare_file.clone()} />
                }
            }
            { for r.report.errors.iter().map(|e| html! {
                <p class="error-inline" data-testid={format!("method-error-{}", e.method)} data-arm={e.arm.clone()}>
                    <strong>{e.method.label()}{ e.arm.as_ref().map(|a| format!(" · {}", comparison_name(r, a))) }{": "}</strong>{message(&e.message)}
                </p>
            }) }
            if !r.report.overlap.is_empty() || !r.report.balance.is_empty() {
                <Diagnostics overlap={r.report.overlap.clone()} balance={r.report.balance.clone()} control={control.clone()}
                             treatment={AttrValue::from(r.spec.treatment.clone())}
                             file={AttrValue::from(file_stem(&stem))} />
            }
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
                    {format!("Adjusted for {}: {}.", format::plural(r.report.covariates.len(), "covariate", "covariates"), r.report.covariates.join(", "))}
                }
                {format!(" Intervals are normal {level} intervals.")}
                { for method_notes(&r.report.results).into_iter().map(|n| html! { <>{" "}{n}</> }) }
            </p>
            if let Some(p) = &r.report.propensity {
                <p class="muted small" data-testid="propensity-summary">
                    {format!("Propensity model: logistic regression, converged in {}; fitted propensities range from {} to {}.",
                        format::plural(p.n_iter, "Newton step", "Newton steps"), format::p_value(p.min), format::p_value(p.max))}
                </p>
            }
        </section>
    }
}

/// One sentence an analyst can paste into a report (per comparison for multi-arm data): the
/// adjusted estimate when there is one.
fn takeaway(r: &RunResult) -> Html {
    let (groups, _) = grouped(&r.report.results);
    let control = r.report.control.as_ref().or(r.spec.control.as_ref());
    let level = level_text(r.spec.options.alpha);
    html! {
        { for groups.iter().filter_map(|(arm, rows)| {
            let e = rows.iter().find(|e| e.method == Method::Ols).or_else(|| rows.first())?;
            let u = if is_dose(e) { Units { rate: None } } else { Units::of(&r.report, arm.as_deref()) };
            let d = u.decimals(e.std_error);
            let signed = u.signed(e.estimate, d);
            let relative = u.relative(e.estimate).map(|t| format!(" ({t})")).unwrap_or_default();
            let interval = u.interval(e.ci_low, e.ci_high, d);
            let how = if e.method == Method::Ols && !r.report.covariates.is_empty() {
                format!("Adjusting for {}, ", format::plural(r.report.covariates.len(), "covariate", "covariates"))
            } else {
                String::new()
            };
            let verdict = if e.ci_low > 0.0 || e.ci_high < 0.0 {
                "The interval excludes zero."
            } else {
                "The interval includes zero: the data are consistent with no effect."
            };
            let trust = e.unreliable.as_ref().map(|_| html! {
                <strong class="untrusted">{format!(" {} is not to be trusted here (see the warning below).", e.method.label())}</strong>
            });
            let cap = |w: &str| if how.is_empty() { w.to_string() } else { w.to_lowercase() };
            if is_dose(e) {
                let z: Vec<Html> = r.spec.instruments.iter().map(|z| html! { <code>{z}</code> }).collect();
                return Some(html! {
                    <p class="takeaway" data-testid="takeaway">
                        {"One more unit of "}<code>{&r.spec.treatment}</code>{" (instrumented by "}{for z}{") changes "}
                        <code>{&r.spec.outcome}</code>{" by "}<strong>{signed}</strong>
                        {format!(" on average among those the instrument moves ({level} interval {interval}). {verdict}")}
                        {trust}
                    </p>
                });
            }
            let (name, what) = match (arm, control) {
                (Some(a), Some(c)) => (
                    Some(comparison_name(r, a)),
                    html! { <>{cap("Having ")}<code>{&r.spec.treatment}</code>{format!(" at {a} rather than {c}")}</> },
                ),
                _ => (None, html! { <>{cap("Being treated (")}<code>{&r.spec.treatment}</code>{" = 1)"}</> }),
            };
            Some(html! {
                <p class="takeaway" data-testid="takeaway" data-arm={arm.clone()}>
                    if let Some(n) = name { <strong class="takeaway-arm">{n}{": "}</strong> }
                    {how}{what}{" changes "}<code>{&r.spec.outcome}</code>
                    {" by "}<strong class="takeaway-effect">{signed}</strong>{relative}
                    {format!(" on average ({level} interval {interval}). {verdict}")}
                    {trust}
                </p>
            })
        }) }
    }
}

/// A 2SLS row whose treatment is a numeric dose (not every row is 0 or 1).
fn is_dose(e: &EffectRow) -> bool {
    e.method == Method::TwoSls && e.n_treated + e.n_control < e.n
}

fn row(e: &EffectRow, units: Units, level: &str) -> Html {
    let units = if is_dose(e) { Units { rate: None } } else { units };
    let d = units.decimals(e.std_error);
    let significant = e.ci_low > 0.0 || e.ci_high < 0.0;
    let mut notes: Vec<(&'static str, String)> = Vec::new();
    if let Some(m) = &e.matching {
        notes.push((
            "matching",
            format!(
                "Matched {} of {} ({} unmatched) to {}, {} replacement; caliper {:.3} on the logit scale.",
                format::count(m.n_treated_matched),
                format::plural(m.n_treated_matched + m.n_treated_unmatched, "treated unit", "treated units"),
                format::count(m.n_treated_unmatched),
                format::plural(m.n_control_unique, "distinct control", "distinct controls"),
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
                "Bootstrap ({}, every model refitted): standard error {}, percentile interval {}.",
                format::plural(b.replications, "resample", "resamples"),
                units.bare(b.std_error, units.se_decimals(d)) + &units.unit(),
                units.interval(b.ci_low, b.ci_high, d)
            ),
        ));
    }
    if let Some(se) = e.se_causalml {
        notes.push((
            "causalml-se",
            format!("causalml 0.18 would report a standard error of {} (it divides by n instead of √n); the one shown is corrected.", units.bare(se, units.se_decimals(d)) + &units.unit()),
        ));
    }
    let has_notes = !notes.is_empty() || !e.warnings.is_empty() || e.unreliable.is_some();
    let relative = units.rate.and_then(|rate| format::relative(e.estimate, rate));
    html! {
        <>
        <tr data-testid={format!("result-{}", e.method)} data-arm={e.arm.clone()}
            data-boot-ci-low={e.bootstrap.as_ref().map(|b| b.ci_low.to_string())}
            data-boot-ci-high={e.bootstrap.as_ref().map(|b| b.ci_high.to_string())}
            data-estimate={e.estimate.to_string()} data-std-error={e.std_error.to_string()}
            data-ci-low={e.ci_low.to_string()} data-ci-high={e.ci_high.to_string()}
            data-n={e.n.to_string()} data-unreliable={e.unreliable.is_some().then_some("true")}
            class={classes!(has_notes.then_some("has-notes"), e.unreliable.is_some().then_some("unreliable"))}>
            <th scope="row" class="method">
                {e.method.label()}
                if let Some(a) = &e.arm { <span class="arm-tag">{a}</span> }
            </th>
            <td class="estimand" data-label="Estimand">{e.estimand.as_str()}</td>
            <td class={classes!("num", "estimate", significant.then_some("significant"))} data-label="Estimate">
                <span class="value">{units.effect(e.estimate, d)}</span>
                if e.unreliable.is_some() {
                    <span class="untrusted-badge" title="not to be trusted: see the warning under this row">{"⚠ not to be trusted"}</span>
                }
                if let Some(rel) = relative { <span class="relative">{format!("{rel} relative")}</span> }
            </td>
            <td class="num se" data-label="Std. error">{units.bare(e.std_error, units.se_decimals(d))}{units.unit()}</td>
            <td class="num interval" data-label={format!("{level} interval")}>{units.interval(e.ci_low, e.ci_high, d)}</td>
            if is_dose(e) {
                <td class="num count treated" data-label="Treated" title="a numeric dose has no treated and control groups">{"—"}</td>
                <td class="num count control" data-label="Control">{"—"}</td>
            } else {
                <td class="num count treated" data-label="Treated">{format::count(e.n_treated)}</td>
                <td class="num count control" data-label="Control">{format::count(e.n_control)}</td>
            }
        </tr>
        if has_notes {
            <tr class="row-notes" data-testid={format!("notes-{}", e.method)} data-arm={e.arm.clone()}>
                <td colspan="7">
                    if let Some(u) = &e.unreliable {
                        <p class="row-warning untrusted" data-kind="unreliable">{"⚠ "}{message(u)}</p>
                    }
                    { for e.warnings.iter().map(|w| html! { <p class="row-warning">{"⚠ "}{message(w)}</p> }) }
                    { for notes.iter().map(|(kind, n)| html! { <p class="row-note" data-kind={*kind}>{n}</p> }) }
                </td>
            </tr>
        }
        </>
    }
}

/// Props of [`ForestPlot`].
#[derive(Properties, PartialEq)]
pub struct ForestPlotProps {
    /// One interval per method, with the name of its comparison (multi-arm data).
    pub rows: Vec<(EffectRow, Option<String>)>,
    /// Group the intervals under their comparison's name (multi-arm data).
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
    /// Effects on a 0/1 outcome: the axis in percentage points.
    #[prop_or_default]
    pub pp: bool,
}

/// Point and interval per method on a shared axis with the zero line.
#[component]
pub fn ForestPlot(props: &ForestPlotProps) -> Html {
    const W: f64 = 640.0;
    let left: f64 = 190.0;
    const RIGHT: f64 = 24.0;
    const ROW: f64 = 34.0;
    const HEAD: f64 = 26.0;
    const TOP: f64 = 12.0;
    let scale = if props.pp { 100.0 } else { 1.0 };
    let bench =
        props.benchmark.as_ref().filter(|(v, _)| v.is_finite()).map(|(v, w)| (v * scale, w));
    // Each line: a comparison's heading (multi-arm) or an interval.
    enum Line<'a> {
        Head(&'a str),
        Interval(&'a EffectRow),
    }
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut last: Option<&str> = None;
    for (r, name) in &props.rows {
        if props.multi
            && let Some(n) = name.as_deref()
            && last != Some(n)
        {
            lines.push(Line::Head(n));
            last = Some(n);
        }
        lines.push(Line::Interval(r));
    }
    let rows = props.rows.iter().map(|(r, _)| r);
    let lo =
        rows.clone().map(|r| r.ci_low * scale).chain(bench.map(|b| b.0)).fold(0.0_f64, f64::min);
    let hi = rows.map(|r| r.ci_high * scale).chain(bench.map(|b| b.0)).fold(0.0_f64, f64::max);
    let level = if props.level.is_empty() { "95%" } else { props.level.as_str() };
    let top = if bench.is_some() { TOP + 16.0 } else { TOP };
    let pad = (hi - lo).max(f64::MIN_POSITIVE) * 0.08;
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (W - left - RIGHT);
    let mut y_of = Vec::with_capacity(lines.len());
    let mut y = top;
    for l in &lines {
        let step = if matches!(l, Line::Head(_)) { HEAD } else { ROW };
        y_of.push(y + step / 2.0);
        y += step;
    }
    let axis = if props.pp { 20.0 } else { 0.0 };
    let h = y + 30.0 + axis;
    let ticks = nice_ticks(lo, hi, 5);
    let step = ticks.get(1).zip(ticks.first()).map_or(1.0, |(b, a)| b - a);
    let tick_decimals = format::decimals_for(step * 10.0);
    let caption = html! {
        <>
            {format!("Each dot is an estimate, each bar its {level} interval; the dashed line is no effect.")}
            if props.pp { {" Effects in percentage points."} }
            if let Some((_, what)) = bench { {format!(" The gold line is the {what}.")} }
        </>
    };
    let tick_labels = ticks.iter().map(|&t| (x(t), format::with_separators(t, tick_decimals)));
    let base = h - 24.0 - axis;
    html! {
        <PlotFrame kind="forest" view_box={format!("0 0 {W} {h}")} aria_label={format!("Forest plot of the estimates with {level} intervals")}
                   label="forest plot" file={props.file.clone()} {caption}>
                {x_ticks(tick_labels, top, base, base + 16.0)}
                if props.pp {
                    <text class="axis-title" x={((left + W - RIGHT) / 2.0).to_string()} y={(h - 6.0).to_string()} text-anchor="middle">
                        {"effect in percentage points"}
                    </text>
                }
                <line class="zero" x1={x(0.0).to_string()} x2={x(0.0).to_string()} y1={(top - 4.0).to_string()} y2={base.to_string()} />
                if let Some((v, what)) = bench {
                    <g class="benchmark" data-testid="forest-benchmark" data-value={(v / scale).to_string()}>
                        <line x1={x(v).to_string()} x2={x(v).to_string()} y1={(top - 4.0).to_string()} y2={base.to_string()} />
                        <text x={x(v).to_string()} y={(top - 8.0).to_string()}
                              text-anchor={if x(v) > W - 160.0 { "end" } else { "middle" }}>
                            {format!("{what}: {}", format::with_separators(v, tick_decimals.clamp(2, 4)))}
                        </text>
                    </g>
                }
                { for lines.iter().zip(&y_of).map(|(l, &y)| match l {
                    Line::Head(name) => html! {
                        <text class="group" x="8" y={(y + 5.0).to_string()} data-testid="forest-group">{name.to_string()}</text>
                    },
                    Line::Interval(r) => {
                        // Two labels: the full one, and a short one that a narrow screen shows larger.
                        let long = if props.multi { r.method.short_label() } else { r.method.label() };
                        let flag = r.unreliable.as_ref().map(|_| " ⚠");
                        let lx = if props.multi { "20" } else { "8" };
                        let (l, u, e) = (x(r.ci_low * scale), x(r.ci_high * scale), x(r.estimate * scale));
                        html! {
                            <g class={classes!("interval", r.unreliable.is_some().then_some("unreliable"))}
                               data-method={r.method.as_str()} data-arm={r.arm.clone()}>
                                <text class="label long" x={lx} y={(y + 4.0).to_string()}>{long}{flag}</text>
                                <text class="label short" x={lx} y={(y + 6.0).to_string()}>{r.method.short_label()}{flag}</text>
                                <line x1={l.to_string()} x2={u.to_string()} y1={y.to_string()} y2={y.to_string()} />
                                <line class="cap" x1={l.to_string()} x2={l.to_string()} y1={(y - 6.0).to_string()} y2={(y + 6.0).to_string()} />
                                <line class="cap" x1={u.to_string()} x2={u.to_string()} y1={(y - 6.0).to_string()} y2={(y + 6.0).to_string()} />
                                <circle cx={e.to_string()} cy={y.to_string()} r="6" />
                            </g>
                        }
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
