

# ---- psm: 1:1 nearest-neighbour matching on the logit of the propensity (ATT) -------------------
# causalml's NearestNeighborMatch, caliper 0.2 standard deviations of the logit (ddof = 0, all
# rows), treated units in row order. ATT = mean over matched pairs of y(treated) - y(control).
# Standard error: Abadie & Imbens (2006) for a known score, M = 1: (sum of (d_i - ATT)^2 plus, for
# each control used K > 1 times, (K^2 - K) (y_j - y_l)^2 / 2 with l its nearest other control),
# square-rooted, over the number of matched pairs.
# NOT ALWAYS THE ENGINE'S NUMBER: when several controls are equally near a treated unit (duplicate
# rows, discrete covariates), causalml takes whichever scikit-learn's neighbour search (with
# replacement) or numpy's argpartition (without) visits first, while the engine takes the control
# with the smaller score, then the earlier row. Without such ties the two agree.
def psm(y, t, p):
    from causalml.match import NearestNeighborMatch
    logit = np.log(p / (1 - p))
    frame = pd.DataFrame({"t": t.astype(int), "y": y, "logit_p": logit})
    nn = NearestNeighborMatch(caliper=0.2, replace=REPLACE, ratio=1, shuffle=False,
                              random_state=SEED % 2**32, n_jobs=1)
    nn.match(data=frame, treatment_col="t", score_cols=["logit_p"])
    treated = nn.matched_indexes_["from"].to_numpy(dtype=int)
    matched = nn.matched_indexes_["to"].to_numpy(dtype=int)
    if len(treated) < 2:
        raise ValueError("fewer than two treated units have a control within the caliper")
    d = y[treated] - y[matched]
    att = d.mean()
    v = ((d - att) ** 2).sum()
    controls = np.flatnonzero(t == 0)
    controls = controls[np.lexsort((controls, logit[controls]))]  # by score, then row
    slot = np.empty(len(t), dtype=int)
    slot[controls] = np.arange(len(controls))
    uses = np.bincount(slot[matched], minlength=len(controls))
    s = logit[controls]
    for k in np.flatnonzero(uses > 1):
        lo, hi = k - 1, k + 1
        if lo >= 0 and hi < len(controls):
            near = lo if s[k] - s[lo] <= s[hi] - s[k] else hi
        else:
            near = lo if lo >= 0 else (hi if hi < len(controls) else k)
        v += (uses[k] ** 2 - uses[k]) * 0.5 * (y[controls[k]] - y[controls[near]]) ** 2
    return att, np.sqrt(v) / len(d)
