

# ---- the engine's cross-fitting folds -----------------------------------------------------------
# Without a fold column the engine draws its folds from SEED: within each stratum (the treatment
# values, ascending, for the R-learner; all rows for the DR-learner) the rows are shuffled by
# Fisher-Yates with the SplitMix64 generator, then dealt out 0, 1, ..., k-1 in turn. This is that
# draw, so the R- and DR-learners below see exactly the engine's folds (causalml's own
# StratifiedKFold / KFold split would differ by the luck of the split).
def engine_folds(n, k, seed, strata=None):
    mask = (1 << 64) - 1
    state = seed & mask
    def next_u64():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)
    if strata is None:
        groups = [list(range(n))]
    else:
        groups = [list(np.flatnonzero(strata == v)) for v in np.unique(strata)]
    out = np.zeros(n, dtype=int)
    nxt = 0
    for rows in groups:
        for i in range(len(rows) - 1, 0, -1):
            j = next_u64() % (i + 1)
            rows[i], rows[j] = rows[j], rows[i]
        for r in rows:
            out[r] = nxt % max(k, 1)
            nxt += 1
    return out
