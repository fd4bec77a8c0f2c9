//! Whom to target, from one fitted uplift model: the calibration table by deciles of predicted
//! uplift on the held-out rows, and, for the value and costs the user enters, the profit curve
//! and the profit-optimal share ([`cf_engine::uplift::decide`]). Every number here is computed
//! again from the held-out sums when an input changes; nothing is refitted.

use cf_engine::format;
use cf_engine::uplift::{
    ArmCost, ArmDecision, Decile, Decision, Economics, Histogram, Importance, ProfitCurve,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::context::use_app;
use crate::components::plot::{PlotFrame, nice_ticks, x_ticks, y_ticks};
use crate::components::results::level_text;
use crate::components::uplift::{model_label, name_of};
use crate::state::Action;

/// An uplift as people read it: percentage points for a 0/1 outcome, the outcome's units
/// otherwise.
fn uplift_text(v: f64, binary: bool) -> String {
    if binary { format::pp(v, 2) } else { format::signed(v, 3) }
}

/// A table's header: the first column names the rows, the others hold numbers.
fn head(columns: &[&str]) -> Html {
    html! {
        <thead><tr>
            { for columns.iter().enumerate().map(|(k, c)| html! {
                <th scope="col" class={(k > 0).then_some("num")}>{c.to_string()}</th>
            }) }
        </tr></thead>
    }
}

/// An observed uplift's interval, or why there is none.
fn interval_cell(ci: [f64; 2], binary: bool, level: &str) -> Html {
    let text = if ci[0].is_finite() {
        format!("{} to {}", uplift_text(ci[0], binary), uplift_text(ci[1], binary))
    } else {
        "too few rows".to_string()
    };
    html! { <td class="num muted" data-label={format!("{level} interval")}>{text}</td> }
}

/// The `change` handler of a number input: `action` of the number typed (text that is not a
/// number is ignored; the reducer refuses numbers out of range).
fn on_number(
    dispatch: &Callback<Action>,
    action: impl Fn(f64) -> Action + 'static,
) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |ev: Event| {
        let v = ev.target_unchecked_into::<HtmlInputElement>().value();
        if let Ok(x) = v.trim().parse::<f64>() {
            dispatch.emit(action(x));
        }
    })
}

/// Money with separators and no decimals above 100.
fn money(v: f64) -> String {
    format::signed(v, if v.abs() >= 100.0 { 0 } else { 2 })
}

/// Props of [`Targeting`].
#[derive(Properties, PartialEq)]
pub(crate) struct TargetingProps {
    /// Ask the worker for the targeting list.
    pub on_list: Callback<()>,
    /// Ask the worker for the model file.
    pub on_model: Callback<()>,
    /// Score another file with the model.
    pub on_score: Callback<web_sys::File>,
}

/// The section's second half: the model's deciles, the costs, the decision and the list.
#[component]
pub(crate) fn Targeting(props: &TargetingProps) -> Html {
    let (s, dispatch) = use_app();
    let Some(r) = s.uplift.result.clone() else { return html! {} };
    let Some(focus) = s.uplift_focus() else { return html! {} };
    let Some(m) = r.report.models.get(focus).cloned() else { return html! {} };
    let binary = s.outcome_is_binary();
    let level = level_text(r.spec.alpha);
    let decision = s.uplift_decision();
    let pricing = s.uplift_pricing();
    let arm_decision = s.uplift_arm_decision();
    let e = s.uplift.economics;
    let on_focus = dispatch.reform(|ev: Event| {
        let v = ev.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetUpliftFocus(v.parse().unwrap_or(0))
    });
    type Set = fn(&mut Economics, f64);
    let money_field = |id: &'static str, label: &'static str, value: f64, set: Set| {
        let onchange = on_number(&dispatch, move |x| {
            let mut next = e;
            set(&mut next, x);
            Action::SetUpliftEconomics(next)
        });
        html! {
            <label class="setting">
                <span>{label}</span>
                <input type="number" min="0" step="any" class="narrow" data-testid={format!("uplift-{id}")}
                       value={value.to_string()} {onchange} />
            </label>
        }
    };
    let in_customers = s.uplift.budget_customers.is_some();
    let population = r.report.n_train + r.report.n_test;
    let on_budget = dispatch.reform(move |ev: Event| {
        let v = ev.target_unchecked_into::<HtmlInputElement>().value();
        if in_customers {
            let n = v.trim().replace([',', ' '], "").parse::<usize>().unwrap_or(population);
            Action::SetUpliftBudgetCustomers(Some(n.clamp(1, population.max(1))))
        } else {
            let pct = v.trim().parse::<f64>().unwrap_or(100.0);
            Action::SetUpliftBudget((pct / 100.0).clamp(0.01, 1.0))
        }
    });
    let on_budget_unit = {
        let (dispatch, share) = (dispatch.clone(), s.uplift.budget_share);
        Callback::from(move |ev: Event| {
            let v = ev.target_unchecked_into::<HtmlSelectElement>().value();
            dispatch.emit(if v == "customers" {
                Action::SetUpliftBudgetCustomers(Some(
                    ((share * population as f64).round() as usize).max(1),
                ))
            } else {
                Action::SetUpliftBudgetCustomers(None)
            });
        })
    };
    // What the list and a scored file follow: the best arm per customer when the arms are
    // priced apart, else the focused arm's decision.
    let chosen = match &pricing {
        Some(_) => arm_decision.as_ref().map(|d| (d.customers, d.share)),
        None => decision.as_ref().map(|d| (d.customers, d.share)),
    };
    let outcome = r.spec.roles.outcome.clone();
    let unit = if binary { "conversion" } else { "unit of the outcome" };
    let stale = s.uplift_is_stale();
    html! {
        <div class={classes!("targeting", stale.then_some("stale"))} data-testid="targeting">
            <div class="targeting-head">
                <h3>{"Whom to target"}</h3>
                if r.report.models.len() > 1 {
                    <label>{"Ranked by "}
                        <select data-testid="uplift-focus" onchange={on_focus}>
                            { for r.report.models.iter().enumerate().map(|(k, mm)| html! {
                                <option value={k.to_string()} selected={k == focus}>{name_of(mm)}</option>
                            }) }
                        </select>
                    </label>
                } else {
                    <span class="muted">{format!("Ranked by {}", name_of(&m))}</span>
                }
            </div>
            if stale {
                <p class="hint" data-testid="targeting-stale">{"These numbers come from the models fitted with the earlier settings: fit again to update them."}</p>
            }
            <h4>{"Does the ranking hold on held-out customers?"}</h4>
            <DecileChart deciles={m.deciles.clone()} {binary} outcome={outcome.clone()} />
            <table class="results deciles" data-testid="decile-table">
                { head(&["Decile", "Rows", "Treated", "Control", "Predicted", "Observed", &format!("{level} interval")]) }
                <tbody>
                { for m.deciles.iter().map(|d| html! {
                    <tr data-testid="decile-row" data-observed={d.observed.to_string()} data-predicted={d.predicted.to_string()}>
                        <th scope="row">{decile_name(d.decile)}</th>
                        <td class="num" data-label="Rows">{format::count(d.rows)}</td>
                        <td class="num" data-label="Treated">{format::count(d.treated)}</td>
                        <td class="num" data-label="Control">{format::count(d.control)}</td>
                        <td class="num" data-label="Predicted" data-testid="decile-predicted">{uplift_text(d.predicted, binary)}</td>
                        <td class="num" data-label="Observed" data-testid="decile-observed">{uplift_text(d.observed, binary)}</td>
                        { interval_cell(d.observed_ci, binary, &level) }
                    </tr>
                }) }
                </tbody>
            </table>
            if !m.segments.is_empty() {
                <h4>{"Segments: who responds, in rules"}</h4>
                <p class="hint">{"A tree of depth 3 fitted to the model's predictions splits the customers into groups you can name; the observed column checks each group on the held-out customers."}</p>
                <table class="results segments" data-testid="segment-table">
                    { head(&["Customers who…", "Share", "Predicted", "Observed (held out)", &format!("{level} interval")]) }
                    <tbody>
                    { for m.segments.iter().map(|g| html! {
                        <tr data-testid="segment-row" data-rule={g.rule.clone()} data-predicted={g.predicted.to_string()}
                            data-share={g.share.to_string()} data-observed={g.observed.uplift.to_string()}>
                            <th scope="row" class="rule">{g.rule.clone()}</th>
                            <td class="num" data-label="Share">{format!("{} ({})", format::percent(g.share), format::count(g.rows))}</td>
                            <td class="num" data-label="Predicted">{uplift_text(g.predicted, binary)}</td>
                            <td class="num" data-label="Observed (held out)">{uplift_text(g.observed.uplift, binary)}</td>
                            { interval_cell(g.observed.ci, binary, &level) }
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if !m.importance.is_empty() || !m.distribution.counts.is_empty() {
                <h4>{"What drives the effect, and how it spreads"}</h4>
            }
            <div class="drivers">
                if !m.importance.is_empty() {
                    <ImportanceChart importance={m.importance.clone()} {binary} outcome={outcome.clone()} />
                }
                if !m.distribution.counts.is_empty() {
                    <DistributionChart histogram={m.distribution.clone()} {binary} />
                }
            </div>
            <h4>{"Costs and the decision"}</h4>
            <div class="settings-grid economics">
                { money_field("value", if binary { "Value of one conversion" } else { "Value of one unit of the outcome" }, e.value, |e, x| e.value = x) }
                { money_field("cost-treated", if pricing.is_some() { "Cost per customer treated (arms without their own)" } else { "Cost per customer treated" }, e.cost_per_treated, |e, x| e.cost_per_treated = x) }
                { money_field("cost-conversion", "Cost per treated conversion (a redeemed discount)", e.cost_per_conversion, |e, x| e.cost_per_conversion = x) }
                <label class="setting">
                    <span>{if in_customers { "Budget: at most this many customers" } else { "Budget: at most this share of customers" }}</span>
                    <span class="with-unit">
                        if let Some(n) = s.uplift.budget_customers {
                            <input type="number" min="1" max={population.to_string()} step="1" class="narrow wide-number" data-testid="uplift-budget"
                                   value={n.to_string()} onchange={on_budget} />
                        } else {
                            <input type="number" min="1" max="100" step="1" class="narrow" data-testid="uplift-budget"
                                   value={format!("{:.0}", 100.0 * s.uplift.budget_share)} onchange={on_budget} />
                        }
                        <select data-testid="uplift-budget-unit" aria-label="budget unit" onchange={on_budget_unit}>
                            <option value="share" selected={!in_customers}>{"%"}</option>
                            <option value="customers" selected={in_customers}>{format!("customers of {}", format::count(population))}</option>
                        </select>
                    </span>
                </label>
            </div>
            if let (Some(p), Some(policy)) = (&pricing, r.report.policy.as_ref()) {
                <ArmCosts arms={policy.arms.clone()} costs={p.costs.clone()} />
            }
            if let Some(d) = &arm_decision {
                <ArmRecommendation decision={d.clone()} level={level.clone()} />
                <ProfitChart curve={d.curve.clone()} share={d.share} profit={d.profit} max_share={d.max_share} population={d.population} />
            } else if pricing.is_some() {
                <p class="hint">{"No share of the held-out rows has, for every arm it assigns, customers who got that arm and control customers: the profit of the best arm per customer cannot be estimated."}</p>
            }
            if let Some(d) = &decision {
                if arm_decision.is_some() {
                    <h4 class="minor">{format!("{} alone, against the control", m.arm.clone().unwrap_or_default())}</h4>
                }
                <Recommendation decision={d.clone()} model={name_of(&m)} level={level.clone()} {unit} />
                if arm_decision.is_none() {
                    <ProfitChart curve={d.curve.clone()} share={d.share} profit={d.profit} max_share={d.max_share} population={d.population} />
                }
            } else {
                <p class="hint">{"No share of the held-out rows has both treated and control customers: the profit cannot be estimated."}</p>
            }
            <TargetingList on_list={props.on_list.clone()} treat={chosen.map_or(0, |c| c.0)} arms={arm_decision.is_some()} />
            <ScoreNew on_model={props.on_model.clone()} on_score={props.on_score.clone()}
                      share={chosen.map_or(0.0, |c| c.1)} />
        </div>
    }
}

fn decile_name(d: usize) -> String {
    match d {
        1 => "1 (highest)".into(),
        10 => "10 (lowest)".into(),
        _ => d.to_string(),
    }
}

/// Props of [`Recommendation`].
#[derive(Properties, PartialEq)]
struct RecommendationProps {
    decision: Decision,
    model: String,
    level: String,
    unit: &'static str,
}

/// The decision in one sentence, with its caveat when the interval includes zero.
#[component]
fn Recommendation(props: &RecommendationProps) -> Html {
    let d = &props.decision;
    let everyone = format!("{} for treating everyone", money(d.profit_everyone));
    let text = if d.share == 0.0 {
        format!(
            "Target nobody: at these costs no share of customers ranked by {} is expected to earn more than it costs ({everyone}).",
            props.model
        )
    } else {
        format!(
            "Target the top {} ({} customers) ranked by {}: expected {} ({} interval {} to {}) against {everyone}.",
            format::percent(d.share),
            format::count(d.customers),
            props.model,
            money(d.profit),
            props.level,
            money(d.profit_ci[0]),
            money(d.profit_ci[1]),
        )
    };
    let unsure = d.share > 0.0 && d.profit_ci[0] <= 0.0;
    html! {
        <div class="recommendation" data-testid="uplift-recommendation" data-share={d.share.to_string()}
             data-customers={d.customers.to_string()} data-profit={d.profit.to_string()}
             data-profit-everyone={d.profit_everyone.to_string()}>
            <p class="lead">{text}</p>
            if unsure {
                <p class="warning small" data-testid="uplift-unsure">{"The interval includes 0: the held-out rows cannot tell this profit from none. Treat the share as a starting point for a test, not a sure gain."}</p>
            }
            <p class="muted small">{format!(
                "Profit against treating nobody, for all {} customers of the file, from the held-out customers' response rates in each share (one currency: that of the value and costs). A customer treated costs the cost per customer; each {} among treated customers brings the value minus the cost per treated conversion.",
                format::count(d.population), props.unit)}</p>
        </div>
    }
}

/// Props of [`ArmCosts`].
#[derive(Properties, PartialEq)]
struct ArmCostsProps {
    arms: Vec<String>,
    costs: Vec<ArmCost>,
}

/// Each arm's costs, for a treatment with several arms.
#[component]
fn ArmCosts(props: &ArmCostsProps) -> Html {
    let (_, dispatch) = use_app();
    type Set = fn(&mut ArmCost, f64);
    let field = |k: usize,
                 id: &'static str,
                 label: (&'static str, String),
                 c: ArmCost,
                 value: f64,
                 set: Set| {
        let onchange = on_number(&dispatch, move |x| {
            let mut next = c;
            set(&mut next, x);
            Action::SetUpliftArmCost(k, next)
        });
        html! {
            <td class="num" data-label={label.0}>
                <input type="number" min="0" step="any" class="narrow" aria-label={label.1}
                       data-testid={format!("arm-{id}-{k}")} value={value.to_string()} {onchange} />
            </td>
        }
    };
    html! {
        <table class="results arm-costs" data-testid="arm-costs">
            <caption class="hint">{"Each arm's costs: every customer targeted gets the arm that is worth most for them after its cost."}</caption>
            { head(&["Arm", "Cost per customer treated", "Cost per treated conversion"]) }
            <tbody>
            { for props.arms.iter().zip(&props.costs).enumerate().map(|(k, (a, &c))| html! {
                <tr>
                    <th scope="row">{a.clone()}</th>
                    { field(k, "cost-treated", ("Cost per customer treated", format!("{a}: cost per customer treated")), c, c.cost_per_treated, |c, x| c.cost_per_treated = x) }
                    { field(k, "cost-conversion", ("Cost per treated conversion", format!("{a}: cost per treated conversion")), c, c.cost_per_conversion, |c, x| c.cost_per_conversion = x) }
                </tr>
            }) }
            </tbody>
        </table>
    }
}

/// Props of [`ArmRecommendation`].
#[derive(Properties, PartialEq)]
struct ArmRecommendationProps {
    decision: ArmDecision,
    level: String,
}

/// The best-arm decision in one sentence.
#[component]
fn ArmRecommendation(props: &ArmRecommendationProps) -> Html {
    let d = &props.decision;
    let model = model_label(&d.model);
    let everyone = format!("{} for giving everyone their best arm", money(d.profit_everyone));
    let split: Vec<String> = d
        .arms
        .iter()
        .zip(&d.customers_per_arm)
        .filter(|(_, n)| **n > 0)
        .map(|(a, n)| format!("{} {a}", format::count(*n)))
        .collect();
    let text = if d.share == 0.0 {
        format!(
            "Target nobody: at these costs no arm is expected to earn more than it costs for any share of customers ranked by {model} ({everyone})."
        )
    } else {
        format!(
            "Give each of the top {} ({} customers) the arm worth most for them after its cost, by {model}: {}. Expected {} ({} interval {} to {}) against {everyone}.",
            format::percent(d.share),
            format::count(d.customers),
            split.join(" and "),
            money(d.profit),
            props.level,
            money(d.profit_ci[0]),
            money(d.profit_ci[1]),
        )
    };
    let per_arm = serde_json::to_string(&d.customers_per_arm).unwrap_or_default();
    html! {
        <div class="recommendation" data-testid="arm-recommendation" data-share={d.share.to_string()}
             data-customers={d.customers.to_string()} data-profit={d.profit.to_string()}
             data-per-arm={per_arm} data-profit-everyone={d.profit_everyone.to_string()}>
            <p class="lead">{text}</p>
            if d.share > 0.0 && d.profit_ci[0] <= 0.0 {
                <p class="warning small">{"The interval includes 0: the held-out rows cannot tell this profit from none."}</p>
            }
            <p class="muted small">{"For each arm it assigns, the held-out customers who got that arm are compared with the control customers assigned the same arm; the profit adds the arms up, for all the file's customers."}</p>
        </div>
    }
}

/// Props of [`DecileChart`].
#[derive(Properties, PartialEq)]
struct DecileChartProps {
    deciles: Vec<Decile>,
    binary: bool,
    outcome: String,
}

/// Observed uplift per decile (bars with their intervals) beside the mean prediction (a mark).
#[component]
fn DecileChart(props: &DecileChartProps) -> Html {
    let (w, h) = (640.0, 260.0);
    let (left, right, top, bottom) = (64.0, 16.0, 14.0, 40.0);
    let scale = if props.binary { 100.0 } else { 1.0 };
    let values = props
        .deciles
        .iter()
        .flat_map(|d| [d.predicted, d.observed, d.observed_ci[0], d.observed_ci[1]]);
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v * scale), b.max(v * scale)));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    // A margin so that a mark at either end does not touch the frame or the decile labels.
    let pad = 0.06 * (hi - lo);
    let (lo, hi) = (if lo < 0.0 { lo - pad } else { lo }, hi + pad);
    let n = props.deciles.len().max(1) as f64;
    let slot = (w - left - right) / n;
    let px = |k: usize| left + (k as f64 + 0.5) * slot;
    let py = |v: f64| top + (hi - v * scale) / (hi - lo) * (h - top - bottom);
    let ticks = nice_ticks(lo, hi, 5);
    let decimals = if hi - lo < 5.0 { 1 } else { 0 };
    let unit = if props.binary { " points" } else { "" };
    html! {
        <PlotFrame kind="deciles" view_box={format!("0 0 {w} {h}")} label="decile chart"
                   aria_label={format!("Observed uplift in {} per decile of predicted uplift on held-out customers, with intervals, beside the mean predicted uplift", props.outcome)}
                   caption={html! {<>
                       {format!("Held-out customers in ten equal groups by predicted uplift, highest first: the bars are the observed difference in {} between treated and control customers{}, the lines their intervals, the dark marks the model's mean prediction. ", props.outcome, if props.binary { " (percentage points)" } else { "" })}
                       <strong>{"A model that can be trusted has bars that fall from left to right and sit near its marks."}</strong>
                   </>}}>
            { y_ticks(ticks.iter().map(|&v| (py(v / scale), format::with_separators(v, decimals))), left, w - right) }
            <line class="zero" x1={left.to_string()} x2={(w - right).to_string()} y1={py(0.0).to_string()} y2={py(0.0).to_string()} />
            { x_ticks(props.deciles.iter().enumerate().map(|(k, d)| (px(k), d.decile.to_string())), h - bottom, h - bottom, h - bottom + 16.0) }
            <text class="axis-label" x={((left + w - right) / 2.0).to_string()} y={(h - 4.0).to_string()} text-anchor="middle">{"decile of predicted uplift (1 = highest)"}</text>
            { for props.deciles.iter().enumerate().map(|(k, d)| {
                let x = px(k);
                let bw = slot * 0.6;
                let (y0, y1) = (py(0.0), py(if d.observed.is_finite() { d.observed } else { 0.0 }));
                let title = format!("decile {}: observed {}{}, predicted {}, {} treated and {} control customers",
                    d.decile, uplift_text(d.observed, props.binary), unit, uplift_text(d.predicted, props.binary), d.treated, d.control);
                html! {
                    <g class="decile" data-testid="decile-bar">
                        <rect x={format!("{:.1}", x - bw / 2.0)} y={format!("{:.1}", y0.min(y1))} width={format!("{bw:.1}")}
                              height={format!("{:.1}", (y1 - y0).abs().max(0.5))}
                              class={if d.observed >= 0.0 { "up" } else { "down" }}>
                            <title>{title.clone()}</title>
                        </rect>
                        if d.observed_ci[0].is_finite() {
                            <line class="ci" x1={format!("{x:.1}")} x2={format!("{x:.1}")}
                                  y1={format!("{:.1}", py(d.observed_ci[0]))} y2={format!("{:.1}", py(d.observed_ci[1]))} />
                        }
                        <line class="predicted" x1={format!("{:.1}", x - bw / 2.0 - 3.0)} x2={format!("{:.1}", x + bw / 2.0 + 3.0)}
                              y1={format!("{:.1}", py(d.predicted))} y2={format!("{:.1}", py(d.predicted))}>
                            <title>{title}</title>
                        </line>
                    </g>
                }
            }) }
        </PlotFrame>
    }
}

/// Props of [`ProfitChart`]: what it draws of a [`Decision`] or an [`ArmDecision`].
#[derive(Properties, PartialEq)]
struct ProfitChartProps {
    curve: ProfitCurve,
    /// The recommended share and its profit.
    share: f64,
    profit: f64,
    /// The budget's largest share.
    max_share: f64,
    /// Customers the shares are taken of.
    population: usize,
}

/// The profit curve with its band, the chosen share and the budget's limit.
#[component]
fn ProfitChart(props: &ProfitChartProps) -> Html {
    let d = props;
    let c = &d.curve;
    let (w, h) = (640.0, 260.0);
    let (left, right, top, bottom) = (72.0, 16.0, 14.0, 40.0);
    let finite = |v: &f64| v.is_finite();
    let (lo, hi) =
        c.lo.iter()
            .chain(&c.hi)
            .copied()
            .filter(finite)
            .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let px = |f: f64| left + f * (w - left - right);
    let py = |v: f64| top + (hi - v) / (hi - lo) * (h - top - bottom);
    let ticks = nice_ticks(lo, hi, 5);
    let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
        c.fraction
            .iter()
            .zip(ys)
            .filter(|(_, y)| y.is_finite())
            .map(|(&f, &y)| (px(f), py(y)))
            .collect()
    };
    let line = |p: &[(f64, f64)]| {
        p.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
    };
    let upper = pts(&c.hi);
    let mut band = pts(&c.lo);
    band.extend(upper.iter().rev().copied());
    html! {
        <PlotFrame kind="profit" view_box={format!("0 0 {w} {h}")} label="profit chart"
                   aria_label="Expected incremental profit against the share of customers targeted, with its band, the recommended share marked"
                   caption={html! {<>
                       {"Expected incremental profit if the top share of customers, ranked by the model, were treated; the shaded band is its pointwise interval. "}
                       <strong>{"The peak is the share worth treating; where the curve falls, the next customers cost more than they bring."}</strong>
                       {" Hover a point for its numbers."}
                   </>}}>
            { y_ticks(ticks.iter().map(|&v| (py(v), format::with_separators(v, 0))), left, w - right) }
            { x_ticks((0..=10).map(|k| (px(k as f64 / 10.0), format!("{}%", k * 10))), top, h - bottom, h - bottom + 16.0) }
            <text class="axis-label" x={px(0.5).to_string()} y={(h - 4.0).to_string()} text-anchor="middle">{"share of customers targeted"}</text>
            <polygon class="band" points={line(&band)} />
            <line class="zero" x1={left.to_string()} x2={(w - right).to_string()} y1={py(0.0).to_string()} y2={py(0.0).to_string()} />
            if d.max_share < 1.0 {
                <line class="budget" x1={px(d.max_share).to_string()} x2={px(d.max_share).to_string()} y1={top.to_string()} y2={(h - bottom).to_string()}>
                    <title>{format!("budget: at most {} of customers", format::percent(d.max_share))}</title>
                </line>
            }
            <polyline class="profit-line" points={line(&pts(&c.profit))} fill="none" />
            { for c.fraction.iter().zip(&c.profit).enumerate().filter(|(k, (_, p))| k % 5 == 0 && p.is_finite()).map(|(k, (&f, &p))| html! {
                <circle cx={format!("{:.1}", px(f))} cy={format!("{:.1}", py(p))} r="3" class="profit-point">
                    <title>{format!("top {} targeted ({} customers): {} (interval {} to {})",
                        format::percent(f), format::count((f * d.population as f64).round() as usize), money(p), money(c.lo[k]), money(c.hi[k]))}</title>
                </circle>
            }) }
            <circle class="chosen" cx={format!("{:.1}", px(d.share))} cy={format!("{:.1}", py(d.profit))} r="6" data-testid="profit-chosen">
                <title>{format!("recommended: top {}, {}", format::percent(d.share), money(d.profit))}</title>
            </circle>
        </PlotFrame>
    }
}

/// Props of [`TargetingList`].
#[derive(Properties, PartialEq)]
struct TargetingListProps {
    on_list: Callback<()>,
    /// Customers the decision treats.
    treat: usize,
    /// Whether each treated customer gets their best arm net of its cost.
    arms: bool,
}

/// The download of the targeting list: every row of the file, its predicted uplift, rank and
/// decision, with an optional key column (a customer id).
#[component]
fn TargetingList(props: &TargetingListProps) -> Html {
    let (s, dispatch) = use_app();
    let columns: Vec<String> = s
        .dataset
        .as_ref()
        .map(|d| d.summary.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let on_key = dispatch.reform(|ev: Event| {
        let v = ev.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetTargetingKey((!v.is_empty()).then_some(v))
    });
    let busy = s.uplift.list_job.is_some();
    let stale = s.uplift_is_stale();
    html! {
        <div class="targeting-list">
            <h4>{"The targeting list"}</h4>
            <p class="hint">{if props.arms { format!(
                "Every row of the file with the model's predicted uplift for each arm, the net value of its best arm, its rank by that value and the decision: the top {} rows are marked with the arm to send. Rows the model could not score (missing values) are listed as such.",
                format::count(props.treat)
            ) } else { format!(
                "Every row of the file with the model's predicted uplift, its rank and the decision: the top {} rows are marked to treat. Rows the model could not score (missing values) are listed as such.",
                format::count(props.treat)
            ) }}</p>
            <div class="list-controls">
                <label>{"Key column "}
                    <select data-testid="targeting-key" onchange={on_key}>
                        <option value="" selected={s.uplift.key.is_none()}>{"none (row numbers only)"}</option>
                        { for columns.iter().map(|c| html! {
                            <option value={c.clone()} selected={s.uplift.key.as_ref() == Some(c)}>{c.clone()}</option>
                        }) }
                    </select>
                </label>
                <button class="ghost" data-testid="download-targeting-list" disabled={busy || stale} aria-busy={busy.to_string()}
                        onclick={props.on_list.reform(|_| ())}>
                    { if busy { "Making the list…" } else { "Download the targeting list (CSV)" } }
                </button>
            </div>
            if stale {
                <p class="hint">{"The settings changed since the fit: fit again to download its list."}</p>
            }
            if let Some(e) = &s.uplift.list_error {
                <p class="error-inline" role="alert" data-testid="targeting-list-error">{crate::components::message::message(e)}</p>
            }
        </div>
    }
}

/// The handlers of a file input inside a label that also takes a dropped file: `on_file` gets the
/// file chosen or dropped, unless `off`.
fn file_picker(
    on_file: &Callback<web_sys::File>,
    off: bool,
) -> (Callback<Event>, Callback<DragEvent>, Callback<DragEvent>) {
    let onchange = {
        let on_file = on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_file.emit(file);
            }
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let on_file = on_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if off {
                return;
            }
            if let Some(file) = e.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
                on_file.emit(file);
            }
        })
    };
    (onchange, ondragover, ondrop)
}

/// Props of [`ScoreNew`].
#[derive(Properties, PartialEq)]
struct ScoreNewProps {
    on_model: Callback<()>,
    on_score: Callback<web_sys::File>,
    /// The share of customers the decision treats.
    share: f64,
}

/// The fitted model kept: a model file to download (for `counterfact score`, next month), and
/// another file scored here, its targeting list downloaded.
#[component]
fn ScoreNew(props: &ScoreNewProps) -> Html {
    let (s, _) = use_app();
    let stale = s.uplift_is_stale();
    let (model_busy, score_busy) = (s.uplift.model_job.is_some(), s.uplift.score_job.is_some());
    let inputs: Vec<String> =
        s.uplift.result.as_ref().and_then(|r| r.spec.roles.covariates.clone()).unwrap_or_default();
    let columns =
        if inputs.is_empty() { String::new() } else { format!(" ({})", inputs.join(", ")) };
    let score_off = stale || score_busy;
    let (onchange, ondragover, ondrop) = file_picker(&props.on_score, score_off);
    html! {
        <div class="score-new" data-testid="score-new">
            <h4>{"Score new customers"}</h4>
            <p class="hint">{format!(
                "The fitted model scores another file with the same covariate columns{}: same names, numbers where there were numbers, no category it has not seen. The treatment and outcome columns are not needed. The top {} of its rows are marked to treat.",
                columns,
                format::percent(props.share),
            )}</p>
            <div class="list-controls">
                <label class={classes!("button-like", score_off.then_some("disabled"))} data-testid="score-drop" {ondragover} {ondrop}>
                    <input type="file" class="visually-hidden" data-testid="score-input"
                           aria-label="Score another file with the fitted model"
                           accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
                           disabled={score_off} {onchange} />
                    { if score_busy { "Scoring…" } else { "Score another file (CSV)…" } }
                </label>
                <button class="ghost" data-testid="download-model" disabled={model_busy || stale} aria-busy={model_busy.to_string()}
                        onclick={props.on_model.reform(|_| ())}>
                    { if model_busy { "Saving the model…" } else { "Download the model (JSON)" } }
                </button>
            </div>
            <p class="hint small">{"The model file scores files with "}<code>{"counterfact score uplift-model.json next-month.csv --out list.csv"}</code>{" to the same list, byte for byte."}</p>
            if let Some(f) = &s.uplift.scored {
                <p class="scored" role="status" data-testid="scored-summary">{format!(
                    "{}: {} scored{}, the top {} marked to treat; its list was downloaded.",
                    f.name,
                    format::plural(f.scored, "row", "rows"),
                    if f.scored < f.rows { format!(" of {} (the others miss a value the model needs)", format::count(f.rows)) } else { String::new() },
                    format::count(f.treated),
                )}</p>
            }
            if let Some(e) = &s.uplift.score_error {
                <p class="error-inline" role="alert" data-testid="score-error">{crate::components::message::message(e)}</p>
            }
            if let Some(e) = &s.uplift.model_error {
                <p class="error-inline" role="alert" data-testid="model-error">{crate::components::message::message(e)}</p>
            }
        </div>
    }
}

/// Props of [`ImportanceChart`].
#[derive(Properties, PartialEq)]
struct ImportanceChartProps {
    importance: Vec<Importance>,
    binary: bool,
    outcome: String,
}

/// Which columns drive the predicted effect: permutation importance as bars, most first, with
/// the split-gain share for trees and forests.
#[component]
fn ImportanceChart(props: &ImportanceChartProps) -> Html {
    let shown: Vec<&Importance> =
        props.importance.iter().filter(|i| i.permutation.is_finite()).take(10).collect();
    let (w, row) = (340.0, 22.0);
    let (left, right, top) = (96.0, 100.0, 6.0);
    let h = top + row * shown.len() as f64 + 30.0;
    let hi = shown.iter().map(|i| i.permutation).fold(0.0f64, f64::max);
    let hi = if hi > 0.0 { hi } else { 1.0 };
    let px = |v: f64| left + v / hi * (w - left - right);
    let value = |v: f64| {
        if props.binary {
            format!("{:.2} pts", 100.0 * v)
        } else {
            format::signed(v, 3).trim_start_matches('+').to_string()
        }
    };
    html! {
        <PlotFrame kind="importance" view_box={format!("0 0 {w} {h}")} label="feature importance"
                   aria_label={format!("Which columns drive the predicted uplift in {}: the mean change of the prediction when a column is shuffled", props.outcome)}
                   caption={html! {<>
                       <strong>{"What drives the effect: "}</strong>
                       {"how much each customer's predicted uplift moves, on average, when one column's values are shuffled among the held-out customers (permutation importance). "}
                       {"A long bar means the model's ranking leans on that column; it says nothing about cause within the covariates."}
                       if shown.iter().any(|i| i.split_gain.is_some()) { {" The percentage is the column's share of the trees' split gain."} }
                   </>}}>
            { for shown.iter().enumerate().map(|(k, i)| {
                let y = top + row * k as f64;
                let title = format!("{}: shuffling it moves the predicted uplift by {} on average{}", i.column, value(i.permutation),
                    i.split_gain.map_or(String::new(), |g| format!("; {} of the split gain", format::percent(g))));
                html! {
                    <g class="bar" data-testid="importance-bar" data-column={i.column.clone()} data-permutation={i.permutation.to_string()}
                       data-split-gain={i.split_gain.map_or(String::new(), |g| g.to_string())}>
                        <text class="label" x={(left - 8.0).to_string()} y={format!("{:.1}", y + row * 0.62)} text-anchor="end">{i.column.clone()}</text>
                        <rect x={left.to_string()} y={format!("{:.1}", y + 4.0)} width={format!("{:.1}", (px(i.permutation) - left).max(0.5))} height={format!("{:.1}", row - 8.0)}>
                            <title>{title}</title>
                        </rect>
                        <text class="value" x={format!("{:.1}", px(i.permutation) + 6.0)} y={format!("{:.1}", y + row * 0.62)}>
                            {value(i.permutation)}{i.split_gain.map_or(String::new(), |g| format!(" · {}", format::percent(g)))}
                        </text>
                    </g>
                }
            }) }
            <text class="axis-label" x={((left + w - right) / 2.0).to_string()} y={(h - 8.0).to_string()} text-anchor="middle">{"mean change of the predicted uplift when shuffled"}</text>
        </PlotFrame>
    }
}

/// Props of [`DistributionChart`].
#[derive(Properties, PartialEq)]
struct DistributionChartProps {
    histogram: Histogram,
    binary: bool,
}

/// The distribution of the predicted effects over every row the model scored.
#[component]
fn DistributionChart(props: &DistributionChartProps) -> Html {
    let hgram = &props.histogram;
    let (w, h) = (340.0, 200.0);
    let (left, right, top, bottom) = (16.0, 12.0, 10.0, 40.0);
    let (lo, hi) = (hgram.edges[0], hgram.edges[hgram.edges.len() - 1]);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let px = |v: f64| left + (v - lo) / span * (w - left - right);
    let top_count = hgram.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let py = |c: f64| top + (1.0 - c / top_count) * (h - top - bottom);
    let scale = if props.binary { 100.0 } else { 1.0 };
    let ticks = nice_ticks(lo * scale, hi * scale, 5);
    let decimals = if (hi - lo) * scale < 5.0 { 1 } else { 0 };
    let total: usize = hgram.counts.iter().sum();
    html! {
        <PlotFrame kind="distribution" view_box={format!("0 0 {w} {h}")} label="distribution of predicted effects"
                   aria_label="Histogram of the predicted uplift of every customer the model scored"
                   caption={html! {<>
                       <strong>{"Predicted uplift, every customer: "}</strong>
                       {format!("{} customers{}. A wide spread with a long right tail leaves room to choose; a narrow spike around the average means the model sees little difference between customers.",
                           format::count(total), if props.binary { " (percentage points)" } else { "" })}
                       if hgram.missing > 0 { {format!(" {} could not be scored (missing values).", format::count(hgram.missing))} }
                   </>}}>
            { x_ticks(ticks.iter().filter(|&&v| v >= lo * scale - 1e-12 && v <= hi * scale + 1e-12)
                .map(|&v| (px(v / scale), format::with_separators(v, decimals))), top, h - bottom, h - bottom + 16.0) }
            if lo < 0.0 && hi > 0.0 {
                <line class="zero" x1={px(0.0).to_string()} x2={px(0.0).to_string()} y1={top.to_string()} y2={(h - bottom).to_string()} />
            }
            { for hgram.counts.iter().enumerate().map(|(k, &c)| {
                let (a, b) = (hgram.edges[k], hgram.edges[k + 1]);
                let x0 = px(a);
                let bw = (px(b) - x0 - 1.0).max(1.0);
                html! {
                    <rect data-testid="distribution-bin" data-count={c.to_string()} data-from={a.to_string()} data-to={b.to_string()}
                          x={format!("{x0:.1}")} y={format!("{:.1}", py(c as f64))} width={format!("{bw:.1}")}
                          height={format!("{:.1}", (h - bottom - py(c as f64)).max(0.0))}>
                        <title>{format!("{} customers with a predicted uplift from {} to {}", format::count(c), uplift_text(a, props.binary), uplift_text(b, props.binary))}</title>
                    </rect>
                }
            }) }
            <text class="axis-label" x={((left + w - right) / 2.0).to_string()} y={(h - 4.0).to_string()} text-anchor="middle">
                {if props.binary { "predicted uplift (points)" } else { "predicted uplift" }}
            </text>
        </PlotFrame>
    }
}

/// Props of [`ScoreWithSavedModel`].
#[derive(Properties, PartialEq)]
pub(crate) struct ScoreWithSavedModelProps {
    /// Send the model file to score the loaded table with.
    pub on_model: Callback<web_sys::File>,
}

/// Next month's file, scored with a model saved earlier (`uplift-model.json`, from this page or
/// `counterfact uplift --model-out`): no treatment, outcome or fit needed.
#[component]
pub(crate) fn ScoreWithSavedModel(props: &ScoreWithSavedModelProps) -> Html {
    let (s, _) = use_app();
    let busy = s.uplift.saved_job.is_some();
    let (onchange, ondragover, ondrop) = file_picker(&props.on_model, busy);
    let open = s.uplift.saved.is_some() || s.uplift.saved_error.is_some() || busy;
    html! {
        <details class="card saved-model" data-testid="saved-model" {open}>
            <summary>{"Score this file with a saved model"}</summary>
            <p class="hint">{"A model downloaded from “Whom to target” (uplift-model.json, or counterfact uplift --model-out) ranks this file's customers and downloads their targeting list: no treatment, outcome or fit needed, only the covariate columns it was fitted on."}</p>
            <label class={classes!("button-like", busy.then_some("disabled"))} data-testid="saved-model-drop" {ondragover} {ondrop}>
                <input type="file" class="visually-hidden" data-testid="saved-model-input"
                       aria-label="Open a saved model file to score this file with"
                       accept=".json,application/json" disabled={busy} {onchange} />
                { if busy { "Scoring…" } else { "Open a model file (JSON)…" } }
            </label>
            if let Some(r) = &s.uplift.saved {
                <p class="scored" role="status" data-testid="saved-model-summary">{format!(
                    "Scored with {} (fitted on {} for {} → {}): {} of {}, the top {} ({}) marked to treat; targeting-list.csv was downloaded.",
                    r.model, format::plural(r.n_train, "row", "rows"), r.fitted_for.0, r.fitted_for.1,
                    format::count(r.counts.1), format::plural(r.counts.0, "row", "rows"),
                    format::count(r.counts.2), format::percent(r.share),
                )}</p>
            }
            if let Some(e) = &s.uplift.saved_error {
                <p class="error-inline" role="alert" data-testid="saved-model-error">{crate::components::message::message(e)}</p>
            }
        </details>
    }
}
