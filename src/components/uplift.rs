//! "Who responds": uplift models fitted in the worker, judged on held-out rows by their AUUC and
//! Qini (causalml's definitions, [`cf_uplift::metrics`]), with the cumulative gain curves.

use cf_engine::format;
use cf_engine::uplift::{TreeOptions, UpliftModelResult};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::context::use_app;
use crate::components::message::message;
use crate::components::plot::{PlotFrame, nice_ticks, x_ticks, y_ticks};
use crate::components::results::level_text;
use crate::state::uplift::{OFFERED, describe, fits_outcome};
use crate::state::{Action, Busy};

/// Props of [`WhoResponds`].
#[derive(Properties, PartialEq)]
pub struct WhoRespondsProps {
    /// Send the fit to the worker.
    pub on_fit: Callback<()>,
    /// Stop it.
    pub on_cancel: Callback<()>,
    /// Ask the worker for the targeting list (downloaded when it arrives).
    pub on_list: Callback<()>,
    /// Ask the worker for the model file (downloaded when it arrives).
    pub on_model: Callback<()>,
    /// Score another file with the fitted model.
    pub on_score: Callback<web_sys::File>,
}

/// Colours of the models' curves, in order.
const COLOURS: [&str; 6] = ["#1f6f8b", "#c8553d", "#2e8b57", "#8e6c8a", "#b8860b", "#4a4e69"];

/// The section: model choice, the evaluation split, the fit, the table and the curves.
#[component]
pub fn WhoResponds(props: &WhoRespondsProps) -> Html {
    let (s, dispatch) = use_app();
    let binary = s.outcome_is_binary();
    let chosen = s.uplift_models();
    let fitting = s.busy == Busy::Fitting;
    let can_fit = s.uplift_spec().is_some() && s.busy == Busy::Idle;
    let split_columns = s.split_columns();
    let on_split = dispatch.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetUpliftSplitColumn((!v.is_empty()).then_some(v))
    });
    let truth_columns = s.truth_columns();
    let on_truth = dispatch.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetUpliftTruthColumn((!v.is_empty()).then_some(v))
    });
    let on_fraction = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(pct) = v.trim().parse::<f64>() {
                dispatch.emit(Action::SetUpliftFraction(pct / 100.0));
            }
        })
    };
    html! {
        <section class="card uplift-card" data-testid="who-responds" aria-labelledby="who-responds-title">
            <h2 id="who-responds-title">{"Who responds"}</h2>
            <p class="muted">{"Which customers does the treatment move most? Each model learns the effect per customer on the training rows; the held-out rows then show how well its ranking finds those who respond."}</p>
            <fieldset class="uplift-models">
                <legend>{"Models"}</legend>
                { for OFFERED.iter().filter(|&&m| fits_outcome(m, binary)).map(|&m| {
                    let on = chosen.contains(&m);
                    let toggle = dispatch.reform(move |_| Action::SetUpliftModel(m, !on));
                    html! {
                        <label class="check" title={m.as_str()}>
                            <input type="checkbox" checked={on} onchange={toggle}
                                   data-testid={format!("uplift-model-{}", m.as_str())} />
                            {describe(m)}
                        </label>
                    }
                }) }
            </fieldset>
            <div class="uplift-split">
                <label>{"Held-out rows "}
                    <select data-testid="uplift-split-column" onchange={on_split}>
                        <option value="" selected={s.uplift.split_column.is_none()}>{"a random share"}</option>
                        { for split_columns.iter().map(|c| html! {
                            <option value={c.clone()} selected={s.uplift.split_column.as_ref() == Some(c)}>{format!("marked 1 in {c}")}</option>
                        }) }
                    </select>
                </label>
                if s.uplift.split_column.is_none() {
                    <label>
                        <input type="number" min="5" max="90" step="5" class="narrow" data-testid="uplift-fraction"
                               value={format!("{:.0}", 100.0 * s.uplift.test_fraction)} onchange={on_fraction} />
                        {" % of the rows, stratified on treatment × outcome, seed 42"}
                    </label>
                }
            </div>
            if !truth_columns.is_empty() {
                <div class="uplift-split">
                    <label title="Simulated data only: a column holding each customer's true uplift. It is never used as a covariate.">{"Check the lists against a known true uplift "}
                        <select data-testid="uplift-truth-column" onchange={on_truth}>
                            <option value="" selected={s.uplift.truth_column.is_none()}>{"none (real data)"}</option>
                            { for truth_columns.iter().map(|c| html! {
                                <option value={c.clone()} selected={s.uplift.truth_column.as_ref() == Some(c)}>{c.clone()}</option>
                            }) }
                        </select>
                    </label>
                </div>
            }
            <TreeSettings />
            <div class="run-row">
                <button class="primary" data-testid="uplift-button" disabled={!can_fit}
                        onclick={props.on_fit.reform(|_| ())}>
                    if fitting { <span class="spinner" aria-hidden="true"></span>{"Fitting…"} } else { {"Fit models"} }
                </button>
                if fitting {
                    <button class="ghost" data-testid="uplift-cancel" onclick={props.on_cancel.reform(|_| ())}>{"Cancel"}</button>
                    <span class="run-progress" data-testid="uplift-progress">
                        <progress max="100" value={format!("{:.0}", 100.0 * s.uplift.progress)} aria-label="fitting progress"></progress>
                        {format!(" {:.0}%", 100.0 * s.uplift.progress)}
                    </span>
                }
                if chosen.is_empty() { <span class="hint">{"Choose at least one model."}</span> }
                else if s.treatment_is_dose() { <span class="hint">{"Uplift models need a 0/1 or multi-arm treatment."}</span> }
            </div>
            if let Some(e) = &s.uplift.error {
                <p class="error-inline" role="alert" data-testid="uplift-error">{message(e)}</p>
            }
            if let Some(r) = &s.uplift.result {
                <UpliftTable models={r.report.models.clone()} alpha={r.spec.alpha}
                             n_train={r.report.n_train} n_test={r.report.n_test} millis={r.millis}
                             stale={s.uplift_is_stale()} outcome={r.spec.roles.outcome.clone()} />
                { for r.report.warnings.iter().map(|w| html! { <p class="warning small">{message(w)}</p> }) }
                <crate::components::targeting::Targeting on_list={props.on_list.clone()}
                    on_model={props.on_model.clone()} on_score={props.on_score.clone()} />
            }
        </section>
    }
}

/// The "advanced" fold-out: the trees' and forests' settings, each empty for causalml's default.
#[component]
fn TreeSettings() -> Html {
    let (s, dispatch) = use_app();
    let t = s.uplift.tree.clone();
    // A value that was not taken, said beside its field until the next change (field id, message).
    let refused = use_state(|| None::<(&'static str, String)>);
    type Set = fn(&mut TreeOptions, &str) -> bool;
    let field = |id: &'static str,
                 label: &'static str,
                 default: &'static str,
                 range: &'static str,
                 value: Option<String>,
                 set: Set| {
        let (dispatch, t, refused_set) = (dispatch.clone(), t.clone(), refused.clone());
        let before = value.clone().unwrap_or_default();
        let onchange = Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let v = input.value();
            let mut next = t.clone();
            if set(&mut next, v.trim()) && crate::state::uplift::tree_options_valid(&next) {
                refused_set.set(None);
                dispatch.emit(Action::SetUpliftTree(next));
            } else {
                let kept = if before.is_empty() {
                    format!("causalml's default, {default}")
                } else {
                    before.clone()
                };
                refused_set.set(Some((
                    id,
                    format!("{label}: “{}” is not taken ({range}); it stays {kept}.", v.trim()),
                )));
                input.set_value(&before);
            }
        });
        let error = refused.as_ref().filter(|(f, _)| *f == id).map(|(_, m)| m.clone());
        html! {
            <label class="setting">
                <span>{label}</span>
                <input type="number" min="0" class="narrow" placeholder={default} data-testid={format!("uplift-{id}")}
                       aria-invalid={error.is_some().to_string()}
                       value={value.unwrap_or_default()} {onchange} />
                if let Some(m) = error {
                    <span class="error-inline small" role="alert" data-testid="uplift-setting-refused">{m}</span>
                }
            </label>
        }
    };
    /// Empty = `None`; otherwise a number, or nothing changes.
    fn parse<T: std::str::FromStr>(v: &str, slot: &mut Option<T>) -> bool {
        if v.is_empty() {
            *slot = None;
            return true;
        }
        match v.parse() {
            Ok(n) => {
                *slot = Some(n);
                true
            }
            Err(_) => false,
        }
    }
    let on_search = {
        let (dispatch, t) = (dispatch.clone(), t.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let histogram = match v.as_str() {
                "bins" => Some(true),
                "values" => Some(false),
                _ => None,
            };
            dispatch.emit(Action::SetUpliftTree(TreeOptions { histogram, ..t.clone() }));
        })
    };
    html! {
        <details class="advanced uplift-advanced" data-testid="uplift-advanced">
            <summary>{"Advanced: trees and forests"}</summary>
            <p class="muted small">{"Empty fields take causalml's defaults (a forest: 10 trees, depth 5, 100 rows per leaf, 10 of each group, n_reg 10; a tree: depth 3, 100, 10, n_reg 100). Boosted learners take LightGBM's defaults."}</p>
            <div class="settings-grid">
                { field("trees", "Trees per forest", "10", "a whole number from 1 to 1,000", t.trees.map(|v| v.to_string()), |t, v| parse(v, &mut t.trees)) }
                { field("max-depth", "Deepest level", "5", "a whole number from 1 to 20", t.max_depth.map(|v| v.to_string()), |t, v| parse(v, &mut t.max_depth)) }
                { field("min-samples-leaf", "Rows per leaf", "100", "a whole number, at least 1", t.min_samples_leaf.map(|v| v.to_string()), |t, v| parse(v, &mut t.min_samples_leaf)) }
                { field("min-samples-treatment", "Rows of each group per leaf", "10", "a whole number", t.min_samples_treatment.map(|v| v.to_string()), |t, v| parse(v, &mut t.min_samples_treatment)) }
                { field("n-reg", "Shrinkage toward the parent (n_reg)", "10", "a number, at least 0", t.n_reg.map(|v| v.to_string()), |t, v| parse(v, &mut t.n_reg)) }
                <label class="setting">
                    <span>{"Split search"}</span>
                    <select data-testid="uplift-split-search" onchange={on_search}>
                        <option value="" selected={t.histogram.is_none()}>{"default (bins for a forest, every value for a tree)"}</option>
                        <option value="bins" selected={t.histogram == Some(true)}>{"255 bins (fast)"}</option>
                        <option value="values" selected={t.histogram == Some(false)}>{"every value (causalml's search)"}</option>
                    </select>
                </label>
            </div>
        </details>
    }
}

/// Props of [`UpliftTable`].
#[derive(Properties, PartialEq)]
struct UpliftTableProps {
    models: Vec<UpliftModelResult>,
    alpha: f64,
    n_train: usize,
    n_test: usize,
    millis: f64,
    stale: bool,
    outcome: String,
}

/// A model's name as people read it (`Uplift forest (KL)`), or the name as given (a score column).
pub(crate) fn model_label(model: &str) -> &str {
    cf_engine::uplift::UpliftModel::try_from(model.to_string()).map(describe).unwrap_or(model)
}

/// A model's name as the page shows it, with its arm.
pub(crate) fn name_of(m: &UpliftModelResult) -> String {
    let base = model_label(&m.model).to_string();
    match &m.arm {
        Some(a) => format!("{base} · {a}"),
        None => base,
    }
}

#[component]
fn UpliftTable(props: &UpliftTableProps) -> Html {
    let level = level_text(props.alpha);
    let ci = |v: [f64; 2]| format!("[{:.3}, {:.3}]", v[0], v[1]);
    html! {
        <div class={classes!("uplift-results", props.stale.then_some("stale"))} data-testid="uplift-results">
            if props.stale {
                <p class="hint" data-testid="uplift-stale">{"These models were fitted with other settings: fit again to update them."}</p>
            }
            <p class="muted small">{format!(
                "Fitted on {} and judged on {} held-out rows ({:.1} s in this tab).",
                format::plural(props.n_train, "row", "rows"), format::count(props.n_test), props.millis / 1000.0)}</p>
            <table class="results uplift" data-testid="uplift-table">
                <thead><tr>
                    <th scope="col">{"Model"}</th>
                    <th scope="col" class="num">{"AUUC"}</th><th scope="col" class="num">{format!("{level} interval")}</th>
                    <th scope="col" class="num">{"Qini"}</th><th scope="col" class="num">{format!("{level} interval")}</th>
                    <th scope="col" class="num">{"Fit"}</th>
                </tr></thead>
                <tbody>
                { for props.models.iter().enumerate().map(|(i, m)| html! {
                    <tr data-testid="uplift-row" data-model={m.model.clone()}>
                        <th scope="row"><span class="swatch" style={format!("background:{}", COLOURS[i % COLOURS.len()])}></span>{name_of(m)}</th>
                        <td class="num" data-label="AUUC" data-testid="uplift-auuc">{format!("{:.4}", m.auuc)}</td>
                        <td class="num muted" data-label={format!("AUUC {level} interval")}>{ci(m.auuc_ci)}</td>
                        <td class="num" data-label="Qini" data-testid="uplift-qini">{format!("{:.4}", m.qini)}</td>
                        <td class="num muted" data-label={format!("Qini {level} interval")}>{ci(m.qini_ci)}</td>
                        <td class="num muted" data-label="Fit" data-testid="uplift-seconds">{format!("{:.2} s", m.fit_seconds)}</td>
                    </tr>
                }) }
                </tbody>
            </table>
            <p class="muted small">{"AUUC: 0.5 is a random ranking, higher is better. Qini: 0 is random. Both as causalml normalises them (by the held-out rows' overall gain), with bootstrap intervals over the held-out rows."}</p>
            { for props.models.iter().flat_map(|m| m.warnings.iter()).map(|w| html! { <p class="warning small">{message(w)}</p> }) }
            <GainChart models={props.models.clone()} outcome={props.outcome.clone()} />
            if props.models.iter().any(|m| m.truth.is_some()) {
                <TruthCheck models={props.models.clone()} outcome={props.outcome.clone()} />
            }
        </div>
    }
}

/// The share targeted the truth check reads off, in percent.
const TRUTH_AT: usize = 30;

/// The rankings judged by the file's true uplift (simulated data): the true incremental outcomes
/// among the top share of held-out customers, against the best possible list and random.
#[component]
fn TruthCheck(props: &GainChartProps) -> Html {
    let models: Vec<(usize, &UpliftModelResult, &cf_engine::uplift::Truth)> = props
        .models
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.truth.as_ref().map(|t| (i, m, t)))
        .collect();
    let Some(&(_, _, first)) = models.first() else { return html! {} };
    let (w, h) = (640.0, 280.0);
    let (left, right, top, bottom) = (64.0, 16.0, 14.0, 40.0);
    let all = models.iter().flat_map(|(_, _, t)| t.model.iter().chain(&t.best).copied());
    let (lo, hi) =
        all.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let px = |f: f64| left + f * (w - left - right);
    let py = |v: f64| top + (hi - v) / (hi - lo) * (h - top - bottom);
    let line = |f: &[f64], v: &[f64]| -> String {
        f.iter()
            .zip(v)
            .map(|(&f, &v)| format!("{:.1},{:.1}", px(f), py(v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let decimals = if hi - lo < 10.0 { 1 } else { 0 };
    let n = |v: f64| format::with_separators(v, 1);
    html! {
        <div class="truth-check" data-testid="truth-check">
            <h4>{"Against the true uplift"}</h4>
            <p class="hint">{format!(
                "This file holds each customer's true uplift, so each list can be checked: the true incremental {} among the top {TRUTH_AT} % of held-out customers it ranks first, against the best possible list (ranked by the true uplift) and a random one.",
                props.outcome)}</p>
            <table class="results uplift truth-list" data-testid="truth-table">
                <thead><tr>
                    <th scope="col">{"Model"}</th>
                    <th scope="col" class="num">{format!("True incremental {}, top {TRUTH_AT} %", props.outcome)}</th>
                    <th scope="col" class="num">{"Share of the best list's"}</th>
                    <th scope="col" class="num">{"Against random"}</th>
                </tr></thead>
                <tbody>
                { for models.iter().map(|&(i, m, t)| {
                    let (got, random) = (t.model[TRUTH_AT], t.random[TRUTH_AT]);
                    let best_share = t.share_of_best(TRUTH_AT);
                    html! {
                        <tr data-testid="truth-row" data-model={m.model.clone()} data-captured={got.to_string()}
                            data-best={t.best[TRUTH_AT].to_string()} data-random={random.to_string()}
                            data-share-of-best={best_share.map_or(String::new(), |q| q.to_string())}>
                            <th scope="row"><span class="swatch" style={format!("background:{}", COLOURS[i % COLOURS.len()])}></span>{name_of(m)}</th>
                            <td class="num" data-label="True incremental">{n(got)}</td>
                            <td class="num" data-label="Share of the best">{best_share.map_or("—".to_string(), format::percent)}</td>
                            <td class="num" data-label="Against random">{format!("{} ({})", format::signed(got - random, 1), if random > 0.0 { format!("{:.2}×", got / random) } else { "—".into() })}</td>
                        </tr>
                    }
                }) }
                <tr class="muted">
                    <th scope="row"><span class="swatch best"></span>{"Best possible list"}</th>
                    <td class="num" data-label="True incremental">{n(first.best[TRUTH_AT])}</td>
                    <td class="num" data-label="Share of the best">{"100 %"}</td>
                    <td class="num" data-label="Against random">{format::signed(first.best[TRUTH_AT] - first.random[TRUTH_AT], 1)}</td>
                </tr>
                <tr class="muted">
                    <th scope="row"><span class="swatch random"></span>{"Random list"}</th>
                    <td class="num" data-label="True incremental">{n(first.random[TRUTH_AT])}</td>
                    <td class="num" data-label="Share of the best">{first.share_of_best_random(TRUTH_AT).map_or("—".to_string(), format::percent)}</td>
                    <td class="num" data-label="Against random">{"0"}</td>
                </tr>
                </tbody>
            </table>
            <PlotFrame kind="truth" view_box={format!("0 0 {w} {h}")} label="true uplift chart"
                       aria_label={format!("True incremental {} against the share of held-out customers targeted, per model, with the best and a random list", props.outcome)}
                       caption={html! {<>
                           {format!("True incremental {} among the top share of held-out customers of each list. ", props.outcome)}
                           <strong>{"The closer a model's curve comes to the best list's (solid grey), the better its list."}</strong>
                       </>}}>
                { y_ticks(nice_ticks(lo, hi, 5).iter().map(|&v| (py(v), format::with_separators(v, decimals))), left, w - right) }
                { x_ticks((0..=10).map(|k| (px(k as f64 / 10.0), format!("{}%", k * 10))), top, h - bottom, h - bottom + 16.0) }
                <text class="axis-label" x={px(0.5).to_string()} y={(h - 4.0).to_string()} text-anchor="middle">{"share of held-out customers targeted"}</text>
                <polyline class="best" data-testid="truth-best" points={line(&first.fraction, &first.best)} fill="none" />
                <polyline class="random-line" points={line(&first.fraction, &first.random)} fill="none" />
                { for models.iter().map(|&(i, m, t)| html! {
                    <polyline data-testid="truth-curve" data-model={m.model.clone()} points={line(&t.fraction, &t.model)}
                              fill="none" stroke={COLOURS[i % COLOURS.len()]} stroke-width="2">
                        <title>{format!("{}: top {TRUTH_AT}% → {} true incremental {}", name_of(m), n(t.model[TRUTH_AT]), props.outcome)}</title>
                    </polyline>
                }) }
                <line class="marker" x1={px(TRUTH_AT as f64 / 100.0).to_string()} x2={px(TRUTH_AT as f64 / 100.0).to_string()}
                      y1={top.to_string()} y2={(h - bottom).to_string()} />
            </PlotFrame>
        </div>
    }
}

/// Props of [`GainChart`].
#[derive(Properties, PartialEq)]
struct GainChartProps {
    models: Vec<UpliftModelResult>,
    outcome: String,
}

/// The cumulative gain (or Qini) curves of the held-out rows with their pointwise bootstrap
/// bands, and the random ranking's straight line for each arm.
#[component]
fn GainChart(props: &GainChartProps) -> Html {
    let qini = use_state(|| false);
    let (w, h) = (640.0, 300.0);
    let (left, right, top, bottom) = (64.0, 16.0, 14.0, 40.0);
    let is_qini = *qini;
    fn curve_of(m: &UpliftModelResult, qini: bool) -> &Vec<f64> {
        if qini { &m.curves.qini } else { &m.curves.gain }
    }
    fn band_of(m: &UpliftModelResult, qini: bool) -> &[Vec<f64>; 2] {
        if qini { &m.curves.qini_band } else { &m.curves.gain_band }
    }
    let all = props.models.iter().flat_map(|m| {
        curve_of(m, is_qini)
            .iter()
            .chain(band_of(m, is_qini)[0].iter())
            .chain(band_of(m, is_qini)[1].iter())
            .copied()
    });
    let (lo, hi) =
        all.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let px = |f: f64| left + f * (w - left - right);
    let py = |v: f64| top + (hi - v) / (hi - lo) * (h - top - bottom);
    let grid = nice_ticks(lo, hi, 5);
    let decimals = if hi - lo < 10.0 { 1 } else { 0 };
    let end = |m: &UpliftModelResult| curve_of(m, is_qini).last().copied().unwrap_or(0.0);
    let what = if *qini { "Qini" } else { "cumulative gain" };
    let toggle = |to_qini: bool, label: &'static str, id: &'static str| {
        let state = qini.clone();
        html! {
            <button class={classes!("ghost", (*qini == to_qini).then_some("on"))} aria-pressed={(*qini == to_qini).to_string()}
                    data-testid={id} onclick={Callback::from(move |_| state.set(to_qini))}>{label}</button>
        }
    };
    html! {
        <div class="gain-chart">
            <div class="chart-toggle" role="group" aria-label="curve">
                { toggle(false, "Cumulative gain", "curve-gain") }
                { toggle(true, "Qini", "curve-qini") }
            </div>
            <PlotFrame kind="gain" view_box={format!("0 0 {w} {h}")} label={if *qini { "qini chart" } else { "gain chart" }}
                       aria_label={format!("{what} in {} against the share of held-out customers targeted, one curve per model with its 95 % bootstrap band, and the random ranking as a straight line", props.outcome)}
                       caption={html! {<>
                           if *qini {
                               {format!("Incremental {} among the top share of held-out customers, counting the treated ones and scaling the control ones to their number (causalml's Qini curve). ", props.outcome)}
                           } else {
                               {format!("Incremental {} if the top share of held-out customers, ranked by the model, were treated (causalml's cumulative gain). ", props.outcome)}
                           }
                           <strong>{"A good curve rises steeply on the left, above the dashed line of a random ranking: the customers it ranks first respond most."}</strong>
                           {" The shaded band is each curve's pointwise 95 % bootstrap interval over the held-out rows. Hover a point for its numbers."}
                       </>}}>
                { y_ticks(grid.iter().map(|&v| (py(v), format::with_separators(v, decimals))), left, w - right) }
                { x_ticks((0..=10).map(|k| (px(k as f64 / 10.0), format!("{}%", k * 10))), top, h - bottom, h - bottom + 16.0) }
                <text class="axis-label" x={px(0.5).to_string()} y={(h - 4.0).to_string()} text-anchor="middle">{"share of held-out customers targeted"}</text>
                { for props.models.iter().enumerate().map(|(i, m)| {
                    let colour = COLOURS[i % COLOURS.len()];
                    let [lo_band, hi_band] = band_of(m, is_qini);
                    let upper = m.curves.fraction.iter().zip(hi_band).filter(|(_, v)| v.is_finite())
                        .map(|(&f, &v)| format!("{:.1},{:.1}", px(f), py(v)));
                    let lower: Vec<String> = m.curves.fraction.iter().zip(lo_band).filter(|(_, v)| v.is_finite())
                        .map(|(&f, &v)| format!("{:.1},{:.1}", px(f), py(v))).collect();
                    let outline: Vec<String> = upper.chain(lower.into_iter().rev()).collect();
                    html! {
                        if !outline.is_empty() {
                            <polygon class="band" data-testid="gain-band" points={outline.join(" ")} fill={colour} />
                        }
                    }
                }) }
                { for props.models.iter().enumerate().map(|(i, m)| {
                    // A random ranking of this arm's rows: one line per arm.
                    let first_of_arm = props.models.iter().position(|o| o.arm == m.arm) == Some(i);
                    html! {
                        if first_of_arm {
                            <line class="random" data-testid="random-line" x1={px(0.0).to_string()} y1={py(0.0).to_string()}
                                  x2={px(1.0).to_string()} y2={py(end(m)).to_string()} />
                        }
                    }
                }) }
                { for props.models.iter().enumerate().map(|(i, m)| {
                    let colour = COLOURS[i % COLOURS.len()];
                    let c = curve_of(m, is_qini);
                    let points: Vec<String> = m.curves.fraction.iter().zip(c)
                        .filter(|(_, g)| g.is_finite())
                        .map(|(&f, &g)| format!("{:.1},{:.1}", px(f), py(g))).collect();
                    let name = name_of(m);
                    let [lo_band, hi_band] = band_of(m, is_qini);
                    html! {
                        <g class="curve" data-testid="gain-curve" data-curve={if *qini { "qini" } else { "gain" }}>
                            <polyline points={points.join(" ")} fill="none" stroke={colour} stroke-width="2" />
                            { for m.curves.fraction.iter().zip(c).enumerate()
                                .filter(|(k, (_, g))| k % 5 == 0 && g.is_finite())
                                .map(|(k, (&f, &g))| {
                                    let interval = match (lo_band.get(k), hi_band.get(k)) {
                                        (Some(a), Some(b)) if a.is_finite() && b.is_finite() =>
                                            format!(" (95 % band {} to {})", format::signed(*a, decimals), format::signed(*b, decimals)),
                                        _ => String::new(),
                                    };
                                    html! {
                                        <circle cx={format!("{:.1}", px(f))} cy={format!("{:.1}", py(g))} r="3" fill={colour}>
                                            <title>{format!("{name}: top {:.0}% targeted → {} incremental {}{interval}", 100.0 * f, format::signed(g, decimals), props.outcome)}</title>
                                        </circle>
                                    }
                                }) }
                        </g>
                    }
                }) }
            </PlotFrame>
        </div>
    }
}
