#!/usr/bin/env python3
"""Python side of the per-method table in BENCHMARKS.md: causalml's estimators with the settings the
reference numbers use, timed on the synthetic benchmark files, to put beside `scripts/bench-methods.sh`.

    python3 scripts/bench_learners.py DATA_DIR [--repeats 3] [--only 100000]

Per file and method, the median of `--repeats` runs of `pandas.read_csv` + the call (time.perf_counter(),
threadpoolctl limited to 1 thread, like the CLI's one estimation thread), in one interpreter with the
imports done beforehand. Methods: IPW (the reference's Hajek formula on sklearn's unpenalized logistic
propensity), matching (causalml NearestNeighborMatch, caliper 0.2 on the logit, with and without
replacement), and causalml's BaseXRegressor, BaseRRegressor (n_fold=5) and BaseDRRegressor with
LinearRegression, the latter three given the clipped propensity as in ../shared/refs/make_refs.py.
Prints a JSON object.
"""
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from causalml.inference.meta import BaseXRegressor, BaseRRegressor, BaseDRRegressor
from causalml.match import NearestNeighborMatch

XCOLS = [f"x{i}" for i in range(20)]


def propensity(X, T):
    m = Pipeline([("s", StandardScaler()), ("l", LogisticRegression(
        C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=1000))]).fit(X, T)
    return m.predict_proba(X)[:, 1]


def run(path, method):
    df = pd.read_csv(path)
    X, T, Y = df[XCOLS].to_numpy(float), df["w"].to_numpy(int), df["y"].to_numpy(float)
    if method == "ipw":
        p = propensity(X, T)
        w1, w0 = T / p, (1 - T) / (1 - p)
        return np.sum(w1 * Y) / np.sum(w1) - np.sum(w0 * Y) / np.sum(w0)
    if method.startswith("psm"):
        p = propensity(X, T)
        d = pd.DataFrame({"t": T, "y": Y, "lp": np.log(p / (1 - p))})
        m = NearestNeighborMatch(caliper=0.2, replace=method == "psm-replace", ratio=1, shuffle=False, n_jobs=1)
        out = m.match(data=d, treatment_col="t", score_cols=["lp"])
        return out[out.t == 1].y.mean() - out[out.t == 0].y.mean()
    p = np.clip(propensity(X, T), 1e-3, 1 - 1e-3)
    if method == "x-learner":
        return BaseXRegressor(learner=LinearRegression()).estimate_ate(X=X, treatment=T, y=Y, p=p)[0][0]
    if method == "r-learner":
        r = BaseRRegressor(learner=LinearRegression(), n_fold=5, random_state=42)
        r.cv_n_jobs = 1
        return r.estimate_ate(X=X, treatment=T, y=Y, p=p)[0][0]
    if method == "dr-learner":
        return BaseDRRegressor(learner=LinearRegression()).estimate_ate(X=X, treatment=T, y=Y, p=p, seed=42)[0][0]
    raise ValueError(method)


def main():
    warnings.filterwarnings("ignore")
    data = sys.argv[1]
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    out = {"loadavg_before": list(os.getloadavg()), "repeats": repeats, "results": {}}
    for n in ["100000", "1000000"]:
        if only and n != only:
            continue
        path = os.path.join(data, f"synth_mode1_n{n}.csv")
        # causalml matches without replacement in a Python loop over treated units (each a pandas filter
        # over the controls): O(n₁·n₀), hours at these sizes, so it is left out.
        for method in ["ipw", "psm-replace", "x-learner", "r-learner", "dr-learner"]:
            times = []
            with threadpool_limits(1):
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    value = run(path, method)
                    times.append(time.perf_counter() - t0)
            out["results"][f"{n} {method}"] = {"median_s": statistics.median(times), "runs_s": times,
                                               "estimate": float(value)}
            print(n, method, round(statistics.median(times), 3), file=sys.stderr)
    out["loadavg_after"] = list(os.getloadavg())
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
