//! Random graphs against brute force: the Markov equivalence class of a random DAG is found by
//! trying every orientation of its skeleton, its CPDAG read off it, and then
//! * the consistent extensions of the CPDAG are exactly the class (and of a partly oriented
//!   CPDAG, exactly the orientations that add no collider and no cycle);
//! * identification over the CPDAG agrees with trying every observed set in every DAG: it finds
//!   a common set exactly when one exists, and lists exactly the inclusion-minimal ones.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use cf_graph::Dag;
use cf_graph::cpdag::{CpdagIdentification, MAX_DAGS, consistent_extensions, identify_cpdag};
use cf_graph::identify::is_backdoor;

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

fn random_dag(rng: &mut Rng, n: usize, density: u64, max_edges: usize) -> Dag {
    let mut g = Dag::new();
    for i in 0..n {
        g.add_node(&format!("v{i}"));
    }
    let mut m = 0;
    for a in 0..n {
        for b in a + 1..n {
            if m < max_edges && rng.below(100) < density {
                // Random direction, kept acyclic by the index order being shuffled below.
                g.add_edge(a, b).unwrap();
                m += 1;
            }
        }
    }
    // Relabel so that edges do not always point from lower to higher index.
    let mut perm: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        perm.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut h = Dag::new();
    for i in 0..n {
        h.add_node(&format!("v{i}"));
    }
    for (a, b) in g.edges() {
        h.add_edge(perm[a], perm[b]).unwrap();
    }
    h
}

/// Directed edges as a set of name pairs.
type Edges = BTreeSet<(usize, usize)>;

fn edge_set(g: &Dag) -> Edges {
    g.edges().into_iter().collect()
}

/// Unshielded colliders (a, c, b) with a < b.
fn v_structures(g: &Dag) -> BTreeSet<(usize, usize, usize)> {
    let mut out = BTreeSet::new();
    for c in 0..g.len() {
        let ps = g.parents(c);
        for &a in ps {
            for &b in ps {
                if a < b && !g.adjacent(a, b) {
                    out.insert((a, c, b));
                }
            }
        }
    }
    out
}

/// Every orientation of `skeleton` (pairs) on `n` nodes that is acyclic and passes `keep`.
fn orientations(
    names: &Dag,
    fixed: &[(usize, usize)],
    free: &[(usize, usize)],
    keep: impl Fn(&Dag) -> bool,
) -> Vec<Dag> {
    let mut out = Vec::new();
    for bits in 0u32..1 << free.len() {
        let mut g = Dag::new();
        for node in names.nodes() {
            let k = g.add_node(&node.name);
            *g.node_mut(k) = node.clone();
        }
        let mut ok = fixed.iter().all(|&(a, b)| g.add_edge(a, b).is_ok());
        for (i, &(a, b)) in free.iter().enumerate() {
            let (f, t) = if bits & (1 << i) == 0 { (a, b) } else { (b, a) };
            ok = ok && g.add_edge(f, t).is_ok();
        }
        if ok && keep(&g) {
            out.push(g);
        }
    }
    out
}

/// The Markov equivalence class of `d` (same skeleton and unshielded colliders), by brute force.
fn class_of(d: &Dag) -> Vec<Dag> {
    let skeleton: Vec<(usize, usize)> = d.edges();
    let want = v_structures(d);
    orientations(d, &[], &skeleton, |g| v_structures(g) == want)
}

/// The CPDAG of a class: an edge is directed when every DAG of the class orients it alike.
fn cpdag_of(class: &[Dag]) -> Dag {
    let first = &class[0];
    let mut g = Dag::new();
    for node in first.nodes() {
        let k = g.add_node(&node.name);
        *g.node_mut(k) = node.clone();
    }
    for (a, b) in first.edges() {
        if class.iter().all(|d| d.children(a).contains(&b)) {
            g.add_edge(a, b).unwrap();
        } else {
            g.add_undirected_edge(a, b).unwrap();
        }
    }
    g
}

fn subsets(items: &[usize]) -> Vec<Vec<usize>> {
    (0u32..1 << items.len())
        .map(|bits| (0..items.len()).filter(|&i| bits & (1 << i) != 0).map(|i| items[i]).collect())
        .collect()
}

fn names(g: &Dag, z: &[usize]) -> Vec<String> {
    let mut v: Vec<String> = z.iter().map(|&i| g.name(i).to_string()).collect();
    v.sort();
    v
}

#[test]
fn consistent_extensions_of_a_cpdag_are_its_equivalence_class() {
    let mut rng = Rng(11);
    let mut with_undirected = 0;
    for case in 0..300 {
        let n = 3 + case % 5;
        let d = random_dag(&mut rng, n, 30 + (case as u64 % 4) * 15, 10);
        let class = class_of(&d);
        assert!(class.iter().any(|g| edge_set(g) == edge_set(&d)), "case {case}");
        let cpdag = cpdag_of(&class);
        with_undirected += usize::from(cpdag.has_undirected());
        let found = consistent_extensions(&cpdag, MAX_DAGS).unwrap();
        let found: BTreeSet<Edges> = found.iter().map(edge_set).collect();
        let want: BTreeSet<Edges> = class.iter().map(edge_set).collect();
        assert_eq!(
            found,
            want,
            "case {case}: cpdag {:?} -- {:?}",
            cpdag.edges(),
            cpdag.undirected_edges()
        );
        let one = cpdag.consistent_extension().unwrap();
        assert!(want.contains(&edge_set(&one)), "case {case}");
    }
    assert!(with_undirected > 100, "{with_undirected}");
}

#[test]
fn consistent_extensions_of_any_partly_directed_graph_match_brute_force() {
    let mut rng = Rng(99);
    let (mut none, mut some) = (0, 0);
    for case in 0..400 {
        let n = 3 + case % 5;
        let d = random_dag(&mut rng, n, 45, 10);
        // Make a random part of the edges undecided.
        let mut g = d.clone();
        let (mut fixed, mut free) = (Vec::new(), Vec::new());
        for (a, b) in d.edges() {
            if rng.below(2) == 0 {
                g.add_undirected_edge(a, b).unwrap();
                free.push((a, b));
            } else {
                fixed.push((a, b));
            }
        }
        let base = v_structures(&{
            let mut directed = g.clone();
            for &(a, b) in &free {
                directed.remove_undirected_edge(a, b);
            }
            directed
        });
        // An extension may only have the colliders of the directed edges; adjacency is the
        // whole skeleton's, which is what `v_structures` of the full orientation reads.
        let want: BTreeSet<Edges> = orientations(&g, &fixed, &free, |h| {
            v_structures(h).iter().all(|&(a, c, b)| {
                base.contains(&(a, c, b))
                    || (!free.contains(&(a, c)) && !free.contains(&(c, a)))
                        && (!free.contains(&(b, c)) && !free.contains(&(c, b)))
            })
        })
        .iter()
        .map(edge_set)
        .collect();
        let found: BTreeSet<Edges> =
            consistent_extensions(&g, MAX_DAGS).unwrap().iter().map(edge_set).collect();
        assert_eq!(found, want, "case {case}: fixed {fixed:?} free {free:?}");
        match g.consistent_extension() {
            None => {
                none += 1;
                assert!(want.is_empty(), "case {case}: Dor–Tarsi found none, brute force {want:?}");
            }
            Some(e) => {
                some += 1;
                assert!(want.contains(&edge_set(&e)), "case {case}");
            }
        }
    }
    assert!(none > 20 && some > 200, "{none} {some}");
}

#[test]
fn cpdag_identification_agrees_with_every_set_in_every_dag() {
    let mut rng = Rng(2025);
    let mut counts = [0usize; 4];
    for case in 0..700 {
        let n = 4 + case % 4;
        let mut d = random_dag(&mut rng, n, 35 + (case as u64 % 3) * 15, 11);
        if case % 5 == 0 {
            let v = rng.below(n as u64) as usize;
            d.node_mut(v).latent = true;
        }
        let x = rng.below(n as u64) as usize;
        let y = rng.below(n as u64) as usize;
        if x == y || d.nodes()[x].latent || d.nodes()[y].latent {
            continue;
        }
        let class = class_of(&d);
        let cpdag = cpdag_of(&class);
        let (xn, yn) = (d.name(x).to_string(), d.name(y).to_string());
        let id = identify_cpdag(&cpdag, &xn, &yn).unwrap();

        let allowed: Vec<usize> =
            (0..n).filter(|&v| v != x && v != y && !d.nodes()[v].latent).collect();
        let valid_all = |z: &[usize]| class.iter().all(|g| is_backdoor(g, x, y, z));
        let common: Vec<Vec<usize>> =
            subsets(&allowed).into_iter().filter(|z| valid_all(z)).collect();
        let ctx = format!(
            "case {case}: x={xn} y={yn} cpdag {:?} -- {:?}: {id:?}",
            cpdag.edges(),
            cpdag.undirected_edges()
        );
        match &id {
            CpdagIdentification::Valid { sets, n_dags } => {
                counts[0] += 1;
                assert!(!common.is_empty(), "{ctx}");
                assert!(*n_dags >= 1 && *n_dags <= class.len(), "{ctx}");
                for s in sets {
                    let z: Vec<usize> = s.iter().map(|v| cpdag.index(v).unwrap()).collect();
                    assert!(valid_all(&z), "{ctx}: {s:?} is not valid in every DAG");
                    for w in subsets(&z) {
                        assert!(w.len() == z.len() || !valid_all(&w), "{ctx}: {s:?} not minimal");
                    }
                }
                // The list is exactly the inclusion-minimal common sets.
                let minimal: Vec<Vec<String>> = {
                    let mut v: Vec<Vec<String>> = common
                        .iter()
                        .filter(|z| {
                            !common
                                .iter()
                                .any(|w| w.len() < z.len() && w.iter().all(|v| z.contains(v)))
                        })
                        .map(|z| names(&cpdag, z))
                        .collect();
                    v.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
                    v
                };
                assert_eq!(sets, &minimal, "{ctx}");
            }
            CpdagIdentification::NotIdentifiable { n_dags, .. } => {
                counts[1] += 1;
                assert!(common.is_empty(), "{ctx}");
                assert!(*n_dags >= 1, "{ctx}");
                // No DAG of the class admits a set.
                for g in &class {
                    assert!(subsets(&allowed).iter().all(|z| !is_backdoor(g, x, y, z)), "{ctx}");
                }
            }
            CpdagIdentification::DependsOn { edge, reason, also, .. } => {
                counts[2] += 1;
                assert!(common.is_empty(), "{ctx}");
                assert!(
                    class.iter().any(|g| subsets(&allowed).iter().any(|z| is_backdoor(g, x, y, z))),
                    "{ctx}"
                );
                // The edge is undecided, and one of its orientations leaves a common set
                // exactly when the reason says so.
                for (k, (a, b)) in std::iter::once(edge).chain(also).enumerate() {
                    let (a, b) = (cpdag.index(a).unwrap(), cpdag.index(b).unwrap());
                    assert!(cpdag.is_undirected(a, b), "{ctx}");
                    let settles = [(a, b), (b, a)].iter().any(|&(f, t)| {
                        let side: Vec<&Dag> =
                            class.iter().filter(|g| g.children(f).contains(&t)).collect();
                        subsets(&allowed)
                            .iter()
                            .any(|z| side.iter().all(|g| is_backdoor(g, x, y, z)))
                    });
                    let says = k > 0
                        || reason.contains("adjust for")
                        || reason.contains("no adjustment is needed");
                    assert_eq!(settles, says, "{ctx}: edge {k}");
                }
            }
            other => panic!("{ctx}: unexpected {other:?}"),
        }
        if let CpdagIdentification::Valid { n_dags, .. } = &id {
            counts[3] += usize::from(*n_dags > 1);
        }
    }
    assert!(counts.iter().all(|&c| c > 15), "{counts:?}");
}
