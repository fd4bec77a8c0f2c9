"""LightGBM's side of the gradient-boosting benchmark, and the data both sides fit.

    OMP_NUM_THREADS=1 python scripts/bench_gbdt.py DATA.csv [RUNS=3]

Writes DATA.csv (when missing): 120,000 rows, x0..x19 ~ U(0, 1) from numpy's default_rng(7),
    y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + N(0, 1)      (Friedman #1; x5..x19 noise)
    b = 1[y > median(y)]                                                  (the binary outcome)
and a column `test` (the last 20,000 rows = 1). Then fits LGBMRegressor and LGBMClassifier with
LightGBM's defaults (100 trees, 31 leaves, learning rate 0.1), n_jobs=1, on the first 100,000 rows
and prints, per objective, the median fit seconds of RUNS and the held-out RMSE / log loss, as
JSON lines. The noise floor of the RMSE is 1.0.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
if not os.path.exists(path):
    rng = np.random.default_rng(7)
    n = 120_000
    x = rng.random((n, 20))
    y = (10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3]
         + 5 * x[:, 4] + rng.standard_normal(n))
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(20)])
    df.insert(0, "y", y)
    df.insert(1, "b", (y > np.median(y)).astype(int))
    df.insert(2, "test", (np.arange(n) >= 100_000).astype(int))
    df.to_csv(path, index=False, float_format="%.9g")

import lightgbm as lgb  # noqa: E402

df = pd.read_csv(path)
xs = df[[f"x{j}" for j in range(20)]].to_numpy()
tr, te = df["test"].to_numpy() == 0, df["test"].to_numpy() == 1
for objective in ["regression", "binary"]:
    times, metric = [], None
    target = df["y" if objective == "regression" else "b"].to_numpy()
    for _ in range(runs):
        model = (lgb.LGBMRegressor if objective == "regression" else lgb.LGBMClassifier)(
            n_estimators=100, num_leaves=31, learning_rate=0.1, n_jobs=1, verbose=-1)
        t0 = time.perf_counter()
        model.fit(xs[tr], target[tr])
        times.append(time.perf_counter() - t0)
    if objective == "regression":
        pred = model.predict(xs[te])
        metric = float(np.sqrt(np.mean((pred - target[te]) ** 2)))
    else:
        p = np.clip(model.predict_proba(xs[te])[:, 1], 1e-15, 1 - 1e-15)
        metric = float(-np.mean(target[te] * np.log(p) + (1 - target[te]) * np.log(1 - p)))
    print(json.dumps({"library": "lightgbm", "objective": objective, "fit_seconds": sorted(times)[len(times) // 2],
                      "runs": times, "heldout": metric}))
