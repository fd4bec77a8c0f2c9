#!/usr/bin/env python3
"""causalml's X-learner on LightGBM, timed beside `bench_uplift -- x-learner` (BENCHMARKS.md).

    python3 scripts/bench_x_learner.py synth_mode1_n100000.csv [RUNS=3]

The call of perf.json (../shared/refs/make_perf.py): `BaseXRegressor(LGBMRegressor(100 trees, rate
0.1, 31 leaves)).estimate_ate(X, T, y, p)` on x0..x19, with the propensity `p` fitted beforehand
(sklearn's logistic regression, clipped to [0.001, 0.999]) and not timed. Timed with LightGBM on
one thread (`n_jobs=1`, threadpoolctl limiting the rest) and on every core. Prints JSON lines.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
from lightgbm import LGBMRegressor
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits
from causalml.inference.meta import BaseXRegressor

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
df = pd.read_csv(path)
X = df[[f"x{i}" for i in range(20)]].to_numpy()
T = df["w"].to_numpy().astype(int)
Y = df["y"].to_numpy()
p = np.clip(LogisticRegression(max_iter=1000).fit(X, T).predict_proba(X)[:, 1], 1e-3, 1 - 1e-3)

for jobs in (1, os.cpu_count()):
    kw = dict(n_estimators=100, learning_rate=0.1, num_leaves=31, random_state=42, n_jobs=jobs, verbose=-1)
    times, ate = [], None
    with threadpool_limits(limits=jobs):
        for _ in range(runs):
            t0 = time.perf_counter()
            ate = BaseXRegressor(learner=LGBMRegressor(**kw)).estimate_ate(X=X, treatment=T, y=Y, p=p)
            times.append(time.perf_counter() - t0)
    print(json.dumps({"library": "causalml", "threads": jobs, "rows": len(Y),
                      "median_seconds": round(statistics.median(times), 3),
                      "runs": [round(t, 3) for t in times], "ate": float(np.ravel(ate[0])[0])}))
