//! Causal graphs, knowing nothing of data or UI.
//!
//! * [`Dag`]: named nodes (observed or latent, with a role and a drawing position) and directed
//!   edges; an edge that would close a cycle is refused with the cycle named. A graph may also
//!   hold undecided (undirected) edges `a -- b`, as a CPDAG from causal discovery does, until
//!   they are oriented ([`Dag::orient`]).
//! * [`Dag::d_separated`]: d-separation in linear time (the "reachable" / Bayes-ball algorithm).
//! * [`identify`](mod@identify): the back-door criterion (check a set, list every inclusion-minimal
//!   sufficient set, the canonical set), front-door sets, instruments and conditional instruments,
//!   the graph's testable implications, and the open paths between treatment and outcome.
//! * [`cpdag`]: the DAGs a graph with undecided edges stands for, and the adjustment sets that
//!   hold in all of them.
//! * [`text`]: DAGitty's model syntax and Graphviz DOT, in and out, positions kept.

#![warn(missing_docs)]

pub mod cpdag;
pub mod identify;
pub mod text;

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a node stands for in the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// No particular role.
    #[default]
    None,
    /// The treatment (DAGitty: exposure).
    Exposure,
    /// The outcome.
    Outcome,
    /// Adjusted for.
    Adjusted,
}

/// A node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Its name (a column name for observed nodes).
    pub name: String,
    /// Unobserved.
    #[serde(default)]
    pub latent: bool,
    /// Its role.
    #[serde(default)]
    pub role: Role,
    /// Drawing position.
    #[serde(default)]
    pub pos: Option<(f64, f64)>,
}

/// Why a graph operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GraphError {
    /// The edge would close a directed cycle (listed from the edge's head back to it).
    Cycle {
        /// The nodes on the cycle, starting and ending at the same node.
        cycle: Vec<String>,
    },
    /// An edge from a node to itself.
    SelfLoop {
        /// The node.
        name: String,
    },
    /// A name that is not a node.
    UnknownNode {
        /// The name.
        name: String,
    },
    /// An undecided edge was expected between two nodes that have none.
    NotUndirected {
        /// One end.
        from: String,
        /// The other end.
        to: String,
    },
    /// The graph has undecided edges where a DAG is needed.
    Undecided {
        /// The undecided edges, as stored.
        edges: Vec<(String, String)>,
    },
    /// Text that is not a graph.
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::Cycle { cycle } => write!(
                f,
                "this edge would close a cycle: {}; a causal graph cannot have cycles",
                cycle.join(" → ")
            ),
            GraphError::SelfLoop { name } => write!(f, "`{name}` cannot cause itself"),
            GraphError::UnknownNode { name } => write!(f, "`{name}` is not a node of the graph"),
            GraphError::NotUndirected { from, to } => {
                write!(f, "`{from} -- {to}` is not an undecided edge of the graph")
            }
            GraphError::Undecided { edges } => {
                let list: Vec<String> =
                    edges.iter().map(|(a, b)| format!("`{a} -- {b}`")).collect();
                let (noun, pronoun) =
                    if edges.len() == 1 { ("edge", "it") } else { ("edges", "them") };
                write!(
                    f,
                    "the graph has undecided {noun} {}: orient {pronoun} to analyse the graph as a DAG",
                    list.join(", ")
                )
            }
            GraphError::Parse { line, column, message } => {
                write!(f, "line {line}, column {column}: {message}")
            }
        }
    }
}

impl std::error::Error for GraphError {}

/// A directed acyclic graph, possibly with undecided (undirected) edges.
///
/// Directed edges never close a directed cycle. An undecided edge `a -- b` says that `a` and `b`
/// are adjacent without saying which causes which (a CPDAG's reversible edge); two nodes share at
/// most one edge, directed or not. Everything that reads edges through [`Dag::parents`],
/// [`Dag::children`] or [`Dag::edges`] (d-separation, ancestors, the analyses of
/// [`identify`](mod@identify)) sees the directed edges only; [`cpdag`] reasons about the
/// undecided ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dag {
    nodes: Vec<Node>,
    parents: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
    /// Undecided edges, each pair as added.
    undirected: Vec<(usize, usize)>,
}

impl Dag {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// The nodes, in the order added.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// No nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The index of a node.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The index of a node, or an error naming it.
    ///
    /// # Errors
    /// [`GraphError::UnknownNode`].
    pub fn require(&self, name: &str) -> Result<usize, GraphError> {
        self.index(name).ok_or_else(|| GraphError::UnknownNode { name: name.to_string() })
    }

    /// Node `i`'s name.
    pub fn name(&self, i: usize) -> &str {
        &self.nodes[i].name
    }

    /// Mutable access to node `i`.
    pub fn node_mut(&mut self, i: usize) -> &mut Node {
        &mut self.nodes[i]
    }

    /// Adds an observed node (or returns the existing one of that name).
    pub fn add_node(&mut self, name: &str) -> usize {
        if let Some(i) = self.index(name) {
            return i;
        }
        self.nodes.push(Node {
            name: name.to_string(),
            latent: false,
            role: Role::None,
            pos: None,
        });
        self.parents.push(Vec::new());
        self.children.push(Vec::new());
        self.nodes.len() - 1
    }

    /// Parents of node `i`.
    pub fn parents(&self, i: usize) -> &[usize] {
        &self.parents[i]
    }

    /// Children of node `i`.
    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }

    /// Every directed edge `(from, to)` (the undecided ones are [`Dag::undirected_edges`]).
    pub fn edges(&self) -> Vec<(usize, usize)> {
        (0..self.len()).flat_map(|a| self.children[a].iter().map(move |&b| (a, b))).collect()
    }

    /// Whether `a → b`, `b → a` or `a -- b`.
    pub fn adjacent(&self, a: usize, b: usize) -> bool {
        self.children[a].contains(&b) || self.children[b].contains(&a) || self.is_undirected(a, b)
    }

    /// Adds `from → to` (nothing when it exists). An undecided edge `from -- to` becomes
    /// `from → to`.
    ///
    /// # Errors
    /// [`GraphError::Cycle`] naming the cycle it would close; [`GraphError::SelfLoop`]. The graph
    /// is unchanged on error.
    pub fn add_edge(&mut self, from: usize, to: usize) -> Result<(), GraphError> {
        if from == to {
            return Err(GraphError::SelfLoop { name: self.name(from).to_string() });
        }
        if self.children[from].contains(&to) {
            return Ok(());
        }
        if let Some(cycle) = self.cycle_closed_by(from, to) {
            return Err(GraphError::Cycle { cycle });
        }
        self.remove_undirected_edge(from, to);
        self.children[from].push(to);
        self.parents[to].push(from);
        Ok(())
    }

    /// The cycle `from → to` would close (from `to` back to `to`), named.
    fn cycle_closed_by(&self, from: usize, to: usize) -> Option<Vec<String>> {
        let path = self.directed_path(to, from)?;
        let mut cycle: Vec<String> = path.iter().map(|&i| self.name(i).to_string()).collect();
        cycle.push(self.name(to).to_string());
        Some(cycle)
    }

    /// Removes `from → to` if present, and the undecided edge `from -- to` if present.
    pub fn remove_edge(&mut self, from: usize, to: usize) {
        self.children[from].retain(|&c| c != to);
        self.parents[to].retain(|&p| p != from);
        self.remove_undirected_edge(from, to);
    }

    /// The undecided edges `a -- b`, each pair as added, in the order added.
    pub fn undirected_edges(&self) -> &[(usize, usize)] {
        &self.undirected
    }

    /// Whether the graph has undecided edges (it is not yet a DAG).
    pub fn has_undirected(&self) -> bool {
        !self.undirected.is_empty()
    }

    /// Whether `a -- b` (in either order) is an undecided edge.
    pub fn is_undirected(&self, a: usize, b: usize) -> bool {
        self.undirected.iter().any(|&(p, q)| (p, q) == (a, b) || (p, q) == (b, a))
    }

    /// The nodes joined to `i` by an undecided edge, in the order the edges were added.
    pub fn undirected_neighbours(&self, i: usize) -> Vec<usize> {
        self.undirected
            .iter()
            .filter_map(|&(p, q)| {
                if p == i {
                    Some(q)
                } else if q == i {
                    Some(p)
                } else {
                    None
                }
            })
            .collect()
    }

    /// Adds the undecided edge `a -- b` (nothing when it exists). A directed edge between `a`
    /// and `b` becomes undecided.
    ///
    /// # Errors
    /// [`GraphError::SelfLoop`].
    pub fn add_undirected_edge(&mut self, a: usize, b: usize) -> Result<(), GraphError> {
        if a == b {
            return Err(GraphError::SelfLoop { name: self.name(a).to_string() });
        }
        if self.is_undirected(a, b) {
            return Ok(());
        }
        self.children[a].retain(|&c| c != b);
        self.parents[b].retain(|&p| p != a);
        self.children[b].retain(|&c| c != a);
        self.parents[a].retain(|&p| p != b);
        self.undirected.push((a, b));
        Ok(())
    }

    /// Removes the undecided edge `a -- b` (in either order) if present.
    pub fn remove_undirected_edge(&mut self, a: usize, b: usize) {
        self.undirected.retain(|&(p, q)| (p, q) != (a, b) && (p, q) != (b, a));
    }

    /// Whether the undecided edge `from -- to` may be oriented `from → to`: it must exist, and
    /// the orientation must not close a directed cycle. The graph is not changed.
    ///
    /// # Errors
    /// [`GraphError::NotUndirected`] when there is no such edge; [`GraphError::Cycle`] naming
    /// the cycle the orientation would close.
    pub fn check_orientation(&self, from: usize, to: usize) -> Result<(), GraphError> {
        if !self.is_undirected(from, to) {
            return Err(GraphError::NotUndirected {
                from: self.name(from).to_string(),
                to: self.name(to).to_string(),
            });
        }
        match self.cycle_closed_by(from, to) {
            Some(cycle) => Err(GraphError::Cycle { cycle }),
            None => Ok(()),
        }
    }

    /// Orients the undecided edge `from -- to` as `from → to`.
    ///
    /// # Errors
    /// As [`Dag::check_orientation`]; the graph is unchanged on error.
    pub fn orient(&mut self, from: usize, to: usize) -> Result<(), GraphError> {
        self.check_orientation(from, to)?;
        self.add_edge(from, to)
    }

    /// The nodes `w` for which orienting `from -- to` as `from → to` would make a new unshielded
    /// collider `from → to ← w` (`w → to` directed, `w` not adjacent to `from`). In a CPDAG such
    /// an orientation describes a DAG outside the Markov equivalence class: the data showed no
    /// such collider.
    pub fn colliders_formed(&self, from: usize, to: usize) -> Vec<usize> {
        self.parents[to].iter().copied().filter(|&w| w != from && !self.adjacent(w, from)).collect()
    }

    /// A DAG that orients every undecided edge without closing a directed cycle or making an
    /// unshielded collider that the directed edges do not already make (a "consistent
    /// extension"), or `None` when there is none. A graph without undecided edges is returned
    /// as it is.
    ///
    /// Dor & Tarsi's (1992) algorithm: repeatedly take a node with no outgoing directed edge
    /// whose undecided neighbours are adjacent to all its other neighbours, point its undecided
    /// edges into it, and set it aside. Polynomial time.
    pub fn consistent_extension(&self) -> Option<Dag> {
        let n = self.len();
        let mut out = self.clone();
        out.undirected.clear();
        let mut alive = vec![true; n];
        let mut oriented: Vec<(usize, usize)> = Vec::new();
        for _ in 0..n {
            let pick = (0..n).find(|&v| {
                alive[v]
                    && !self.children[v].iter().any(|&c| alive[c])
                    && self.undirected_neighbours(v).iter().filter(|&&u| alive[u]).all(|&u| {
                        (0..n).all(|w| {
                            w == u
                                || w == v
                                || !alive[w]
                                || !self.adjacent(v, w)
                                || self.adjacent(u, w)
                        })
                    })
            })?;
            for u in self.undirected_neighbours(pick) {
                if alive[u] {
                    oriented.push((u, pick));
                }
            }
            alive[pick] = false;
        }
        for (a, b) in oriented {
            out.add_edge(a, b).ok()?;
        }
        Some(out)
    }

    /// A directed path `from → … → to` (node list), if any.
    pub fn directed_path(&self, from: usize, to: usize) -> Option<Vec<usize>> {
        let mut prev = vec![usize::MAX; self.len()];
        let mut seen = vec![false; self.len()];
        let mut stack = vec![from];
        seen[from] = true;
        while let Some(v) = stack.pop() {
            if v == to {
                let mut path = vec![to];
                let mut c = to;
                while c != from {
                    c = prev[c];
                    path.push(c);
                }
                path.reverse();
                return Some(path);
            }
            for &c in &self.children[v] {
                if !seen[c] {
                    seen[c] = true;
                    prev[c] = v;
                    stack.push(c);
                }
            }
        }
        None
    }

    /// Nodes with an ancestor-or-self in `set` following `next` (parents: ancestors; children:
    /// descendants). `cut_out[v]` removes v's outgoing edges.
    fn closure(&self, set: &[usize], up: bool, cut_out: Option<&[bool]>) -> Vec<bool> {
        let mut mark = vec![false; self.len()];
        let mut stack: Vec<usize> = set.to_vec();
        for &s in set {
            mark[s] = true;
        }
        while let Some(v) = stack.pop() {
            let next: Vec<usize> = if up {
                self.parents[v]
                    .iter()
                    .copied()
                    .filter(|&p| !cut_out.is_some_and(|c| c[p]))
                    .collect()
            } else if cut_out.is_some_and(|c| c[v]) {
                Vec::new()
            } else {
                self.children[v].clone()
            };
            for u in next {
                if !mark[u] {
                    mark[u] = true;
                    stack.push(u);
                }
            }
        }
        mark
    }

    /// Ancestors of `set`, the set included.
    pub fn ancestors(&self, set: &[usize]) -> Vec<bool> {
        self.closure(set, true, None)
    }

    /// Descendants of `set`, the set included.
    pub fn descendants(&self, set: &[usize]) -> Vec<bool> {
        self.closure(set, false, None)
    }

    /// A topological order (parents before children).
    pub fn topological_order(&self) -> Vec<usize> {
        let mut indegree: Vec<usize> = self.parents.iter().map(Vec::len).collect();
        let mut ready: Vec<usize> = (0..self.len()).filter(|&i| indegree[i] == 0).rev().collect();
        let mut order = Vec::with_capacity(self.len());
        while let Some(v) = ready.pop() {
            order.push(v);
            for &c in self.children[v].iter().rev() {
                indegree[c] -= 1;
                if indegree[c] == 0 {
                    ready.push(c);
                }
            }
        }
        order
    }

    /// The nodes d-connected to `xs` given `zs` (the "reachable" algorithm of Koller & Friedman,
    /// linear in the graph's size). `cut_out[v]` removes v's outgoing edges. Nodes in `zs` are
    /// never reachable; nodes in `xs` are.
    pub fn reachable(&self, xs: &[usize], zs: &[usize], cut_out: Option<&[bool]>) -> Vec<bool> {
        let n = self.len();
        let cut = |v: usize| cut_out.is_some_and(|c| c[v]);
        let mut in_z = vec![false; n];
        for &z in zs {
            in_z[z] = true;
        }
        let an_z = self.closure(zs, true, cut_out);
        // visited[v][0]: reached from a child (moving up); [1]: from a parent (moving down).
        let mut visited = vec![[false; 2]; n];
        let mut reach = vec![false; n];
        let mut stack: Vec<(usize, usize)> = xs.iter().map(|&x| (x, 0)).collect();
        while let Some((v, dir)) = stack.pop() {
            if visited[v][dir] {
                continue;
            }
            visited[v][dir] = true;
            if !in_z[v] {
                reach[v] = true;
            }
            if dir == 0 {
                // Arrived against an edge (from a child), or started here.
                if !in_z[v] {
                    for &p in &self.parents[v] {
                        if !cut(p) {
                            stack.push((p, 0));
                        }
                    }
                    if !cut(v) {
                        for &c in &self.children[v] {
                            stack.push((c, 1));
                        }
                    }
                }
            } else {
                // Arrived along an edge (from a parent).
                if !in_z[v] && !cut(v) {
                    for &c in &self.children[v] {
                        stack.push((c, 1));
                    }
                }
                if an_z[v] {
                    // A collider with itself or a descendant conditioned on: open.
                    for &p in &self.parents[v] {
                        if !cut(p) {
                            stack.push((p, 0));
                        }
                    }
                }
            }
        }
        reach
    }

    /// Whether `xs` and `ys` are d-separated given `zs`.
    pub fn d_separated(&self, xs: &[usize], ys: &[usize], zs: &[usize]) -> bool {
        self.d_separated_cut(xs, ys, zs, None)
    }

    /// d-separation with the outgoing edges of the nodes marked in `cut_out` removed.
    pub fn d_separated_cut(
        &self,
        xs: &[usize],
        ys: &[usize],
        zs: &[usize],
        cut_out: Option<&[bool]>,
    ) -> bool {
        let reach = self.reachable(xs, zs, cut_out);
        !ys.iter().any(|&y| reach[y])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    pub(crate) fn dag(edges: &[(&str, &str)]) -> Dag {
        let mut g = Dag::new();
        for (a, b) in edges {
            let (a, b) = (g.add_node(a), g.add_node(b));
            g.add_edge(a, b).unwrap();
        }
        g
    }

    #[test]
    fn a_cycle_is_refused_and_named() {
        let mut g = dag(&[("A", "B"), ("B", "C")]);
        let (a, c) = (g.index("A").unwrap(), g.index("C").unwrap());
        let err = g.add_edge(c, a).unwrap_err();
        assert_eq!(
            err,
            GraphError::Cycle { cycle: vec!["A".into(), "B".into(), "C".into(), "A".into()] }
        );
        assert_eq!(
            err.to_string(),
            "this edge would close a cycle: A → B → C → A; a causal graph cannot have cycles"
        );
    }

    #[test]
    fn d_separation_on_chain_fork_collider() {
        let g = dag(&[("A", "B"), ("B", "C"), ("D", "B"), ("C", "E")]);
        let i = |s: &str| g.index(s).unwrap();
        assert!(!g.d_separated(&[i("A")], &[i("C")], &[]));
        assert!(g.d_separated(&[i("A")], &[i("C")], &[i("B")]));
        // A → B ← D: a collider, opened by B or its descendants.
        assert!(g.d_separated(&[i("A")], &[i("D")], &[]));
        assert!(!g.d_separated(&[i("A")], &[i("D")], &[i("B")]));
        assert!(!g.d_separated(&[i("A")], &[i("D")], &[i("E")]));
    }

    #[test]
    fn undirected_edges_are_listed_replaced_and_removed() {
        let mut g = dag(&[("a", "b")]);
        let (a, b, c) = (g.index("a").unwrap(), g.index("b").unwrap(), g.add_node("c"));
        assert!(!g.has_undirected());
        g.add_undirected_edge(b, c).unwrap();
        g.add_undirected_edge(c, b).unwrap(); // already there, either order
        assert!(g.has_undirected());
        assert_eq!(g.undirected_edges(), &[(b, c)]);
        assert!(g.is_undirected(c, b) && g.adjacent(b, c) && !g.adjacent(a, c));
        assert_eq!(g.undirected_neighbours(c), vec![b]);
        assert_eq!(g.edges(), vec![(a, b)], "edges() lists the directed edges only");
        // A directed edge over an undecided one decides it, and the reverse.
        g.add_edge(c, b).unwrap();
        assert!(!g.has_undirected() && g.children(c) == [b]);
        g.add_undirected_edge(b, c).unwrap();
        assert!(g.children(c).is_empty() && g.parents(b) == [a] && g.is_undirected(b, c));
        g.remove_edge(c, b);
        assert!(!g.has_undirected() && !g.adjacent(b, c));
        assert_eq!(
            g.add_undirected_edge(a, a).unwrap_err(),
            GraphError::SelfLoop { name: "a".into() }
        );
    }

    #[test]
    fn orienting_refuses_a_cycle_and_leaves_the_graph_unchanged() {
        let mut g = dag(&[("A", "B"), ("B", "C")]);
        let (a, b, c) = (g.index("A").unwrap(), g.index("B").unwrap(), g.index("C").unwrap());
        g.add_undirected_edge(a, c).unwrap();
        let before = g.clone();
        let err = g.orient(c, a).unwrap_err();
        assert_eq!(
            err,
            GraphError::Cycle { cycle: vec!["A".into(), "B".into(), "C".into(), "A".into()] }
        );
        assert_eq!(g.check_orientation(c, a), Err(err));
        assert_eq!(g, before);
        assert_eq!(g.check_orientation(a, c), Ok(()));
        g.orient(a, c).unwrap();
        assert!(!g.has_undirected());
        assert_eq!(g.edges(), vec![(a, b), (a, c), (b, c)]);
        // Only an undecided edge can be oriented.
        let err = g.orient(a, b).unwrap_err();
        assert_eq!(err, GraphError::NotUndirected { from: "A".into(), to: "B".into() });
        assert_eq!(err.to_string(), "`A -- B` is not an undecided edge of the graph");
    }

    #[test]
    fn colliders_an_orientation_would_make_are_named() {
        // a → c -- b, a and b not adjacent; d → c with d adjacent to b.
        let mut g = dag(&[("a", "c"), ("d", "c"), ("d", "b")]);
        let (a, b, c) = (g.index("a").unwrap(), g.index("b").unwrap(), g.index("c").unwrap());
        g.add_undirected_edge(c, b).unwrap();
        assert_eq!(g.colliders_formed(b, c), vec![a]);
        assert!(g.colliders_formed(c, b).is_empty());
    }

    #[test]
    fn a_consistent_extension_is_found_or_shown_not_to_exist() {
        // A chain a -- b -- c: any orientation but the collider a → b ← c.
        let mut g = Dag::new();
        let (a, b, c) = (g.add_node("a"), g.add_node("b"), g.add_node("c"));
        g.add_undirected_edge(a, b).unwrap();
        g.add_undirected_edge(b, c).unwrap();
        let d = g.consistent_extension().unwrap();
        assert!(!d.has_undirected());
        assert_eq!(d.edges().len(), 2);
        assert!(d.parents(b).len() < 2, "no collider at b: {:?}", d.edges());
        // a → b -- c ← d with a, c and b, d not adjacent: either orientation of b -- c makes a
        // collider the graph does not show.
        let mut g = dag(&[("a", "b"), ("d", "c")]);
        let (b, c) = (g.index("b").unwrap(), g.index("c").unwrap());
        g.add_undirected_edge(b, c).unwrap();
        assert_eq!(g.consistent_extension(), None);
        // A DAG is its own extension.
        let g = dag(&[("a", "b"), ("b", "c")]);
        assert_eq!(g.consistent_extension(), Some(g.clone()));
    }
}
