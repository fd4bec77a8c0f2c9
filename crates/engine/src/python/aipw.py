

# ---- aipw: augmented IPW, doubly robust (ESTIMAND) ----------------------------------------------
# Linear outcome models per arm (no cross-fitting) and the unclipped propensity; rows with p
# outside [TRIM, 1 - TRIM] are left out.
# ATE: mean of mu1 - mu0 + t (y - mu1) / p - (1 - t) (y - mu0) / (1 - p);
# ATT: sum of [t - (1 - t) p / (1 - p)] (y - mu0) over the treated count.
# Standard error: that of the efficient influence function, sqrt(sum (psi - theta)^2) / n.
def aipw(y, t, X, p):
    keep = (p >= TRIM) & (p <= 1 - TRIM)
    treated, control = keep & (t == 1), keep & (t == 0)
    if min(treated.sum(), control.sum()) < 2:
        raise ValueError("trimming left a treatment group with fewer than two rows")
    mu0 = linear(X[control], y[control]).predict(X)
    if ESTIMAND == "ATT":
        w = np.where(t == 1, 1.0, -p / (1 - p))
        psi = (w * (y - mu0))[keep] * keep.sum() / treated.sum()
    else:
        mu1 = linear(X[treated], y[treated]).predict(X)
        psi = (mu1 - mu0 + t * (y - mu1) / p - (1 - t) * (y - mu0) / (1 - p))[keep]
    theta = psi.mean()
    return theta, np.sqrt(((psi - theta) ** 2).sum()) / len(psi)
