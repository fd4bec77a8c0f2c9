//! Times full identification (back-door sets, front-door, instruments, implications) on random
//! 60-node DAGs: `cargo run --release -p cf-graph --example bench_identify`.
// A native benchmark, never built for wasm32: the clock the workspace's clippy.toml forbids in the
// crate is what it measures with.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::time::Instant;

use cf_graph::Dag;
use cf_graph::identify::identify;

fn main() {
    let mut state = 60_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let n = 60;
    let mut times = Vec::new();
    let mut sets = Vec::new();
    let mut path_times = Vec::new();
    let mut path_counts = Vec::new();
    for _ in 0..100 {
        // Expected degree about 3: each forward pair linked with probability 3/n; 10 % latent.
        let mut g = Dag::new();
        for i in 0..n {
            g.add_node(&format!("v{i}"));
        }
        for a in 0..n {
            for b in a + 1..n {
                if next() % 1000 < 3000 / n as u64 {
                    let _ = g.add_edge(a, b);
                }
            }
        }
        for i in 0..n {
            if next() % 10 == 0 {
                g.node_mut(i).latent = true;
            }
        }
        let (x, y) = (format!("v{}", next() % 20), format!("v{}", 40 + next() % 20));
        let start = Instant::now();
        let id = identify(&g, &x, &y).expect("nodes exist");
        times.push(start.elapsed().as_secs_f64() * 1e3);
        let (xi, yi) = (g.index(&x).expect("node"), g.index(&y).expect("node"));
        let start = Instant::now();
        // Given the canonical set (or, when there is none, every observed node that is not a
        // descendant of the treatment): many colliders opened, the hard case.
        let de = g.descendants(&[xi]);
        let z: Vec<usize> =
            (0..n).filter(|&v| v != xi && v != yi && !de[v] && !g.nodes()[v].latent).collect();
        let paths = cf_graph::identify::open_paths(&g, xi, yi, &z);
        path_times.push(start.elapsed().as_secs_f64() * 1e3);
        path_counts.push(paths.len());
        sets.push(id.backdoor.minimal_sets.len());
    }
    times.sort_by(f64::total_cmp);
    path_times.sort_by(f64::total_cmp);
    path_counts.sort_unstable();
    println!(
        "open_paths: median {:.2} ms, max {:.2} ms; paths listed: median {}, max {}",
        path_times[50], path_times[99], path_counts[50], path_counts[99]
    );
    sets.sort_unstable();
    println!(
        "identify on 100 random 60-node DAGs: median {:.2} ms, max {:.2} ms; minimal back-door sets per graph: median {}, max {}",
        times[50], times[99], sets[50], sets[99]
    );
}
