//! Background knowledge: tiers, forbidden and required directed edges, used as causal-learn's
//! `BackgroundKnowledge` is used by its PC.

use serde::{Deserialize, Serialize};

use crate::DiscoveryError;

/// What is known about the causal order before looking at the data.
///
/// The rules are causal-learn's (`BackgroundKnowledge` as `pc(..., background_knowledge=...)`
/// uses it):
///
/// * `u → v` is *forbidden* when it is listed in `forbidden`, or when u's tier comes after v's
///   (columns in no tier are not constrained by tiers; columns in one tier may point either way).
/// * An adjacency whose two directions are both forbidden is removed from the skeleton after
///   the first sweep (its depth-0 tests are still made and counted, as causal-learn makes them),
///   with an empty separating set.
/// * After the skeleton, every undirected edge with one direction forbidden is oriented the
///   other way, and every undirected edge listed in `required` is oriented as listed.
/// * An unshielded collider `x → y ← z` is not oriented when `x → y` or `z → y` is forbidden or
///   `y → x` or `y → z` is required; a Meek rule never orients an edge against the knowledge.
/// * A required edge is **not** forced into the skeleton: when the tests separate its two ends,
///   the edge is absent from the output (see [`crate::Cpdag::missing_required`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Knowledge {
    /// Ordered groups of column names: no edge may point from a later tier to an earlier one.
    #[serde(default)]
    pub tiers: Vec<Vec<String>>,
    /// Directed edges `(from, to)` that may not appear.
    #[serde(default)]
    pub forbidden: Vec<(String, String)>,
    /// Directed edges `(from, to)` to orient so when the two columns are adjacent.
    #[serde(default)]
    pub required: Vec<(String, String)>,
}

impl Knowledge {
    /// No tiers and no edges.
    pub fn is_empty(&self) -> bool {
        self.tiers.iter().all(Vec::is_empty)
            && self.forbidden.is_empty()
            && self.required.is_empty()
    }
}

/// Knowledge on column indices.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    p: usize,
    tier: Vec<Option<usize>>,
    forbidden: Vec<bool>,
    required: Vec<bool>,
    pub(crate) empty: bool,
}

impl Rules {
    /// Resolves the names and checks that the knowledge does not contradict itself.
    pub(crate) fn new(k: &Knowledge, names: &[String]) -> Result<Rules, DiscoveryError> {
        let p = names.len();
        let index = |name: &str| {
            names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| DiscoveryError::UnknownColumn(name.to_string()))
        };
        let mut tier = vec![None; p];
        for (t, group) in k.tiers.iter().enumerate() {
            for name in group {
                let i = index(name)?;
                if tier[i].is_some() {
                    return Err(DiscoveryError::Param(format!(
                        "`{name}` is in more than one tier"
                    )));
                }
                tier[i] = Some(t);
            }
        }
        let mut forbidden = vec![false; p * p];
        let mut required = vec![false; p * p];
        for (list, marks) in [(&k.forbidden, &mut forbidden), (&k.required, &mut required)] {
            for (a, b) in list {
                let (i, j) = (index(a)?, index(b)?);
                if i == j {
                    return Err(DiscoveryError::Param(format!(
                        "`{a} -> {b}` is an edge from a column to itself"
                    )));
                }
                marks[i * p + j] = true;
            }
        }
        let rules = Rules { p, tier, forbidden, required, empty: k.is_empty() };
        for (a, b) in &k.required {
            let (i, j) = (index(a)?, index(b)?);
            if rules.is_forbidden(i, j) {
                return Err(DiscoveryError::Param(format!(
                    "`{a} -> {b}` is both required and forbidden (by the list or the tiers)"
                )));
            }
        }
        Ok(rules)
    }

    /// `u → v` may not appear.
    pub(crate) fn is_forbidden(&self, u: usize, v: usize) -> bool {
        if self.forbidden[u * self.p + v] {
            return true;
        }
        matches!((self.tier[u], self.tier[v]), (Some(a), Some(b)) if a > b)
    }

    /// `u → v` is required.
    pub(crate) fn is_required(&self, u: usize, v: usize) -> bool {
        self.required[u * self.p + v]
    }

    /// Both directions of u – v are forbidden: the adjacency goes.
    pub(crate) fn bans(&self, u: usize, v: usize) -> bool {
        !self.empty && self.is_forbidden(u, v) && self.is_forbidden(v, u)
    }
}
