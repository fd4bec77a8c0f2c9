//! The graph's model code (DAGitty text, editable both ways) and its exports.

use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use cf_engine::format::plural;

use crate::components::context::use_app;
use crate::components::export::{PNG_SCALE, export_png, export_svg};
use crate::graph_state::{HEIGHT, WIDTH};
use crate::services::download::download;
use crate::state::{Action, GraphAction};

/// Props of [`ModelCode`].
#[derive(Properties, PartialEq)]
pub(super) struct ModelCodeProps {
    /// The drawing, for the SVG and PNG exports.
    pub svg_ref: NodeRef,
    /// A message for the user (`None`: hide it).
    pub on_notice: Callback<Option<String>>,
}

/// A DAGitty or DOT file dropped on the model code replaces the graph, as pasted text does.
fn on_code_drop(
    dispatch: Callback<Action>,
    notice: Callback<Option<String>>,
) -> Callback<DragEvent> {
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        e.stop_propagation();
        let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) else {
            return;
        };
        if file.size() > 1_048_576.0 {
            notice.emit(Some(format!("{} is too large for a graph file (over 1 MB)", file.name())));
            return;
        }
        let (dispatch, notice) = (dispatch.clone(), notice.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                Some(text) => dispatch.emit(Action::Graph(GraphAction::ApplyText(text))),
                None => notice.emit(Some(format!("{} could not be read as text", file.name()))),
            }
        });
    })
}

/// The PNG and SVG exports of the drawing.
fn picture_exports(
    svg_ref: &NodeRef,
    notice: &Callback<Option<String>>,
) -> (Callback<MouseEvent>, Callback<MouseEvent>) {
    let png = {
        let (svg_ref, notice) = (svg_ref.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let report = notice.reform(Some);
            let size = Some((WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE));
            let result = match svg_ref.cast::<web_sys::Element>() {
                Some(el) => export_png(&el, "graph.png", size, report),
                None => Err("the drawing is not on the page".into()),
            };
            notice.emit(result.err());
        })
    };
    let svg_ref = svg_ref.clone();
    let svg = Callback::from(move |_: MouseEvent| {
        if let Some(el) = svg_ref.cast::<web_sys::Element>() {
            // The view as shown, at the drawing's full size whatever the zoom (as the PNG).
            export_svg(&el, "graph.svg", Some((WIDTH, HEIGHT)));
        }
    });
    (png, svg)
}

/// The model code: edit and leave the field (or Apply) to redraw; exports.
#[component]
pub(super) fn ModelCode(props: &ModelCodeProps) -> Html {
    let (s, dispatch) = use_app();
    let draft = use_state(|| None::<String>);
    {
        let draft = draft.clone();
        use_effect_with(s.graph.revision, move |_| draft.set(None));
    }
    let g = s.graph_with_roles();
    let generated = cf_graph::text::to_dagitty(&g);
    let code_value = (*draft).clone().unwrap_or_else(|| generated.clone());
    let on_code_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                draft.set(Some(t.value()));
            }
        })
    };
    let apply = {
        let (draft, dispatch, generated) = (draft.clone(), dispatch.clone(), generated.clone());
        Callback::from(move |()| {
            if let Some(text) = (*draft).clone() {
                if text != generated {
                    dispatch.emit(Action::Graph(GraphAction::ApplyText(text)));
                } else {
                    draft.set(None);
                }
            }
        })
    };
    let on_code_dragover = Callback::from(|e: DragEvent| {
        e.prevent_default();
        e.stop_propagation();
    });
    let (export_png_click, export_svg_click) = picture_exports(&props.svg_ref, &props.on_notice);
    let export_text = |name: &'static str, text: String| {
        Callback::from(move |_: MouseEvent| {
            download(name, "text/plain", &text);
        })
    };
    html! {
        <div class="model-code">
            <h3>{"Model code"}<span class="hint">{" DAGitty or DOT; edit and leave the field (or Apply) to redraw, or drop a graph file here"}</span></h3>
            <textarea data-testid="model-code" spellcheck="false" rows="10" value={code_value}
                      oninput={on_code_input} onblur={apply.reform(|_: FocusEvent| ())}
                      ondrop={on_code_drop(dispatch.clone(), props.on_notice.clone())} ondragover={on_code_dragover} />
            if let Some(list) = &s.code_covariates {
                <div class="code-covariates warning" role="status" data-testid="code-covariates">
                    <p>{ code_covariates_text(list, s.adjusted().len()) }</p>
                    <button class="secondary" data-testid="use-code-covariates" onclick={dispatch.reform(|_| Action::UseCodeCovariates)}>
                        { if list.is_empty() { "Untick them all, as the code says".to_string() } else { format!("Tick the code's {}", plural(list.len(), "covariate", "covariates")) } }
                    </button>
                    <button class="ghost" data-testid="keep-covariates" onclick={dispatch.reform(|_| Action::KeepCovariates)}>
                        { format!("Keep the {} ticked", s.adjusted().len()) }
                    </button>
                </div>
            }
            <div class="code-buttons">
                <button class="secondary" data-testid="apply-code" disabled={draft.is_none()} onclick={apply.reform(|_| ())}>{"Apply"}</button>
                <button class="ghost" data-testid="export-dagitty" onclick={export_text("graph.dagitty", generated)}>{"DAGitty"}</button>
                <button class="ghost" data-testid="export-dot" onclick={export_text("graph.dot", cf_graph::text::to_dot(&g))}>{"DOT"}</button>
                <button class="ghost" data-testid="export-svg" onclick={export_svg_click}>{"SVG"}</button>
                <button class="ghost" data-testid="export-png" onclick={export_png_click}>{"PNG"}</button>
            </div>
        </div>
    }
}

/// What the applied code marks as adjusted, against the `ticked` covariates that stay.
fn code_covariates_text(list: &[String], ticked: usize) -> String {
    let kept = format!("the {} ticked stay ticked", plural(ticked, "covariate", "covariates"));
    if list.is_empty() {
        format!("The code marks no covariate [adjusted]; {kept}.")
    } else {
        format!(
            "The code marks {} [adjusted]: {}; {kept}.",
            plural(list.len(), "covariate", "covariates"),
            list.join(", ")
        )
    }
}
