//! The drawing: drag nodes, Shift-drag to draw arrows, DAGitty's keys, zoom and pan.

use std::collections::HashSet;

use cf_graph::{Dag, Role};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::{BIASING, CAUSAL, EDGE, FLAGGED, Flag, SELECTED};
use crate::components::context::use_app;
use crate::graph_state::{
    self, FONT_SIZE, HEIGHT, NODE_HEIGHT, ROLE_PAD, Route, Selection, View, WIDTH, node_width,
};
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

/// The node element named `name` in the drawing.
fn node_element(svg: &NodeRef, name: &str) -> Option<web_sys::Element> {
    let svg = svg.cast::<web_sys::Element>()?;
    let all = svg.query_selector_all("g.node").ok()?;
    let want = format!("node-{name}");
    (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok())
        .find(|e| e.get_attribute("data-testid").as_deref() == Some(want.as_str()))
}

/// The name of the node that has the keyboard focus.
fn focused_node() -> Option<String> {
    let el = web_sys::window()?.document()?.active_element()?;
    el.get_attribute("data-testid")?.strip_prefix("node-").map(str::to_string)
}

/// Moves the keyboard focus to a node.
fn focus_node(svg: &NodeRef, name: &str) {
    // `focus` is called on the element as it is (an SVG element has one too).
    if let Some(el) = node_element(svg, name) {
        let _ = el.unchecked_into::<HtmlElement>().focus();
    }
}

/// The nearest node from `from` in the direction `(dx, dy)` (an arrow key), preferring nodes in
/// line with it.
fn neighbour(g: &Dag, from: &str, (dx, dy): (f64, f64)) -> Option<String> {
    let p = g.nodes()[g.index(from)?].pos?;
    g.nodes()
        .iter()
        .filter(|n| n.name != from)
        .filter_map(|n| {
            let q = n.pos?;
            let (vx, vy) = (q.0 - p.0, q.1 - p.1);
            let along = vx * dx + vy * dy;
            let across = (vx * dy - vy * dx).abs();
            (along > 1.0).then(|| (along + 2.5 * across, n.name.clone()))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// What the key handler needs.
struct Keys {
    dispatch: Callback<Action>,
    selected: Option<Selection>,
    view: View,
    set_view: Callback<View>,
    graph: Dag,
    svg_ref: NodeRef,
    /// Starts renaming a node in place.
    rename: Callback<String>,
    /// Whether a name is a column of the data (a column keeps its name).
    columns: Vec<String>,
}

/// DAGitty's keys on the selection, undo and redo, zoom, arrow keys between nodes.
fn on_key(k: Keys) -> Callback<KeyboardEvent> {
    let Keys { dispatch, selected, view, set_view, graph, svg_ref, rename, columns } = k;
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
            let dir = match key.as_str() {
                "ArrowLeft" => Some((-1.0, 0.0)),
                "ArrowRight" => Some((1.0, 0.0)),
                "ArrowUp" => Some((0.0, -1.0)),
                "ArrowDown" => Some((0.0, 1.0)),
                _ => None,
            };
            if let Some(d) = dir {
                e.prevent_default();
                let from = focused_node().or(match &selected {
                    Some(Selection::Node(n)) => Some(n.clone()),
                    _ => None,
                });
                let to = match from {
                    Some(f) => neighbour(&graph, &f, d),
                    None => graph.nodes().first().map(|n| n.name.clone()),
                };
                if let Some(to) = to {
                    focus_node(&svg_ref, &to);
                }
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
            "r" | "F2" => match &selected {
                // A column keeps its name: the reducer says so.
                Some(Selection::Node(old)) if columns.contains(old) => {
                    Some(GraphAction::Rename(old.clone(), old.clone()))
                }
                Some(Selection::Node(old)) => {
                    e.prevent_default();
                    rename.emit(old.clone());
                    None
                }
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

/// Props of [`RenameBox`].
#[derive(Properties, PartialEq)]
struct RenameProps {
    /// The node being renamed.
    name: String,
    /// Its centre and the field's width, in per cent of the drawing shown.
    at: (f64, f64, f64),
    /// The new name (`Some`) or cancelled (`None`).
    done: Callback<Option<String>>,
}

/// Renaming a node in place: a text field over the node; Enter keeps the name, Escape cancels.
#[component]
fn RenameBox(props: &RenameProps) -> Html {
    let input = use_node_ref();
    let finished = use_mut_ref(|| false);
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let _ = el.focus();
                el.select();
            }
        });
    }
    let finish = {
        let (done, finished, input) = (props.done.clone(), finished.clone(), input.clone());
        Callback::from(move |keep: bool| {
            if std::mem::replace(&mut *finished.borrow_mut(), true) {
                return;
            }
            let value = input.cast::<HtmlInputElement>().map(|el| el.value());
            done.emit(if keep { value } else { None });
        })
    };
    let onkeydown = {
        let finish = finish.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Typing a name must not reach the drawing's keys.
            e.stop_propagation();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    finish.emit(true);
                }
                "Escape" => {
                    e.prevent_default();
                    finish.emit(false);
                }
                _ => {}
            }
        })
    };
    let onblur = finish.reform(|_: FocusEvent| true);
    let stop = Callback::from(|e: PointerEvent| e.stop_propagation());
    let (x, y, w) = props.at;
    html! {
        <div class="rename-box" style={format!("left:{x:.2}%;top:{y:.2}%;width:{w:.2}%")} onpointerdown={stop}>
            <input ref={input} type="text" class="rename-input" data-testid="rename-input" value={props.name.clone()}
                   aria-label={format!("New name for {}", props.name)} spellcheck="false" {onkeydown} {onblur} />
        </div>
    }
}

/// An arrow along its route.
struct EdgeView<'a> {
    from: &'a str,
    to: &'a str,
    route: Route,
    /// `selected`, `biasing`, `causal` or empty.
    kind: &'static str,
    /// An undecided edge: no arrowhead, dashed.
    undirected: bool,
    onpointerdown: Callback<PointerEvent>,
}

fn edge_html(e: EdgeView<'_>) -> Html {
    let (na, nb) = (e.from, e.to);
    let (colour, marker) = match e.kind {
        "selected" => (SELECTED, "url(#arrow-selected)"),
        "biasing" => (BIASING, "url(#arrow-biasing)"),
        "causal" => (CAUSAL, "url(#arrow-causal)"),
        _ => (EDGE, "url(#arrow)"),
    };
    let wide = if e.kind.is_empty() { "1.6" } else { "2.6" };
    let d = e.route.path();
    let (marker, dash) = if e.undirected { (None, Some("6 4")) } else { (Some(marker), None) };
    html! {
        <g key={format!("e-{na}-{nb}")} data-testid={format!("edge-{na}-{nb}")} data-kind={e.kind} data-undirected={e.undirected.to_string()}
           data-bent={(e.route.ctrl.is_some() || !e.route.via.is_empty()).to_string()} class="edge" onpointerdown={e.onpointerdown}>
            <title>{ if e.undirected { format!("{na} — {nb}: undecided (select it, then orient it)") } else { format!("{na} → {nb}") } }</title>
            <path d={d.clone()} class="edge-hit" fill="none" stroke="transparent" stroke-width="12" />
            <path {d} class="edge-line" fill="none" style={format!("stroke:{colour}")} stroke-width={wide} marker-end={marker} stroke-dasharray={dash} />
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
    onkeydown: Callback<KeyboardEvent>,
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
    let pad = if n.role == Role::None { 0.0 } else { ROLE_PAD };
    let text = if n.latent { "var(--node-latent-ink)" } else { "var(--ink)" };
    let described = match n.role {
        Role::Exposure => ", treatment",
        Role::Outcome => ", outcome",
        Role::Adjusted => ", adjusted for",
        Role::None if n.latent => ", latent",
        Role::None => "",
    };
    let aria = format!("{}{described}{}", n.name, if selected { ", selected" } else { "" });
    html! {
        <g key={format!("n-{}", n.name)} class="node" data-testid={format!("node-{}", n.name)} data-role={role}
           data-latent={n.latent.to_string()} data-selected={selected.to_string()} data-flagged={flagged.to_string()}
           transform={format!("translate({x:.1},{y:.1})")} tabindex="0" role="button" aria-label={aria}
           aria-pressed={selected.to_string()} {onpointerdown} {onkeydown}>
            <rect class="focus-ring" fill="none" stroke="none" x={format!("{:.1}", -w / 2.0 - pad - 4.0)} y={format!("{:.1}", -NODE_HEIGHT / 2.0 - 4.0)}
                  width={format!("{:.1}", w + 2.0 * pad + 8.0)} height={(NODE_HEIGHT + 8.0).to_string()} rx="18" />
            <rect x={format!("{:.1}", -w / 2.0 - pad)} y={format!("{:.1}", -NODE_HEIGHT / 2.0)}
                  width={format!("{:.1}", w + 2.0 * pad)} height={NODE_HEIGHT.to_string()}
                  rx="14" style={format!("fill:var(--node-{role}-fill);stroke:{stroke}")} stroke-width={stroke_width}
                  stroke-dasharray={if n.latent { "4 3" } else { "none" }} />
            <text class="node-label" text-anchor="middle" dominant-baseline="central" font-size={FONT_SIZE.to_string()}
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
    let renaming = use_state(|| None::<String>);
    let (view, set_view) = use_view(&svg_ref);
    let g = s.graph_with_roles();
    // A graph laid out anew (new columns, auto-layout, text) is shown whole: the view grows
    // past the drawing area when the names need more room.
    {
        let names: Vec<String> = g.nodes().iter().map(|n| n.name.clone()).collect();
        let (set_view, shown) = (set_view.clone(), s.graph.dag.clone());
        use_effect_with((s.graph.laid_out, names), move |_| set_view.emit(View::initial(&shown)));
    }
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
    let drawn: Vec<(f64, f64)> = (0..g.len()).map(pos_of).collect();
    let pads: Vec<f64> =
        g.nodes().iter().map(|n| if n.role == Role::None { 0.0 } else { ROLE_PAD }).collect();
    // One arrow (or undecided edge) of the drawing, selected by a click on it.
    let edge = |a: usize, b: usize, kind: &'static str, undirected: bool| {
        let (na, nb) = (g.name(a), g.name(b));
        let sel = Selection::Edge(na.to_string(), nb.to_string());
        let kind = if s.graph.selected.as_ref() == Some(&sel) { "selected" } else { kind };
        let (dispatch, focus) = (dispatch.clone(), focus.clone());
        let onpointerdown = Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            focus.emit(());
            dispatch.emit(Action::Graph(GraphAction::Select(Some(sel.clone()))));
        });
        let route = graph_state::route(&g, &drawn, &pads, a, b);
        edge_html(EdgeView { from: na, to: nb, route, kind, undirected, onpointerdown })
    };
    let edges = g.edges().into_iter().map(|(a, b)| {
        let key = (g.name(a).to_string(), g.name(b).to_string());
        let kind = if biasing_edges.contains(&key) {
            "biasing"
        } else if causal_edges.contains(&key) {
            "causal"
        } else {
            ""
        };
        edge(a, b, kind, false)
    });
    let undecided = g.undirected_edges().iter().map(|&(a, b)| edge(a, b, "", true));
    let nodes = g.nodes().iter().enumerate().map(|(i, n)| {
        let selected = s.graph.selected == Some(Selection::Node(n.name.clone()));
        let pos = g.index(&n.name).and_then(|i| g.nodes()[i].pos).unwrap_or((0.0, 0.0));
        let down = gesture.node_down(n.name.clone(), pos);
        // Enter or Space selects the node with the keyboard focus.
        let select = {
            let (dispatch, name) = (dispatch.clone(), n.name.clone());
            Callback::from(move |e: KeyboardEvent| {
                if matches!(e.key().as_str(), "Enter" | " " | "Spacebar") {
                    e.prevent_default();
                    let sel = Some(Selection::Node(name.clone()));
                    dispatch.emit(Action::Graph(GraphAction::Select(sel)));
                }
            })
        };
        node_html(n, pos_of(i), selected, flagged_colour(&n.name), down, select)
    });
    let rename_box = (*renaming).clone().and_then(|name| {
        let (x, y) = g.index(&name).map(|i| drawn[i])?;
        let at = (
            (x - view.x) / view.w * 100.0,
            (y - view.y) / view.h() * 100.0,
            (node_width(&name) + 40.0) / view.w * 100.0,
        );
        let done = {
            let (renaming, dispatch, focus, svg_ref) =
                (renaming.clone(), dispatch.clone(), focus.clone(), svg_ref.clone());
            let old = name.clone();
            Callback::from(move |new: Option<String>| {
                renaming.set(None);
                let name = match new {
                    Some(new) if new.trim() != old => {
                        dispatch.emit(Action::Graph(GraphAction::Rename(old.clone(), new.clone())));
                        new.trim().to_string()
                    }
                    _ => old.clone(),
                };
                focus.emit(());
                // Back on the node (under its new name once the page has drawn it).
                let svg_ref = svg_ref.clone();
                let later = Closure::once_into_js(move || focus_node(&svg_ref, &name));
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback(later.unchecked_ref());
                }
            })
        };
        Some(html! { <RenameBox key={name.clone()} name={name.clone()} {at} {done} /> })
    });
    let start_rename = {
        let renaming = renaming.clone();
        Callback::from(move |name: String| renaming.set(Some(name)))
    };
    let columns: Vec<String> =
        g.nodes().iter().map(|n| n.name.clone()).filter(|n| s.is_column(n)).collect();
    let keys = on_key(Keys {
        dispatch: dispatch.clone(),
        selected: s.graph.selected.clone(),
        view,
        set_view: set_view.clone(),
        graph: g.clone(),
        svg_ref: svg_ref.clone(),
        rename: start_rename,
        columns,
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
            <div class="graph-canvas" ref={canvas_ref} tabindex="0" onkeydown={keys}
                 aria-label="Graph editor: Tab or the arrow keys move between nodes, Enter selects one, then use the keys listed above">
                <svg ref={svg_ref} data-testid="graph-svg" class="graph-svg" viewBox={view.view_box()} data-zoom={format!("{:.3}", WIDTH / view.w)}
                     role="group" aria-label="Causal graph" onpointerdown={gesture.background_down()}
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
                    { for undecided }
                    { preview }
                    { for nodes }
                </svg>
                { rename_box }
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

/// The selected edge, when it is undecided.
fn undecided_selected(s: &crate::state::AppState) -> Option<(String, String)> {
    match &s.graph.selected {
        Some(Selection::Edge(a, b)) => {
            let (i, j) = (s.graph.dag.index(a)?, s.graph.dag.index(b)?);
            s.graph.is_undirected(i, j).then(|| (a.clone(), b.clone()))
        }
        _ => None,
    }
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
            if let Some((a, b)) = undecided_selected(&s) {
                <span class="orient-buttons" role="group" aria-label="Orient the undecided edge">
                    {"Orient: "}
                    <button class="ghost" data-testid={format!("orient-selected-{a}-{b}")} onclick={dispatch.reform({ let (a, b) = (a.clone(), b.clone()); move |_| Action::OrientEdge(a.clone(), b.clone()) })}>{format!("{a} → {b}")}</button>
                    <button class="ghost" data-testid={format!("orient-selected-{b}-{a}")} onclick={dispatch.reform({ let (a, b) = (a.clone(), b.clone()); move |_| Action::OrientEdge(b.clone(), a.clone()) })}>{format!("{b} → {a}")}</button>
                </span>
            }
            <span class="zoom-buttons">
                <button class="ghost" data-testid="zoom-in" title="Zoom in (+)" aria-label="Zoom in" onclick={set_view.reform(move |_| view.zoom(1.25))}>{"+"}</button>
                <button class="ghost" data-testid="zoom-out" title="Zoom out (−)" aria-label="Zoom out" onclick={set_view.reform(move |_| view.zoom(0.8))}>{"−"}</button>
                <button class="ghost" data-testid="zoom-fit" title="Show the whole graph" onclick={fit}>{"Fit"}</button>
            </span>
        </div>
    }
}
