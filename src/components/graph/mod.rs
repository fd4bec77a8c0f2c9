//! The causal-graph card: the drawing (`canvas`: drag nodes, Shift-drag to draw arrows,
//! DAGitty's keys), what the graph identifies (`identification`), its model code (`code`), and
//! its testable implications (`implications`).
//!
//! Colours come from the style sheet's custom properties (`--graph-*`, `--node-*`), through
//! `style` attributes: the SVG and PNG exports write the computed values into the file.

mod canvas;
mod code;
mod discovery;
mod identification;
mod implications;

use yew::prelude::*;

use crate::components::context::use_app;
use crate::state::{Action, GraphAction};
use canvas::GraphCanvas;
use code::ModelCode;
use discovery::Discovery;
use identification::Identification;
use implications::Implications;

/// An arrow not on an open path.
const EDGE: &str = "var(--graph-edge)";
/// An arrow on an open causal path.
const CAUSAL: &str = "var(--graph-causal)";
/// An arrow on an open biasing path (and a pair the data contradict).
const BIASING: &str = "var(--graph-biasing)";
/// The selection.
const SELECTED: &str = "var(--graph-selected)";
/// A pair of an implication the data agree with.
const FLAGGED: &str = "var(--graph-flagged)";

/// The pair of an implication outlined on the graph, and whether the data contradict it.
type Flag = (String, String, bool);

/// A message with a dismiss button.
fn banner(testid: &'static str, message: &str, dismiss: Callback<MouseEvent>) -> Html {
    html! {
        <div class="banner error graph-error" role="alert" data-testid={testid}>
            <span>{message}</span>
            <button class="ghost" aria-label="Dismiss the message" onclick={dismiss}>{"✕"}</button>
        </div>
    }
}

/// Props of [`GraphPanel`].
#[derive(Properties, PartialEq)]
pub struct GraphPanelProps {
    /// Run "Suggest a graph from the data".
    pub on_discover: Callback<()>,
    /// Stop it.
    pub on_cancel: Callback<()>,
}

/// The causal-graph card.
#[component]
pub fn GraphPanel(props: &GraphPanelProps) -> Html {
    let (s, dispatch) = use_app();
    let svg_ref = use_node_ref();
    let notice = use_state(|| None::<String>);
    let flag = use_state(|| None::<Flag>);
    let set_notice = {
        let notice = notice.clone();
        Callback::from(move |m: Option<String>| notice.set(m))
    };
    let set_flag = {
        let flag = flag.clone();
        Callback::from(move |f: Option<Flag>| flag.set(f))
    };
    html! {
        <section class="card graph-card" data-testid="graph-panel" aria-labelledby="graph-title">
            <header class="card-head">
                <h2 id="graph-title">{"Causal graph"}</h2>
                <span class="hint">{"Drag nodes to move them; Shift-drag from one node to another to draw an arrow. Select a node (click it, or Tab or the arrow keys to it and Enter) and press e (treatment), o (outcome), a (adjust), u (latent), r (rename); Delete removes the selection."}</span>
            </header>
            if let Some(err) = &s.graph.error {
                {banner("graph-error", err, dispatch.reform(|_| Action::Graph(GraphAction::DismissError)))}
            }
            if let Some(msg) = &*notice {
                {banner("graph-notice", msg, set_notice.reform(|_| None))}
            }
            <div class="graph-layout">
                <div class="graph-main">
                    <GraphCanvas svg_ref={svg_ref.clone()} flag={(*flag).clone()} />
                    <p class="legend small muted">
                        <span class="swatch" style={format!("background:{CAUSAL}")}></span>{"open causal path "}
                        <span class="swatch" style={format!("background:{BIASING}")}></span>{"open biasing path "}
                        <span class="swatch dashed"></span>{"latent (unobserved)"}
                    </p>
                </div>
                <aside class="identification" data-testid="identification">
                    <h3>{"Adjustment"}</h3>
                    <Identification />
                </aside>
            </div>
            <Discovery on_discover={props.on_discover.clone()} on_cancel={props.on_cancel.clone()} />
            <div class="graph-lower">
                <ModelCode {svg_ref} on_notice={set_notice} />
                <div>
                    <h3>{"Testable implications"}</h3>
                    <Implications on_flag={set_flag} />
                </div>
            </div>
        </section>
    }
}
