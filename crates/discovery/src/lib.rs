//! Causal discovery with the PC algorithm, exactly as causal-learn 0.1.4.8 runs it:
//! `pc(data, alpha, indep_test, stable=True, uc_rule=0, uc_priority=2)`.
//!
//! * **Skeleton** (PC-stable): depth d = 0, 1, … while some node has more than d neighbours;
//!   every ordered adjacent pair is tested given every d-subset of the first node's other
//!   neighbours, with no early exit; adjacency sets stay frozen through a depth. A pair whose
//!   test gives p > alpha for some set loses its edge after the depth; its separating-set
//!   entries are the union of the separating sets each side found, causal-learn's bookkeeping.
//! * **Colliders** (`uc_rule=0`, `uc_priority=2`): an unshielded triple x – y – z is oriented
//!   x → y ← z when y is in no separating-set entry of x and z, unless an edge out of y is
//!   already oriented towards x or z (then that triple is skipped: existing colliders win).
//! * **Meek's rules** R1–R3, with causal-learn's cycle guard: an orientation a → b is skipped
//!   when b counts as an ancestor of a in `GeneralGraph.dpath`, an incrementally kept relation
//!   that is not the full transitive closure; it is reproduced as is.
//! * **Tests** ([`IndepTest`]): Fisher's z on partial correlations from the correlation matrix
//!   computed once (`np.corrcoef`, the sub-matrix inverted by LU, |r| ≥ 1 clamped); chi-square
//!   and G² on level codes (sorted distinct values), one stratum per observed configuration of
//!   the conditioning set, with causal-learn's degrees of freedom (each stratum's empty rows and
//!   columns dropped). Results are cached by unordered pair and sorted conditioning set, and
//!   calls are counted both directions, as causal-learn counts them.
//!
//! Mixed data ([`IndepTest::Mixed`]): continuous columns (more distinct values than the bins)
//! are cut into quantile bins and the G² test runs on the codes of all columns. This was chosen
//! over a conditional-Gaussian likelihood-ratio test because it needs no model of how discrete
//! and continuous columns depend on each other, cannot fail on a singular within-stratum
//! covariance, and reuses the discrete test exactly; the price is the information lost by
//! binning (few bins keep the strata of larger conditioning sets populated).
//!
//! Background knowledge ([`Knowledge`]): tiers, forbidden and required edges, applied as
//! causal-learn applies `background_knowledge` (see [`Knowledge`] for the rules). Without
//! knowledge the output is causal-learn's, mark for mark.
//!
//! Edge stability ([`bootstrap()`]): PC on resamples of the rows drawn from a seed (SplitMix64),
//! with each edge's frequency of adjacency and of each orientation.
//!
//! The data are columns of `f64` without missing values: the caller drops incomplete rows (a
//! NaN is an error). No I/O, threads or clocks; `libm`'s functions, so results are the same
//! natively and in a WebAssembly worker.
//!
//! ```
//! use cf_discovery::{PcOptions, pc};
//! // x → z ← y.
//! let mut state = 7_u64;
//! let mut noise = move || {
//!     state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
//!     (state >> 11) as f64 / (1_u64 << 53) as f64 - 0.5
//! };
//! let x: Vec<f64> = (0..2000).map(|_| noise()).collect();
//! let y: Vec<f64> = (0..2000).map(|_| noise()).collect();
//! let z: Vec<f64> = x.iter().zip(&y).map(|(a, b)| a + b + 0.3 * noise()).collect();
//! let names = ["x", "y", "z"].map(String::from);
//! let g = pc(&names, &[&x, &y, &z], &PcOptions::default())?;
//! assert_eq!(g.directed, [("x".into(), "z".into()), ("y".into(), "z".into())]);
//! assert!(g.undirected.is_empty());
//! # Ok::<(), cf_discovery::DiscoveryError>(())
//! ```

#![warn(missing_docs)]

mod bootstrap;
mod citest;
mod dist;
mod error;
mod knowledge;
mod orient;
mod skeleton;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use bootstrap::{Bootstrap, EdgeStability, MAX_RESAMPLES, bootstrap, bootstrap_with_progress};
pub use citest::{CiResult, CiTester, DEFAULT_BINS, IndepTest, MAX_LEVELS};
pub use error::DiscoveryError;
pub use knowledge::Knowledge;

use knowledge::Rules;
use orient::{Log, Marks};
use skeleton::Skeleton;

/// Settings of a PC run. The collider rule is causal-learn's default (`uc_rule=0`,
/// `uc_priority=2`) and the skeleton search is always the stable one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcOptions {
    /// Significance level: `x ⫫ y | S` is accepted when p > alpha (0 < alpha < 1; default 0.05).
    pub alpha: f64,
    /// The independence test (default Fisher-z).
    pub test: IndepTest,
    /// The largest conditioning set to test (`None`: no limit, causal-learn's `max_k=None`).
    pub max_k: Option<usize>,
    /// Background knowledge (default none).
    #[serde(default)]
    pub knowledge: Knowledge,
    /// Keep the sequence of test calls ([`Cpdag::trace`]).
    #[serde(default)]
    pub record_trace: bool,
}

impl Default for PcOptions {
    fn default() -> Self {
        PcOptions {
            alpha: 0.05,
            test: IndepTest::FisherZ,
            max_k: None,
            knowledge: Knowledge::default(),
            record_trace: false,
        }
    }
}

/// One call of the independence test by the skeleton search, on column indices: `x`, `y` and
/// `s` as the search passes them (`s` ascending).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiCall {
    /// The node whose neighbours are searched.
    pub x: usize,
    /// Its neighbour.
    pub y: usize,
    /// The conditioning set.
    pub s: Vec<usize>,
}

impl fmt::Display for CiCall {
    /// `x y|s1,s2,…`, the line format of the reference traces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s: Vec<String> = self.s.iter().map(ToString::to_string).collect();
        write!(f, "{} {}|{}", self.x, self.y, s.join(","))
    }
}

/// Which Meek rule oriented an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeekRule {
    /// a → b — c, a and c not adjacent: b → c.
    R1,
    /// a → b → c and a — c: a → c.
    R2,
    /// a — b → d, a — c → d, a — d, b and c not adjacent: a → d.
    R3,
}

impl MeekRule {
    /// `R1`, `R2` or `R3`.
    pub fn as_str(self) -> &'static str {
        match self {
            MeekRule::R1 => "R1",
            MeekRule::R2 => "R2",
            MeekRule::R3 => "R3",
        }
    }
}

/// One orientation by a Meek rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeekStep {
    /// The rule.
    pub rule: MeekRule,
    /// The tail.
    pub from: String,
    /// The head.
    pub to: String,
}

/// The separating sets of a removed edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sepset {
    /// The column that comes first in the data.
    pub x: String,
    /// The other column.
    pub y: String,
    /// The size of the conditioning sets at which the edge was removed.
    pub removed_at_depth: usize,
    /// causal-learn's entries: for each side's visit that saw the edge marked for removal, the
    /// union of the sets that gave p > alpha (possibly empty), in visit order, each in column
    /// order.
    pub stored: Vec<Vec<String>>,
    /// The union of the entries, sorted by name: a collider x → m ← y needs m outside it.
    pub union: Vec<String>,
}

/// The output of PC: a CPDAG (pattern) with what was done to find it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cpdag {
    /// The columns, in the order given.
    pub names: Vec<String>,
    /// Rows used.
    pub n_rows: usize,
    /// The significance level.
    pub alpha: f64,
    /// The test.
    pub test: IndepTest,
    /// Directed edges (from, to), sorted.
    pub directed: Vec<(String, String)>,
    /// Undirected edges, each pair sorted by name, sorted.
    pub undirected: Vec<(String, String)>,
    /// Every adjacency, each pair sorted by name, sorted.
    pub skeleton: Vec<(String, String)>,
    /// The separating sets of the removed edges, by the columns' order.
    pub sepsets: Vec<Sepset>,
    /// Colliders oriented, as (x, middle, z) in the order applied.
    pub colliders_applied: Vec<[String; 3]>,
    /// Colliders skipped because an edge out of the middle node was already oriented.
    pub colliders_skipped_conflict: Vec<[String; 3]>,
    /// Colliders the background knowledge did not allow.
    pub colliders_skipped_knowledge: Vec<[String; 3]>,
    /// Meek orientations in the order made.
    pub meek_orientations: Vec<MeekStep>,
    /// How often the cycle guard stopped a Meek orientation.
    pub cycle_guard_fired: usize,
    /// Required edges (from, to) whose ends the tests separated: absent from the graph.
    pub missing_required: Vec<(String, String)>,
    /// Calls of the independence test (both directions of each pair; repeats come from the
    /// cache): causal-learn's count.
    pub n_ci_calls: usize,
    /// Calls by conditioning-set size (index = size).
    pub n_ci_calls_by_depth: Vec<usize>,
    /// Distinct tests computed.
    pub n_ci_distinct: usize,
    /// The calls in order, when [`PcOptions::record_trace`] asked for them.
    pub trace: Option<Vec<CiCall>>,
}

impl Cpdag {
    /// The trace as text, one `x y|s1,s2` line per call, each ending in a newline (the format
    /// whose SHA-256 the references give); `None` without a recorded trace.
    pub fn trace_text(&self) -> Option<String> {
        self.trace.as_ref().map(|t| t.iter().map(|c| format!("{c}\n")).collect())
    }

    /// The CPDAG as a graph of the editor's kind: its nodes in column order, arrows and
    /// undecided edges, no positions or roles.
    pub fn to_dag(&self) -> cf_graph::Dag {
        let mut g = cf_graph::Dag::new();
        for n in &self.names {
            g.add_node(n);
        }
        for (a, b) in &self.directed {
            if let (Some(i), Some(j)) = (g.index(a), g.index(b)) {
                // PC's arrows hold no cycle, so nothing refuses them in a graph of their own.
                let _ = g.add_edge(i, j);
            }
        }
        for (a, b) in &self.undirected {
            if let (Some(i), Some(j)) = (g.index(a), g.index(b)) {
                let _ = g.add_undirected_edge(i, j);
            }
        }
        g
    }

    /// DAGitty text: `pdag { a -> b  c -- d }` (`dag { }` when every edge is oriented), one
    /// node or edge per line, as the graph editor writes it.
    pub fn to_dagitty(&self) -> String {
        cf_graph::text::to_dagitty(&self.to_dag())
    }
}

/// Checks alpha.
fn check_alpha(alpha: f64) -> Result<(), DiscoveryError> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(DiscoveryError::Param(format!("alpha must be between 0 and 1, got {alpha}")))
    }
}

/// Skeleton and orientation on a prepared test.
fn run(
    tester: &CiTester,
    options: &PcOptions,
    rules: &Rules,
    record: bool,
) -> Result<(Skeleton, Vec<i8>, Log), DiscoveryError> {
    let p = tester.n_columns();
    let skel = skeleton::skeleton(tester, options.alpha, options.max_k, rules, record)?;
    let mut marks = Marks::new(&skel.adj, p, rules);
    marks.apply_knowledge();
    let sepsets = &skel.sepsets;
    marks.colliders(|x, z, y| sepsets[x.min(z) * p + x.max(z)].iter().any(|s| s.contains(&y)));
    marks.meek();
    let g = std::mem::take(&mut marks.g);
    Ok((skel, g, marks.log))
}

fn sorted_pair(a: &str, b: &str) -> (String, String) {
    if a <= b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) }
}

/// Runs PC on the columns (`names[i]` names `columns[i]`; all of one length, no missing or
/// infinite values).
///
/// # Errors
/// Those of [`CiTester::new`] (too few columns, shapes, a duplicate name, a non-finite or
/// constant column, collinear columns for Fisher-z, too many levels for a discrete test);
/// [`DiscoveryError::TooFewRows`] when a Fisher-z test needs more rows than there are;
/// [`DiscoveryError::UnknownColumn`] / [`DiscoveryError::Param`] for background knowledge that
/// names no column or contradicts itself, or alpha outside (0, 1).
pub fn pc(
    names: &[String],
    columns: &[&[f64]],
    options: &PcOptions,
) -> Result<Cpdag, DiscoveryError> {
    check_alpha(options.alpha)?;
    let tester = CiTester::new(names, columns, options.test)?;
    let rules = Rules::new(&options.knowledge, names)?;
    let (skel, g, log) = run(&tester, options, &rules, options.record_trace)?;
    let p = names.len();
    let name = |i: usize| names[i].clone();
    let mut directed = Vec::new();
    let mut undirected = Vec::new();
    let mut skeleton = Vec::new();
    for i in 0..p {
        for j in i + 1..p {
            let (a, b) = (g[i * p + j], g[j * p + i]);
            if a == 0 && b == 0 {
                continue;
            }
            skeleton.push(sorted_pair(&names[i], &names[j]));
            match (a, b) {
                (-1, 1) => directed.push((name(i), name(j))),
                (1, -1) => directed.push((name(j), name(i))),
                _ => undirected.push(sorted_pair(&names[i], &names[j])),
            }
        }
    }
    directed.sort();
    undirected.sort();
    skeleton.sort();
    let mut sepsets = Vec::new();
    for i in 0..p {
        for j in i + 1..p {
            let entries = &skel.sepsets[i * p + j];
            let Some(depth) = skel.removed_at[i * p + j] else { continue };
            let stored: Vec<Vec<String>> =
                entries.iter().map(|s| s.iter().map(|&v| name(v)).collect()).collect();
            let mut union: Vec<String> = stored.iter().flatten().cloned().collect();
            union.sort();
            union.dedup();
            sepsets.push(Sepset { x: name(i), y: name(j), removed_at_depth: depth, stored, union });
        }
    }
    let triple = |t: &[usize; 3]| t.map(name);
    let missing_required = options
        .knowledge
        .required
        .iter()
        .filter(|(a, b)| {
            let (i, j) = (names.iter().position(|n| n == a), names.iter().position(|n| n == b));
            matches!((i, j), (Some(i), Some(j)) if g[i * p + j] == 0)
        })
        .cloned()
        .collect();
    Ok(Cpdag {
        names: names.to_vec(),
        n_rows: tester.n_rows(),
        alpha: options.alpha,
        test: options.test,
        directed,
        undirected,
        skeleton,
        sepsets,
        colliders_applied: log.colliders_applied.iter().map(triple).collect(),
        colliders_skipped_conflict: log.colliders_skipped.iter().map(triple).collect(),
        colliders_skipped_knowledge: log.colliders_knowledge.iter().map(triple).collect(),
        meek_orientations: log
            .meek
            .iter()
            .map(|&(rule, a, b)| MeekStep { rule, from: name(a), to: name(b) })
            .collect(),
        cycle_guard_fired: log.guard_fired,
        missing_required,
        n_ci_calls: skel.n_calls,
        n_ci_calls_by_depth: skel.calls_by_depth,
        n_ci_distinct: skel.n_distinct,
        trace: skel.trace,
    })
}
