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
    type Set = fn(&mut TreeOptions, &str) -> bool;
    let field = |id: &'static str,
                 label: &'static str,
                 default: &'static str,
                 value: Option<String>,
                 set: Set| {
        let (dispatch, t) = (dispatch.clone(), t.clone());
        let onchange = Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = t.clone();
            if set(&mut next, v.trim()) {
                dispatch.emit(Action::SetUpliftTree(next));
            }
        });
        html! {
            <label class="setting">
                <span>{label}</span>
                <input type="number" min="0" class="narrow" placeholder={default} data-testid={format!("uplift-{id}")}
                       value={value.unwrap_or_default()} {onchange} />
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
                { field("trees", "Trees per forest", "10", t.trees.map(|v| v.to_string()), |t, v| parse(v, &mut t.trees)) }
                { field("max-depth", "Deepest level", "5", t.max_depth.map(|v| v.to_string()), |t, v| parse(v, &mut t.max_depth)) }
                { field("min-samples-leaf", "Rows per leaf", "100", t.min_samples_leaf.map(|v| v.to_string()), |t, v| parse(v, &mut t.min_samples_leaf)) }
                { field("min-samples-treatment", "Rows of each group per leaf", "10", t.min_samples_treatment.map(|v| v.to_string()), |t, v| parse(v, &mut t.min_samples_treatment)) }
                { field("n-reg", "Shrinkage toward the parent (n_reg)", "10", t.n_reg.map(|v| v.to_string()), |t, v| parse(v, &mut t.n_reg)) }
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

/// A model's name as the page shows it, with its arm.
pub(crate) fn name_of(m: &UpliftModelResult) -> String {
    let base = cf_engine::uplift::UpliftModel::try_from(m.model.clone())
        .map(describe)
        .unwrap_or(m.model.as_str())
        .to_string();
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
        </div>
    }
}

/// Props of [`GainChart`].
#[derive(Properties, PartialEq)]
struct GainChartProps {
    models: Vec<UpliftModelResult>,
    outcome: String,
}

/// The cumulative gain curves of the held-out rows, with the random ranking's straight line.
#[component]
fn GainChart(props: &GainChartProps) -> Html {
    let (w, h) = (640.0, 300.0);
    let (left, right, top, bottom) = (64.0, 16.0, 14.0, 40.0);
    let all =
        props.models.iter().flat_map(|m| m.curves.gain.iter().copied()).filter(|v| v.is_finite());
    let (lo, hi) = all.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let px = |f: f64| left + f * (w - left - right);
    let py = |v: f64| top + (hi - v) / (hi - lo) * (h - top - bottom);
    let grid = nice_ticks(lo, hi, 5);
    let decimals = if hi - lo < 10.0 { 1 } else { 0 };
    let arm_end = |m: &UpliftModelResult| m.curves.gain.last().copied().unwrap_or(0.0);
    html! {
        <PlotFrame kind="gain" view_box={format!("0 0 {w} {h}")} label="gain chart"
                   aria_label={format!("Cumulative gain in {} against the share of held-out customers targeted, one curve per model, with the random ranking as a straight line", props.outcome)}
                   caption={html! {<>
                       {format!("Incremental {} if the top share of held-out customers, ranked by the model, were treated. ", props.outcome)}
                       <strong>{"A good curve rises steeply on the left, above the dashed line of a random ranking: the customers it ranks first respond most."}</strong>
                       {" Hover a point for its numbers."}
                   </>}}>
            { y_ticks(grid.iter().map(|&v| (py(v), format::with_separators(v, decimals))), left, w - right) }
            { x_ticks((0..=10).map(|k| (px(k as f64 / 10.0), format!("{}%", k * 10))), top, h - bottom, h - bottom + 16.0) }
            <text class="axis-label" x={px(0.5).to_string()} y={(h - 4.0).to_string()} text-anchor="middle">{"share of held-out customers targeted"}</text>
            { for props.models.iter().take(1).map(|m| html! {
                <line class="random" x1={px(0.0).to_string()} y1={py(0.0).to_string()}
                      x2={px(1.0).to_string()} y2={py(arm_end(m)).to_string()} />
            }) }
            { for props.models.iter().enumerate().map(|(i, m)| {
                let colour = COLOURS[i % COLOURS.len()];
                let points: Vec<String> = m.curves.fraction.iter().zip(&m.curves.gain)
                    .filter(|(_, g)| g.is_finite())
                    .map(|(&f, &g)| format!("{:.1},{:.1}", px(f), py(g))).collect();
                let name = name_of(m);
                html! {
                    <g class="curve" data-testid="gain-curve">
                        <polyline points={points.join(" ")} fill="none" stroke={colour} stroke-width="2" />
                        { for m.curves.fraction.iter().zip(&m.curves.gain).enumerate()
                            .filter(|(k, (_, g))| k % 5 == 0 && g.is_finite())
                            .map(|(_, (&f, &g))| html! {
                                <circle cx={format!("{:.1}", px(f))} cy={format!("{:.1}", py(g))} r="3" fill={colour}>
                                    <title>{format!("{name}: top {:.0}% targeted → {} incremental {}", 100.0 * f, format::signed(g, decimals), props.outcome)}</title>
                                </circle>
                            }) }
                    </g>
                }
            }) }
        </PlotFrame>
    }
}
