//! The skeleton search of PC-stable, as causal-learn's `skeleton_discovery(stable=True)` runs it.

use std::collections::HashMap;

use crate::citest::CiTester;
use crate::knowledge::Rules;
use crate::{CiCall, DiscoveryError};

/// What the skeleton search found (matrices are p × p, row-major; the per-pair vectors are
/// indexed by `min · p + max`).
pub(crate) struct Skeleton {
    pub(crate) adj: Vec<bool>,
    /// The separating-set entries of each removed pair, in causal-learn's order (each sorted).
    pub(crate) sepsets: Vec<Vec<Vec<usize>>>,
    pub(crate) removed_at: Vec<Option<usize>>,
    pub(crate) calls_by_depth: Vec<usize>,
    pub(crate) n_calls: usize,
    pub(crate) n_distinct: usize,
    pub(crate) trace: Option<Vec<CiCall>>,
}

/// P-values by unordered pair and sorted conditioning set, as causal-learn's cache keys them.
struct Cache<'a> {
    tester: &'a CiTester,
    map: HashMap<Vec<u32>, f64>,
    key: Vec<u32>,
}

impl Cache<'_> {
    /// `s` must be sorted and free of x and y.
    fn p_value(&mut self, x: usize, y: usize, s: &[usize]) -> Result<f64, DiscoveryError> {
        let (a, b) = if x < y { (x, y) } else { (y, x) };
        self.key.clear();
        self.key.extend([a, b].iter().chain(s).map(|&v| v as u32));
        if let Some(&p) = self.map.get(&self.key) {
            return Ok(p);
        }
        let p = self.tester.canonical(a, b, s)?.p_value;
        self.map.insert(self.key.clone(), p);
        Ok(p)
    }
}

/// Steps `idx` (k ascending positions in 0..n) to the next combination in lexicographic order;
/// false after the last.
fn next_combination(idx: &mut [usize], n: usize) -> bool {
    let k = idx.len();
    for i in (0..k).rev() {
        if idx[i] < n - k + i {
            idx[i] += 1;
            for j in i + 1..k {
                idx[j] = idx[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

/// PC-stable's adjacency search: depth d = 0, 1, … while some node has more than d neighbours
/// (and d ≤ `max_k`); at each depth every ordered adjacent pair (x, y), x ascending and y among
/// x's neighbours ascending, is tested given every d-subset of x's other neighbours (no early
/// exit); the adjacency sets stay frozen through the depth and the pairs found independent
/// (p > alpha) are removed after it.
pub(crate) fn skeleton(
    tester: &CiTester,
    alpha: f64,
    max_k: Option<usize>,
    rules: &Rules,
    record: bool,
) -> Result<Skeleton, DiscoveryError> {
    let p = tester.n_columns();
    let mut adj = vec![true; p * p];
    for i in 0..p {
        adj[i * p + i] = false;
    }
    let mut sepsets: Vec<Vec<Vec<usize>>> = vec![Vec::new(); p * p];
    let mut removed_at = vec![None; p * p];
    let mut calls_by_depth: Vec<usize> = Vec::new();
    let mut trace = record.then(Vec::new);
    let mut cache = Cache { tester, map: HashMap::new(), key: Vec::new() };
    let mut n_calls = 0;
    let mut found = vec![false; p];
    let mut subset: Vec<usize> = Vec::new();
    let mut depth = 0;
    loop {
        let max_degree = (0..p).map(|x| adj[x * p..(x + 1) * p].iter().filter(|&&a| a).count());
        if max_degree.max().unwrap_or(0) <= depth || max_k.is_some_and(|k| depth > k) {
            break;
        }
        let mut mark = vec![false; p * p];
        for x in 0..p {
            let nbrs: Vec<usize> = (0..p).filter(|&y| adj[x * p + y]).collect();
            for &y in &nbrs {
                found.iter_mut().for_each(|f| *f = false);
                if rules.bans(x, y) {
                    mark[x * p + y] = true;
                    mark[y * p + x] = true;
                }
                let rest: Vec<usize> = nbrs.iter().copied().filter(|&v| v != y).collect();
                if depth <= rest.len() {
                    let mut idx: Vec<usize> = (0..depth).collect();
                    loop {
                        subset.clear();
                        subset.extend(idx.iter().map(|&i| rest[i]));
                        n_calls += 1;
                        if calls_by_depth.len() <= depth {
                            calls_by_depth.resize(depth + 1, 0);
                        }
                        calls_by_depth[depth] += 1;
                        if let Some(t) = trace.as_mut() {
                            t.push(CiCall { x, y, s: subset.clone() });
                        }
                        if cache.p_value(x, y, &subset)? > alpha {
                            mark[x * p + y] = true;
                            mark[y * p + x] = true;
                            for &s in &subset {
                                found[s] = true;
                            }
                        }
                        if !next_combination(&mut idx, rest.len()) {
                            break;
                        }
                    }
                }
                if mark[x * p + y] {
                    let key = x.min(y) * p + x.max(y);
                    sepsets[key].push((0..p).filter(|&s| found[s]).collect());
                }
            }
        }
        for x in 0..p {
            for y in x + 1..p {
                if mark[x * p + y] && adj[x * p + y] {
                    adj[x * p + y] = false;
                    adj[y * p + x] = false;
                    removed_at[x * p + y] = Some(depth);
                }
            }
        }
        depth += 1;
    }
    Ok(Skeleton {
        adj,
        sepsets,
        removed_at,
        calls_by_depth,
        n_calls,
        n_distinct: cache.map.len(),
        trace,
    })
}

#[cfg(test)]
mod tests {
    use super::next_combination;

    #[test]
    fn combinations_in_itertools_order() {
        let mut idx = vec![0, 1];
        let mut all = vec![idx.clone()];
        while next_combination(&mut idx, 4) {
            all.push(idx.clone());
        }
        assert_eq!(all, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
        let mut none: Vec<usize> = Vec::new();
        assert!(!next_combination(&mut none, 3));
    }
}
