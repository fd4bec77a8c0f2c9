//! What the graph identifies: whether the ticked covariates block every biasing path, the
//! minimal adjustment sets, front-door sets and instruments.

use cf_graph::identify::Instrument;
use yew::prelude::*;

use crate::components::context::use_app;
use crate::graph_state::{self, Analysis};
use crate::state::Action;

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
    if s.graph.dag.edges().is_empty() {
        // No arrows is a claim too (nothing confounds the effect), not a verdict to trust.
        return html! {
            <p class="id-status empty" data-testid="graph-empty">
                {"Draw the arrows you believe in: with no arrows the graph claims that nothing confounds the effect, so it can vouch for no adjustment yet."}
            </p>
        };
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
