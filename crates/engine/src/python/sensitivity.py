

# ---- Can it be trusted? Sensitivity to an unmeasured confounder ----------------------------------
# Cinelli & Hazlett (2020) on the OLS fit y ~ 1 + t + X with classical standard errors, written out
# with numpy in sensemakr's formulas (robustness_value, ovb_partial_r2_bound, adjusted_estimate),
# so that it runs on any pandas; then the E-value (VanderWeele & Ding 2017). A benchmark covariate
# that is one-hot encoded counts as one group (its partial R² from the drop in the residual sum of
# squares, which equals sensemakr's group_partial_r2). Prints one JSON line with sensemakr's names:
# {"sensitivity": {...}, "evalue": {...}, "arm": ...}. When PySensemakr itself imports and runs
# (version 0.0.8 needs pandas < 3), its statistics follow in a {"sensemakr": ...} line.
from scipy.stats import t as student_t


def _rss(y, A):
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    r = y - A @ coef
    return float(r @ r)


def robustness_value(t_stat, dof, q, alpha=None):
    fq = q * abs(t_stat / np.sqrt(dof))
    f_crit = 0.0 if alpha is None else abs(student_t.ppf(alpha / 2, dof - 1)) / np.sqrt(dof - 1)
    fqa = fq - f_crit
    if fqa < 0:
        return 0.0
    if fqa > 0 and f_crit > 0 and fq > 1 / f_crit:
        return (fq ** 2 - f_crit ** 2) / (1 + fq ** 2)
    return 0.5 * (np.sqrt(fqa ** 4 + 4 * fqa ** 2) - fqa ** 2)


def _multiple(k):
    return f"{k:g}"


def sensitivity(y, t, X, arm):
    n = len(y)
    A = np.column_stack([np.ones(n), t, X])
    fit = sm.OLS(y, A).fit()
    est, se, dof = float(fit.params[1]), float(fit.bse[1]), float(fit.df_resid)
    t_stat = est / se
    out = {"estimate": est, "se": se, "t_statistic": t_stat, "dof": dof,
           "r2yd_x": t_stat ** 2 / (t_stat ** 2 + dof),
           "rv_q": robustness_value(t_stat, dof, SENS_Q),
           "rv_qa": robustness_value(t_stat, dof, SENS_Q, ALPHA), "bounds": []}
    rss_y, rss_d = _rss(y, A), _rss(t, np.column_stack([np.ones(n), X]))
    m = abs(student_t.ppf(ALPHA / 2, dof))
    for b in SENS_BENCHMARKS:
        cols = [j for j, s in enumerate(x_sources) if s == b]
        if not cols:
            raise SystemExit(f"the benchmark {b!r} is not among the covariates")
        rest = np.delete(X, cols, axis=1)
        r2y = 1 - rss_y / _rss(y, np.column_stack([np.ones(n), t, rest]))
        r2d = 1 - rss_d / _rss(t, np.column_stack([np.ones(n), rest]))
        for kd, ky in zip(SENS_KD, SENS_KY):
            r2dz_x = kd * r2d / (1 - r2d)
            r2zxj_xd = kd * r2d ** 2 / ((1 - kd * r2d) * (1 - r2d))
            if r2dz_x >= 1 or r2zxj_xd >= 1:
                raise SystemExit(f"a confounder {kd}x as strong as {b!r} would explain all of the treatment")
            eta = (np.sqrt(ky) + np.sqrt(r2zxj_xd)) / np.sqrt(1 - r2zxj_xd)
            r2yz_dx = min(eta ** 2 * r2y / (1 - r2y), 1.0)
            bias = np.sqrt(r2yz_dx * r2dz_x / (1 - r2dz_x)) * se * np.sqrt(dof)
            adj = np.sign(est) * (abs(est) - bias if SENS_REDUCE else abs(est) + bias)
            adj_se = np.sqrt((1 - r2yz_dx) / (1 - r2dz_x)) * se * np.sqrt(dof / (dof - 1))
            label = f"{_multiple(kd)}x {b}" if kd == ky else f"{_multiple(kd)}/{_multiple(ky)}x {b}"
            out["bounds"].append({"bound_label": label, "r2dz_x": r2dz_x, "r2yz_dx": r2yz_dx,
                                  "adjusted_estimate": adj, "adjusted_se": adj_se,
                                  "adjusted_lower_CI": adj - m * adj_se,
                                  "adjusted_upper_CI": adj + m * adj_se})
    # E-value: on the risk ratio (control rate + effect) / control rate for a 0/1 outcome and
    # treatment, else through d = effect / sd(y), RR = exp(0.91 d); the interval is est ± z se.
    z = norm.ppf(1 - ALPHA / 2)
    lims = (est, est - z * se, est + z * se)
    binary = lambda v: bool(np.all((v == 0) | (v == 1)))  # noqa: E731
    p0 = float(y[t == 0].mean()) if binary(y) and binary(t) and np.any(t == 0) else None
    rr = [(p0 + v) / p0 for v in lims] if p0 else None
    if rr is None or not (rr[0] > 0 and rr[1] > 0):
        sd = float(np.std(y, ddof=1))
        rr = [float(np.exp(0.91 * v / sd)) for v in lims]
    e = lambda r: (1 / r if r < 1 else r) + np.sqrt((1 / r if r < 1 else r) * ((1 / r if r < 1 else r) - 1))  # noqa: E731
    e_ci = 1.0 if rr[1] <= 1 <= rr[2] else e(rr[1] if rr[0] > 1 else rr[2])
    print(json.dumps({"sensitivity": out, "evalue": {"evalue_point": float(e(rr[0])), "evalue_ci": float(e_ci)},
                      "arm": arm}), flush=True)
    try:
        import sensemakr
    except ImportError:
        print("# PySensemakr is not installed: the sensitivity line above is its formulas", file=sys.stderr)
        return
    try:
        names = ["const", "__treatment__"] + [f"x{j}" for j in range(X.shape[1])]
        model = sm.OLS(pd.Series(y, name="y"), pd.DataFrame(A, columns=names)).fit()
        groups = {b: [f"x{j}" for j, s in enumerate(x_sources) if s == b] for b in SENS_BENCHMARKS}
        bench = [g[0] for g in groups.values() if len(g) == 1]
        s = sensemakr.Sensemakr(model=model, treatment="__treatment__", benchmark_covariates=bench or None,
                                kd=SENS_KD, ky=SENS_KY, q=SENS_Q, alpha=ALPHA, reduce=SENS_REDUCE)
        stats = {k: float(v) for k, v in s.sensitivity_stats.items()}
        print(json.dumps({"sensemakr": stats, "arm": arm}), flush=True)
    except Exception as exc:  # noqa: BLE001
        print(f"# PySensemakr could not run here ({type(exc).__name__}: {exc}); version 0.0.8 "
              "needs pandas < 3", file=sys.stderr)
