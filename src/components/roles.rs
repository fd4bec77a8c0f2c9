//! Treatment, outcome, covariates, methods and the Run button.

use cf_engine::{ColumnKind, ColumnSummary, EstimandChoice, Method};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::context::use_app;
use crate::components::message::message;
use crate::state::{Action, AppState, Busy};

/// Props of [`RolesPanel`] (the page state comes from the context).
#[derive(Properties, PartialEq)]
pub struct RolesPanelProps {
    /// Run the analysis.
    pub on_run: Callback<()>,
    /// Stop the running analysis.
    pub on_cancel: Callback<()>,
}

fn select_value(e: &Event) -> Option<String> {
    e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value())
}

/// The analysis settings card.
#[component]
pub fn RolesPanel(props: &RolesPanelProps) -> Html {
    let (s, _) = use_app();
    if s.dataset.is_none() {
        return html! {};
    }
    html! {
        <section class="card roles-card" aria-labelledby="roles-title">
            <header class="card-head"><h2 id="roles-title">{"Analysis"}</h2></header>
            <RoleFields />
            <Covariates />
            <MethodSettings />
            <RunRow on_run={props.on_run.clone()} on_cancel={props.on_cancel.clone()} />
        </section>
    }
}

fn option(name: &str, selected: &str) -> Html {
    html! { <option value={name.to_string()} selected={name == selected}>{name}</option> }
}

/// A select's change as an action, when `f` makes one of its value.
fn on_select(dispatch: &Callback<Action>, f: fn(String) -> Option<Action>) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        if let Some(a) = select_value(&e).and_then(f) {
            dispatch.emit(a);
        }
    })
}

/// Treatment, control level, outcome, and why they cannot be estimated.
#[component]
fn RoleFields() -> Html {
    let (s, dispatch) = use_app();
    let Some(d) = &s.dataset else { return html! {} };
    let cols = &d.summary.columns;
    let treatment = s.treatment.clone().unwrap_or_default();
    let outcome = s.outcome.clone().unwrap_or_default();
    let on_treatment = on_select(&dispatch, |v| Some(Action::SetTreatment(v)));
    let on_outcome = on_select(&dispatch, |v| Some(Action::SetOutcome(v)));
    let on_control =
        on_select(&dispatch, |v| Some(Action::SetControl((!v.is_empty()).then_some(v))));
    let names = |keep: fn(ColumnKind) -> bool| -> Vec<&str> {
        cols.iter().filter(|c| keep(c.kind)).map(|c| c.name.as_str()).collect()
    };
    let binary = names(|k| k == ColumnKind::Binary);
    let others = names(|k| k != ColumnKind::Binary);
    let outcomes = names(|k| k != ColumnKind::Categorical);
    let text_cols = names(|k| k == ColumnKind::Categorical);
    let problem = s.role_problem();
    let levels = s.treatment_levels();
    let treatment_invalid =
        s.column(&treatment).is_some_and(|c| c.kind != ColumnKind::Binary) && levels.is_none();
    let control = s.control.clone().unwrap_or_default();
    html! {
        <>
            <div class="field">
                <label for="treatment-select">{"Treatment"}<span class="hint">{
                    if s.treatment_is_dose() { "a numeric dose, instrumented" }
                    else if levels.is_some() { "several values: each is compared with a control level" }
                    else { "who got it: 1, who did not: 0" }
                }</span></label>
                <select id="treatment-select" data-testid="treatment-select" onchange={on_treatment}
                        aria-invalid={(problem.is_some() && treatment_invalid).to_string()}>
                    if treatment.is_empty() { <option value="" selected=true disabled=true>{"Choose…"}</option> }
                    <optgroup label="Binary (0/1) columns">{ for binary.iter().map(|n| option(n, &treatment)) }</optgroup>
                    if !others.is_empty() {
                        <optgroup label="Other columns">{ for others.iter().map(|n| option(n, &treatment)) }</optgroup>
                    }
                </select>
            </div>
            if !treatment.is_empty() && !s.treatment_is_dose() {
                <label class="check inline randomized" for="randomized">
                    <input type="checkbox" id="randomized" data-testid="randomized" checked={s.options.randomized}
                           onchange={on_check(&dispatch, Action::SetRandomized)} />
                    <span>{"Randomized (an A/B test)"}<span class="hint">{"adds the experiment's readout: lift, power, CUPED"}</span></span>
                </label>
            }
            if let Some(levels) = levels.filter(|_| !s.treatment_is_dose()) {
                <div class="field">
                    <label for="control-level">{"Control level"}<span class="hint">{"each other value is compared with it"}</span></label>
                    <select id="control-level" data-testid="control-level" onchange={on_control}
                            aria-invalid={s.control.is_none().to_string()}>
                        <option value="" selected={control.is_empty()} disabled=true>{"Choose…"}</option>
                        { for levels.iter().map(|l| option(l, &control)) }
                    </select>
                </div>
            }
            <div class="field">
                <label for="outcome-select">{"Outcome"}<span class="hint">{"what the treatment may change"}</span></label>
                <select id="outcome-select" data-testid="outcome-select" onchange={on_outcome}>
                    if outcome.is_empty() { <option value="" selected=true disabled=true>{"Choose…"}</option> }
                    { for outcomes.iter().map(|n| option(n, &outcome)) }
                    if !text_cols.is_empty() {
                        <optgroup label="Text columns">{ for text_cols.iter().map(|n| option(n, &outcome)) }</optgroup>
                    }
                </select>
            </div>
            if let Some(p) = &problem {
                <p class="field-error" role="alert" data-testid="error-message">{message(p)}</p>
            }
        </>
    }
}

/// A checkbox's change.
fn on_check(dispatch: &Callback<Action>, f: impl Fn(bool) -> Action + 'static) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            dispatch.emit(f(i.checked()));
        }
    })
}

/// The loaded file's columns other than the treatment and the outcome that `keep` keeps.
fn other_columns(s: &AppState, keep: impl Fn(&ColumnSummary) -> bool) -> Vec<&ColumnSummary> {
    let treatment = s.treatment.as_deref().unwrap_or_default();
    let outcome = s.outcome.as_deref().unwrap_or_default();
    s.dataset
        .iter()
        .flat_map(|d| &d.summary.columns)
        .filter(|c| c.name != treatment && c.name != outcome && keep(c))
        .collect()
}

/// The covariates to adjust for.
#[component]
fn Covariates() -> Html {
    let (s, dispatch) = use_app();
    let candidates = other_columns(&s, |c| !s.instruments.contains(&c.name));
    let n_checked = candidates.iter().filter(|c| s.covariates.contains(&c.name)).count();
    let derived = s.not_by_default();
    html! {
        <fieldset class="field covariates">
            <legend>
                {"Adjust for"}
                <span class="hint">{format!("{n_checked} of {}", cf_engine::format::plural(candidates.len(), "column", "columns"))}</span>
            </legend>
            <div class="checks">
            { for candidates.iter().map(|c| {
                let name = c.name.clone();
                let checked = s.covariates.contains(&c.name);
                let onchange = on_check(&dispatch, move |on| Action::SetCovariate(name.clone(), on));
                let id = format!("cov-{}", c.name);
                let wide = c.identifier || derived.iter().any(|(d, _)| *d == c.name);
                html! {
                    <div class={classes!("check-cell", wide.then_some("identifier"))}>
                    <label class="check" for={id.clone()}>
                        <input type="checkbox" id={id} data-testid={format!("covariate-{}", c.name)} {checked} {onchange} />
                        <span>{&c.name}</span>
                        if let Some((_, why)) = derived.iter().find(|(d, _)| *d == c.name) {
                            <span class={classes!("hint", "derived", checked.then_some("ticked"))}
                                  data-testid={format!("derived-{}", c.name)}
                                  title="Adjusting for a column measured after the treatment, or computed from the outcome, biases the effect.">
                                { if checked { format!("ticked, but {why}") } else { format!("not ticked: {why}") } }
                            </span>
                        } else if c.identifier {
                            <span class="hint" data-testid={format!("identifier-{}", c.name)}
                                  title="Every value differs, as in an identifier: it would describe each row, not cause anything. Tick it only if it is a real measurement.">
                                {"every value differs, as in an identifier: not ticked"}
                            </span>
                        } else if c.kind == ColumnKind::Categorical { <span class="hint">{"text: one-hot"}</span> }
                    </label>
                    { type_control(&s, &dispatch, c) }
                    </div>
                }
            }) }
            </div>
        </fieldset>
    }
}

/// For a numeric column with few distinct values (codes such as education levels 1–5): whether it
/// is adjusted for as a number (one slope) or as categories (one indicator per value).
fn type_control(s: &AppState, dispatch: &Callback<Action>, c: &ColumnSummary) -> Html {
    let n = c.levels.as_ref().map_or(0, Vec::len);
    if c.kind != ColumnKind::Numeric || n <= 2 {
        return html! {};
    }
    let as_categories = s.categorical.contains(&c.name);
    let name = c.name.clone();
    let onclick = dispatch.reform(move |_| Action::SetCategorical(name.clone(), !as_categories));
    html! {
        <button type="button" class={classes!("type-toggle", as_categories.then_some("on"))}
                data-testid={format!("type-{}", c.name)} aria-pressed={as_categories.to_string()}
                aria-label={format!("Adjust for {} as {n} categories instead of one number", c.name)}
                title={format!("{} has {n} distinct values: as a number it gets one slope, as categories one indicator per value", c.name)}
                {onclick}>
            { if as_categories { format!("as {n} categories") } else { "as a number".to_string() } }
        </button>
    }
}

/// The methods and how they run.
#[component]
fn MethodSettings() -> Html {
    let (s, dispatch) = use_app();
    let instrument = s.instruments.first().cloned().unwrap_or_default();
    let instrument_cols: Vec<&str> = other_columns(&s, |c| c.kind != ColumnKind::Categorical)
        .into_iter()
        .map(|c| c.name.as_str())
        .collect();
    let on_instrument =
        on_select(&dispatch, |v| Some(Action::SetInstrument((!v.is_empty()).then_some(v))));
    let on_missing =
        on_select(&dispatch, |v| cf_engine::MissingPolicy::parse(&v).map(Action::SetMissing));
    let on_bootstrap = on_select(&dispatch, |v| v.parse::<usize>().ok().map(Action::SetBootstrap));
    let on_estimand = on_select(&dispatch, |v| EstimandChoice::parse(&v).map(Action::SetEstimand));
    html! {
        <fieldset class="field methods">
            <legend>{"Methods"}</legend>
            { for Method::ALL.iter().map(|&m| {
                let onchange = on_check(&dispatch, move |on| Action::SetMethod(m, on));
                let id = format!("method-{}", m.as_str());
                let needs_instrument = m == Method::TwoSls && s.instruments.is_empty();
                html! {
                    <label class={classes!("check", needs_instrument.then_some("disabled"))} for={id.clone()}>
                        <input type="checkbox" id={id} data-testid={format!("method-{}", m.as_str())}
                               checked={s.methods.contains(&m)} disabled={needs_instrument} {onchange} />
                        <span>{m.label()}</span>
                        if needs_instrument { <span class="hint">{"choose an instrument below"}</span> }
                    </label>
                }
            }) }
            <label class="inline" for="instrument-select">
                {"Instrument (2SLS)"}
                <select id="instrument-select" data-testid="instrument" onchange={on_instrument}>
                    <option value="" selected={instrument.is_empty()}>{"none"}</option>
                    { for instrument_cols.iter().map(|n| option(n, &instrument)) }
                </select>
            </label>
            <label class="check inline" for="psm-replace">
                <input type="checkbox" id="psm-replace" data-testid="psm-replace" checked={s.options.replace} onchange={on_check(&dispatch, Action::SetReplace)} />
                <span>{"Matching with replacement"}</span>
            </label>
            <label class="inline" for="missing-select">
                {"Missing covariates"}
                <select id="missing-select" data-testid="missing-policy" onchange={on_missing}>
                    <option value="drop" selected={s.options.missing == cf_engine::MissingPolicy::Drop}>{"drop those rows"}</option>
                    <option value="indicator" selected={s.options.missing == cf_engine::MissingPolicy::Indicator}>{"impute the mean + missing indicator"}</option>
                </select>
            </label>
            <label class="inline" for="bootstrap-select">
                {"Bootstrap intervals"}
                <select id="bootstrap-select" data-testid="bootstrap" onchange={on_bootstrap}>
                    { for bootstrap_choices(s.options.bootstrap).into_iter().map(|(n, label)| html! {
                        <option value={n.to_string()} selected={s.options.bootstrap == n}>{label}</option>
                    }) }
                </select>
            </label>
            <label class="inline" for="estimand-select">
                {"Weighting estimates the"}
                <select id="estimand-select" data-testid="estimand-select" onchange={on_estimand}>
                    <option value="ate" selected={s.options.estimand == EstimandChoice::Ate}>{"ATE: effect on everyone"}</option>
                    <option value="att" selected={s.options.estimand == EstimandChoice::Att}>{"ATT: effect on the treated"}</option>
                </select>
            </label>
            { number_select("alpha", "Confidence level", s.options.alpha,
                &[(0.1, "90%"), (0.05, "95%"), (0.01, "99%")],
                |a| format!("{}%", cf_engine::format::with_separators(100.0 * (1.0 - a), 1)),
                dispatch.reform(Action::SetAlpha)) }
            { number_select("trim", "Propensity trimming", s.options.trim,
                &[(0.0, "none"), (0.01, "outside 0.01–0.99"), (0.025, "outside 0.025–0.975"), (0.05, "outside 0.05–0.95"), (0.1, "outside 0.1–0.9")],
                |t| format!("outside {t}–{}", 1.0 - t),
                dispatch.reform(Action::SetTrim)) }
            { number_select("l2", "Propensity L2 penalty", s.options.l2,
                &[(0.0, "none (maximum likelihood)"), (0.1, "0.1"), (1.0, "1 (scikit-learn's default C = 1)"), (10.0, "10")],
                |l| l.to_string(),
                dispatch.reform(Action::SetL2)) }
        </fieldset>
    }
}

/// The Run button, its progress, and what keeps it from running.
#[component]
fn RunRow(props: &RolesPanelProps) -> Html {
    let (s, _) = use_app();
    let running = s.busy == Busy::Running;
    let can_run = s.spec().is_some() && s.busy == Busy::Idle;
    let run_hint = if s.outcome.is_none() {
        Some("Choose the outcome to estimate an effect.")
    } else if s.methods.is_empty() {
        Some("Choose at least one method.")
    } else {
        None
    };
    html! {
        <div class="run-row">
            <button class="primary" data-testid="run-button" disabled={!can_run}
                    onclick={props.on_run.reform(|_| ())}>
                if running { <span class="spinner" aria-hidden="true"></span>{"Estimating…"} } else { {"Estimate effect"} }
            </button>
            if running {
                <button class="ghost" data-testid="cancel-button" onclick={props.on_cancel.reform(|_| ())}>{"Cancel"}</button>
                if s.options.bootstrap > 0 {
                    <span class="run-progress" data-testid="run-progress">
                        <progress max="100" value={format!("{:.0}", 100.0 * s.run_progress)} aria-label="bootstrap progress"></progress>
                        {format!(" bootstrap {:.0}%", 100.0 * s.run_progress)}
                    </span>
                }
            }
            if let Some(h) = run_hint { <span class="hint">{h}</span> }
            else if let Some(p) = s.role_problem() {
                <span class="hint blocked" data-testid="run-blocked">{"Run waits: "}{message(&p)}</span>
            }
            if let Some(e) = &s.run_error {
                <p class="error-inline" role="alert" data-testid="run-error">{message(e)}</p>
            }
            if let Some(w) = s.adjustment_warning() {
                <p class="warning graph-warning" role="status" data-testid="adjustment-warning">{message(&w)}</p>
            }
        </div>
    }
}

/// The bootstrap sizes offered, with a share link's other (valid) size as one more.
fn bootstrap_choices(current: usize) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = [0, 100, 500, 2000]
        .into_iter()
        .map(|n| {
            (
                n,
                if n == 0 {
                    "off".to_string()
                } else {
                    cf_engine::format::plural(n, "resample", "resamples")
                },
            )
        })
        .collect();
    if !out.iter().any(|(n, _)| *n == current) {
        out.push((current, cf_engine::format::plural(current, "resample", "resamples")));
    }
    out
}

/// A labelled select of numbers; a value from a share link that is not among the choices is
/// offered as one more.
fn number_select(
    id: &str,
    label: &str,
    value: f64,
    choices: &[(f64, &str)],
    describe: impl Fn(f64) -> String,
    on_pick: Callback<f64>,
) -> Html {
    let mut options: Vec<(f64, String)> =
        choices.iter().map(|&(v, l)| (v, l.to_string())).collect();
    if !options.iter().any(|(v, _)| *v == value) {
        options.push((value, describe(value)));
    }
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = select_value(&e).and_then(|v| v.parse::<f64>().ok()) {
            on_pick.emit(v);
        }
    });
    let dom_id = format!("{id}-select");
    html! {
        <label class="inline" for={dom_id.clone()}>
            {label}
            <select id={dom_id} data-testid={format!("setting-{id}")} {onchange}>
                { for options.into_iter().map(|(v, l)| html! {
                    <option value={v.to_string()} selected={v == value}>{l}</option>
                }) }
            </select>
        </label>
    }
}
