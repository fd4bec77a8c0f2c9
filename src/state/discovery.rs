//! "Suggest a graph from the data": the settings of the PC run, the proposal it made, how it
//! compares with the graph drawn, and accepting it (the engine's
//! [`cf_engine::discover::discover`] runs in the worker).

use std::rc::Rc;

use cf_discovery::{Cpdag, Knowledge};
use cf_engine::discover::{DiscoverReport, DiscoverSpec};
use cf_graph::Dag;

use super::{AppState, Busy};

/// Significance levels offered.
pub const ALPHAS: [f64; 3] = [0.01, 0.05, 0.1];
/// Bootstrap resamples offered (0: none).
pub const RESAMPLES: [usize; 4] = [0, 20, 50, 100];
/// Resamples unless the user picks another number.
pub const DEFAULT_RESAMPLES: usize = 20;

/// Where a column sits in time, for the tiers of background knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tier {
    /// No knowledge.
    #[default]
    Unknown,
    /// Measured before the treatment (it cannot be caused by the treatment or the outcome).
    Before,
    /// Measured after the treatment (it cannot cause the treatment).
    After,
}

/// A finished PC run.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// What was asked.
    pub spec: DiscoverSpec,
    /// What PC found.
    pub report: DiscoverReport,
    /// Milliseconds in the worker.
    pub millis: f64,
}

/// How a proposal compares with the graph drawn, over the columns it was run on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// Edges of the drawn graph between the proposal's columns.
    pub drawn: usize,
    /// Of those, adjacent in the proposal.
    pub found: usize,
    /// Of those found, with the same direction.
    pub same_direction: usize,
    /// Of those found, the other way round.
    pub reversed: usize,
    /// Of those found, undirected in the proposal.
    pub undecided: usize,
    /// Edges of the proposal the drawn graph does not have, each `(a, b)` as in the proposal.
    pub new: Vec<(String, String)>,
    /// Drawn edges the proposal does not have.
    pub missing: Vec<(String, String)>,
}

impl Comparison {
    /// Whether the graph holds the proposal: every edge of it between the proposal's columns
    /// (an undecided one possibly oriented since), and no other.
    pub fn holds_proposal(&self) -> bool {
        self.found == self.drawn
            && self.new.is_empty()
            && self.reversed == 0
            && self.missing.is_empty()
    }
}

/// An edge the user knows: `from → to` must be there whenever PC keeps the two columns adjacent
/// (`required`), or may not appear (forbidden).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRule {
    pub from: String,
    pub to: String,
    pub required: bool,
}

impl EdgeRule {
    /// "a → b required" / "a → b forbidden".
    pub fn label(&self) -> String {
        let kind = if self.required { "required" } else { "forbidden" };
        format!("{} → {} {kind}", self.from, self.to)
    }
}

/// The settings of "Suggest a graph", and its last proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveryState {
    /// The panel is open.
    pub open: bool,
    /// The significance level of each test.
    pub alpha: f64,
    /// Bootstrap resamples for edge stability.
    pub resamples: usize,
    /// The columns picked (`None`: [`AppState::discovery_default_columns`]).
    pub columns: Option<Vec<String>>,
    /// Tiers set by the user, by column.
    pub tiers: Vec<(String, Tier)>,
    /// The treatment comes before the outcome (a tier each).
    pub treatment_first: bool,
    /// Edges the user requires or forbids, in the order added.
    pub edge_rules: Vec<EdgeRule>,
    /// Share done of the run in flight, in [0, 1].
    pub progress: f64,
    /// The run in flight.
    pub pending: Option<DiscoverSpec>,
    /// The last proposal (kept after it was accepted, for its edge stability).
    pub proposal: Option<Rc<Proposal>>,
    /// Why the last run failed.
    pub error: Option<String>,
}

impl Default for DiscoveryState {
    fn default() -> Self {
        DiscoveryState {
            open: false,
            alpha: 0.05,
            resamples: DEFAULT_RESAMPLES,
            columns: None,
            tiers: Vec::new(),
            treatment_first: true,
            edge_rules: Vec::new(),
            progress: 0.0,
            pending: None,
            proposal: None,
            error: None,
        }
    }
}

impl DiscoveryState {
    /// The tier set for `column`.
    pub fn tier(&self, column: &str) -> Tier {
        self.tiers.iter().find(|(c, _)| c == column).map_or(Tier::Unknown, |(_, t)| *t)
    }

    /// Adds `rule`, replacing a rule on the same edge; a rule from a column to itself is
    /// ignored.
    pub fn add_edge_rule(&mut self, rule: EdgeRule) {
        if rule.from == rule.to || rule.from.is_empty() || rule.to.is_empty() {
            return;
        }
        self.edge_rules.retain(|r| (&r.from, &r.to) != (&rule.from, &rule.to));
        self.edge_rules.push(rule);
    }

    /// Sets `column`'s tier.
    pub fn set_tier(&mut self, column: &str, tier: Tier) {
        self.tiers.retain(|(c, _)| c != column);
        if tier != Tier::Unknown {
            self.tiers.push((column.to_string(), tier));
        }
    }
}

impl AppState {
    /// The numeric (and 0/1) columns of the loaded file, in file order.
    pub fn numeric_columns(&self) -> Vec<String> {
        self.dataset.as_ref().map_or_else(Vec::new, |d| {
            d.summary
                .columns
                .iter()
                .filter(|c| c.kind != cf_engine::ColumnKind::Categorical)
                .map(|c| c.name.clone())
                .collect()
        })
    }

    /// The columns PC runs on unless the user picks others: the treatment, the outcome and the
    /// ticked covariates, numeric ones only, in file order.
    pub fn discovery_default_columns(&self) -> Vec<String> {
        let wanted = |c: &String| {
            self.treatment.as_ref() == Some(c)
                || self.outcome.as_ref() == Some(c)
                || self.covariates.contains(c)
        };
        self.numeric_columns().into_iter().filter(wanted).collect()
    }

    /// The columns PC runs on.
    pub fn discovery_columns(&self) -> Vec<String> {
        let numeric = self.numeric_columns();
        match &self.discovery.columns {
            Some(picked) => numeric.into_iter().filter(|c| picked.contains(c)).collect(),
            None => self.discovery_default_columns(),
        }
    }

    /// The request for the worker, or why there is none.
    pub fn discover_spec(&self) -> Result<DiscoverSpec, String> {
        if self.dataset.is_none() {
            return Err("load a data file first".into());
        }
        let columns = self.discovery_columns();
        if columns.len() < 2 {
            return Err("pick at least two numeric columns".into());
        }
        let d = &self.discovery;
        let among = |c: &String| columns.contains(c);
        let of = |tier: Tier| -> Vec<String> {
            columns.iter().filter(|c| d.tier(c) == tier).cloned().collect()
        };
        let (before, after) = (of(Tier::Before), of(Tier::After));
        let mut tiers: Vec<Vec<String>> = Vec::new();
        let treatment = self.treatment.clone().filter(among);
        let outcome = self.outcome.clone().filter(among);
        let ordered = d.treatment_first && treatment.is_some() && outcome.is_some();
        if !before.is_empty() || !after.is_empty() || ordered {
            let mut first = before;
            let mut last = after;
            let middle: Vec<String> = if ordered {
                first.retain(|c| Some(c) != treatment.as_ref() && Some(c) != outcome.as_ref());
                last.retain(|c| Some(c) != treatment.as_ref() && Some(c) != outcome.as_ref());
                last.push(outcome.clone().unwrap_or_default());
                vec![treatment.clone().unwrap_or_default()]
            } else {
                Vec::new()
            };
            tiers = [first, middle, last].into_iter().filter(|t| !t.is_empty()).collect();
        }
        let (mut required, mut forbidden) = (Vec::new(), Vec::new());
        for r in &d.edge_rules {
            if !among(&r.from) || !among(&r.to) {
                let out = if among(&r.from) { &r.to } else { &r.from };
                return Err(format!(
                    "the rule {} names {out}, which is not among the columns ticked: tick it or remove the rule",
                    r.label()
                ));
            }
            let edge = (r.from.clone(), r.to.clone());
            if r.required { required.push(edge) } else { forbidden.push(edge) }
        }
        Ok(DiscoverSpec {
            columns: Some(columns),
            alpha: d.alpha,
            test: None,
            knowledge: Knowledge { tiers, forbidden, required },
            max_k: None,
            bootstrap: d.resamples,
            seed: 0,
        })
    }

    /// Whether the last proposal was made with the settings shown now.
    pub fn proposal_is_stale(&self) -> bool {
        match (&self.discovery.proposal, self.discover_spec()) {
            (Some(p), Ok(spec)) => p.spec != spec,
            (Some(_), Err(_)) => true,
            (None, _) => false,
        }
    }

    /// Starts a run.
    pub(super) fn discovery_started(&mut self, spec: DiscoverSpec) {
        self.discovery.pending = Some(spec);
        self.discovery.progress = 0.0;
        self.discovery.error = None;
        self.busy = Busy::Discovering;
    }

    /// A run finished.
    pub(super) fn discovered(&mut self, report: DiscoverReport, millis: f64) {
        self.busy = Busy::Idle;
        if let Some(spec) = self.discovery.pending.take() {
            self.discovery.proposal = Some(Rc::new(Proposal { spec, report, millis }));
        }
    }

    /// A run failed.
    pub(super) fn discovery_failed(&mut self, message: String) {
        self.busy = Busy::Idle;
        self.discovery.pending = None;
        self.discovery.error = Some(message);
    }

    /// The proposal compared with the graph drawn.
    pub fn proposal_comparison(&self) -> Option<Comparison> {
        let p = self.discovery.proposal.as_ref()?;
        Some(compare(&self.graph.dag, &p.report.cpdag))
    }

    /// Puts the proposal into the graph (undo takes it back): its columns' edges become the
    /// proposal's, the rest of the graph (latent nodes, other columns) stays.
    pub(super) fn accept_proposal(&mut self) {
        let Some(p) = self.discovery.proposal.clone() else { return };
        match merged(&self.graph.dag, &p.report.cpdag) {
            Ok(g) => {
                let (t, y) = (self.treatment.clone(), self.outcome.clone());
                self.graph.replace_laid_out(g, t.as_deref(), y.as_deref());
            }
            Err(e) => self.graph.error = Some(e),
        }
    }
}

/// `g` with the edges among the proposal's columns replaced by the proposal's.
fn merged(g: &Dag, c: &Cpdag) -> Result<Dag, String> {
    let mut out = g.clone();
    let mut idx = Vec::with_capacity(c.names.len());
    for n in &c.names {
        idx.push(match out.index(n) {
            Some(i) => i,
            None => out.add_node(n),
        });
    }
    for &i in &idx {
        for &j in &idx {
            if i != j {
                out.remove_edge(i, j);
            }
        }
    }
    let find = |out: &Dag, n: &str| out.require(n).map_err(|e| e.to_string());
    for (a, b) in &c.directed {
        let (i, j) = (find(&out, a)?, find(&out, b)?);
        out.add_edge(i, j).map_err(|e| {
            format!("the proposal cannot go into the graph: {e} (through the nodes kept)")
        })?;
    }
    for (a, b) in &c.undirected {
        let (i, j) = (find(&out, a)?, find(&out, b)?);
        out.add_undirected_edge(i, j).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The drawn graph's edges among the proposal's columns against the proposal.
pub fn compare(g: &Dag, c: &Cpdag) -> Comparison {
    let inside = |n: &str| c.names.iter().any(|m| m == n);
    let directed = |a: &str, b: &str| c.directed.iter().any(|(x, y)| x == a && y == b);
    let undirected = |a: &str, b: &str| {
        c.undirected.iter().any(|(x, y)| (x == a && y == b) || (x == b && y == a))
    };
    let mut out = Comparison::default();
    let mut drawn_pairs: Vec<(String, String)> = Vec::new();
    let mut add = |out: &mut Comparison, a: &str, b: &str, oriented: bool| {
        if !(inside(a) && inside(b)) {
            return;
        }
        out.drawn += 1;
        drawn_pairs.push((a.to_string(), b.to_string()));
        if directed(a, b) {
            out.found += 1;
            if oriented {
                out.same_direction += 1;
            } else {
                out.undecided += 1;
            }
        } else if directed(b, a) {
            out.found += 1;
            if oriented {
                out.reversed += 1;
            } else {
                out.undecided += 1;
            }
        } else if undirected(a, b) {
            out.found += 1;
            out.undecided += 1;
        } else {
            out.missing.push((a.to_string(), b.to_string()));
        }
    };
    for (a, b) in g.edges() {
        add(&mut out, g.name(a), g.name(b), true);
    }
    for &(a, b) in g.undirected_edges() {
        add(&mut out, g.name(a), g.name(b), false);
    }
    let drawn = |a: &str, b: &str| {
        drawn_pairs.iter().any(|(x, y)| (x == a && y == b) || (x == b && y == a))
    };
    for (a, b) in c.directed.iter().chain(&c.undirected) {
        if !drawn(a, b) {
            out.new.push((a.clone(), b.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cf_discovery::IndepTest;

    fn cpdag(names: &[&str], directed: &[(&str, &str)], undirected: &[(&str, &str)]) -> Cpdag {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
        };
        Cpdag {
            names: names.iter().map(|s| s.to_string()).collect(),
            n_rows: 100,
            alpha: 0.05,
            test: IndepTest::FisherZ,
            directed: pairs(directed),
            undirected: pairs(undirected),
            skeleton: Vec::new(),
            sepsets: Vec::new(),
            colliders_applied: Vec::new(),
            colliders_skipped_conflict: Vec::new(),
            colliders_skipped_knowledge: Vec::new(),
            meek_orientations: Vec::new(),
            cycle_guard_fired: 0,
            missing_required: Vec::new(),
            n_ci_calls: 0,
            n_ci_calls_by_depth: Vec::new(),
            n_ci_distinct: 0,
            trace: None,
        }
    }

    fn dag(text: &str) -> Dag {
        cf_graph::text::parse_pdag(text).unwrap()
    }

    #[test]
    fn the_comparison_counts_found_reversed_new_and_missing_edges() {
        let g = dag("dag { a -> b  b -> c  c -> d  u -> a  u [latent] }");
        let p = cpdag(&["a", "b", "c", "d"], &[("a", "b"), ("d", "c")], &[("a", "d")]);
        let c = compare(&g, &p);
        assert_eq!((c.drawn, c.found, c.same_direction, c.reversed), (3, 2, 1, 1));
        assert_eq!(c.missing, vec![("b".to_string(), "c".to_string())]);
        assert_eq!(c.new, vec![("a".to_string(), "d".to_string())]);
    }

    #[test]
    fn accepting_replaces_the_columns_edges_and_keeps_the_rest() {
        let g = dag("dag { a -> b  u -> a  u [latent]  x }");
        let p = cpdag(&["a", "b", "c"], &[("b", "a")], &[("b", "c")]);
        let m = merged(&g, &p).unwrap();
        let name = |(i, j): (usize, usize)| (m.name(i).to_string(), m.name(j).to_string());
        let mut edges: Vec<_> = m.edges().into_iter().map(name).collect();
        edges.sort();
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(edges, vec![s("b", "a"), s("u", "a")]);
        let und: Vec<_> = m.undirected_edges().iter().map(|&e| name(e)).collect();
        assert_eq!(und, vec![s("b", "c")]);
        assert!(m.index("x").is_some() && m.nodes()[m.index("u").unwrap()].latent);
        // A proposal that would close a cycle through a node kept is refused, with the reason.
        let g = dag("dag { a -> u  u -> b  u [latent] }");
        let err = merged(&g, &cpdag(&["a", "b"], &[("b", "a")], &[])).unwrap_err();
        assert!(err.contains("cycle"), "{err}");
    }
}
