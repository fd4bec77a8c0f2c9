//! The drawing: drag nodes, Shift-drag to draw arrows, DAGitty's keys, zoom and pan.

use std::collections::HashSet;

use cf_graph::{Dag, Role};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;
use yew::prelude::*;

use super::{BIASING, CAUSAL, EDGE, FLAGGED, Flag, SELECTED};
use crate::components::context::use_app;
use crate::graph_state::{HEIGHT, NODE_HEIGHT, Selection, View, WIDTH, node_width};
use crate::state::{Action, GraphAction};

/// Props of [`GraphCanvas`].
#[derive(Properties, PartialEq)]
pub(super) struct CanvasProps {
    /// The drawing (the exports read it).
    pub svg_ref: NodeRef,
    /// The pair of the implication under the pointer, outlined on the graph.
    pub flag: Option<Flag>,
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

/// The view, in a cell so the native wheel listener always sees the current one, and a callback
/// that changes it. The mouse wheel zooms about the pointer (a native listener: it must be able
/// to stop the page from scrolling, which Yew's passive wheel listener cannot).
#[hook]
fn use_view(svg_ref: &NodeRef) -> (View, Callback<View>) {
    let view_cell = use_mut_ref(View::default);
    let redraw = use_force_update();
    let view = *view_cell.borrow();
    let set_view = {
        let cell = view_cell.clone();
        Callback::from(move |v: View| {
            *cell.borrow_mut() = v;
            redraw.force_update();
        })
    };
    let (svg_ref, cell, set) = (svg_ref.clone(), view_cell, set_view.clone());
    use_effect_with((), move |_| {
        let target = svg_ref.cast::<web_sys::Element>();
        let listener =
            Closure::<dyn FnMut(web_sys::WheelEvent)>::new(move |e: web_sys::WheelEvent| {
                let v = *cell.borrow();
                let client = (f64::from(e.client_x()), f64::from(e.client_y()));
                let Some(pt) = client_to_svg(&svg_ref, v, client) else {
                    return;
                };
                e.prevent_default();
                let unit = match e.delta_mode() {
                    1 => 16.0,
                    2 => 400.0,
                    _ => 1.0,
                };
                let factor = (-e.delta_y() * unit * 0.0015).clamp(-1.0, 1.0).exp();
                set.emit(v.zoom_at(factor, pt));
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
    (view, set_view)
}

/// What the pointer handlers share.
#[derive(Clone)]
struct Gesture {
    svg_ref: NodeRef,
    drag: UseStateHandle<Option<Drag>>,
    dispatch: Callback<Action>,
    focus: Callback<()>,
    view: View,
}

impl Gesture {
    /// A node starts a move (or, with Shift, an arrow).
    fn node_down(&self, name: String, pos: (f64, f64)) -> Callback<PointerEvent> {
        let Gesture { svg_ref, drag, dispatch, focus, view } = self.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            e.stop_propagation();
            e.prevent_default();
            focus.emit(());
            let Some(pt) = to_svg(&svg_ref, view, &e) else { return };
            if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            if e.shift_key() {
                drag.set(Some(Drag::Connect { from: name.clone(), to: pt }));
            } else {
                dispatch
                    .emit(Action::Graph(GraphAction::Select(Some(Selection::Node(name.clone())))));
                drag.set(Some(Drag::Move {
                    node: name.clone(),
                    at: pos,
                    offset: (pos.0 - pt.0, pos.1 - pt.1),
                    moved: false,
                }));
            }
        })
    }

    /// The SVG follows the gesture in progress.
    fn pointer_move(&self, set_view: Callback<View>) -> Callback<PointerEvent> {
        let Gesture { svg_ref, drag, view, .. } = self.clone();
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
    }

    /// The gesture ends: a moved node is placed, an arrow drawn to the node under the pointer.
    fn pointer_up(&self, g: Dag) -> Callback<PointerEvent> {
        let Gesture { svg_ref, drag, dispatch, view, .. } = self.clone();
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
    }

    /// The background clears the selection and starts panning.
    fn background_down(&self) -> Callback<PointerEvent> {
        let Gesture { svg_ref, drag, dispatch, focus, view } = self.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() == 0 {
                focus.emit(());
                dispatch.emit(Action::Graph(GraphAction::Select(None)));
                if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
                let start = (f64::from(e.client_x()), f64::from(e.client_y()));
                drag.set(Some(Drag::Pan { start, view }));
            }
        })
    }
}

/// DAGitty's keys on the selection, undo and redo, and zoom.
fn on_key(
    dispatch: Callback<Action>,
    selected: Option<Selection>,
    view: View,
    set_view: Callback<View>,
) -> Callback<KeyboardEvent> {
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
            "Delete" | "Backspace" | "d" if selected.is_some() => Some(GraphAction::DeleteSelected),
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
}

/// An arrow between two drawn positions.
struct EdgeView<'a> {
    from: &'a str,
    to: &'a str,
    at: ((f64, f64), (f64, f64)),
    /// `selected`, `biasing`, `causal` or empty.
    kind: &'static str,
    onpointerdown: Callback<PointerEvent>,
}

fn edge_html(e: EdgeView<'_>) -> Html {
    let (na, nb) = (e.from, e.to);
    let (pa, pb) = e.at;
    let d = (pb.0 - pa.0, pb.1 - pa.1);
    let start = border(pa, node_width(na), d, 1.0);
    let end = border(pb, node_width(nb), (-d.0, -d.1), 3.0);
    let (colour, marker) = match e.kind {
        "selected" => (SELECTED, "url(#arrow-selected)"),
        "biasing" => (BIASING, "url(#arrow-biasing)"),
        "causal" => (CAUSAL, "url(#arrow-causal)"),
        _ => (EDGE, "url(#arrow)"),
    };
    let wide = if e.kind.is_empty() { "1.6" } else { "2.6" };
    let (x1, y1) = (format!("{:.1}", start.0), format!("{:.1}", start.1));
    let (x2, y2) = (format!("{:.1}", end.0), format!("{:.1}", end.1));
    html! {
        <g key={format!("e-{na}-{nb}")} data-testid={format!("edge-{na}-{nb}")} data-kind={e.kind} class="edge" onpointerdown={e.onpointerdown}>
            <line x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()}
                  stroke="transparent" stroke-width="12" />
            <line {x1} {y1} {x2} {y2} style={format!("stroke:{colour}")} stroke-width={wide} marker-end={marker} />
        </g>
    }
}

/// A node box at `(x, y)`.
fn node_html(
    n: &cf_graph::Node,
    (x, y): (f64, f64),
    selected: bool,
    flag: Option<&'static str>,
    onpointerdown: Callback<PointerEvent>,
) -> Html {
    let w = node_width(&n.name);
    let role = match n.role {
        Role::Exposure => "exposure",
        Role::Outcome => "outcome",
        Role::Adjusted => "adjusted",
        Role::None => "none",
    };
    let flagged = flag.is_some();
    let stroke = if selected {
        SELECTED.to_string()
    } else {
        flag.map_or_else(|| format!("var(--node-{role}-stroke)"), str::to_string)
    };
    let stroke_width = if selected || flagged { "3" } else { "1.5" };
    let label = match n.role {
        Role::Exposure => format!("▶ {}", n.name),
        Role::Outcome => format!("{} ▮", n.name),
        _ => n.name.clone(),
    };
    let pad = if n.role == Role::None { 0.0 } else { 6.0 };
    let text = if n.latent { "var(--node-latent-ink)" } else { "var(--ink)" };
    html! {
        <g key={format!("n-{}", n.name)} class="node" data-testid={format!("node-{}", n.name)} data-role={role}
           data-latent={n.latent.to_string()} data-selected={selected.to_string()} data-flagged={flagged.to_string()}
           transform={format!("translate({x:.1},{y:.1})")} {onpointerdown}>
            <rect x={format!("{:.1}", -w / 2.0 - pad)} y={format!("{:.1}", -NODE_HEIGHT / 2.0)}
                  width={format!("{:.1}", w + 2.0 * pad)} height={NODE_HEIGHT.to_string()}
                  rx="14" style={format!("fill:var(--node-{role}-fill);stroke:{stroke}")} stroke-width={stroke_width}
                  stroke-dasharray={if n.latent { "4 3" } else { "none" }} />
            <text text-anchor="middle" dominant-baseline="central" font-size="13"
                  font-family="system-ui, sans-serif" style={format!("fill:{text}")}
                  font-style={if n.latent { "italic" } else { "normal" }}>{label}</text>
        </g>
    }
}

fn marker(id: &str, colour: &str) -> Html {
    html! {
        <marker id={id.to_string()} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" style={format!("fill:{colour}")} />
        </marker>
    }
}

/// The graph editor: toolbar and drawing.
#[component]
pub(super) fn GraphCanvas(props: &CanvasProps) -> Html {
    let (s, dispatch) = use_app();
    let svg_ref = props.svg_ref.clone();
    let canvas_ref = use_node_ref();
    let drag = use_state(|| None::<Drag>);
    let (view, set_view) = use_view(&svg_ref);
    let g = s.graph_with_roles();
    let analysis = s.graph_analysis();
    let ok_analysis = analysis.as_ref().and_then(|a| a.as_ref().ok());
    let empty = HashSet::new();
    let causal_edges = ok_analysis.map_or(&empty, |a| &a.causal_edges);
    let biasing_edges = ok_analysis.map_or(&empty, |a| &a.biasing_edges);
    // The pair of the implication under the pointer (or last clicked) is outlined on the graph:
    // red when the data contradict it.
    let flagged_colour = |name: &str| match &props.flag {
        Some((x, y, bad)) if x == name || y == name => Some(if *bad { BIASING } else { FLAGGED }),
        _ => None,
    };
    let focus = {
        let canvas_ref = canvas_ref.clone();
        Callback::from(move |()| {
            if let Some(el) = canvas_ref.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        })
    };
    let gesture = Gesture {
        svg_ref: svg_ref.clone(),
        drag: drag.clone(),
        dispatch: dispatch.clone(),
        focus: focus.clone(),
        view,
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
        let (na, nb) = (g.name(a), g.name(b));
        let key = (na.to_string(), nb.to_string());
        let sel = Selection::Edge(key.0.clone(), key.1.clone());
        let kind = if s.graph.selected.as_ref() == Some(&sel) {
            "selected"
        } else if biasing_edges.contains(&key) {
            "biasing"
        } else if causal_edges.contains(&key) {
            "causal"
        } else {
            ""
        };
        let (dispatch, focus) = (dispatch.clone(), focus.clone());
        let onpointerdown = Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            focus.emit(());
            dispatch.emit(Action::Graph(GraphAction::Select(Some(sel.clone()))));
        });
        edge_html(EdgeView { from: na, to: nb, at: (pos_of(a), pos_of(b)), kind, onpointerdown })
    });
    let nodes = g.nodes().iter().enumerate().map(|(i, n)| {
        let selected = s.graph.selected == Some(Selection::Node(n.name.clone()));
        let pos = g.index(&n.name).and_then(|i| g.nodes()[i].pos).unwrap_or((0.0, 0.0));
        let down = gesture.node_down(n.name.clone(), pos);
        node_html(n, pos_of(i), selected, flagged_colour(&n.name), down)
    });
    let preview = match &*drag {
        Some(Drag::Connect { from, to }) => g.index(from).map(|i| {
            let p = pos_of(i);
            html! { <line class="preview" x1={format!("{:.1}", p.0)} y1={format!("{:.1}", p.1)} x2={format!("{:.1}", to.0)} y2={format!("{:.1}", to.1)}
                          style={format!("stroke:{SELECTED}")} stroke-width="2" stroke-dasharray="5 4" marker-end="url(#arrow-selected)" /> }
        }),
        _ => None,
    };
    let on_cancel = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| drag.set(None))
    };
    html! {
        <>
            <Toolbar view={view} set_view={set_view.clone()} graph={g.clone()} />
            <div class="graph-canvas" ref={canvas_ref} tabindex="0" onkeydown={on_key(dispatch.clone(), s.graph.selected.clone(), view, set_view.clone())}
                 aria-label="Graph editor: select a node, then use the keys listed above">
                <svg ref={svg_ref} data-testid="graph-svg" class="graph-svg" viewBox={view.view_box()} data-zoom={format!("{:.3}", WIDTH / view.w)}
                     role="img" aria-label="Causal graph" onpointerdown={gesture.background_down()}
                     onpointermove={gesture.pointer_move(set_view)} onpointerup={gesture.pointer_up(g.clone())} onpointercancel={on_cancel}>
                    <defs>
                        {marker("arrow", EDGE)}
                        {marker("arrow-causal", CAUSAL)}
                        {marker("arrow-biasing", BIASING)}
                        {marker("arrow-selected", SELECTED)}
                    </defs>
                    <rect x={format!("{:.1}", view.x.min(0.0) - WIDTH * 4.0)} y={format!("{:.1}", view.y.min(0.0) - HEIGHT * 4.0)}
                          width={(WIDTH * 10.0 + view.w).to_string()} height={(HEIGHT * 10.0 + view.h()).to_string()} style="fill:var(--graph-bg)" />
                    { for edges }
                    { preview }
                    { for nodes }
                </svg>
            </div>
        </>
    }
}

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
struct ToolbarProps {
    view: View,
    set_view: Callback<View>,
    /// The graph (to fit the view to).
    graph: Dag,
}

/// Add latent, layout, undo and redo, delete, zoom.
#[component]
fn Toolbar(props: &ToolbarProps) -> Html {
    let (s, dispatch) = use_app();
    let graph = |a: GraphAction| Action::Graph(a);
    let (view, set_view) = (props.view, &props.set_view);
    let fit = {
        let g = props.graph.clone();
        set_view.reform(move |_| View::fit(&g))
    };
    html! {
        <div class="graph-toolbar">
            <button class="ghost" data-testid="add-latent" onclick={dispatch.reform(move |_| graph(GraphAction::AddLatent))}>{"Add latent"}</button>
            <button class="ghost" data-testid="auto-layout" onclick={dispatch.reform(move |_| graph(GraphAction::AutoLayout))}>{"Auto-layout"}</button>
            <button class="ghost" data-testid="undo" disabled={!s.graph.can_undo()} title="Undo (Ctrl+Z)" onclick={dispatch.reform(move |_| graph(GraphAction::Undo))}>{"↶ Undo"}</button>
            <button class="ghost" data-testid="redo" disabled={!s.graph.can_redo()} title="Redo (Ctrl+Shift+Z or Ctrl+Y)" onclick={dispatch.reform(move |_| graph(GraphAction::Redo))}>{"↷ Redo"}</button>
            if s.graph.selected.is_some() {
                <button class="ghost" data-testid="delete-selection" onclick={dispatch.reform(move |_| graph(GraphAction::DeleteSelected))}>{"Delete"}</button>
            }
            <span class="zoom-buttons">
                <button class="ghost" data-testid="zoom-in" title="Zoom in (+)" aria-label="Zoom in" onclick={set_view.reform(move |_| view.zoom(1.25))}>{"+"}</button>
                <button class="ghost" data-testid="zoom-out" title="Zoom out (−)" aria-label="Zoom out" onclick={set_view.reform(move |_| view.zoom(0.8))}>{"−"}</button>
                <button class="ghost" data-testid="zoom-fit" title="Show the whole graph" onclick={fit}>{"Fit"}</button>
            </span>
        </div>
    }
}
