//! Random DAGs against brute force: every listed back-door set is valid and minimal, every valid
//! set contains a listed one, and d-separation is symmetric and agrees with path enumeration.
#![allow(clippy::unwrap_used)]

use cf_graph::Dag;
use cf_graph::identify::{is_backdoor, minimal_separators, open_paths};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random DAG on `n` nodes (edges only from lower to higher index), some nodes latent.
fn random_dag(rng: &mut Rng, n: usize, density: u64) -> Dag {
    let mut g = Dag::new();
    for i in 0..n {
        g.add_node(&format!("v{i}"));
    }
    for a in 0..n {
        for b in a + 1..n {
            if rng.below(100) < density {
                g.add_edge(a, b).unwrap();
            }
        }
    }
    for i in 0..n {
        if rng.below(5) == 0 {
            g.node_mut(i).latent = true;
        }
    }
    g
}

fn subsets(items: &[usize]) -> Vec<Vec<usize>> {
    (0u32..1 << items.len())
        .map(|bits| (0..items.len()).filter(|&i| bits & (1 << i) != 0).map(|i| items[i]).collect())
        .collect()
}

#[test]
fn minimal_backdoor_sets_agree_with_brute_force() {
    let mut rng = Rng(2024);
    let mut checked = 0;
    for case in 0..400 {
        let n = 4 + (case % 6);
        let g = random_dag(&mut rng, n, 25 + (case as u64 % 4) * 10);
        let x = rng.below(n as u64) as usize;
        let y = rng.below(n as u64) as usize;
        if x == y || g.nodes()[x].latent || g.nodes()[y].latent {
            continue;
        }
        checked += 1;
        let de_x = g.descendants(&[x]);
        let allowed: Vec<usize> =
            (0..n).filter(|&v| v != x && v != y && !g.nodes()[v].latent && !de_x[v]).collect();
        let valid: Vec<Vec<usize>> =
            subsets(&allowed).into_iter().filter(|z| is_backdoor(&g, x, y, z)).collect();
        let minimal: Vec<Vec<usize>> = valid
            .iter()
            .filter(|z| !valid.iter().any(|w| w.len() < z.len() && w.iter().all(|v| z.contains(v))))
            .cloned()
            .collect();
        let mut listed = minimal_separators(&g, x, y);
        if valid.is_empty() {
            assert!(listed.is_empty(), "case {case}: nothing is valid, nothing may be listed");
            continue;
        }
        for z in &mut listed {
            z.sort_unstable();
        }
        listed.sort();
        let mut want = minimal.clone();
        want.sort();
        assert_eq!(listed, want, "case {case}: x={x} y={y} edges {:?}", g.edges());
        for z in &valid {
            assert!(listed.iter().any(|m| m.iter().all(|v| z.contains(v))), "case {case}");
        }
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn d_separation_is_symmetric_and_matches_path_enumeration() {
    let mut rng = Rng(7);
    for case in 0..300 {
        let n = 3 + case % 6;
        let g = random_dag(&mut rng, n, 35);
        let a = rng.below(n as u64) as usize;
        let b = rng.below(n as u64) as usize;
        if a == b {
            continue;
        }
        let z: Vec<usize> = (0..n).filter(|&v| v != a && v != b && rng.below(3) == 0).collect();
        let sep = g.d_separated(&[a], &[b], &z);
        assert_eq!(sep, g.d_separated(&[b], &[a], &z), "case {case}: symmetry");
        let any_open = open_paths(&g, a, b, &z).iter().any(|p| p.open);
        assert_eq!(sep, !any_open, "case {case}: edges {:?} z {z:?}", g.edges());
    }
}
