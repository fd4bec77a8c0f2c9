//! Edge stability: PC on bootstrap resamples of the rows.

use cf_estimate::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::citest::check_columns;
use crate::knowledge::Rules;
use crate::{CiTester, DiscoveryError, PcOptions, check_alpha, run};

/// The most resamples [`bootstrap()`] takes.
pub const MAX_RESAMPLES: usize = 10_000;

/// How often one pair of columns came out adjacent, and how, over the resamples that ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeStability {
    /// The pair's first column by name.
    pub a: String,
    /// The other column.
    pub b: String,
    /// Share of the resamples with a and b adjacent (the sum of the next three).
    pub frequency: f64,
    /// Share with a → b.
    pub forward: f64,
    /// Share with b → a.
    pub backward: f64,
    /// Share with a — b.
    pub undirected: f64,
}

/// Edge stability over bootstrap resamples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bootstrap {
    /// Resamples drawn.
    pub resamples: usize,
    /// Resamples on which PC could not run (a column constant in the resample, say); the
    /// shares are over the others.
    pub failed: usize,
    /// The seed.
    pub seed: u64,
    /// Every pair adjacent in at least one resample, most frequent first (ties by name).
    pub edges: Vec<EdgeStability>,
}

/// Runs PC with `options` on `resamples` resamples of the rows (n rows drawn with replacement,
/// SplitMix64 from `seed`), and counts each pair's adjacency and orientation. The same inputs
/// give the same result on every platform.
///
/// # Errors
/// Those of [`crate::pc`] on the full data (checked first); [`DiscoveryError::Param`] for
/// `resamples` outside 1 to [`MAX_RESAMPLES`]; the first resample's error when none ran.
pub fn bootstrap(
    names: &[String],
    columns: &[&[f64]],
    options: &PcOptions,
    resamples: usize,
    seed: u64,
) -> Result<Bootstrap, DiscoveryError> {
    bootstrap_with_progress(names, columns, options, resamples, seed, &mut |_| ())
}

/// [`bootstrap()`], telling `progress` the share of the resamples done (in [0, 1]) after each.
///
/// # Errors
/// Those of [`bootstrap()`].
pub fn bootstrap_with_progress(
    names: &[String],
    columns: &[&[f64]],
    options: &PcOptions,
    resamples: usize,
    seed: u64,
    progress: &mut dyn FnMut(f64),
) -> Result<Bootstrap, DiscoveryError> {
    if !(1..=MAX_RESAMPLES).contains(&resamples) {
        return Err(DiscoveryError::Param(format!(
            "the bootstrap needs 1 to {MAX_RESAMPLES} resamples, got {resamples}"
        )));
    }
    check_alpha(options.alpha)?;
    let n = check_columns(names, columns)?;
    CiTester::new(names, columns, options.test)?;
    let rules = Rules::new(&options.knowledge, names)?;
    let p = names.len();
    // Per pair i < j: adjacent, i → j, j → i, undirected.
    let mut counts = vec![[0_usize; 4]; p * p];
    let mut rng = SplitMix64(seed);
    let mut failed = 0;
    let mut first_error = None;
    let mut rows = vec![0_usize; n];
    for done in 0..resamples {
        progress(done as f64 / resamples as f64);
        rows.iter_mut().for_each(|r| *r = rng.below(n));
        let data: Vec<Vec<f64>> =
            columns.iter().map(|c| rows.iter().map(|&r| c[r]).collect()).collect();
        let cols: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
        let outcome = CiTester::new(names, &cols, options.test)
            .and_then(|tester| run(&tester, options, &rules, false));
        let g = match outcome {
            Ok((_, g, _)) => g,
            Err(e) => {
                failed += 1;
                first_error.get_or_insert(e);
                continue;
            }
        };
        for i in 0..p {
            for j in i + 1..p {
                let (a, b) = (g[i * p + j], g[j * p + i]);
                if a == 0 && b == 0 {
                    continue;
                }
                let c = &mut counts[i * p + j];
                c[0] += 1;
                match (a, b) {
                    (-1, 1) => c[1] += 1,
                    (1, -1) => c[2] += 1,
                    _ => c[3] += 1,
                }
            }
        }
    }
    let ran = resamples - failed;
    if ran == 0
        && let Some(e) = first_error
    {
        return Err(e);
    }
    let share = |k: usize| k as f64 / ran as f64;
    let mut edges = Vec::new();
    for i in 0..p {
        for j in i + 1..p {
            let c = counts[i * p + j];
            if c[0] == 0 {
                continue;
            }
            // Name order: forward is a → b for the pair sorted by name.
            let (a, b, fwd, bwd) = if names[i] <= names[j] {
                (&names[i], &names[j], c[1], c[2])
            } else {
                (&names[j], &names[i], c[2], c[1])
            };
            edges.push(EdgeStability {
                a: a.clone(),
                b: b.clone(),
                frequency: share(c[0]),
                forward: share(fwd),
                backward: share(bwd),
                undirected: share(c[3]),
            });
        }
    }
    edges.sort_by(|x, y| {
        y.frequency.total_cmp(&x.frequency).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    Ok(Bootstrap { resamples, failed, seed, edges })
}
