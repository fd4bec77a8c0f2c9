//! The causal-graph editor's state (no DOM: tested natively).
//!
//! The editor holds the graph's structure, positions and latent flags with an undo history. The
//! roles (treatment, outcome, adjusted) live in [`crate::state::AppState`] beside the Analysis
//! panel's choices, so the two can never disagree; [`with_roles`] stamps them on a copy of the
//! graph for drawing, identification and export.

use std::collections::HashSet;

use cf_graph::identify::{self, Backdoor, Instrument};
use cf_graph::{Dag, GraphError, Role};

mod geometry;
mod layout;
mod view;

pub use geometry::{
    FONT_SIZE, ROLE_PAD, Rect, Route, any_overlap, free_spot, half_width, node_width, route,
    routes, text_width,
};
use layout::{fit, grid, layered};
pub use view::View;

/// Drawing area width (SVG user units).
pub const WIDTH: f64 = 800.0;
/// Drawing area height.
pub const HEIGHT: f64 = 440.0;
/// Margin kept free around the nodes.
const MARGIN: f64 = 50.0;
/// Undo steps kept.
const HISTORY: usize = 200;

/// What is selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// A node, by name.
    Node(String),
    /// An edge `from → to`.
    Edge(String, String),
}

/// The editor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphEditor {
    /// The graph (roles are not kept here: see the module doc).
    pub dag: Dag,
    undo: Vec<Dag>,
    redo: Vec<Dag>,
    /// The selection.
    pub selected: Option<Selection>,
    /// Why the last edit was refused.
    pub error: Option<String>,
    /// Bumped whenever the graph is replaced from text (the code panel then drops its draft).
    pub revision: u32,
    /// Bumped whenever the nodes are laid out anew (the drawing then fits its view to them).
    pub laid_out: u32,
}

/// Node height.
pub const NODE_HEIGHT: f64 = 28.0;

impl GraphEditor {
    /// One unconnected node per column, in a grid.
    pub fn from_columns(columns: &[String]) -> Self {
        let mut dag = Dag::new();
        for c in columns {
            dag.add_node(c);
        }
        grid(&mut dag);
        GraphEditor { dag, ..Default::default() }
    }

    /// Drops the undo and redo history.
    pub fn forget_history(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }

    /// Whether there is anything to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is anything to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    fn commit(&mut self, next: Dag) {
        if next == self.dag {
            return;
        }
        let prev = std::mem::replace(&mut self.dag, next);
        self.undo.push(prev);
        if self.undo.len() > HISTORY {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.error = None;
        if let Some(sel) = &self.selected {
            let still = match sel {
                Selection::Node(n) => self.dag.index(n).is_some(),
                Selection::Edge(a, b) => self.edge(a, b).is_some(),
            };
            if !still {
                self.selected = None;
            }
        }
    }

    /// The indices of edge `a → b` (or the undecided edge `a — b`), if it exists.
    pub fn edge(&self, a: &str, b: &str) -> Option<(usize, usize)> {
        let (i, j) = (self.dag.index(a)?, self.dag.index(b)?);
        (self.dag.children(i).contains(&j) || self.is_undirected(i, j)).then_some((i, j))
    }

    /// Whether `i — j` is an undecided (undirected) edge.
    pub fn is_undirected(&self, i: usize, j: usize) -> bool {
        self.dag.undirected_edges().iter().any(|&(p, q)| (p, q) == (i, j) || (p, q) == (j, i))
    }

    /// Orients the undecided edge between `from` and `to` as `from → to`; a cycle is refused
    /// with its message in `error`.
    pub fn orient(&mut self, from: &str, to: &str) {
        let (Some(i), Some(j)) = (self.dag.index(from), self.dag.index(to)) else { return };
        if !self.is_undirected(i, j) {
            return;
        }
        let mut next = self.dag.clone();
        match next.orient(i, j) {
            Ok(()) => {
                self.commit(next);
                self.selected = Some(Selection::Edge(from.into(), to.into()));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Replaces the whole graph by `dag` laid out anew (a proposal accepted): undo brings the
    /// old one back.
    pub fn replace_laid_out(
        &mut self,
        mut dag: Dag,
        treatment: Option<&str>,
        outcome: Option<&str>,
    ) {
        for i in 0..dag.len() {
            dag.node_mut(i).role = Role::None;
        }
        layered(&mut dag, treatment, outcome);
        self.commit(dag);
        self.selected = None;
        self.revision = self.revision.wrapping_add(1);
        self.laid_out = self.laid_out.wrapping_add(1);
    }

    /// Adds a latent node near the top of the drawing; returns its name.
    pub fn add_latent(&mut self) -> String {
        let name = (1..).map(|k| format!("U{k}")).find(|n| self.dag.index(n).is_none());
        let name = name.unwrap_or_else(|| "U".into());
        let mut next = self.dag.clone();
        let i = next.add_node(&name);
        let k = self.dag.nodes().iter().filter(|n| n.latent).count() as f64;
        next.node_mut(i).latent = true;
        let want = ((WIDTH / 2.0 + 70.0 * k).min(WIDTH - MARGIN), MARGIN / 2.0 + 4.0);
        next.node_mut(i).pos = Some(want);
        let spot = free_spot(&next, i, want);
        next.node_mut(i).pos = Some(spot);
        self.commit(next);
        self.selected = Some(Selection::Node(name.clone()));
        name
    }

    /// Draws `from → to`; a cycle (or a self-loop) is refused with its message in `error`.
    pub fn add_edge(&mut self, from: &str, to: &str) {
        let mut next = self.dag.clone();
        let result = match (next.require(from), next.require(to)) {
            (Ok(a), Ok(b)) => next.add_edge(a, b),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        match result {
            Ok(()) => {
                self.commit(next);
                self.selected = Some(Selection::Edge(from.into(), to.into()));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Deletes the selected node (with its edges) or edge.
    pub fn delete_selected(&mut self) {
        match self.selected.clone() {
            Some(Selection::Edge(a, b)) => {
                if let Some((i, j)) = self.edge(&a, &b) {
                    let mut next = self.dag.clone();
                    next.remove_edge(i, j);
                    self.commit(next);
                }
            }
            Some(Selection::Node(n)) => {
                if let Some(next) = without_node(&self.dag, &n) {
                    self.commit(next);
                }
            }
            None => {}
        }
        self.selected = None;
    }

    /// Moves a node (kept near the drawing); a drop on another node's box is nudged to the
    /// nearest free place.
    pub fn move_node(&mut self, name: &str, x: f64, y: f64) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        if let Some(i) = self.dag.index(name) {
            let mut next = self.dag.clone();
            let (x0, y0, x1, y1) = extent(&self.dag, Some(i));
            let (half, slack) = (half_width(name), 160.0);
            let want = (
                x.clamp(x0 - slack + half, x1 + slack - half),
                y.clamp(y0 - slack + NODE_HEIGHT / 2.0, y1 + slack - NODE_HEIGHT / 2.0),
            );
            next.node_mut(i).pos = Some(free_spot(&next, i, want));
            self.commit(next);
        }
    }

    /// Marks a node latent or observed.
    pub fn set_latent(&mut self, name: &str, latent: bool) {
        if let Some(i) = self.dag.index(name) {
            let mut next = self.dag.clone();
            next.node_mut(i).latent = latent;
            self.commit(next);
        }
    }

    /// Renames a node; refused (message in `error`) when the name is empty or taken.
    pub fn rename(&mut self, old: &str, new: &str) -> bool {
        let new = new.trim();
        let Some(i) = self.dag.index(old) else { return false };
        if new.is_empty() {
            self.error = Some("a node needs a name".into());
            return false;
        }
        if new == old {
            return false;
        }
        if self.dag.index(new).is_some() {
            self.error = Some(format!("`{new}` is already a node of the graph"));
            return false;
        }
        let was_selected = self.selected == Some(Selection::Node(old.to_string()));
        let mut next = self.dag.clone();
        next.node_mut(i).name = new.to_string();
        self.commit(next);
        if was_selected {
            self.selected = Some(Selection::Node(new.to_string()));
        }
        true
    }

    /// Steps back.
    pub fn undo(&mut self) {
        if let Some(prev) = self.undo.pop() {
            let cur = std::mem::replace(&mut self.dag, prev);
            self.redo.push(cur);
            self.selected = None;
            self.error = None;
        }
    }

    /// Steps forward again.
    pub fn redo(&mut self) {
        if let Some(next) = self.redo.pop() {
            let cur = std::mem::replace(&mut self.dag, next);
            self.undo.push(cur);
            self.selected = None;
            self.error = None;
        }
    }

    /// Layered layout: each node one layer right of its furthest ancestor (longest path from the
    /// sources), the treatment as far left and the outcome as far right as their edges allow;
    /// nodes without edges in a row along the bottom.
    pub fn auto_layout(&mut self, treatment: Option<&str>, outcome: Option<&str>) {
        let mut next = self.dag.clone();
        layered(&mut next, treatment, outcome);
        self.commit(next);
        self.laid_out = self.laid_out.wrapping_add(1);
    }

    /// Replaces the whole graph (e.g. from text); positions outside the drawing are scaled in,
    /// missing ones laid out.
    pub fn replace(&mut self, mut dag: Dag, treatment: Option<&str>, outcome: Option<&str>) {
        for i in 0..dag.len() {
            dag.node_mut(i).role = Role::None;
        }
        if dag.nodes().iter().any(|n| n.pos.is_none()) {
            layered(&mut dag, treatment, outcome);
        } else {
            fit(&mut dag);
        }
        self.commit(dag);
        self.selected = None;
        self.revision = self.revision.wrapping_add(1);
        self.laid_out = self.laid_out.wrapping_add(1);
    }
}

/// `dag` with the layered layout of [`GraphEditor::auto_layout`] (a proposal's preview).
pub fn laid_out(mut dag: Dag, treatment: Option<&str>, outcome: Option<&str>) -> Dag {
    layered(&mut dag, treatment, outcome);
    dag
}

/// The part of the plane the drawing takes: the drawing area and every node's box (`skip`
/// left out), as `(x0, y0, x1, y1)`.
pub fn extent(g: &Dag, skip: Option<usize>) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (0.0f64, 0.0f64, WIDTH, HEIGHT);
    for (i, n) in g.nodes().iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        if let Some(p) = n.pos {
            let r = Rect::node(&n.name, p);
            x0 = x0.min(r.x - r.hw);
            x1 = x1.max(r.x + r.hw);
            y0 = y0.min(r.y - r.hh);
            y1 = y1.max(r.y + r.hh);
        }
    }
    (x0, y0, x1, y1)
}

/// The graph without node `name` (and its edges).
fn without_node(g: &Dag, name: &str) -> Option<Dag> {
    let gone = g.index(name)?;
    let mut out = Dag::new();
    for (i, n) in g.nodes().iter().enumerate() {
        if i != gone {
            let k = out.add_node(&n.name);
            *out.node_mut(k) = n.clone();
        }
    }
    for (a, b) in g.edges() {
        if a != gone && b != gone {
            let (a, b) = (out.index(g.name(a))?, out.index(g.name(b))?);
            out.add_edge(a, b).ok()?;
        }
    }
    Some(out)
}

/// A copy of `g` with the page's roles: the treatment as exposure, the outcome, and the ticked
/// covariates as adjusted.
pub fn with_roles(
    g: &Dag,
    treatment: Option<&str>,
    outcome: Option<&str>,
    adjusted: &[String],
) -> Dag {
    let mut out = g.clone();
    for i in 0..out.len() {
        let name = out.name(i).to_string();
        let role = if Some(name.as_str()) == treatment {
            Role::Exposure
        } else if Some(name.as_str()) == outcome {
            Role::Outcome
        } else if adjusted.contains(&name) && !out.nodes()[i].latent {
            Role::Adjusted
        } else {
            Role::None
        };
        out.node_mut(i).role = role;
    }
    out
}

/// What the graph says about the chosen treatment, outcome and adjustment set.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The ticked set satisfies the back-door criterion.
    pub adjusted_ok: bool,
    /// Open non-causal paths given the ticked set (node names, treatment first).
    pub biasing_open: Vec<Vec<String>>,
    /// Open causal paths.
    pub causal_open: Vec<Vec<String>>,
    /// Ticked covariates that descend from the treatment.
    pub descendants_adjusted: Vec<String>,
    /// Edges (from, to) on open causal paths.
    pub causal_edges: HashSet<(String, String)>,
    /// Edges on open biasing paths.
    pub biasing_edges: HashSet<(String, String)>,
    /// Minimal sets and the canonical set.
    pub backdoor: Backdoor,
    /// Front-door sets.
    pub frontdoor: Vec<Vec<String>>,
    /// Instruments.
    pub instruments: Vec<Instrument>,
}

/// Identification of `treatment → outcome` in `g` with `adjusted` ticked (names not in the graph
/// or latent are ignored).
///
/// # Errors
/// A message when the treatment or outcome is missing from the graph, latent, or the same node.
pub fn analyse(
    g: &Dag,
    treatment: &str,
    outcome: &str,
    adjusted: &[String],
) -> Result<Analysis, String> {
    let x = g.require(treatment).map_err(|e| e.to_string())?;
    let y = g.require(outcome).map_err(|e| e.to_string())?;
    if x == y {
        return Err(format!("`{treatment}` cannot be both the treatment and the outcome"));
    }
    for (i, what) in [(x, "treatment"), (y, "outcome")] {
        if g.nodes()[i].latent {
            return Err(format!("the {what} `{}` is marked latent (unobserved)", g.name(i)));
        }
    }
    // Names that are not nodes, latent nodes, and the treatment and outcome themselves are not
    // part of the set checked.
    let check = identify::check_adjustment(g, x, y, adjusted);
    let mut out = Analysis {
        adjusted_ok: check.satisfies_backdoor,
        biasing_open: Vec::new(),
        causal_open: Vec::new(),
        descendants_adjusted: check.descendants_adjusted,
        causal_edges: HashSet::new(),
        biasing_edges: HashSet::new(),
        backdoor: identify::backdoor(g, x, y),
        frontdoor: identify::frontdoor_sets(g, x, y),
        instruments: identify::instruments(g, x, y),
    };
    for p in check.open_paths.into_iter().filter(|p| p.open) {
        let edges = p.nodes.windows(2).filter_map(|w| {
            let (a, b) = (g.index(&w[0])?, g.index(&w[1])?);
            Some(if g.children(a).contains(&b) {
                (w[0].clone(), w[1].clone())
            } else {
                (w[1].clone(), w[0].clone())
            })
        });
        if p.causal {
            out.causal_edges.extend(edges);
            out.causal_open.push(p.nodes);
        } else {
            out.biasing_edges.extend(edges);
            out.biasing_open.push(p.nodes);
        }
    }
    Ok(out)
}

/// A path for reading: `treat ← age → re78`.
pub fn path_text(g: &Dag, nodes: &[String]) -> String {
    let mut s = nodes.first().cloned().unwrap_or_default();
    for w in nodes.windows(2) {
        let forward = match (g.index(&w[0]), g.index(&w[1])) {
            (Some(a), Some(b)) => g.children(a).contains(&b),
            _ => true,
        };
        s += if forward { " → " } else { " ← " };
        s += &w[1];
    }
    s
}

/// Reads graph text (DAGitty or DOT), for the code panel.
///
/// # Errors
/// The parser's message (with line and column).
pub fn parse_text(text: &str) -> Result<Dag, String> {
    cf_graph::text::parse_pdag(text).map_err(|e: GraphError| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor() -> GraphEditor {
        let cols: Vec<String> = ["t", "y", "a", "b"].iter().map(|s| s.to_string()).collect();
        GraphEditor::from_columns(&cols)
    }

    #[test]
    fn an_undecided_edge_is_selected_oriented_and_undone() {
        let mut e = editor();
        let g = parse_text("pdag { a -- t  t -> y  b -- a }").unwrap();
        e.replace_laid_out(g, Some("t"), Some("y"));
        assert!(e.edge("t", "a").is_some() && e.edge("a", "t").is_some(), "either way round");
        for n in e.dag.nodes() {
            let (x, y) = n.pos.unwrap();
            assert!(x.is_finite() && y.is_finite(), "{n:?} is laid out");
        }
        e.orient("a", "t");
        assert_eq!(e.dag.undirected_edges().len(), 1);
        assert!(e.dag.children(e.dag.index("a").unwrap()).contains(&e.dag.index("t").unwrap()));
        // y -> ... cannot close a cycle here, but t -> a after a -> t can no longer be asked.
        e.orient("t", "a");
        assert!(e.dag.children(e.dag.index("a").unwrap()).contains(&e.dag.index("t").unwrap()));
        e.undo();
        assert_eq!(e.dag.undirected_edges().len(), 2);
        e.selected = Some(Selection::Edge("b".into(), "a".into()));
        e.delete_selected();
        assert_eq!(
            e.dag.undirected_edges().len(),
            1,
            "an undecided edge is deleted like any other"
        );
    }

    #[test]
    fn columns_become_unconnected_nodes_inside_the_drawing() {
        let e = editor();
        assert_eq!(e.dag.len(), 4);
        assert!(e.dag.edges().is_empty());
        for n in e.dag.nodes() {
            let (x, y) = n.pos.unwrap();
            assert!((0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y), "{n:?}");
        }
        let pts: HashSet<String> =
            e.dag.nodes().iter().map(|n| format!("{:?}", n.pos.unwrap())).collect();
        assert_eq!(pts.len(), 4, "no two nodes on the same spot");
    }

    #[test]
    fn edges_are_added_and_removed_and_a_cycle_is_refused() {
        let mut e = editor();
        e.add_edge("a", "t");
        e.add_edge("t", "y");
        e.add_edge("a", "y");
        assert_eq!(e.dag.edges().len(), 3);
        let before = e.dag.clone();
        e.add_edge("y", "a");
        assert_eq!(e.dag, before, "nothing lost");
        let msg = e.error.clone().unwrap();
        assert!(msg.contains("cycle") && msg.contains("a → "), "{msg}");
        e.add_edge("t", "t");
        assert!(e.error.as_deref().unwrap().contains("cannot cause itself"));
        e.selected = Some(Selection::Edge("a".into(), "y".into()));
        e.delete_selected();
        assert!(e.edge("a", "y").is_none());
        assert_eq!(e.dag.edges().len(), 2);
        assert_eq!(e.error, None);
    }

    #[test]
    fn deleting_a_node_removes_its_edges() {
        let mut e = editor();
        e.add_edge("a", "t");
        e.add_edge("b", "a");
        e.add_edge("t", "y");
        e.selected = Some(Selection::Node("a".into()));
        e.delete_selected();
        assert!(e.dag.index("a").is_none());
        assert_eq!(e.dag.len(), 3);
        assert!(e.edge("t", "y").is_some());
        assert_eq!(e.dag.edges().len(), 1);
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut e = editor();
        assert!(!e.can_undo());
        e.add_edge("a", "t");
        let u = e.add_latent();
        assert_eq!(u, "U1");
        assert!(e.dag.nodes()[e.dag.index("U1").unwrap()].latent);
        e.add_edge("U1", "y");
        e.move_node("b", 100.0, 100.0);
        assert_eq!(e.dag.nodes()[3].pos, Some((100.0, 100.0)));
        e.undo();
        assert_ne!(e.dag.nodes()[3].pos, Some((100.0, 100.0)));
        e.undo();
        assert!(e.edge("U1", "y").is_none());
        e.undo();
        assert!(e.dag.index("U1").is_none());
        e.redo();
        assert!(e.dag.index("U1").is_some());
        assert!(e.can_redo());
        // A new edit drops the redo branch.
        e.add_edge("b", "y");
        assert!(!e.can_redo());
        e.undo();
        e.undo();
        e.undo();
        assert!(e.dag.edges().is_empty() && e.dag.len() == 4);
        assert!(!e.can_undo());
        e.undo();
        assert_eq!(e.dag.len(), 4);
    }

    #[test]
    fn latent_and_rename() {
        let mut e = editor();
        let u = e.add_latent();
        assert!(e.rename(&u, "ability"));
        assert!(e.dag.index("ability").is_some());
        assert_eq!(e.selected, Some(Selection::Node("ability".into())));
        assert!(!e.rename("ability", "t"));
        assert!(e.error.as_deref().unwrap().contains("already"));
        assert!(!e.rename("ability", "  "));
        e.set_latent("a", true);
        assert!(e.dag.nodes()[e.dag.index("a").unwrap()].latent);
        e.undo();
        assert!(!e.dag.nodes()[e.dag.index("a").unwrap()].latent);
    }

    #[test]
    fn roles_are_stamped_from_the_page() {
        let e = editor();
        let g = with_roles(&e.dag, Some("t"), Some("y"), &["a".into(), "zzz".into()]);
        let role = |n: &str| g.nodes()[g.index(n).unwrap()].role;
        assert_eq!(role("t"), Role::Exposure);
        assert_eq!(role("y"), Role::Outcome);
        assert_eq!(role("a"), Role::Adjusted);
        assert_eq!(role("b"), Role::None);
        let text = cf_graph::text::to_dagitty(&g);
        assert!(text.contains("t [exposure") && text.contains("a [adjusted"), "{text}");
    }

    #[test]
    fn layout_puts_the_treatment_left_of_the_outcome_and_parents_left_of_children() {
        let mut e = editor();
        e.add_edge("a", "t");
        e.add_edge("a", "y");
        e.add_edge("t", "y");
        e.auto_layout(Some("t"), Some("y"));
        let x = |n: &str| e.dag.nodes()[e.dag.index(n).unwrap()].pos.unwrap().0;
        assert!(x("a") < x("t") && x("t") < x("y"));
        for n in e.dag.nodes() {
            let (px, py) = n.pos.unwrap();
            assert!((0.0..=WIDTH).contains(&px) && (0.0..=HEIGHT).contains(&py));
        }
        // The unconnected node sits in the bottom row.
        let yb = e.dag.nodes()[e.dag.index("b").unwrap()].pos.unwrap().1;
        assert!(yb > HEIGHT - MARGIN);
        let laid = e.dag.clone();
        e.undo();
        assert_ne!(e.dag, laid);
    }

    #[test]
    fn text_replaces_the_graph_with_positions_scaled_in() {
        let mut e = editor();
        let g = parse_text("dag { t [exposure,pos=\"0,0\"] y [pos=\"1,1\"] t -> y }").unwrap();
        e.replace(g, Some("t"), Some("y"));
        assert_eq!(e.dag.len(), 2);
        assert_eq!(e.revision, 1);
        let (x0, y0) = e.dag.nodes()[0].pos.unwrap();
        let (x1, y1) = e.dag.nodes()[1].pos.unwrap();
        assert!(x1 - x0 > 200.0 && y1 - y0 > 100.0);
        assert_eq!(e.dag.nodes()[0].role, Role::None, "roles live in the page state");
        let err = parse_text("dag { t -> }").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn analysis_finds_the_confounder_and_colours_the_paths() {
        let mut e = editor();
        e.add_edge("a", "t");
        e.add_edge("a", "y");
        e.add_edge("t", "y");
        e.add_edge("t", "b");
        let none = analyse(&e.dag, "t", "y", &[]).unwrap();
        assert!(!none.adjusted_ok);
        assert_eq!(none.biasing_open, vec![vec!["t".to_string(), "a".into(), "y".into()]]);
        assert!(none.biasing_edges.contains(&("a".into(), "t".into())));
        assert!(none.causal_edges.contains(&("t".into(), "y".into())));
        assert_eq!(none.backdoor.minimal_sets, vec![vec!["a".to_string()]]);
        assert_eq!(path_text(&e.dag, &none.biasing_open[0]), "t ← a → y");
        let ok = analyse(&e.dag, "t", "y", &["a".into()]).unwrap();
        assert!(ok.adjusted_ok && ok.biasing_open.is_empty());
        let bad = analyse(&e.dag, "t", "y", &["a".into(), "b".into()]).unwrap();
        assert!(!bad.adjusted_ok);
        assert_eq!(bad.descendants_adjusted, vec!["b".to_string()]);
        assert!(analyse(&e.dag, "t", "nope", &[]).is_err());
        assert!(analyse(&e.dag, "t", "t", &[]).is_err());
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let v = View::default();
        let z = v.zoom_at(2.0, (200.0, 100.0));
        assert!((z.w - WIDTH / 2.0).abs() < 1e-9);
        // The point at screen offset (200, 100) of an 800 px element stays (200, 100).
        let before = v.to_drawing((200.0, 100.0), 800.0).unwrap();
        let after = z.to_drawing((200.0, 100.0), 800.0).unwrap();
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        assert_eq!(z.zoom_at(0.5, (200.0, 100.0)), v);
        // Bounded, and nonsense leaves it alone.
        assert!((v.zoom(1e9).w - WIDTH / 8.0).abs() < 1e-9);
        assert_eq!(v.zoom(f64::NAN), v);
        assert_eq!(v.zoom(0.0), v);
        assert!(v.to_drawing((1.0, 1.0), 0.0).is_none());
        assert_eq!(v.view_box(), "0.00 0.00 800.00 440.00");
    }

    #[test]
    fn pan_and_fit() {
        let v = View::default().pan(10.0, -5.0);
        assert_eq!((v.x, v.y), (-10.0, 5.0));
        assert_eq!(View::fit(&Dag::new()), View::default());
        let mut g = Dag::new();
        g.add_node("a");
        g.add_node("b");
        g.node_mut(0).pos = Some((100.0, 100.0));
        g.node_mut(1).pos = Some((300.0, 150.0));
        let f = View::fit(&g);
        assert!(f.x < 100.0 - 22.0 && f.x + f.w > 300.0 + 22.0, "{f:?}");
        assert!(f.y < 100.0 - 14.0 && f.y + f.h() > 150.0 + 14.0, "{f:?}");
        assert!(f.w < WIDTH, "fits closer than the whole area: {f:?}");
    }
}
