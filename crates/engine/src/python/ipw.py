

# ---- ipw: inverse probability weighting, Hajek (normalized) weights (ESTIMAND) ------------------
# ATE: treated rows weigh 1/p, controls 1/(1 - p); ATT: treated rows 1, controls p/(1 - p); each
# arm's weights are normalized to sum to one. Rows with p outside [TRIM, 1 - TRIM] are left out.
# DoWhy's backdoor.propensity_score_weighting (ips_weight, this propensity model, no clipping)
# gives the same estimate. The standard error is the influence function including the estimated
# propensity model (Lunceford & Davidian 2004): psi_i = phi_i + (t_i - p_i) z_i'g, with
# z = [1, standardized X] and g = I^-1 E[d phi / d beta] (I: the logistic information, + L2).
def ipw(y, t, X, p):
    n = len(y)
    keep = (p >= TRIM) & (p <= 1 - TRIM)
    if min((keep & (t == 1)).sum(), (keep & (t == 0)).sum()) < 2:
        raise ValueError("trimming left a treatment group with fewer than two rows")
    if ESTIMAND == "ATT":
        w1 = np.where(keep, t, 0.0)
        w0 = np.where(keep, (1 - t) * p / (1 - p), 0.0)
    else:
        w1 = np.where(keep, t / p, 0.0)
        w0 = np.where(keep, (1 - t) / (1 - p), 0.0)
    a1, a0 = w1.sum() / n, w0.sum() / n
    mu1, mu0 = (w1 * y).sum() / (a1 * n), (w0 * y).sum() / (a0 * n)
    r1, r0 = y - mu1, y - mu0
    phi = w1 * r1 / a1 - w0 * r0 / a0
    if ESTIMAND == "ATT":
        dphi = -w0 * r0 / a0
    else:
        dphi = -w1 * (1 - p) * r1 / a1 - w0 * p * r0 / a0
    Zs = np.column_stack([np.ones(n), (X - X.mean(axis=0)) / X.std(axis=0)])
    info = (Zs * (p * (1 - p))[:, None]).T @ Zs / n
    info[1:, 1:] += np.eye(X.shape[1]) * L2 / n
    g = np.linalg.solve(info, Zs.T @ dphi / n)
    psi = phi + (t - p) * (Zs @ g)
    return mu1 - mu0, np.sqrt((psi ** 2).sum()) / n
