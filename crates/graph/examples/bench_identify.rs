//! Times full identification (back-door sets, front-door, instruments, implications) on random
//! 60-node DAGs: `cargo run --release -p cf-graph --example bench_identify`.
use std::time::Instant;

use cf_graph::identify::identify;
use cf_graph::Dag;

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
        sets.push(id.backdoor.minimal_sets.len());
    }
    times.sort_by(f64::total_cmp);
    sets.sort_unstable();
    println!(
        "identify on 100 random 60-node DAGs: median {:.2} ms, max {:.2} ms; minimal back-door sets per graph: median {}, max {}",
        times[50],
        times[99],
        sets[50],
        sets[99]
    );
}
