//! Graphs with undecided edges: the DAGs they stand for, and the back-door adjustment sets that
//! hold in all of them.
//!
//! A CPDAG found by causal discovery stands for its Markov equivalence class: the DAGs that
//! orient every undecided edge `a -- b` one way or the other without closing a directed cycle
//! and without making an unshielded collider `a → c ← b` (`a`, `b` not adjacent) that the graph
//! does not already show. The same definition serves a CPDAG some of whose edges have since been
//! oriented by hand: the DAGs that keep every directed edge and add no collider. These DAGs are
//! the graph's *consistent extensions* ([`consistent_extensions`]).
//!
//! [`identify_cpdag`] asks which back-door sets for `x → y` hold in every one of them:
//!
//! 1. The whole graph must have a consistent extension (Dor & Tarsi's test,
//!    [`Dag::consistent_extension`]).
//! 2. Only the *possible ancestors* of `{x, y}` matter ([`possible_ancestors`]: nodes with a path
//!    into `x` or `y` on which every edge is undecided or points forward). Edges leave that set
//!    only as arrows out of it, so it is ancestral in every DAG of the class, a back-door check of
//!    a set inside it depends only on the DAG restricted to it, and the class restricted to it is
//!    exactly the set of consistent extensions of the graph restricted to it. The DAGs are
//!    enumerated there, by backtracking that refuses a new collider or a cycle as soon as an edge
//!    is oriented, up to [`MAX_DAGS`] DAGs (and [`MAX_SEARCH_STEPS`] steps); beyond that the
//!    answer is [`CpdagIdentification::TooManyToCheck`], naming the edges to orient first.
//! 3. Each DAG gets the existing back-door analysis: the undirected graph whose x–y separators
//!    are its back-door sets (the moral graph of the ancestors of `{x, y}` with `x`'s out-edges
//!    cut, latent nodes and descendants of `x` eliminated; see
//!    [`minimal_separators`](crate::identify::minimal_separators)). Let S be the observed nodes
//!    other than `x` and `y` that are an ancestor of `x` or `y`, and never a descendant of `x`,
//!    in every DAG. A set inside S is valid in a DAG exactly when it separates `x` and `y` in
//!    that graph with the nodes outside S eliminated too, and a separator only separates better
//!    as it grows; so the sets inside S valid in every DAG are the unions of one minimal
//!    separator per distinct reduced graph (many DAGs share one), and the inclusion-minimal ones
//!    are listed. Every set reported is checked again with [`is_backdoor`] in a DAG of each
//!    reduced graph. When no set inside S works, the observed never-descendants of `x` that are
//!    an ancestor of `x` or `y` in some DAG are tried as one more candidate (shrunk while they
//!    stay valid in every DAG).
//! 4. When no set works in every DAG but some DAG admits one, each undecided edge is tried in
//!    turn (the edge between `x` and `y` first, then those at `x`, at `y`, then by distance from
//!    them): the DAGs are split by its orientation, and the first edge one of whose orientations
//!    leaves a set valid in every remaining DAG is named
//!    ([`CpdagIdentification::DependsOn`]).
//!
//! Limits: validity is the back-door criterion, as elsewhere in this crate (the generalized
//! adjustment criterion of Perković et al. also accepts some sets holding descendants of `x`
//! that are off every causal path). The list is complete for sets inside S (up to 2,000 sets
//! while combining the DAGs' separators); sets outside S are found only through the single wider
//! candidate of step 3. Against brute force over every set in every DAG of random small classes,
//! the answer and the list of minimal sets agree exactly.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::identify::{Undirected, backdoor, backdoor_graph, is_backdoor};
use crate::{Dag, GraphError};

/// DAGs [`identify_cpdag`] enumerates at most.
pub const MAX_DAGS: usize = 4096;
/// Orientation steps the enumeration takes at most.
pub const MAX_SEARCH_STEPS: usize = 1 << 20;
/// Candidate sets kept at most while combining the DAGs' minimal sets.
const MAX_FAMILY: usize = 2_000;
/// Unions formed at most in one combining step.
const MAX_COMBINED: usize = 10_000;
/// Edges [`CpdagIdentification::TooManyToCheck`] suggests orienting first, at most.
const ORIENT_FIRST: usize = 5;

/// What [`identify_cpdag`] found for `x → y` over every DAG the graph stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CpdagIdentification {
    /// These sets satisfy the back-door criterion in every DAG the graph stands for.
    Valid {
        /// Inclusion-minimal sets valid in every DAG, each sorted by name, the list sorted by
        /// size then names (`[[]]`: nothing needs adjusting).
        sets: Vec<Vec<String>>,
        /// DAGs checked: the orientations of the undecided edges among the possible ancestors
        /// of `x` and `y` (the others cannot change the answer).
        n_dags: usize,
    },
    /// No set works in any of the DAGs (a latent confounder, say): orienting edges cannot help.
    NotIdentifiable {
        /// Why, in the first DAG checked.
        reason: String,
        /// DAGs checked.
        n_dags: usize,
    },
    /// No set works in every DAG, and the answer depends on how `edge` is oriented.
    DependsOn {
        /// The undecided edge to orient first, as stored.
        edge: (String, String),
        /// What each orientation of it gives.
        reason: String,
        /// Other undecided edges one of whose orientations would also settle the answer.
        also: Vec<(String, String)>,
        /// DAGs checked.
        n_dags: usize,
    },
    /// The undecided edges allow more than [`MAX_DAGS`] DAGs: too many to check.
    TooManyToCheck {
        /// Undecided edges among the possible ancestors of `x` and `y`.
        undecided: usize,
        /// The edges to orient first (at `x`, at `y`, then the nearest).
        orient_first: Vec<(String, String)>,
    },
    /// No DAG orients the undecided edges without a directed cycle or a new collider: the graph
    /// is not a CPDAG (or was oriented against it).
    NoConsistentDag,
}

impl CpdagIdentification {
    /// The smallest set valid in every DAG, when there is one.
    pub fn smallest(&self) -> Option<&[String]> {
        match self {
            CpdagIdentification::Valid { sets, .. } => sets.first().map(Vec::as_slice),
            _ => None,
        }
    }
}

/// `{a, b}`, or "no adjustment is needed"-style wording for the empty set.
fn adjust_for(set: &[String]) -> String {
    if set.is_empty() {
        "no adjustment is needed".into()
    } else {
        format!("adjust for {{{}}}", set.join(", "))
    }
}

impl fmt::Display for CpdagIdentification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let checked = |n: usize| {
            if n == 1 { "1 DAG checked".to_string() } else { format!("{n} DAGs checked") }
        };
        match self {
            CpdagIdentification::Valid { sets, n_dags } => {
                let what = match sets.first() {
                    Some(s) if !s.is_empty() => format!("adjusting for {{{}}} works", s.join(", ")),
                    _ => "no adjustment is needed".into(),
                };
                write!(f, "{what} in every DAG the undecided edges allow ({})", checked(*n_dags))
            }
            CpdagIdentification::NotIdentifiable { reason, n_dags } => write!(
                f,
                "no adjustment set works in any DAG the undecided edges allow ({}): {reason}",
                checked(*n_dags)
            ),
            CpdagIdentification::DependsOn { edge: (a, b), reason, .. } => write!(
                f,
                "the adjustment set depends on the undecided edge `{a} -- {b}`: orient it to decide ({reason})"
            ),
            CpdagIdentification::TooManyToCheck { undecided, orient_first } => {
                let list: Vec<String> =
                    orient_first.iter().map(|(a, b)| format!("`{a} -- {b}`")).collect();
                write!(
                    f,
                    "the {undecided} undecided edges allow more than {MAX_DAGS} DAGs, too many to check: orient {} first",
                    list.join(", ")
                )
            }
            CpdagIdentification::NoConsistentDag => write!(
                f,
                "no DAG orients the undecided edges without closing a cycle or making a collider the graph does not show"
            ),
        }
    }
}

/// The possible ancestors of `set` (the set included): nodes with a path into it on which every
/// edge is undecided or points towards the set.
pub fn possible_ancestors(g: &Dag, set: &[usize]) -> Vec<bool> {
    let mut mark = vec![false; g.len()];
    let mut stack: Vec<usize> = set.to_vec();
    for &s in set {
        mark[s] = true;
    }
    while let Some(v) = stack.pop() {
        for u in g.parents(v).iter().copied().chain(g.undirected_neighbours(v)) {
            if !mark[u] {
                mark[u] = true;
                stack.push(u);
            }
        }
    }
    mark
}

/// The undecided edges in breadth-first order over the undecided components, so that edges
/// sharing a node are oriented one after the other and conflicts show early.
fn search_order(g: &Dag) -> Vec<(usize, usize)> {
    let edges = g.undirected_edges();
    let mut used = vec![false; edges.len()];
    let mut seen = vec![false; g.len()];
    let mut order = Vec::with_capacity(edges.len());
    for &(start, _) in edges {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for (j, &(a, b)) in edges.iter().enumerate() {
                if used[j] || (a != v && b != v) {
                    continue;
                }
                used[j] = true;
                order.push((a, b));
                let other = if a == v { b } else { a };
                if !seen[other] {
                    seen[other] = true;
                    queue.push_back(other);
                }
            }
        }
    }
    order
}

/// Orients `from → to` in `w` (the directed part so far) unless that makes an unshielded
/// collider at `to` (adjacency read in `g`, the graph being extended) or closes a cycle.
fn try_orient(w: &mut Dag, g: &Dag, from: usize, to: usize) -> bool {
    if w.parents(to).iter().any(|&p| p != from && !g.adjacent(p, from)) {
        return false;
    }
    w.add_edge(from, to).is_ok()
}

/// Every consistent extension of `g` (see the [module](self) documentation), in a fixed order, or
/// `None` when there are more than `max` or the search takes more than [`MAX_SEARCH_STEPS`]
/// steps. A graph without undecided edges gives itself; an inconsistent one gives none.
pub fn consistent_extensions(g: &Dag, max: usize) -> Option<Vec<Dag>> {
    let edges = search_order(g);
    let m = edges.len();
    let mut w = g.clone();
    for &(a, b) in &edges {
        w.remove_undirected_edge(a, b);
    }
    let mut out = Vec::new();
    // state[k]: 0 nothing placed yet at level k, 1 `a → b` placed, 2 `b → a` placed.
    let mut state = vec![0u8; m];
    let mut k = 0usize;
    let mut steps = 0usize;
    loop {
        if k == m {
            if out.len() >= max {
                return None;
            }
            out.push(w.clone());
            if m == 0 {
                return Some(out);
            }
            k -= 1;
            continue;
        }
        steps += 1;
        if steps > MAX_SEARCH_STEPS {
            return None;
        }
        let (a, b) = edges[k];
        match state[k] {
            1 => w.remove_edge(a, b),
            2 => w.remove_edge(b, a),
            _ => {}
        }
        let mut placed = false;
        while state[k] < 2 && !placed {
            state[k] += 1;
            placed = if state[k] == 1 {
                try_orient(&mut w, g, a, b)
            } else {
                try_orient(&mut w, g, b, a)
            };
        }
        if placed {
            k += 1;
            if k < m {
                state[k] = 0;
            }
        } else {
            state[k] = 0;
            if k == 0 {
                return Some(out);
            }
            k -= 1;
        }
    }
}

/// `g` restricted to the nodes marked in `keep`, and each old index's new one.
fn induced(g: &Dag, keep: &[bool]) -> Result<(Dag, Vec<Option<usize>>), GraphError> {
    let mut sub = Dag::new();
    let mut map = vec![None; g.len()];
    for (i, node) in g.nodes().iter().enumerate() {
        if keep[i] {
            let k = sub.add_node(&node.name);
            *sub.node_mut(k) = node.clone();
            map[i] = Some(k);
        }
    }
    for (a, b) in g.edges() {
        if let (Some(a), Some(b)) = (map[a], map[b]) {
            sub.add_edge(a, b)?;
        }
    }
    for &(a, b) in g.undirected_edges() {
        if let (Some(a), Some(b)) = (map[a], map[b]) {
            sub.add_undirected_edge(a, b)?;
        }
    }
    Ok((sub, map))
}

/// One DAG of the class with what the back-door analysis needs of it.
struct Member {
    dag: Dag,
    /// Descendants of x.
    de_x: Vec<bool>,
    /// Ancestors of {x, y}.
    an: Vec<bool>,
    /// Some set satisfies the back-door criterion.
    identifiable: bool,
    /// Its back-door graph ([`backdoor_graph`]), as an index into the distinct ones.
    graph: usize,
}

/// The DAGs of the class, and their distinct back-door graphs (many DAGs share one).
struct Class {
    members: Vec<Member>,
    graphs: Vec<Undirected>,
}

impl Class {
    fn new(dags: Vec<Dag>, x: usize, y: usize) -> Class {
        let mut graphs: Vec<Undirected> = Vec::new();
        let mut index: HashMap<Undirected, usize> = HashMap::new();
        let members = dags
            .into_iter()
            .map(|dag| {
                let de_x = dag.descendants(&[x]);
                let an = dag.ancestors(&[x, y]);
                let canonical: Vec<usize> = (0..dag.len())
                    .filter(|&v| an[v] && !de_x[v] && !dag.nodes()[v].latent && v != x && v != y)
                    .collect();
                let identifiable = is_backdoor(&dag, x, y, &canonical);
                let h = backdoor_graph(&dag, x, y);
                let graph = *index.entry(h.clone()).or_insert_with(|| {
                    graphs.push(h);
                    graphs.len() - 1
                });
                Member { dag, de_x, an, identifiable, graph }
            })
            .collect();
        Class { members, graphs }
    }
}

/// The sorted union of two sorted sets.
fn union(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = a.iter().chain(b).copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn is_subset(a: &[usize], b: &[usize]) -> bool {
    a.len() <= b.len() && a.iter().all(|v| b.binary_search(v).is_ok())
}

/// The inclusion-minimal sets of a family of sorted sets, smallest first.
fn minimize(mut family: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    family.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    family.dedup();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for s in family {
        if !out.iter().any(|m| is_subset(m, &s)) {
            out.push(s);
        }
    }
    out
}

/// The back-door sets valid in every member (see the [module](self) documentation, step 3).
///
/// A set Z inside S is valid in a DAG exactly when it separates x and y in the DAG's back-door
/// graph, and so in that graph with every vertex outside S eliminated; DAGs whose reduced
/// graphs agree agree on every such Z, so each distinct reduced graph is solved once.
fn common_sets(class: &Class, members: &[&Member], x: usize, y: usize) -> Vec<Vec<usize>> {
    let Some(first) = members.first() else { return Vec::new() };
    if members.iter().any(|m| !m.identifiable) {
        return Vec::new();
    }
    let g = &first.dag;
    let n = g.len();
    let candidate =
        |v: usize| v != x && v != y && !g.nodes()[v].latent && !members.iter().any(|m| m.de_x[v]);
    let in_s: Vec<bool> = (0..n).map(|v| candidate(v) && members.iter().all(|m| m.an[v])).collect();
    // The distinct back-door graphs, reduced to S, each with a DAG it came from.
    let mut reduced: Vec<(Undirected, &Member)> = Vec::new();
    let mut done = vec![false; class.graphs.len()];
    for &m in members {
        if std::mem::replace(&mut done[m.graph], true) {
            continue;
        }
        let mut h = class.graphs[m.graph].clone();
        for (v, &inside) in in_s.iter().enumerate() {
            if v != x && v != y && !inside && h.is_alive(v) {
                h.eliminate(v);
            }
        }
        if !reduced.iter().any(|(r, _)| *r == h) {
            reduced.push((h, m));
        }
    }
    // Unions of one minimal separator per reduced graph, fewest separators first.
    let mut separators: Vec<Vec<Vec<usize>>> =
        reduced.iter().map(|(h, _)| h.minimal_separators(x, y)).collect();
    separators.sort_by_key(Vec::len);
    let mut family: Vec<Vec<usize>> = vec![Vec::new()];
    for (k, seps) in separators.into_iter().enumerate() {
        if k == 0 {
            family = seps
                .into_iter()
                .map(|mut s| {
                    s.sort_unstable();
                    s
                })
                .collect();
        } else {
            let mut next = Vec::new();
            'combine: for a in &family {
                for s in &seps {
                    next.push(union(a, s));
                    if next.len() >= MAX_COMBINED {
                        break 'combine;
                    }
                }
            }
            family = minimize(next);
            family.truncate(MAX_FAMILY);
        }
        if family.is_empty() {
            break;
        }
    }
    let reps: Vec<&Member> = reduced.iter().map(|&(_, m)| m).collect();
    let mut out: Vec<Vec<usize>> =
        family.into_iter().filter(|z| reps.iter().all(|m| is_backdoor(&m.dag, x, y, z))).collect();
    if out.is_empty() {
        let valid_all = |z: &[usize]| members.iter().all(|m| is_backdoor(&m.dag, x, y, z));
        let mut z: Vec<usize> =
            (0..n).filter(|&v| candidate(v) && members.iter().any(|m| m.an[v])).collect();
        if valid_all(&z) {
            let mut i = 0;
            while i < z.len() {
                let mut smaller = z.clone();
                smaller.remove(i);
                if valid_all(&smaller) {
                    z = smaller;
                } else {
                    i += 1;
                }
            }
            out.push(z);
        }
    }
    out
}

/// Sets of indices as sorted name lists, sorted by size then names.
fn named_sets(g: &Dag, sets: &[Vec<usize>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = sets
        .iter()
        .map(|s| {
            let mut v: Vec<String> = s.iter().map(|&i| g.name(i).to_string()).collect();
            v.sort();
            v
        })
        .collect();
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out
}

/// The undecided edges, the edge between x and y first, then those at x, those at y, then by
/// distance from x and y in the skeleton (stored order among equals).
fn ranked_edges(g: &Dag, x: usize, y: usize) -> Vec<(usize, usize)> {
    let n = g.len();
    let mut dist = vec![usize::MAX; n];
    let mut queue = VecDeque::from([x, y]);
    dist[x] = 0;
    dist[y] = 0;
    while let Some(v) = queue.pop_front() {
        let next =
            g.parents(v).iter().chain(g.children(v)).copied().chain(g.undirected_neighbours(v));
        for u in next.collect::<Vec<_>>() {
            if dist[u] == usize::MAX {
                dist[u] = dist[v] + 1;
                queue.push_back(u);
            }
        }
    }
    let mut edges = g.undirected_edges().to_vec();
    edges.sort_by_key(|&(a, b)| {
        let touch = |v: usize| a == v || b == v;
        let rank = if touch(x) && touch(y) {
            0
        } else if touch(x) {
            1
        } else if touch(y) {
            2
        } else {
            3
        };
        (rank, dist[a].min(dist[b]))
    });
    edges
}

/// What the DAGs left by one orientation say, in words.
fn describe(g: &Dag, members: &[&Member], sets: &[Vec<usize>]) -> String {
    if let Some(s) = named_sets(g, sets).first() {
        adjust_for(s)
    } else if members.iter().all(|m| !m.identifiable) {
        "no adjustment set works".into()
    } else {
        "it still depends on other undecided edges".into()
    }
}

/// Which back-door sets for `x → y` hold in every DAG that `g` (a CPDAG, or any graph with
/// undecided edges) stands for; see the [module](self) documentation for the method and its
/// limits. A graph without undecided edges is one DAG, and the answer is its back-door analysis.
///
/// # Errors
/// An unknown name, or x = y.
pub fn identify_cpdag(g: &Dag, x: &str, y: &str) -> Result<CpdagIdentification, GraphError> {
    let (xi, yi) = crate::identify::treatment_and_outcome(g, x, y)?;
    if g.has_undirected() && g.consistent_extension().is_none() {
        return Ok(CpdagIdentification::NoConsistentDag);
    }
    let (sub, map) = induced(g, &possible_ancestors(g, &[xi, yi]))?;
    let (Some(x), Some(y)) = (map[xi], map[yi]) else {
        return Err(GraphError::UnknownNode { name: x.to_string() });
    };
    let pair = |(a, b): (usize, usize)| (sub.name(a).to_string(), sub.name(b).to_string());
    let ranked = ranked_edges(&sub, x, y);
    let Some(dags) = consistent_extensions(&sub, MAX_DAGS) else {
        return Ok(CpdagIdentification::TooManyToCheck {
            undecided: sub.undirected_edges().len(),
            orient_first: ranked.iter().take(ORIENT_FIRST).map(|&e| pair(e)).collect(),
        });
    };
    if dags.is_empty() {
        return Ok(CpdagIdentification::NoConsistentDag);
    }
    let n_dags = dags.len();
    let class = Class::new(dags, x, y);
    let members = &class.members;
    let all: Vec<&Member> = members.iter().collect();
    let sets = common_sets(&class, &all, x, y);
    if !sets.is_empty() {
        return Ok(CpdagIdentification::Valid { sets: named_sets(&sub, &sets), n_dags });
    }
    if members.iter().all(|m| !m.identifiable) {
        let reason = members
            .first()
            .and_then(|m| backdoor(&m.dag, x, y).reason)
            .unwrap_or_else(|| "no observed set blocks every back-door path".into());
        return Ok(CpdagIdentification::NotIdentifiable { reason, n_dags });
    }
    // Which undecided edge settles it.
    let mut deciding: Vec<((usize, usize), String)> = Vec::new();
    let mut fallback: Option<((usize, usize), String)> = None;
    for &(a, b) in &ranked {
        let (forward, backward): (Vec<&Member>, Vec<&Member>) =
            members.iter().partition(|m| m.dag.children(a).contains(&b));
        if forward.is_empty() || backward.is_empty() {
            continue; // oriented the same way in every DAG: implied by the rest
        }
        let (f, bk) = (common_sets(&class, &forward, x, y), common_sets(&class, &backward, x, y));
        let (na, nb) = (sub.name(a), sub.name(b));
        let reason = format!(
            "with `{na} -> {nb}`: {}; with `{nb} -> {na}`: {}",
            describe(&sub, &forward, &f),
            describe(&sub, &backward, &bk)
        );
        if !f.is_empty() || !bk.is_empty() {
            deciding.push(((a, b), reason));
        } else if fallback.is_none() {
            fallback = Some(((a, b), reason));
        }
    }
    let mut rest = deciding.into_iter();
    let Some((edge, reason)) = rest.next().or(fallback) else {
        return Ok(CpdagIdentification::NotIdentifiable {
            reason: "no observed set blocks every back-door path in every DAG".into(),
            n_dags,
        });
    };
    Ok(CpdagIdentification::DependsOn {
        edge: pair(edge),
        reason,
        also: rest.map(|(e, _)| pair(e)).collect(),
        n_dags,
    })
}
