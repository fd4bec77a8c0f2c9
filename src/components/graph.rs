//! The causal-graph card: the drawing (drag nodes, Shift-drag to draw arrows, DAGitty's keys),
//! what the graph identifies, its model code, and its testable implications.

use std::collections::HashSet;
use std::rc::Rc;

use cf_graph::{Dag, Role};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::export::{download, export_png, export_svg, PNG_SCALE};
use crate::graph_state::{self, node_width, Selection, View, HEIGHT, NODE_HEIGHT, WIDTH};
use crate::state::{Action, AppState, GraphAction};

/// Props of [`GraphPanel`].
#[derive(Properties, PartialEq)]
pub struct GraphPanelProps {
    /// The page state.
    pub state: Rc<AppState>,
    /// State changes.
    pub dispatch: Callback<Action>,
}

/// A pointer gesture in progress.
#[derive(Debug, Clone, PartialEq)]
enum Drag {
    /// Moving a node: where it is now, and the pointer's offset from its centre.
    Move { node: String, at: (f64, f64), offset: (f64, f64), moved: bool },
    /// Drawing an arrow from `from` to the pointer.
    Connect { from: String, to: (f64, f64) },
    /// Panning: the pointer's start (client pixels) and the view then.
    Pan { start: (f64, f64), view: View },
}

const EDGE: &str = "#55606e";
const CAUSAL: &str = "#2a7d4f";
const BIASING: &str = "#c0392b";
const SELECTED: &str = "#e0a526";

/// A client position in the drawing's units, through the current view.
fn client_to_svg(svg: &NodeRef, view: View, (cx, cy): (f64, f64)) -> Option<(f64, f64)> {
    let el = svg.cast::<web_sys::Element>()?;
    let r = el.get_bounding_client_rect();
    view.to_drawing((cx - r.left(), cy - r.top()), r.width())
}

/// Pointer position in the drawing's units.
fn to_svg(svg: &NodeRef, view: View, e: &PointerEvent) -> Option<(f64, f64)> {
    client_to_svg(svg, view, (f64::from(e.client_x()), f64::from(e.client_y())))
}

/// Drawing units per screen pixel.
fn units_per_pixel(svg: &NodeRef, view: View) -> Option<f64> {
    let w = svg.cast::<web_sys::Element>()?.get_bounding_client_rect().width();
    (w > 0.0).then(|| view.w / w)
}

/// The node under a point (the one drawn last wins).
fn node_at(g: &Dag, (x, y): (f64, f64)) -> Option<String> {
    g.nodes()
        .iter()
        .rev()
        .find(|n| {
            n.pos.is_some_and(|(px, py)| {
                (x - px).abs() <= node_width(&n.name) / 2.0 + 3.0
                    && (y - py).abs() <= NODE_HEIGHT / 2.0 + 3.0
            })
        })
        .map(|n| n.name.clone())
}

/// Where the segment from a box's centre towards `(dx, dy)` leaves the box.
fn border(c: (f64, f64), w: f64, (dx, dy): (f64, f64), gap: f64) -> (f64, f64) {
    let (hw, hh) = (w / 2.0 + gap, NODE_HEIGHT / 2.0 + gap);
    let t = match (dx.abs() > 1e-9, dy.abs() > 1e-9) {
        (true, true) => (hw / dx.abs()).min(hh / dy.abs()),
        (true, false) => hw / dx.abs(),
        (false, true) => hh / dy.abs(),
        (false, false) => 0.0,
    };
    (c.0 + t * dx, c.1 + t * dy)
}

fn set_text(set: &[String]) -> String {
    if set.is_empty() {
        "∅ (no adjustment needed)".into()
    } else {
        format!("{{ {} }}", set.join(", "))
    }
}

fn fmt_p(p: f64) -> String {
    if p < 1e-16 {
        "< 1e-16".into()
    } else if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

/// The causal-graph card.
#[component]
pub fn GraphPanel(props: &GraphPanelProps) -> Html {
    let s = &props.state;
    let svg_ref = use_node_ref();
    let canvas_ref = use_node_ref();
    let drag = use_state(|| None::<Drag>);
    // The view lives in a cell so the native wheel listener always sees the current one.
    let view_cell = use_mut_ref(View::default);
    let redraw = use_force_update();
    let view = *view_cell.borrow();
    let set_view = {
        let (cell, redraw) = (view_cell.clone(), redraw.clone());
        Callback::from(move |v: View| {
            *cell.borrow_mut() = v;
            redraw.force_update();
        })
    };
    let notice = use_state(|| None::<String>);
    // Mouse wheel zooms about the pointer (a native listener: it must be able to stop the page
    // from scrolling, which Yew's passive wheel listener cannot).
    {
        let (svg_ref, cell, set_view) = (svg_ref.clone(), view_cell.clone(), set_view.clone());
        use_effect_with((), move |_| {
            let target = svg_ref.cast::<web_sys::Element>();
            let svg_ref2 = svg_ref.clone();
            let listener =
                Closure::<dyn FnMut(web_sys::WheelEvent)>::new(move |e: web_sys::WheelEvent| {
                    let v = *cell.borrow();
                    let Some(pt) = client_to_svg(
                        &svg_ref2,
                        v,
                        (f64::from(e.client_x()), f64::from(e.client_y())),
                    ) else {
                        return;
                    };
                    e.prevent_default();
                    let unit = match e.delta_mode() {
                        1 => 16.0,
                        2 => 400.0,
                        _ => 1.0,
                    };
                    let factor = (-e.delta_y() * unit * 0.0015).clamp(-1.0, 1.0).exp();
                    set_view.emit(v.zoom_at(factor, pt));
                });
            let opts = web_sys::AddEventListenerOptions::new();
            opts.set_passive(false);
            if let Some(t) = &target {
                let _ = t.add_event_listener_with_callback_and_add_event_listener_options(
                    "wheel",
                    listener.as_ref().unchecked_ref(),
                    &opts,
                );
            }
            move || {
                if let Some(t) = &target {
                    let _ = t.remove_event_listener_with_callback(
                        "wheel",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    let draft = use_state(|| None::<String>);
    {
        let draft = draft.clone();
        use_effect_with(s.graph.revision, move |_| draft.set(None));
    }
    let dispatch = props.dispatch.clone();
    let graph = |a: GraphAction| Action::Graph(a);
    let g = s.graph_with_roles();
    let analysis = s.graph_analysis();
    let ok_analysis = analysis.as_ref().and_then(|a| a.as_ref().ok());
    let empty = HashSet::new();
    let causal_edges = ok_analysis.map_or(&empty, |a| &a.causal_edges);
    let biasing_edges = ok_analysis.map_or(&empty, |a| &a.biasing_edges);
    // The pair of the implication under the pointer (or last clicked) is outlined on the graph:
    // red when the data contradict it.
    let pair = use_state(|| None::<(String, String, bool)>);
    let flagged_colour = |name: &str| match &*pair {
        Some((x, y, bad)) if x == name || y == name => Some(if *bad { BIASING } else { "#1f5f7a" }),
        _ => None,
    };

    let focus_canvas = {
        let canvas_ref = canvas_ref.clone();
        move || {
            if let Some(el) = canvas_ref.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        }
    };

    // Pointer handling: nodes start gestures; the SVG follows and ends them.
    let on_node_down = {
        let (svg_ref, drag, dispatch, focus) =
            (svg_ref.clone(), drag.clone(), dispatch.clone(), focus_canvas.clone());
        let g = g.clone();
        move |name: String| {
            let (svg_ref, drag, dispatch, focus) =
                (svg_ref.clone(), drag.clone(), dispatch.clone(), focus.clone());
            let pos = g.index(&name).and_then(|i| g.nodes()[i].pos).unwrap_or((0.0, 0.0));
            Callback::from(move |e: PointerEvent| {
                if e.button() != 0 {
                    return;
                }
                e.stop_propagation();
                e.prevent_default();
                focus();
                let Some(pt) = to_svg(&svg_ref, view, &e) else { return };
                if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
                if e.shift_key() {
                    drag.set(Some(Drag::Connect { from: name.clone(), to: pt }));
                } else {
                    dispatch.emit(Action::Graph(GraphAction::Select(Some(Selection::Node(
                        name.clone(),
                    )))));
                    drag.set(Some(Drag::Move {
                        node: name.clone(),
                        at: pos,
                        offset: (pos.0 - pt.0, pos.1 - pt.1),
                        moved: false,
                    }));
                }
            })
        }
    };
    let on_move = {
        let (svg_ref, drag, set_view) = (svg_ref.clone(), drag.clone(), set_view.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(current) = (*drag).clone() else { return };
            if let Drag::Pan { start, view: v0 } = current {
                if let Some(k) = units_per_pixel(&svg_ref, v0) {
                    let (dx, dy) =
                        (f64::from(e.client_x()) - start.0, f64::from(e.client_y()) - start.1);
                    set_view.emit(v0.pan(dx * k, dy * k));
                }
                return;
            }
            let Some(pt) = to_svg(&svg_ref, view, &e) else { return };
            drag.set(Some(match current {
                Drag::Move { node, at, offset, moved } => {
                    let next = (pt.0 + offset.0, pt.1 + offset.1);
                    let moved = moved || (next.0 - at.0).abs() + (next.1 - at.1).abs() > 2.0;
                    Drag::Move { node, at: if moved { next } else { at }, offset, moved }
                }
                Drag::Connect { from, .. } => Drag::Connect { from, to: pt },
                Drag::Pan { .. } => return,
            }));
        })
    };
    let on_up = {
        let (svg_ref, drag, dispatch) = (svg_ref.clone(), drag.clone(), dispatch.clone());
        let g = g.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(current) = (*drag).clone() else { return };
            drag.set(None);
            match current {
                Drag::Move { node, at, moved: true, .. } => {
                    dispatch.emit(Action::Graph(GraphAction::Move(node, at.0, at.1)));
                }
                Drag::Move { .. } | Drag::Pan { .. } => {}
                Drag::Connect { from, to } => {
                    let pt = to_svg(&svg_ref, view, &e).unwrap_or(to);
                    if let Some(target) = node_at(&g, pt).filter(|t| *t != from) {
                        dispatch.emit(Action::Graph(GraphAction::AddEdge(from, target)));
                    }
                }
            }
        })
    };
    let on_background = {
        let (dispatch, focus, drag, svg_ref) =
            (dispatch.clone(), focus_canvas.clone(), drag.clone(), svg_ref.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() == 0 {
                focus();
                dispatch.emit(Action::Graph(GraphAction::Select(None)));
                if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
                let start = (f64::from(e.client_x()), f64::from(e.client_y()));
                drag.set(Some(Drag::Pan { start, view }));
            }
        })
    };
    let on_key = {
        let dispatch = dispatch.clone();
        let selected = s.graph.selected.clone();
        let set_view = set_view.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let ctrl = e.ctrl_key() || e.meta_key();
            if !ctrl && !e.alt_key() {
                let factor = match key.as_str() {
                    "+" | "=" => Some(1.25),
                    "-" | "−" | "_" => Some(0.8),
                    _ => None,
                };
                if let Some(f) = factor {
                    e.prevent_default();
                    set_view.emit(view.zoom(f));
                    return;
                }
            }
            let action = match key.as_str() {
                "z" | "Z" if ctrl && e.shift_key() => Some(GraphAction::Redo),
                "z" | "Z" if ctrl => Some(GraphAction::Undo),
                "y" | "Y" if ctrl => Some(GraphAction::Redo),
                _ if ctrl || e.alt_key() => None,
                "Delete" | "Backspace" | "d" if selected.is_some() => {
                    Some(GraphAction::DeleteSelected)
                }
                "e" | "o" | "a" | "u" => key.chars().next().map(GraphAction::Key),
                "Escape" => Some(GraphAction::Select(None)),
                "r" => match &selected {
                    Some(Selection::Node(old)) => web_sys::window()
                        .and_then(|w| {
                            w.prompt_with_message_and_default(&format!("Rename `{old}` to:"), old)
                                .ok()
                                .flatten()
                        })
                        .map(|new| GraphAction::Rename(old.clone(), new)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(a) = action {
                e.prevent_default();
                dispatch.emit(Action::Graph(a));
            }
        })
    };

    // Where each node is drawn (a node being dragged follows the pointer).
    let pos_of = |i: usize| -> (f64, f64) {
        let n = &g.nodes()[i];
        match &*drag {
            Some(Drag::Move { node, at, moved: true, .. }) if *node == n.name => *at,
            _ => n.pos.unwrap_or((WIDTH / 2.0, HEIGHT / 2.0)),
        }
    };

    let edges = g.edges().into_iter().map(|(a, b)| {
        let (na, nb) = (g.name(a).to_string(), g.name(b).to_string());
        let (pa, pb) = (pos_of(a), pos_of(b));
        let d = (pb.0 - pa.0, pb.1 - pa.1);
        let start = border(pa, node_width(&na), d, 1.0);
        let end = border(pb, node_width(&nb), (-d.0, -d.1), 3.0);
        let key = (na.clone(), nb.clone());
        let selected = s.graph.selected == Some(Selection::Edge(na.clone(), nb.clone()));
        let (kind, colour, marker) = if selected {
            ("selected", SELECTED, "url(#arrow-selected)")
        } else if biasing_edges.contains(&key) {
            ("biasing", BIASING, "url(#arrow-biasing)")
        } else if causal_edges.contains(&key) {
            ("causal", CAUSAL, "url(#arrow-causal)")
        } else {
            ("", EDGE, "url(#arrow)")
        };
        let onpointerdown = {
            let dispatch = dispatch.clone();
            let focus = focus_canvas.clone();
            let sel = Selection::Edge(na.clone(), nb.clone());
            Callback::from(move |e: PointerEvent| {
                e.stop_propagation();
                focus();
                dispatch.emit(Action::Graph(GraphAction::Select(Some(sel.clone()))));
            })
        };
        let wide = if kind.is_empty() { "1.6" } else { "2.6" };
        html! {
            <g key={format!("e-{na}-{nb}")} data-testid={format!("edge-{na}-{nb}")} data-kind={kind} class="edge" {onpointerdown}>
                <line x1={format!("{:.1}", start.0)} y1={format!("{:.1}", start.1)} x2={format!("{:.1}", end.0)} y2={format!("{:.1}", end.1)}
                      stroke="transparent" stroke-width="12" />
                <line x1={format!("{:.1}", start.0)} y1={format!("{:.1}", start.1)} x2={format!("{:.1}", end.0)} y2={format!("{:.1}", end.1)}
                      stroke={colour} stroke-width={wide} marker-end={marker} />
            </g>
        }
    });

    let nodes = g.nodes().iter().enumerate().map(|(i, n)| {
        let (x, y) = pos_of(i);
        let w = node_width(&n.name);
        let role = match n.role {
            Role::Exposure => "exposure",
            Role::Outcome => "outcome",
            Role::Adjusted => "adjusted",
            Role::None => "none",
        };
        let (fill, stroke) = match n.role {
            Role::Exposure => ("#e4f3c8", "#5c8a12"),
            Role::Outcome => ("#d8ecfa", "#1f6fa8"),
            Role::Adjusted => ("#eceff3", "#55606e"),
            Role::None => ("#ffffff", "#8995a3"),
        };
        let selected = s.graph.selected == Some(Selection::Node(n.name.clone()));
        let flag = flagged_colour(&n.name);
        let flagged = flag.is_some();
        let stroke = if selected { SELECTED } else { flag.unwrap_or(stroke) };
        let stroke_width = if selected || flagged { "3" } else { "1.5" };
        let label = match n.role {
            Role::Exposure => format!("▶ {}", n.name),
            Role::Outcome => format!("{} ▮", n.name),
            _ => n.name.clone(),
        };
        let onpointerdown = on_node_down(n.name.clone());
        html! {
            <g key={format!("n-{}", n.name)} class="node" data-testid={format!("node-{}", n.name)} data-role={role}
               data-latent={n.latent.to_string()} data-selected={selected.to_string()} data-flagged={flagged.to_string()}
               transform={format!("translate({x:.1},{y:.1})")} {onpointerdown}>
                <rect x={format!("{:.1}", -w / 2.0 - if n.role == Role::None { 0.0 } else { 6.0 })} y={format!("{:.1}", -NODE_HEIGHT / 2.0)}
                      width={format!("{:.1}", w + if n.role == Role::None { 0.0 } else { 12.0 })} height={NODE_HEIGHT.to_string()}
                      rx="14" fill={fill} stroke={stroke} stroke-width={stroke_width}
                      stroke-dasharray={if n.latent { "4 3" } else { "none" }} />
                <text text-anchor="middle" dominant-baseline="central" font-size="13"
                      font-family="system-ui, sans-serif" fill={if n.latent { "#6b7683" } else { "#1d2733" }}
                      font-style={if n.latent { "italic" } else { "normal" }}>{label}</text>
            </g>
        }
    });

    let preview = match &*drag {
        Some(Drag::Connect { from, to }) => g.index(from).map(|i| {
            let p = pos_of(i);
            html! { <line class="preview" x1={format!("{:.1}", p.0)} y1={format!("{:.1}", p.1)} x2={format!("{:.1}", to.0)} y2={format!("{:.1}", to.1)}
                          stroke={SELECTED} stroke-width="2" stroke-dasharray="5 4" marker-end="url(#arrow-selected)" /> }
        }),
        _ => None,
    };

    let marker = |id: &str, colour: &str| {
        html! {
            <marker id={id.to_string()} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" fill={colour.to_string()} />
            </marker>
        }
    };

    let svg = html! {
        <svg ref={svg_ref.clone()} data-testid="graph-svg" class="graph-svg" viewBox={view.view_box()} data-zoom={format!("{:.3}", WIDTH / view.w)}
             role="img" aria-label="Causal graph" onpointerdown={on_background}
             onpointermove={on_move} onpointerup={on_up.clone()} onpointercancel={{ let drag = drag.clone(); Callback::from(move |_: PointerEvent| drag.set(None)) }}>
            <defs>
                {marker("arrow", EDGE)}
                {marker("arrow-causal", CAUSAL)}
                {marker("arrow-biasing", BIASING)}
                {marker("arrow-selected", SELECTED)}
            </defs>
            <rect x={format!("{:.1}", view.x.min(0.0) - WIDTH * 4.0)} y={format!("{:.1}", view.y.min(0.0) - HEIGHT * 4.0)}
                  width={(WIDTH * 10.0 + view.w).to_string()} height={(HEIGHT * 10.0 + view.h()).to_string()} fill="#fbfcfd" />
            { for edges }
            { preview }
            { for nodes }
        </svg>
    };

    let can_undo = s.graph.can_undo();
    let can_redo = s.graph.can_redo();
    let toolbar = html! {
        <div class="graph-toolbar">
            <button class="ghost" data-testid="add-latent" onclick={dispatch.reform(move |_| graph(GraphAction::AddLatent))}>{"Add latent"}</button>
            <button class="ghost" data-testid="auto-layout" onclick={dispatch.reform(move |_| graph(GraphAction::AutoLayout))}>{"Auto-layout"}</button>
            <button class="ghost" data-testid="undo" disabled={!can_undo} title="Undo (Ctrl+Z)" onclick={dispatch.reform(move |_| graph(GraphAction::Undo))}>{"↶ Undo"}</button>
            <button class="ghost" data-testid="redo" disabled={!can_redo} title="Redo (Ctrl+Shift+Z or Ctrl+Y)" onclick={dispatch.reform(move |_| graph(GraphAction::Redo))}>{"↷ Redo"}</button>
            if s.graph.selected.is_some() {
                <button class="ghost" data-testid="delete-selection" onclick={dispatch.reform(move |_| graph(GraphAction::DeleteSelected))}>{"Delete"}</button>
            }
            <span class="zoom-buttons">
                <button class="ghost" data-testid="zoom-in" title="Zoom in (+)" aria-label="Zoom in" onclick={set_view.reform(move |_| view.zoom(1.25))}>{"+"}</button>
                <button class="ghost" data-testid="zoom-out" title="Zoom out (−)" aria-label="Zoom out" onclick={set_view.reform(move |_| view.zoom(0.8))}>{"−"}</button>
                <button class="ghost" data-testid="zoom-fit" title="Show the whole graph" onclick={{ let g = g.clone(); set_view.reform(move |_| View::fit(&g)) }}>{"Fit"}</button>
            </span>
        </div>
    };

    let adjusted = s.adjusted();
    let identification = match &analysis {
        None => {
            html! { <p class="muted">{"Choose the treatment and the outcome to see what the graph identifies."}</p> }
        }
        Some(Err(e)) => html! { <p class="muted" data-testid="identification-problem">{e}</p> },
        Some(Ok(a)) => {
            let status = if a.adjusted_ok {
                html! { <p class="id-status ok" data-testid="adjustment-status" data-ok="true">{"✓ Correctly adjusted: the ticked covariates block every biasing path."}</p> }
            } else {
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
            };
            let mut current = adjusted.clone();
            current.sort();
            let sets = if a.backdoor.identifiable {
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
            } else {
                html! { <p class="muted" data-testid="not-identifiable">{a.backdoor.reason.clone().unwrap_or_else(|| "No observed set satisfies the back-door criterion.".into())}</p> }
            };
            html! {
                <>
                    {status}
                    <h3>{"Minimal adjustment sets"}<span class="hint">{" click one to adjust for it"}</span></h3>
                    {sets}
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
                        <ul class="sets">
                        { for a.instruments.iter().map(|z| {
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
                </>
            }
        }
    };

    // Model code, both ways.
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
        let draft = draft.clone();
        let dispatch = dispatch.clone();
        let generated = generated.clone();
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
    // A DAGitty or DOT file dropped on the model code replaces the graph, as pasted text does.
    let on_code_drop = {
        let dispatch = dispatch.clone();
        let notice = notice.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            e.stop_propagation();
            let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0))
            else {
                return;
            };
            if file.size() > 1_048_576.0 {
                notice.set(Some(format!(
                    "{} is too large for a graph file (over 1 MB)",
                    file.name()
                )));
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
                    None => notice.set(Some(format!("{} could not be read as text", file.name()))),
                }
            });
        })
    };
    let on_code_dragover = Callback::from(|e: DragEvent| {
        e.prevent_default();
        e.stop_propagation();
    });
    let svg_for_export = svg_ref.clone();
    let export_png_click = {
        let (svg_ref, notice) = (svg_ref.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let notice2 = notice.clone();
            let report = Callback::from(move |m: String| notice2.set(Some(m)));
            let size = Some((WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE));
            let result = match svg_ref.cast::<web_sys::Element>() {
                Some(el) => export_png(&el, "graph.png", size, report),
                None => Err("the drawing is not on the page".into()),
            };
            notice.set(result.err());
        })
    };
    let export_svg_click = Callback::from(move |_: MouseEvent| {
        if let Some(el) = svg_for_export.cast::<web_sys::Element>() {
            // The view as shown, at the drawing's full size whatever the zoom (as the PNG).
            export_svg(&el, "graph.svg", Some((WIDTH, HEIGHT)));
        }
    });
    let export_text = |name: &'static str, text: String| {
        Callback::from(move |_: MouseEvent| {
            download(name, "text/plain", &text);
        })
    };

    // Testable implications.
    let sent = s.implications_sent.as_ref().map(|(_, l)| l.len()).unwrap_or(0);
    let testing = sent > 0 && s.implications.len() != sent;
    let implications = html! {
        <div class="implications">
            if s.implications.is_empty() && !testing {
                <p class="muted small" data-testid="no-implications">{
                    if g.edges().is_empty() { "Draw the graph's arrows: each missing arrow between two columns is an independence the data can test." }
                    else { "This graph implies no independence among the data's columns." }
                }</p>
            } else if testing {
                <p class="muted small">{"Testing in the background…"}</p>
            } else {
                <div class="implications-scroll">
                <table data-testid="implications" class="implications-table">
                    <thead><tr><th>{"Independence"}</th><th class="num">{"r"}</th><th class="num">{"p"}</th></tr></thead>
                    <tbody>
                    { for s.implications.iter().enumerate().map(|(i, t)| {
                        let bad = t.p_value.is_some_and(|p| p < 0.05);
                        let given = if t.given.is_empty() { String::new() } else { format!(" | {}", t.given.join(", ")) };
                        let show = {
                            let pair = pair.clone();
                            let p = (t.x.clone(), t.y.clone(), bad);
                            Callback::from(move |_: MouseEvent| pair.set(Some(p.clone())))
                        };
                        let hide = {
                            let pair = pair.clone();
                            Callback::from(move |_: MouseEvent| pair.set(None))
                        };
                        html! {
                            <tr class={classes!(bad.then_some("rejected"))} data-testid={format!("implication-{i}")}
                                onmouseenter={show.clone()} onclick={show} onmouseleave={hide}
                                data-x={t.x.clone()} data-y={t.y.clone()} data-p={t.p_value.map(|p| p.to_string()).unwrap_or_default()}
                                data-r={t.r.map(|r| r.to_string()).unwrap_or_default()} data-rejected={bad.to_string()} title={t.error.clone().unwrap_or_default()}>
                                <td><code>{format!("{} ⟂ {}{given}", t.x, t.y)}</code></td>
                                <td class="num">{t.r.map(|r| format!("{r:.3}")).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{t.p_value.map(fmt_p).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
                <p class="muted small">{"Partial correlation with Fisher's z. Rows with p < 0.05 (highlighted) contradict the graph; point at a row to outline its pair on the graph."}</p>
            }
        </div>
    };

    html! {
        <section class="card graph-card" data-testid="graph-panel" aria-labelledby="graph-title">
            <header class="card-head">
                <h2 id="graph-title">{"Causal graph"}</h2>
                <span class="hint">{"Drag nodes to move them; Shift-drag from one node to another to draw an arrow. Select a node and press e (treatment), o (outcome), a (adjust), u (latent), r (rename); Delete removes the selection."}</span>
            </header>
            if let Some(err) = &s.graph.error {
                <div class="banner error graph-error" role="alert" data-testid="graph-error">
                    <span>{err}</span>
                    <button class="ghost" aria-label="Dismiss the message" onclick={dispatch.reform(move |_| graph(GraphAction::DismissError))}>{"✕"}</button>
                </div>
            }
            if let Some(msg) = &*notice {
                <div class="banner error graph-error" role="alert" data-testid="graph-notice">
                    <span>{msg}</span>
                    <button class="ghost" aria-label="Dismiss the message" onclick={{ let notice = notice.clone(); Callback::from(move |_: MouseEvent| notice.set(None)) }}>{"✕"}</button>
                </div>
            }
            <div class="graph-layout">
                <div class="graph-main">
                    {toolbar}
                    <div class="graph-canvas" ref={canvas_ref} tabindex="0" onkeydown={on_key} aria-label="Graph editor: select a node, then use the keys listed above">
                        {svg}
                    </div>
                    <p class="legend small muted">
                        <span class="swatch" style={format!("background:{CAUSAL}")}></span>{"open causal path "}
                        <span class="swatch" style={format!("background:{BIASING}")}></span>{"open biasing path "}
                        <span class="swatch dashed"></span>{"latent (unobserved)"}
                    </p>
                </div>
                <aside class="identification" data-testid="identification">
                    <h3>{"Adjustment"}</h3>
                    {identification}
                </aside>
            </div>
            <div class="graph-lower">
                <div class="model-code">
                    <h3>{"Model code"}<span class="hint">{" DAGitty or DOT; edit and leave the field (or Apply) to redraw, or drop a graph file here"}</span></h3>
                    <textarea data-testid="model-code" spellcheck="false" rows="10" value={code_value}
                              oninput={on_code_input} onblur={apply.reform(|_: FocusEvent| ())}
                              ondrop={on_code_drop} ondragover={on_code_dragover} />
                    <div class="code-buttons">
                        <button class="secondary" data-testid="apply-code" disabled={draft.is_none()} onclick={apply.reform(|_| ())}>{"Apply"}</button>
                        <button class="ghost" data-testid="export-dagitty" onclick={export_text("graph.dagitty", generated.clone())}>{"DAGitty"}</button>
                        <button class="ghost" data-testid="export-dot" onclick={export_text("graph.dot", cf_graph::text::to_dot(&g))}>{"DOT"}</button>
                        <button class="ghost" data-testid="export-svg" onclick={export_svg_click}>{"SVG"}</button>
                        <button class="ghost" data-testid="export-png" onclick={export_png_click}>{"PNG"}</button>
                    </div>
                </div>
                <div>
                    <h3>{"Testable implications"}</h3>
                    {implications}
                </div>
            </div>
        </section>
    }
}
