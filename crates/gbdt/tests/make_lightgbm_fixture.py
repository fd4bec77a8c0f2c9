"""Writes lightgbm_fixture.json: LightGBM 4.7's held-out error on the data of tests/lightgbm.rs.

    .venv/bin/python crates/gbdt/tests/make_lightgbm_fixture.py

The data come from SplitMix64 (seed 2026) so Rust and Python draw the same numbers: 3,000 rows,
x0..x9 = u (uniform in [0, 1) from the top 53 bits), Friedman #1 on x0..x4 plus uniform noise
2(u - 0.5); the binary outcome is 1 when that y exceeds 14. Rows 0..1999 train, 2000..2999 test.
Every second value of x5 is missing (NaN). LightGBM's defaults, n_jobs=1.
"""
import json
from pathlib import Path

import lightgbm as lgb
import numpy as np

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


rng = SplitMix64(2026)
n, p = 3000, 10
x = np.empty((n, p))
y = np.empty(n)
for i in range(n):
    for j in range(p):
        x[i, j] = rng.uniform()
    f = 10 * np.sin(np.pi * x[i, 0] * x[i, 1]) + 20 * (x[i, 2] - 0.5) ** 2 + 10 * x[i, 3] + 5 * x[i, 4]
    y[i] = f + 2 * (rng.uniform() - 0.5)
x[::2, 5] = np.nan
b = (y > 14).astype(float)
tr, te = slice(0, 2000), slice(2000, 3000)
reg = lgb.LGBMRegressor(n_jobs=1, verbose=-1).fit(x[tr], y[tr])
rmse = float(np.sqrt(np.mean((reg.predict(x[te]) - y[te]) ** 2)))
clf = lgb.LGBMClassifier(n_jobs=1, verbose=-1).fit(x[tr], b[tr])
q = np.clip(clf.predict_proba(x[te])[:, 1], 1e-15, 1 - 1e-15)
logloss = float(-np.mean(b[te] * np.log(q) + (1 - b[te]) * np.log(1 - q)))
out = {"lightgbm": lgb.__version__, "rmse": rmse, "logloss": logloss,
       "y_first3": y[:3].tolist(), "binary_mean": float(b.mean())}
Path(__file__).with_name("lightgbm_fixture.json").write_text(json.dumps(out, indent=1) + "\n")
print(out)
