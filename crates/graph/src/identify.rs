//! Identification of the effect of one treatment `x` on one outcome `y`.
//!
//! Every function here reads the graph's directed edges only: undecided edges `a -- b` are not
//! seen (and [`identify`] refuses a graph that has them). [`crate::cpdag`] handles those.
//!
//! **Back-door.** A set Z of observed nodes satisfies the back-door criterion when it holds no
//! descendant of x and d-separates x from y once x's outgoing edges are removed (G with x's
//! out-edges cut, "G_x̲"). Every inclusion-minimal such set lies among the ancestors of {x, y} in
//! that graph (Tian, Paz & Pearl 1998), where d-separation by Z is separation in the moral graph
//! of those ancestors. Nodes that may not be adjusted for (latent ones, descendants of x) are
//! eliminated from the moral graph by joining their neighbours (a node that is never in the
//! separator only passes connections on), which leaves an undirected graph whose minimal x–y
//! vertex separators are exactly the minimal back-door sets. They are listed by Kloks & Kratsch's
//! (1998) scheme: start from the separator closest to x and move one separator vertex at a time to
//! x's side; each new separator costs O(n·(n + m)), so the listing has polynomial delay.
//!
//! **Front-door** sets are searched among the observed mediators (descendants of x that are
//! ancestors of y) with Pearl's three conditions; **instruments** with the graphical conditions
//! (Z d-connected to x, d-separated from y when x's out-edges are cut), conditional instruments
//! with a set W of non-descendants of x and y found and then shrunk.
//!
//! **Testable implications**: for each pair of non-adjacent observed nodes, the later one in a
//! topological order is independent of the other given its parents when these are observed (the
//! local Markov property), otherwise given its observed ancestors, if they separate; the set is
//! then shrunk while it still separates, so each implication conditions on as little as it can
//! (DAGitty's "missing edge" list).

use std::collections::{BTreeSet, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::{Dag, GraphError};

/// Paths listed at most (the count of paths can grow exponentially).
pub const MAX_PATHS: usize = 2_000;
/// Front-door candidates searched exhaustively at most.
const MAX_FRONTDOOR_CANDIDATES: usize = 14;
/// Minimal sets listed at most.
const MAX_SETS: usize = 10_000;

/// The back-door answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backdoor {
    /// Whether some observed set satisfies the criterion.
    pub identifiable: bool,
    /// Every inclusion-minimal sufficient set, each sorted by name, the list sorted by size then
    /// names (`[[]]` when nothing needs adjusting, `[]` when no set works).
    pub minimal_sets: Vec<Vec<String>>,
    /// The canonical set (observed ancestors of x or y that are not descendants of x), when it
    /// works (it works whenever any set does).
    pub canonical_set: Option<Vec<String>>,
    /// Why no set works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An instrument for x, possibly conditional on a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// The instrument.
    pub instrument: String,
    /// What it must be conditioned on (empty: unconditional).
    pub given: Vec<String>,
}

/// A conditional independence the graph implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Implication {
    /// One variable.
    pub x: String,
    /// The other.
    pub y: String,
    /// The conditioning set.
    pub given: Vec<String>,
}

/// A path between treatment and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Path {
    /// The nodes from x to y.
    pub nodes: Vec<String>,
    /// Every edge points away from x (a causal path).
    pub causal: bool,
    /// Open given the adjustment set (every path [`open_paths`] lists is).
    pub open: bool,
}

/// Everything identification says about x → y.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    /// Back-door adjustment.
    pub backdoor: Backdoor,
    /// Front-door sets.
    pub frontdoor: Frontdoor,
    /// Instruments.
    pub instruments: Vec<Instrument>,
    /// Testable implications of the whole graph.
    pub implications: Vec<Implication>,
}

/// Front-door sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frontdoor {
    /// Minimal sets satisfying the front-door criterion, sorted.
    pub sets: Vec<Vec<String>>,
}

fn names(g: &Dag, set: impl IntoIterator<Item = usize>) -> Vec<String> {
    let mut v: Vec<String> = set.into_iter().map(|i| g.name(i).to_string()).collect();
    v.sort();
    v
}

fn sort_sets(sets: &mut [Vec<String>]) {
    sets.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
}

fn mask(n: usize, set: &[usize]) -> Vec<bool> {
    let mut m = vec![false; n];
    for &i in set {
        m[i] = true;
    }
    m
}

/// Whether `z` satisfies the back-door criterion for `x → y`.
pub fn is_backdoor(g: &Dag, x: usize, y: usize, z: &[usize]) -> bool {
    let de_x = g.descendants(&[x]);
    if z.iter().any(|&v| de_x[v]) {
        return false;
    }
    g.d_separated_cut(&[x], &[y], z, Some(&mask(g.len(), &[x])))
}

/// What the graph says about a chosen adjustment set for `x → y` ([`check_adjustment`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentCheck {
    /// The set satisfies the back-door criterion.
    pub satisfies_backdoor: bool,
    /// The open paths between x and y given the set, causal and biasing, as [`open_paths`]
    /// lists them (treatment first).
    pub open_paths: Vec<Path>,
    /// Chosen names that descend from the treatment (adjusting for them biases the estimate),
    /// in the order given.
    pub descendants_adjusted: Vec<String>,
    /// Chosen names that are not nodes of the graph, in the order given.
    pub not_in_graph: Vec<String>,
    /// Chosen names that are latent (unobserved) nodes, in the order given.
    pub latent: Vec<String>,
}

impl AdjustmentCheck {
    /// The open biasing (non-causal) paths.
    pub fn biasing_open(&self) -> impl Iterator<Item = &Path> {
        self.open_paths.iter().filter(|p| p.open && !p.causal)
    }

    /// The open causal paths.
    pub fn causal_open(&self) -> impl Iterator<Item = &Path> {
        self.open_paths.iter().filter(|p| p.open && p.causal)
    }
}

/// Checks adjusting for the nodes named `adjusted` when estimating `x → y`: whether they satisfy
/// the back-door criterion, which paths they leave open, and which of them descend from `x`.
///
/// The set checked is the observed nodes among the names, other than `x` and `y`: names that are
/// not nodes are listed in [`AdjustmentCheck::not_in_graph`], latent nodes in
/// [`AdjustmentCheck::latent`] (the graph cannot vouch for a set that needs either), and `x`
/// and `y` themselves are skipped. The page's graph panel and `counterfact estimate --graph`
/// both judge the covariates with this.
pub fn check_adjustment(g: &Dag, x: usize, y: usize, adjusted: &[String]) -> AdjustmentCheck {
    let mut z = Vec::new();
    let (mut not_in_graph, mut latent) = (Vec::new(), Vec::new());
    for name in adjusted {
        match g.index(name) {
            None => not_in_graph.push(name.clone()),
            Some(i) if g.nodes()[i].latent => latent.push(name.clone()),
            Some(i) if i != x && i != y && !z.contains(&i) => z.push(i),
            Some(_) => {}
        }
    }
    let de_x = g.descendants(&[x]);
    AdjustmentCheck {
        satisfies_backdoor: is_backdoor(g, x, y, &z),
        open_paths: open_paths(g, x, y, &z),
        descendants_adjusted: z.iter().filter(|&&v| de_x[v]).map(|&v| g.name(v).into()).collect(),
        not_in_graph,
        latent,
    }
}

/// Runs every identification for `x → y` (names).
///
/// The analyses here read the directed edges only; a graph with undecided edges is refused
/// (see [`crate::cpdag::identify_cpdag`] for the adjustment sets that hold however they are
/// oriented).
///
/// # Errors
/// An unknown name, x = y, or [`GraphError::Undecided`] when the graph has undecided edges.
pub fn identify(g: &Dag, x: &str, y: &str) -> Result<Identification, GraphError> {
    if g.has_undirected() {
        let edges = g
            .undirected_edges()
            .iter()
            .map(|&(a, b)| (g.name(a).to_string(), g.name(b).to_string()))
            .collect();
        return Err(GraphError::Undecided { edges });
    }
    let (xi, yi) = treatment_and_outcome(g, x, y)?;
    Ok(Identification {
        backdoor: backdoor(g, xi, yi),
        frontdoor: Frontdoor { sets: frontdoor_sets(g, xi, yi) },
        instruments: instruments(g, xi, yi),
        implications: implications(g),
    })
}

/// The back-door analysis: minimal sets, canonical set, or the reason there is none.
pub fn backdoor(g: &Dag, x: usize, y: usize) -> Backdoor {
    let n = g.len();
    let de_x = g.descendants(&[x]);
    let an = g.ancestors(&[x, y]);
    let canonical: Vec<usize> =
        (0..n).filter(|&v| an[v] && !de_x[v] && !g.nodes()[v].latent && v != x && v != y).collect();
    if !is_backdoor(g, x, y, &canonical) {
        let reason = open_paths(g, x, y, &canonical)
            .into_iter()
            .find(|p| p.open && !p.causal)
            .map(|p| {
                let hidden: Vec<&String> = p.nodes[1..p.nodes.len() - 1]
                    .iter()
                    .filter(|s| g.index(s).is_some_and(|i| g.nodes()[i].latent || de_x[i]))
                    .collect();
                let via = if hidden.is_empty() {
                    String::new()
                } else {
                    let h: Vec<String> = hidden.iter().map(|s| format!("`{s}`")).collect();
                    format!(", through {} that cannot be adjusted for (latent or affected by the treatment)", h.join(", "))
                };
                format!("the biasing path {} stays open{via}", p.nodes.join(" – "))
            })
            .unwrap_or_else(|| "no observed set blocks every back-door path".into());
        return Backdoor {
            identifiable: false,
            minimal_sets: Vec::new(),
            canonical_set: None,
            reason: Some(reason),
        };
    }
    let mut sets: Vec<Vec<String>> =
        minimal_separators(g, x, y).into_iter().map(|s| names(g, s)).collect();
    sort_sets(&mut sets);
    Backdoor {
        identifiable: true,
        minimal_sets: sets,
        canonical_set: Some(names(g, canonical)),
        reason: None,
    }
}

/// All inclusion-minimal back-door sets (node indices).
pub fn minimal_separators(g: &Dag, x: usize, y: usize) -> Vec<Vec<usize>> {
    backdoor_graph(g, x, y).minimal_separators(x, y)
}

/// The undirected graph whose x–y vertex separators are the back-door sets: the moral graph of
/// the ancestors of {x, y} in G with x's out-edges cut, with the nodes that may not be adjusted
/// for (latent ones, descendants of x) eliminated.
pub(crate) fn backdoor_graph(g: &Dag, x: usize, y: usize) -> Undirected {
    let n = g.len();
    let cut = mask(n, &[x]);
    // Ancestors of {x, y} in G with x's out-edges cut.
    let an = {
        let mut m = vec![false; n];
        let mut stack = vec![x, y];
        m[x] = true;
        m[y] = true;
        while let Some(v) = stack.pop() {
            for &p in g.parents(v) {
                if !cut[p] && !m[p] {
                    m[p] = true;
                    stack.push(p);
                }
            }
        }
        m
    };
    let de_x = g.descendants(&[x]);
    // Moral graph of that ancestral set.
    let mut h = Undirected { adj: vec![vec![false; n]; n], alive: an.clone() };
    for v in (0..n).filter(|&v| an[v]) {
        let ps: Vec<usize> = g.parents(v).iter().copied().filter(|&p| !cut[p] && an[p]).collect();
        for (i, &p) in ps.iter().enumerate() {
            h.link(p, v);
            for &q in &ps[i + 1..] {
                h.link(p, q);
            }
        }
    }
    // Eliminate what may not be adjusted for.
    for (v, &de) in de_x.iter().enumerate() {
        if h.alive[v] && v != x && v != y && (g.nodes()[v].latent || de) {
            h.eliminate(v);
        }
    }
    h
}

/// An undirected graph on the `alive` vertices.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Undirected {
    adj: Vec<Vec<bool>>,
    alive: Vec<bool>,
}

impl Undirected {
    fn link(&mut self, a: usize, b: usize) {
        if a != b {
            self.adj[a][b] = true;
            self.adj[b][a] = true;
        }
    }

    /// Removes `v`, joining its neighbours (separation by sets without `v` is unchanged).
    pub(crate) fn eliminate(&mut self, v: usize) {
        let n = self.alive.len();
        let nb: Vec<usize> = (0..n).filter(|&u| self.alive[u] && self.adj[v][u]).collect();
        for (i, &a) in nb.iter().enumerate() {
            for &b in &nb[i + 1..] {
                self.link(a, b);
            }
        }
        for u in 0..n {
            self.adj[v][u] = false;
            self.adj[u][v] = false;
        }
        self.alive[v] = false;
    }

    /// Whether `v` is a vertex.
    pub(crate) fn is_alive(&self, v: usize) -> bool {
        self.alive[v]
    }

    /// The component of `start` avoiding `removed`.
    fn component(&self, start: usize, removed: &[bool]) -> Vec<bool> {
        let n = self.alive.len();
        let mut seen = vec![false; n];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(v) = queue.pop_front() {
            for u in 0..n {
                if self.adj[v][u] && self.alive[u] && !removed[u] && !seen[u] {
                    seen[u] = true;
                    queue.push_back(u);
                }
            }
        }
        seen
    }

    /// `N(set) \ set`.
    fn neighbourhood(&self, set: &[bool]) -> Vec<bool> {
        let n = self.alive.len();
        let mut out = vec![false; n];
        for v in (0..n).filter(|&v| set[v]) {
            for u in 0..n {
                if self.adj[v][u] && self.alive[u] && !set[u] {
                    out[u] = true;
                }
            }
        }
        out
    }

    /// The inclusion-minimal a–b vertex separators (`[[]]` when a and b are not connected, `[]`
    /// when they are adjacent), at most `MAX_SETS`.
    pub(crate) fn minimal_separators(&self, a: usize, b: usize) -> Vec<Vec<usize>> {
        let n = self.alive.len();
        if self.adj[a][b] {
            return Vec::new();
        }
        let none = vec![false; n];
        if !self.component(a, &none)[b] {
            return vec![Vec::new()];
        }
        let to_list = |m: &[bool]| -> Vec<usize> { (0..n).filter(|&i| m[i]).collect() };
        // The separator closest to a: N(C_b(N(a))).
        let na = self.neighbourhood(&mask(n, &[a]));
        let first = self.neighbourhood(&self.component(b, &na));
        let mut seen: HashSet<Vec<usize>> = HashSet::new();
        let mut queue = VecDeque::new();
        let first = to_list(&first);
        seen.insert(first.clone());
        queue.push_back(first);
        let mut out = Vec::new();
        while let Some(s) = queue.pop_front() {
            let s_mask = mask(n, &s);
            let ca = self.component(a, &s_mask);
            for &v in &s {
                if self.adj[v][b] {
                    continue;
                }
                let mut side = ca.clone();
                side[v] = true;
                let t = self.neighbourhood(&side);
                let cb = self.component(b, &t);
                let next = to_list(&self.neighbourhood(&cb));
                if seen.len() < MAX_SETS && seen.insert(next.clone()) {
                    queue.push_back(next);
                }
            }
            out.push(s);
        }
        out
    }
}

/// The open paths between `x` and `y` given `z` (at most [`MAX_PATHS`], found within
/// [`MAX_PATH_STEPS`] search steps), each marked causal or biasing.
///
/// Only ancestors of `{x, y} ∪ z` can lie on an open path, and a prefix that is already blocked
/// is not extended, which keeps the search small on sparse graphs; the limits bound it on dense
/// ones (the count of paths can grow exponentially).
pub fn open_paths(g: &Dag, x: usize, y: usize, z: &[usize]) -> Vec<Path> {
    let n = g.len();
    let in_z = mask(n, z);
    let an_z = g.ancestors(z);
    let mut relevant_set = vec![x, y];
    relevant_set.extend_from_slice(z);
    let relevant = g.ancestors(&relevant_set);
    let mut search = Search { g, y, in_z, an_z, relevant, out: Vec::new(), steps: 0 };
    let mut path = vec![x];
    let mut on_path = vec![false; n];
    on_path[x] = true;
    search.walk(&mut path, &mut on_path);
    search.out
}

/// Search steps [`open_paths`] may take.
pub const MAX_PATH_STEPS: usize = 200_000;

struct Search<'g> {
    g: &'g Dag,
    y: usize,
    in_z: Vec<bool>,
    an_z: Vec<bool>,
    relevant: Vec<bool>,
    out: Vec<Path>,
    steps: usize,
}

impl Search<'_> {
    /// Whether `m`, between `a` and `b` on a path, lets the path through.
    fn passes(&self, a: usize, m: usize, b: usize) -> bool {
        let collider = self.g.children(a).contains(&m) && self.g.children(b).contains(&m);
        if collider { self.an_z[m] } else { !self.in_z[m] }
    }

    fn walk(&mut self, path: &mut Vec<usize>, on_path: &mut [bool]) {
        let Some(&v) = path.last() else { return };
        if v == self.y {
            let causal = path.windows(2).all(|w| self.g.children(w[0]).contains(&w[1]));
            self.out.push(Path {
                nodes: path.iter().map(|&i| self.g.name(i).to_string()).collect(),
                causal,
                open: true,
            });
            return;
        }
        let g = self.g;
        for &u in g.parents(v).iter().chain(g.children(v)) {
            if self.out.len() >= MAX_PATHS || self.steps >= MAX_PATH_STEPS {
                return;
            }
            self.steps += 1;
            if on_path[u] || !self.relevant[u] {
                continue;
            }
            if path.len() >= 2 && !self.passes(path[path.len() - 2], v, u) {
                continue;
            }
            on_path[u] = true;
            path.push(u);
            self.walk(path, on_path);
            path.pop();
            on_path[u] = false;
        }
    }
}

/// Minimal front-door sets for `x → y`.
pub fn frontdoor_sets(g: &Dag, x: usize, y: usize) -> Vec<Vec<String>> {
    let n = g.len();
    let de_x = g.descendants(&[x]);
    let an_y = g.ancestors(&[y]);
    let candidates: Vec<usize> = (0..n)
        .filter(|&v| v != x && v != y && de_x[v] && an_y[v] && !g.nodes()[v].latent)
        .collect();
    if candidates.is_empty() || candidates.len() > MAX_FRONTDOOR_CANDIDATES {
        return Vec::new();
    }
    let mut found: Vec<Vec<usize>> = Vec::new();
    for bits in 1u32..(1 << candidates.len()) {
        let z: Vec<usize> = (0..candidates.len())
            .filter(|&i| bits & (1 << i) != 0)
            .map(|i| candidates[i])
            .collect();
        if found.iter().any(|f| f.iter().all(|v| z.contains(v))) {
            continue;
        }
        if is_frontdoor(g, x, y, &z) {
            found.push(z);
        }
    }
    let mut sets: Vec<Vec<String>> = found.into_iter().map(|s| names(g, s)).collect();
    sort_sets(&mut sets);
    sets
}

/// Pearl's front-door criterion.
pub fn is_frontdoor(g: &Dag, x: usize, y: usize, z: &[usize]) -> bool {
    let n = g.len();
    // (i) Z intercepts every directed path x → y.
    let blocked = mask(n, z);
    let mut seen = vec![false; n];
    let mut stack = vec![x];
    while let Some(v) = stack.pop() {
        for &c in g.children(v) {
            if c == y {
                return false;
            }
            if !blocked[c] && !seen[c] {
                seen[c] = true;
                stack.push(c);
            }
        }
    }
    // (ii) No open back-door path from x to Z.
    if !g.d_separated_cut(&[x], z, &[], Some(&mask(n, &[x]))) {
        return false;
    }
    // (iii) x blocks every back-door path from Z to y.
    g.d_separated_cut(z, &[y], &[x], Some(&mask(n, z)))
}

/// Whether `z` is an instrument for `x → y` given `w`: `w` holds no descendant of `x` or `y`,
/// `z` is d-connected to `x` given `w`, and d-separated from `y` given `w` once the edges out of
/// `x` are cut.
pub fn is_instrument(g: &Dag, z: usize, x: usize, y: usize, w: &[usize]) -> bool {
    let de = g.descendants(&[x, y]);
    !de[z]
        && w.iter().all(|&v| !de[v])
        && g.d_separated_cut(&[z], &[y], w, Some(&mask(g.len(), &[x])))
        && !g.d_separated(&[z], &[x], w)
}

/// Instruments and conditional instruments for `x → y`.
pub fn instruments(g: &Dag, x: usize, y: usize) -> Vec<Instrument> {
    let n = g.len();
    let de = g.descendants(&[x, y]);
    let observed = |v: usize| !g.nodes()[v].latent;
    let valid = |z: usize, w: &[usize]| is_instrument(g, z, x, y, w);
    let mut out = Vec::new();
    for z in (0..n).filter(|&v| v != x && v != y && observed(v) && !de[v]) {
        if valid(z, &[]) {
            out.push(Instrument { instrument: g.name(z).to_string(), given: Vec::new() });
            continue;
        }
        // W: observed non-descendants of x and y among the ancestors of {y, z}, then shrunk.
        let an = g.ancestors(&[y, z]);
        let mut w: Vec<usize> =
            (0..n).filter(|&v| an[v] && observed(v) && !de[v] && v != z).collect();
        if !valid(z, &w) {
            continue;
        }
        let mut i = 0;
        while i < w.len() {
            let mut smaller = w.clone();
            smaller.remove(i);
            if valid(z, &smaller) {
                w = smaller;
            } else {
                i += 1;
            }
        }
        out.push(Instrument { instrument: g.name(z).to_string(), given: names(g, w) });
    }
    out.sort_by(|a, b| a.instrument.cmp(&b.instrument));
    out
}

/// A basis of the conditional independences the graph implies among observed nodes.
pub fn implications(g: &Dag) -> Vec<Implication> {
    let n = g.len();
    let order = g.topological_order();
    let mut rank = vec![0; n];
    for (r, &v) in order.iter().enumerate() {
        rank[v] = r;
    }
    let observed: Vec<usize> = (0..n).filter(|&v| !g.nodes()[v].latent).collect();
    let mut out = Vec::new();
    let mut done: BTreeSet<(usize, usize)> = BTreeSet::new();
    for &a in &observed {
        for &b in &observed {
            if a == b || g.adjacent(a, b) || done.contains(&(a.min(b), a.max(b))) {
                continue;
            }
            done.insert((a.min(b), a.max(b)));
            // `late` after `early` in the topological order.
            let (late, early) = if rank[a] > rank[b] { (a, b) } else { (b, a) };
            // Start from the later node's parents when they are observed (they separate it from
            // every earlier non-adjacent node), else from the observed ancestors; then drop what
            // is not needed.
            let pa = g.parents(late);
            let start: Vec<usize> = if pa.iter().all(|&p| !g.nodes()[p].latent) {
                pa.to_vec()
            } else {
                let an = g.ancestors(&[a, b]);
                observed.iter().copied().filter(|&v| an[v] && v != a && v != b).collect()
            };
            let given = g.d_separated(&[early], &[late], &start).then(|| {
                let mut z = start;
                let mut i = 0;
                while i < z.len() {
                    let mut smaller = z.clone();
                    smaller.remove(i);
                    if g.d_separated(&[early], &[late], &smaller) {
                        z = smaller;
                    } else {
                        i += 1;
                    }
                }
                z
            });
            if let Some(z) = given {
                let (x, y) = (g.name(early).to_string(), g.name(late).to_string());
                let (x, y) = if x <= y { (x, y) } else { (y, x) };
                out.push(Implication { x, y, given: names(g, z) });
            }
        }
    }
    out.sort_by(|a, b| (&a.x, &a.y).cmp(&(&b.x, &b.y)));
    out
}

/// The node indices of treatment `x` and outcome `y`: both must be in `g`, and differ.
pub(crate) fn treatment_and_outcome(
    g: &Dag,
    x: &str,
    y: &str,
) -> Result<(usize, usize), GraphError> {
    let (xi, yi) = (g.require(x)?, g.require(y)?);
    if xi == yi {
        return Err(GraphError::Parse {
            line: 0,
            column: 0,
            message: format!("`{x}` cannot be both the treatment and the outcome"),
        });
    }
    Ok((xi, yi))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn dag(edges: &[(&str, &str)]) -> Dag {
        let mut g = Dag::new();
        for (a, b) in edges {
            let (a, b) = (g.add_node(a), g.add_node(b));
            g.add_edge(a, b).unwrap();
        }
        g
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_adjustment_set_is_checked_with_its_open_paths_and_bad_members() {
        // a confounds t → y; b is a descendant of t; u is latent.
        let mut g = dag(&[("a", "t"), ("a", "y"), ("t", "y"), ("t", "b"), ("u", "a")]);
        let u = g.index("u").unwrap();
        g.node_mut(u).latent = true;
        let (t, y) = (g.index("t").unwrap(), g.index("y").unwrap());

        let none = check_adjustment(&g, t, y, &[]);
        assert!(!none.satisfies_backdoor);
        let biasing: Vec<&Vec<String>> = none.biasing_open().map(|p| &p.nodes).collect();
        assert_eq!(biasing, vec![&names(&["t", "a", "y"])]);
        let causal: Vec<&Vec<String>> = none.causal_open().map(|p| &p.nodes).collect();
        assert_eq!(causal, vec![&names(&["t", "y"])]);

        let ok = check_adjustment(&g, t, y, &names(&["a", "t", "y", "a"]));
        assert!(ok.satisfies_backdoor);
        assert_eq!(ok.biasing_open().count(), 0);
        assert!(ok.descendants_adjusted.is_empty() && ok.not_in_graph.is_empty());

        let bad = check_adjustment(&g, t, y, &names(&["a", "b", "nope", "u"]));
        assert!(!bad.satisfies_backdoor);
        assert_eq!(bad.biasing_open().count(), 0);
        assert_eq!(bad.descendants_adjusted, names(&["b"]));
        assert_eq!(bad.not_in_graph, names(&["nope"]));
        assert_eq!(bad.latent, names(&["u"]));
    }
}
