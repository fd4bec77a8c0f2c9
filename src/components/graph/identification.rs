//! What the graph identifies: whether the ticked covariates block every biasing path, the
//! minimal adjustment sets, front-door sets and instruments.

use cf_graph::cpdag::CpdagIdentification;
use cf_graph::identify::Instrument;
use yew::prelude::*;

use crate::components::context::use_app;
use crate::graph_state::{self, Analysis};
use crate::state::Action;
use cf_engine::format;

fn set_text(set: &[String]) -> String {
    if set.is_empty() {
        "∅ (no adjustment needed)".into()
    } else {
        format!("{{ {} }}", set.join(", "))
    }
}

/// The adjustment verdict of the graph for the chosen roles.
#[component]
pub(super) fn Identification() -> Html {
    let (s, _) = use_app();
    if !s.graph_has_edges() {
        // No arrows is a claim too (nothing confounds the effect), not a verdict to trust.
        return html! {
            <p class="id-status empty" data-testid="graph-empty">
                {"Draw the arrows you believe in: with no arrows the graph claims that nothing confounds the effect, so it can vouch for no adjustment yet."}
            </p>
        };
    }
    if let Some(found) = s.cpdag_identification() {
        return html! { <Pattern {found} /> };
    }
    match s.graph_analysis() {
        None => {
            html! { <p class="muted">{"Choose the treatment and the outcome to see what the graph identifies."}</p> }
        }
        Some(Err(e)) => html! { <p class="muted" data-testid="identification-problem">{e}</p> },
        Some(Ok(a)) => html! {
            <>
                <Status analysis={a.clone()} />
                <h3>{"Minimal adjustment sets"}<span class="hint">{" click one to adjust for it"}</span></h3>
                <MinimalSets analysis={a.clone()} />
                <h3>{"Front-door sets"}</h3>
                if a.frontdoor.is_empty() {
                    <p class="muted small">{"none"}</p>
                } else {
                    <ul class="sets">{ for a.frontdoor.iter().map(|f| html! { <li><code>{set_text(f)}</code></li> }) }</ul>
                }
                <h3>{"Instruments"}<span class="hint">{" click one to use it for 2SLS"}</span></h3>
                if a.instruments.is_empty() {
                    <p class="muted small">{"none"}</p>
                } else {
                    <Instruments list={a.instruments} />
                }
            </>
        },
    }
}

/// Props of the parts of [`Identification`].
#[derive(Properties, PartialEq)]
struct AnalysisProps {
    analysis: Analysis,
}

/// Correctly adjusted, or the biasing paths left open.
#[component]
fn Status(props: &AnalysisProps) -> Html {
    let (s, _) = use_app();
    let a = &props.analysis;
    if a.adjusted_ok {
        return html! { <p class="id-status ok" data-testid="adjustment-status" data-ok="true">{"✓ Correctly adjusted: the ticked covariates block every biasing path."}</p> };
    }
    let g = s.graph_with_roles();
    html! {
        <div class="id-status bad" data-testid="adjustment-status" data-ok="false">
            <p>{"✗ Biasing paths open with the ticked covariates:"}</p>
            <ul class="paths">
                { for a.biasing_open.iter().take(6).map(|p| html! { <li>{graph_state::path_text(&g, p)}</li> }) }
                if a.biasing_open.len() > 6 { <li class="muted">{format!("… and {} more", a.biasing_open.len() - 6)}</li> }
                if !a.descendants_adjusted.is_empty() {
                    <li>{format!("adjusting for a descendant of the treatment: {}", a.descendants_adjusted.join(", "))}</li>
                }
            </ul>
        </div>
    }
}

/// The minimal adjustment sets, each a button that ticks it.
#[component]
fn MinimalSets(props: &AnalysisProps) -> Html {
    let (s, dispatch) = use_app();
    let a = &props.analysis;
    if !a.backdoor.identifiable {
        return html! { <p class="muted" data-testid="not-identifiable">{a.backdoor.reason.clone().unwrap_or_else(|| "No observed set satisfies the back-door criterion.".into())}</p> };
    }
    let mut current = s.adjusted();
    current.sort();
    html! {
        <ul class="sets">
        { for a.backdoor.minimal_sets.iter().enumerate().map(|(i, set)| {
            let set2 = set.clone();
            let active = *set == current;
            html! {
                <li>
                    <button class={classes!("set", active.then_some("active"))} data-testid={format!("minimal-set-{i}")}
                            data-set={set.join(",")} title="Adjust for exactly this set"
                            onclick={dispatch.reform(move |_| Action::SetCovariates(set2.clone()))}>
                        {set_text(set)}
                    </button>
                </li>
            }
        }) }
        </ul>
    }
}

/// Props of [`Instruments`].
#[derive(Properties, PartialEq)]
struct InstrumentsProps {
    list: Vec<Instrument>,
}

/// The graph's instruments, each a button that chooses it for 2SLS.
#[component]
fn Instruments(props: &InstrumentsProps) -> Html {
    let (s, dispatch) = use_app();
    html! {
        <ul class="sets">
        { for props.list.iter().map(|z| {
            let name = z.instrument.clone();
            let given = z.given.clone();
            let usable = s.is_column(&name);
            let dispatch = dispatch.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                dispatch.emit(Action::SetInstrument(Some(name.clone())));
                if !given.is_empty() {
                    dispatch.emit(Action::SetCovariates(given.clone()));
                }
            });
            let label = if z.given.is_empty() { z.instrument.clone() } else { format!("{} given {{ {} }}", z.instrument, z.given.join(", ")) };
            html! {
                <li><button class={classes!("set", s.instruments.contains(&z.instrument).then_some("active"))}
                            data-testid={format!("instrument-option-{}", z.instrument)} disabled={!usable} {onclick}>{label}</button></li>
            }
        }) }
        </ul>
    }
}

/// Props of [`Pattern`].
#[derive(Properties, PartialEq)]
struct PatternProps {
    found: Result<CpdagIdentification, String>,
}

/// Buttons that orient the undecided edge `a — b` one way or the other.
fn orient_buttons(dispatch: &Callback<Action>, (a, b): &(String, String)) -> Html {
    let one = |from: &str, to: &str| {
        let (f, t) = (from.to_string(), to.to_string());
        html! {
            <button class="set" data-testid={format!("orient-{from}-{to}")} title={format!("Orient the edge as {from} → {to}")}
                    onclick={dispatch.reform(move |_| Action::OrientEdge(f.clone(), t.clone()))}>{format!("{from} → {to}")}</button>
        }
    };
    html! { <span class="orient-buttons">{one(a, b)}{" "}{one(b, a)}</span> }
}

/// What a graph with undecided edges identifies: the sets valid in every DAG it stands for, or
/// the edge to orient first.
#[component]
fn Pattern(props: &PatternProps) -> Html {
    let (s, dispatch) = use_app();
    let undecided = s.graph.dag.undirected_edges().len();
    let head = html! {
        <p class="muted small" data-testid="pattern-note">
            {format!("The graph has {} (drawn without an arrowhead): it stands for every DAG that orients {} without a new collider or a cycle. Select an undecided edge to orient it.",
                format::plural(undecided, "undecided edge", "undecided edges"),
                if undecided == 1 { "it" } else { "them" })}
        </p>
    };
    let body = match &props.found {
        Err(e) => html! { <p class="muted" data-testid="identification-problem">{e.clone()}</p> },
        Ok(CpdagIdentification::Valid { sets, n_dags }) => {
            let mut current = s.adjusted();
            current.sort();
            html! {
                <>
                    <p class="id-status ok" data-testid="pattern-status" data-kind="valid">
                        {format!("Identified whatever the undecided edges' directions: these sets block every biasing path in all {} DAGs checked.", format::count(*n_dags))}
                    </p>
                    <h3>{"Adjustment sets valid in every DAG"}<span class="hint">{" click one to adjust for it"}</span></h3>
                    <ul class="sets">
                    { for sets.iter().enumerate().map(|(i, set)| {
                        let set2 = set.clone();
                        html! { <li><button class={classes!("set", (*set == current).then_some("active"))} data-testid={format!("pattern-set-{i}")}
                                           data-set={set.join(",")} onclick={dispatch.reform(move |_| Action::SetCovariates(set2.clone()))}>{set_text(set)}</button></li> }
                    }) }
                    </ul>
                </>
            }
        }
        Ok(CpdagIdentification::DependsOn { edge, reason, also, .. }) => html! {
            <div class="id-status bad" data-testid="pattern-status" data-kind="depends-on" data-edge={format!("{}--{}", edge.0, edge.1)}>
                <p>{format!("The answer depends on the undecided edge {} — {}: {reason}", edge.0, edge.1)}</p>
                <p>{"Orient it: "}{orient_buttons(&dispatch, edge)}</p>
                if !also.is_empty() {
                    <p class="small">{format!("Orienting one of these may also settle it: {}.", also.iter().map(|(a, b)| format!("{a} — {b}")).collect::<Vec<_>>().join(", "))}</p>
                }
            </div>
        },
        Ok(CpdagIdentification::NotIdentifiable { reason, .. }) => html! {
            <p class="id-status bad" data-testid="pattern-status" data-kind="not-identifiable">{format!("No observed set works in any of the DAGs: {reason}")}</p>
        },
        Ok(CpdagIdentification::TooManyToCheck { undecided, orient_first }) => html! {
            <div class="id-status bad" data-testid="pattern-status" data-kind="too-many">
                <p>{format!("{} undecided edges allow too many DAGs to check. Orient these first:", format::count(*undecided))}</p>
                <ul class="sets">{ for orient_first.iter().map(|e| html! { <li>{format!("{} — {} ", e.0, e.1)}{orient_buttons(&dispatch, e)}</li> }) }</ul>
            </div>
        },
        Ok(CpdagIdentification::NoConsistentDag) => html! {
            <p class="id-status bad" data-testid="pattern-status" data-kind="inconsistent">{"No DAG orients the undecided edges without a cycle or a new collider: orient or delete some of them by hand."}</p>
        },
        Ok(_) => html! {},
    };
    html! { <>{head}{body}</> }
}
