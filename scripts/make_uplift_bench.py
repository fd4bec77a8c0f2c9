"""Writes the uplift scale-benchmark file: 1M rows, 20 covariates, a 0/1 treatment and a 0/1 outcome.

    python scripts/make_uplift_bench.py OUT.csv [ROWS=1000000] [SEED=20261202]

x0..x19 ~ N(0, 1) independent, w ~ Bernoulli(0.5), and
P(y = 1) = sigmoid(-1.5 + 0.4 x0 - 0.3 x1 + 0.2 x2 x3 + w (0.25 + 0.3 [x4 > 0] - 0.2 x5)),
so the effect varies with x4 and x5 and x0..x3 only move the baseline. Floats are written with
'%.6g'. The same file feeds `counterfact uplift` and causalml's UpliftRandomForestClassifier in
scripts/bench-uplift-scale.sh.
"""
import sys

import numpy as np
import pandas as pd

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261202
rng = np.random.default_rng(seed)
x = rng.standard_normal((n, 20))
w = (rng.random(n) < 0.5).astype(np.int64)
lin = -1.5 + 0.4 * x[:, 0] - 0.3 * x[:, 1] + 0.2 * x[:, 2] * x[:, 3]
lin += w * (0.25 + 0.3 * (x[:, 4] > 0) - 0.2 * x[:, 5])
y = (rng.random(n) < 1.0 / (1.0 + np.exp(-lin))).astype(np.int64)
df = pd.DataFrame(x, columns=[f"x{j}" for j in range(20)])
df.insert(0, "y", y)
df.insert(1, "w", w)
df.to_csv(out, index=False, float_format="%.6g")
