//! Train/test splits for evaluating uplift models: from a 0/1 column, or drawn from a seed with
//! stratification (treatment × outcome for a 0/1 outcome, treatment alone otherwise), so that
//! both parts keep the arms' and the outcome's shares.

use cf_estimate::SplitMix64;

/// `true` for test rows: in each stratum, `round(test_fraction × size)` rows drawn from `seed`.
/// `group` is the treatment arm of each row (0 = control) and `y` the outcome; a 0/1 outcome
/// also stratifies. `test_fraction` is clamped to [0, 1].
pub fn stratified(group: &[usize], y: &[f64], test_fraction: f64, seed: u64) -> Vec<bool> {
    let binary = y.iter().all(|&v| v == 0.0 || v == 1.0);
    let key = |r: usize| (group[r], if binary { y[r] == 1.0 } else { false });
    let mut keys: Vec<(usize, bool)> = (0..group.len()).map(key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut rng = SplitMix64(seed);
    let frac = test_fraction.clamp(0.0, 1.0);
    let mut test = vec![false; group.len()];
    for k in keys {
        let mut rows: Vec<usize> = (0..group.len()).filter(|&r| key(r) == k).collect();
        let take = ((rows.len() as f64) * frac).round() as usize;
        for i in 0..take {
            let j = i + rng.below(rows.len() - i);
            rows.swap(i, j);
            test[rows[i]] = true;
        }
    }
    test
}
