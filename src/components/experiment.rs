//! Experiment mode: the A/B-test readout at the top of the results (control rate or mean, lift
//! in percentage points or the outcome's units, relative lift, CUPED, power and the minimum
//! detectable effect, balance), and a power calculator for a lift the user types.

use cf_engine::experiment::{Estimate, ExperimentComparison, ExperimentReport, power};
use cf_engine::format;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::export::file_name;
use crate::components::message::message;
use crate::services::download::download;

/// Props of [`ExperimentReadout`].
#[derive(Properties, PartialEq)]
pub(crate) struct ExperimentProps {
    /// The readout.
    pub(crate) report: Box<ExperimentReport>,
    /// A comparison's name from its arm.
    pub(crate) names: Vec<(Option<String>, String)>,
}

/// The readout of every comparison.
#[component]
pub(crate) fn ExperimentReadout(props: &ExperimentProps) -> Html {
    let r = &props.report;
    let level = format!("{} %", format::with_separators(100.0 * (1.0 - r.alpha), 0));
    let download_click = |extension: &'static str| {
        let r = r.clone();
        Callback::from(move |_: MouseEvent| {
            let name =
                file_name(&["counterfact", &r.treatment, &r.outcome, "experiment"], extension);
            if extension == "csv" {
                download(&name, "text/csv", &cf_engine::export::experiment_csv(&r));
            } else {
                let text = serde_json::to_string_pretty(&*r)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
                download(&name, "application/json", &text);
            }
        })
    };
    html! {
        <section class="experiment" data-testid="experiment" aria-labelledby="experiment-title">
            <header class="card-head">
                <h3 id="experiment-title">{"A/B test readout"}</h3>
                <span class="export-buttons" role="group" aria-label="Download the readout">
                    <span class="hint">{"Download "}</span>
                    <button type="button" class="ghost" data-testid="export-experiment-csv" onclick={download_click("csv")}
                            aria-label="Download the readout as CSV" title="One line per comparison: means, lift, relative lift, CUPED, balance test, detectable effect (CSV)">{"CSV"}</button>
                    {" "}
                    <button type="button" class="ghost" data-testid="export-experiment-json" onclick={download_click("json")}
                            aria-label="Download the readout as JSON" title="The whole readout with the balance of every covariate (JSON)">{"JSON"}</button>
                </span>
            </header>
            <p class="muted small">{message(&format!("You said `{}` was randomized: the groups then differ only by chance and by the treatment, so the difference in `{}` is its effect. Intervals are {level}.", r.treatment, r.outcome))}</p>
            { for r.comparisons.iter().map(|c| {
                let name = props.names.iter().find(|(a, _)| *a == c.arm).map(|(_, n)| n.clone());
                html! { <Comparison comparison={c.clone()} {name} alpha={r.alpha} level={level.clone()} outcome={r.outcome.clone()} /> }
            }) }
            { for r.warnings.iter().map(|w| html! { <p class="muted small">{message(w)}</p> }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ComparisonProps {
    comparison: ExperimentComparison,
    name: Option<String>,
    alpha: f64,
    level: String,
    outcome: String,
}

/// A lift in the outcome's units: percentage points for a 0/1 outcome, signed.
fn lift_text(v: f64, se: f64, binary: bool) -> String {
    if binary {
        format::pp(v, format::pp_decimals(se))
    } else {
        format::signed(v, format::decimals_for(se))
    }
}

fn interval(e: &Estimate, binary: bool) -> String {
    let f = |v: f64| {
        if binary {
            format::pp(v, format::pp_decimals(e.std_error))
        } else {
            format::with_separators(v, format::decimals_for(e.std_error))
        }
    };
    format!("{} to {}", f(e.ci[0]), f(e.ci[1]))
}

/// A relative lift as a signed percentage.
fn rel(v: f64) -> String {
    let p = format::percent(v.abs());
    if v < 0.0 { format!("−{p}") } else { format!("+{p}") }
}

#[component]
fn Comparison(props: &ComparisonProps) -> Html {
    let c = &props.comparison;
    let binary = c.binary_outcome;
    let typed = use_state(|| None::<f64>);
    let group = |m: f64, se: f64| {
        if binary {
            format::percent(m)
        } else {
            format::with_separators(m, format::decimals_for(se))
        }
    };
    let significant = c.lift.ci[0] > 0.0 || c.lift.ci[1] < 0.0;
    let on_power = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            typed.set(v.trim().replace(',', "").parse::<f64>().ok().filter(|v| v.is_finite()));
        })
    };
    // The lift typed is in the units shown: percentage points for a 0/1 outcome.
    let effect = typed.map(|v| if binary { v / 100.0 } else { v });
    let power_shown = effect.map(|e| power(e, c.lift.std_error, props.alpha));
    let unit = if binary { "percentage points" } else { "in the outcome's units" };
    html! {
        <div class="experiment-comparison" data-testid="experiment-comparison" data-arm={c.arm.clone().unwrap_or_default()}
             data-lift={c.lift.estimate.to_string()} data-lift-se={c.lift.std_error.to_string()}
             data-control-mean={c.control.mean.to_string()} data-relative={c.relative_lift.as_ref().map(|r| r.estimate.to_string()).unwrap_or_default()}
             data-mde={c.mde.absolute.to_string()} data-cuped={c.cuped.as_ref().map(|k| k.lift.estimate.to_string()).unwrap_or_default()}
             data-variance-reduction={c.cuped.as_ref().map(|k| k.variance_reduction.to_string()).unwrap_or_default()}
             data-f-p={c.balance.f_test.as_ref().map(|f| f.p_value.to_string()).unwrap_or_default()}>
            if let Some(n) = &props.name { <h4>{n.clone()}</h4> }
            <dl class="tiles">
                <div class="tile">
                    <dt>{ if binary { "Control rate" } else { "Control mean" } }</dt>
                    <dd><strong>{group(c.control.mean, c.control.std_error)}</strong></dd>
                    <dd class="muted small">{format::plural(c.control.n, "row", "rows")}</dd>
                </div>
                <div class="tile">
                    <dt>{ if binary { "Treated rate" } else { "Treated mean" } }</dt>
                    <dd><strong>{group(c.treated.mean, c.treated.std_error)}</strong></dd>
                    <dd class="muted small">{format::plural(c.treated.n, "row", "rows")}</dd>
                </div>
                <div class={classes!("tile", "lift", significant.then_some("significant"))} data-testid="experiment-lift">
                    <dt>{ if binary { "Lift (percentage points)" } else { "Lift" } }</dt>
                    <dd><strong>{lift_text(c.lift.estimate, c.lift.std_error, binary)}</strong></dd>
                    <dd class="muted small">{format!("{} CI {}", props.level, interval(&c.lift, binary))}</dd>
                </div>
                <div class="tile" data-testid="experiment-relative">
                    <dt>{"Relative lift"}</dt>
                    if let Some(r) = &c.relative_lift {
                        <dd><strong>{rel(r.estimate)}</strong></dd>
                        <dd class="muted small">{format!("{} CI {} to {}", props.level, rel(r.ci[0]), rel(r.ci[1]))}</dd>
                    } else {
                        <dd class="muted small">{"undefined: the control mean is 0"}</dd>
                    }
                </div>
                if let Some(k) = &c.cuped {
                    <div class="tile" data-testid="experiment-cuped">
                        <dt>{"CUPED-adjusted lift"}</dt>
                        <dd><strong>{lift_text(k.lift.estimate, k.lift.std_error, binary)}</strong></dd>
                        <dd class="muted small">{format!("{} CI {}; variance {} lower", props.level, interval(&k.lift, binary), format::percent(k.variance_reduction.max(0.0)))}</dd>
                        if let Some(r) = &k.relative_lift {
                            <dd class="muted small" data-testid="experiment-cuped-relative" data-value={r.estimate.to_string()}>{format!("{} relative, {} CI {} to {}", rel(r.estimate), props.level, rel(r.ci[0]), rel(r.ci[1]))}</dd>
                        }
                    </div>
                }
                <div class="tile" data-testid="experiment-mde">
                    <dt>{format!("Detectable at {} power", format::percent(c.mde.power))}</dt>
                    <dd><strong>{lift_text(c.mde.absolute, c.lift.std_error, binary).trim_start_matches('+').to_string()}</strong></dd>
                    <dd class="muted small">{ c.mde.relative.map(|r| format!("{} of the control {}", format::percent(r), if binary { "rate" } else { "mean" })).unwrap_or_default() }</dd>
                </div>
            </dl>
            <p class="small">
                { if significant {
                    format!("The lift is {} its interval excludes 0.", if c.lift.estimate > 0.0 { "positive:" } else { "negative:" })
                } else {
                    "The interval includes 0: this test cannot tell the lift from no effect.".to_string()
                } }
                {" "}
                { message(&c.cuped.as_ref().map(|k| format!("CUPED uses {} as pre-period measurements; it narrows the interval without moving its centre on average.", names_list(&k.covariates))).unwrap_or_else(|| c.cuped_skipped.clone().map(|w| format!("No CUPED: {w}.")).unwrap_or_default())) }
            </p>
            <p class="small balance-verdict" data-testid="experiment-balance">{message(&format::capitalize(&c.balance.verdict))}</p>
            <label class="power-calc">{"Power to detect a lift of "}
                <input type="text" inputmode="decimal" size="8" data-testid="power-input" aria-label={format!("a lift, {unit}")} oninput={on_power}
                       placeholder={if binary { "e.g. 1.5" } else { "e.g. 1000" }} />
                {format!(" {}: ", if binary { "pp" } else { "" })}
                <strong data-testid="power-output" data-power={power_shown.map(|p| p.to_string()).unwrap_or_default()}>
                    { power_shown.map(format::percent).unwrap_or_else(|| "—".into()) }
                </strong>
                <span class="muted small">{format!(" (two-sided test at {}, this sample size)", format::percent(props.alpha))}</span>
            </label>
            { for c.warnings.iter().map(|w| html! { <p class="muted small">{message(w)}</p> }) }
        </div>
    }
}

/// `a`, `b` and `c` (at most four names, then a count).
fn names_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().take(4).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(4);
    match (quoted.len(), more) {
        (0, _) => "no column".into(),
        (1, 0) => quoted[0].clone(),
        (_, 0) => {
            format!("{} and {}", quoted[..quoted.len() - 1].join(", "), quoted[quoted.len() - 1])
        }
        _ => format!("{} and {more} more", quoted.join(", ")),
    }
}
