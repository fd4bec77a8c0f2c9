//! Causal graphs, knowing nothing of data or UI.
//!
//! * [`Dag`]: named nodes (observed or latent, with a role and a drawing position) and directed
//!   edges; an edge that would close a cycle is refused with the cycle named.
//! * [`Dag::d_separated`]: d-separation in linear time (the "reachable" / Bayes-ball algorithm).
//! * [`identify`](mod@identify): the back-door criterion (check a set, list every inclusion-minimal
//!   sufficient set, the canonical set), front-door sets, instruments and conditional instruments,
//!   the graph's testable implications, and the open paths between treatment and outcome.
//! * [`text`]: DAGitty's model syntax and Graphviz DOT, in and out, positions kept.

#![warn(missing_docs)]

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
            GraphError::Parse { line, column, message } => {
                write!(f, "line {line}, column {column}: {message}")
            }
        }
    }
}

impl std::error::Error for GraphError {}

/// A directed acyclic graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dag {
    nodes: Vec<Node>,
    parents: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
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

    /// Every edge `(from, to)`.
    pub fn edges(&self) -> Vec<(usize, usize)> {
        (0..self.len()).flat_map(|a| self.children[a].iter().map(move |&b| (a, b))).collect()
    }

    /// Whether `a → b` or `b → a`.
    pub fn adjacent(&self, a: usize, b: usize) -> bool {
        self.children[a].contains(&b) || self.children[b].contains(&a)
    }

    /// Adds `from → to` (nothing when it exists).
    ///
    /// # Errors
    /// [`GraphError::Cycle`] naming the cycle it would close; [`GraphError::SelfLoop`].
    pub fn add_edge(&mut self, from: usize, to: usize) -> Result<(), GraphError> {
        if from == to {
            return Err(GraphError::SelfLoop { name: self.name(from).to_string() });
        }
        if self.children[from].contains(&to) {
            return Ok(());
        }
        if let Some(path) = self.directed_path(to, from) {
            let mut cycle: Vec<String> = path.iter().map(|&i| self.name(i).to_string()).collect();
            cycle.push(self.name(to).to_string());
            return Err(GraphError::Cycle { cycle });
        }
        self.children[from].push(to);
        self.parents[to].push(from);
        Ok(())
    }

    /// Removes `from → to` if present.
    pub fn remove_edge(&mut self, from: usize, to: usize) {
        self.children[from].retain(|&c| c != to);
        self.parents[to].retain(|&p| p != from);
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
}
