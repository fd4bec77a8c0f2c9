//! Orientation: background knowledge, unshielded colliders (causal-learn's `uc_sepset` with
//! `uc_priority=2`) and Meek's rules R1–R3 (`Meek.meek`), on causal-learn's edge-mark matrix and
//! with its incremental ancestor relation (`GeneralGraph.dpath`) as the cycle guard.

use crate::MeekRule;
use crate::knowledge::Rules;

const TAIL: i8 = -1;
const ARROW: i8 = 1;

/// What orientation did, on column indices.
#[derive(Debug, Default)]
pub(crate) struct Log {
    pub(crate) colliders_applied: Vec<[usize; 3]>,
    pub(crate) colliders_skipped: Vec<[usize; 3]>,
    pub(crate) colliders_knowledge: Vec<[usize; 3]>,
    pub(crate) meek: Vec<(MeekRule, usize, usize)>,
    pub(crate) guard_fired: usize,
}

/// The graph being oriented: `g[i·p + j]` is the mark at node i of the edge i – j (TAIL = −1,
/// ARROW = 1, 0 = no edge), and `d[a·p + b] == 1` means b counts as an ancestor of a.
pub(crate) struct Marks<'a> {
    p: usize,
    pub(crate) g: Vec<i8>,
    d: Vec<u8>,
    rules: &'a Rules,
    pub(crate) log: Log,
}

impl<'a> Marks<'a> {
    /// The undirected skeleton, every node its own (only) ancestor.
    pub(crate) fn new(adj: &[bool], p: usize, rules: &'a Rules) -> Marks<'a> {
        let g = adj.iter().map(|&a| if a { TAIL } else { 0 }).collect();
        let mut d = vec![0; p * p];
        for i in 0..p {
            d[i * p + i] = 1;
        }
        Marks { p, g, d, rules, log: Log::default() }
    }

    fn at(&self, i: usize, j: usize) -> i8 {
        self.g[i * self.p + j]
    }

    /// i → j.
    pub(crate) fn directed(&self, i: usize, j: usize) -> bool {
        self.at(i, j) == TAIL && self.at(j, i) == ARROW
    }

    /// i — j.
    pub(crate) fn undirected(&self, i: usize, j: usize) -> bool {
        self.at(i, j) == TAIL && self.at(j, i) == TAIL
    }

    /// `GeneralGraph.adjust_dpath` for a new edge i → j: j gets i and i's ancestors, and every
    /// node with j among its ancestors gets i (not i's ancestors: no full closure).
    fn adjust(&mut self, i: usize, j: usize) {
        let p = self.p;
        self.d[j * p + i] = 1;
        for k in 0..p {
            if self.d[i * p + k] == 1 {
                self.d[j * p + k] = 1;
            }
            if self.d[k * p + j] == 1 {
                self.d[k * p + i] = 1;
            }
        }
    }

    /// `GeneralGraph.reconstitute_dpath(get_graph_edges())`: from the identity, the directed
    /// edges re-added in reverse row-major order of their (i < j) pairs.
    fn reconstitute(&mut self) {
        let p = self.p;
        self.d.iter_mut().for_each(|v| *v = 0);
        for i in 0..p {
            self.adjust(i, i);
        }
        let edges: Vec<(usize, usize)> = (0..p)
            .flat_map(|i| (i + 1..p).map(move |j| (i, j)))
            .filter(|&(i, j)| self.at(j, i) != 0)
            .collect();
        for &(i, j) in edges.iter().rev() {
            if self.directed(i, j) {
                self.adjust(i, j);
            } else if self.directed(j, i) {
                self.adjust(j, i);
            }
        }
    }

    /// `remove_edge(get_edge(a, b))` then `add_edge(a --> b)`: removing a directed edge rebuilds
    /// the ancestor relation.
    fn set_arrow(&mut self, a: usize, b: usize) {
        let p = self.p;
        let was_directed = self.directed(a, b) || self.directed(b, a);
        self.g[a * p + b] = 0;
        self.g[b * p + a] = 0;
        if was_directed {
            self.reconstitute();
        }
        self.g[a * p + b] = TAIL;
        self.g[b * p + a] = ARROW;
        self.adjust(a, b);
    }

    /// `CausalGraph.find_adj()`: `(c, r)` for every tail mark `g[r, c]` in row-major order, then
    /// for every arrowhead mark.
    fn adj_list(&self) -> Vec<(usize, usize)> {
        let p = self.p;
        let mut out = Vec::new();
        for mark in [TAIL, ARROW] {
            for r in 0..p {
                for c in 0..p {
                    if self.at(r, c) == mark {
                        out.push((c, r));
                    }
                }
            }
        }
        out
    }

    /// `(a0, a1, b1)` over `permutations(adj, 2)` with `a1 == b0`, `a0 != b1`, and `a0, b1`
    /// adjacent (`shielded`) or not: causal-learn's triangles / unshielded triples, in its order.
    fn triples(&self, adj: &[(usize, usize)], shielded: bool) -> Vec<(usize, usize, usize)> {
        let mut by_first: Vec<Vec<usize>> = vec![Vec::new(); self.p];
        for (k, &(a, _)) in adj.iter().enumerate() {
            by_first[a].push(k);
        }
        let mut out = Vec::new();
        for &(a0, a1) in adj {
            for &k in &by_first[a1] {
                let b1 = adj[k].1;
                if a0 != b1 && (self.at(a0, b1) != 0) == shielded {
                    out.push((a0, a1, b1));
                }
            }
        }
        out
    }

    /// `CausalGraph.find_kites()`: `(t0, t1, u1, t2)` over `permutations(triangles, 2)` with
    /// `t0 == u0`, `t2 == u2`, `t1 < u1` and `t1, u1` not adjacent.
    fn kites(&self, tri: &[(usize, usize, usize)]) -> Vec<(usize, usize, usize, usize)> {
        let p = self.p;
        let mut by_ends: Vec<Vec<usize>> = vec![Vec::new(); p * p];
        for (k, &(t0, _, t2)) in tri.iter().enumerate() {
            by_ends[t0 * p + t2].push(k);
        }
        let mut out = Vec::new();
        for &(t0, t1, t2) in tri {
            for &k in &by_ends[t0 * p + t2] {
                let u1 = tri[k].1;
                if t1 < u1 && self.at(t1, u1) == 0 {
                    out.push((t0, t1, u1, t2));
                }
            }
        }
        out
    }

    /// `orient_by_background_knowledge`: each undirected edge (pairs i < j in row-major order)
    /// with a forbidden direction is oriented the other way, else as required.
    pub(crate) fn apply_knowledge(&mut self) {
        let p = self.p;
        if self.rules.empty {
            return;
        }
        for i in 0..p {
            for j in i + 1..p {
                if !self.undirected(i, j) {
                    continue;
                }
                let r = self.rules;
                // causal-learn's order of the checks: forbidden j → i, forbidden i → j,
                // required j → i, required i → j.
                if r.is_forbidden(j, i) {
                    self.set_arrow(i, j);
                } else if r.is_forbidden(i, j) || r.is_required(j, i) {
                    self.set_arrow(j, i);
                } else if r.is_required(i, j) {
                    self.set_arrow(i, j);
                }
            }
        }
    }

    /// `UCSepset.uc_sepset(priority=2)`: every unshielded triple x – y – z (x < z) whose middle
    /// node is in no separating-set entry of x, z is oriented x → y ← z, unless y → x or y → z is
    /// already oriented (then the triple is skipped).
    pub(crate) fn colliders(&mut self, in_sepset: impl Fn(usize, usize, usize) -> bool) {
        let adj = self.adj_list();
        let ut: Vec<_> = self.triples(&adj, false).into_iter().filter(|t| t.0 < t.2).collect();
        for (x, y, z) in ut {
            let r = self.rules;
            let blocked = !r.empty
                && (r.is_forbidden(x, y)
                    || r.is_forbidden(z, y)
                    || r.is_required(y, x)
                    || r.is_required(y, z));
            let collider = !in_sepset(x, z, y);
            if blocked {
                if collider {
                    self.log.colliders_knowledge.push([x, y, z]);
                }
                continue;
            }
            if collider {
                if !self.directed(y, x) && !self.directed(y, z) {
                    self.set_arrow(x, y);
                    self.set_arrow(z, y);
                    self.log.colliders_applied.push([x, y, z]);
                } else {
                    self.log.colliders_skipped.push([x, y, z]);
                }
            }
        }
    }

    /// Orients the undirected edge a — b as a → b unless the knowledge forbids it (or requires
    /// b → a) or b counts as an ancestor of a; true when it did.
    fn orient(&mut self, a: usize, b: usize, rule: MeekRule) -> bool {
        let r = self.rules;
        if !r.empty && (r.is_forbidden(a, b) || r.is_required(b, a)) {
            return false;
        }
        let p = self.p;
        if self.d[a * p + b] == 1 {
            self.log.guard_fired += 1;
            return false;
        }
        self.g[a * p + b] = TAIL;
        self.g[b * p + a] = ARROW;
        self.adjust(a, b);
        self.log.meek.push((rule, a, b));
        true
    }

    /// `Meek.meek`: R1, R2, R3 over the triples and kites found once, repeated until a pass
    /// orients nothing.
    pub(crate) fn meek(&mut self) {
        let adj = self.adj_list();
        let ut = self.triples(&adj, false);
        let tri = self.triples(&adj, true);
        let kites = self.kites(&tri);
        loop {
            let mut changed = false;
            for &(i, j, k) in &ut {
                if self.directed(i, j) && self.undirected(j, k) {
                    changed |= self.orient(j, k, MeekRule::R1);
                }
            }
            for &(i, j, k) in &tri {
                if self.directed(i, j) && self.directed(j, k) && self.undirected(i, k) {
                    changed |= self.orient(i, k, MeekRule::R2);
                }
            }
            for &(i, j, k, l) in &kites {
                if self.undirected(i, j)
                    && self.undirected(i, k)
                    && self.directed(j, l)
                    && self.directed(k, l)
                    && self.undirected(i, l)
                {
                    changed |= self.orient(i, l, MeekRule::R3);
                }
            }
            if !changed {
                break;
            }
        }
    }
}
