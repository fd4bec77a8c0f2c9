"""causalml's side of the uplift-forest scale benchmark (single thread).

    OMP_NUM_THREADS=1 python scripts/bench_uplift_scale.py FILE.csv [TREES=100]

FILE is made by scripts/make_uplift_bench.py (y, w, x0..x19). Fits
UpliftRandomForestClassifier(n_estimators=TREES, evaluationFunction='KL', max_depth=5,
min_samples_leaf=200, min_samples_treatment=50, n_reg=100, random_state=42, n_jobs=1) on every
row and prints one JSON line: read and fit seconds. Run it under `timeout` and `/usr/bin/time -v`
for the peak resident memory.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from causalml.inference.tree import UpliftRandomForestClassifier

path = sys.argv[1]
trees = int(sys.argv[2]) if len(sys.argv) > 2 else 100
t0 = time.perf_counter()
df = pd.read_csv(path)
read_s = time.perf_counter() - t0
x = df[[f"x{j}" for j in range(20)]].to_numpy()
w = np.where(df["w"].to_numpy() == 1, "treatment", "control")
y = df["y"].to_numpy()
model = UpliftRandomForestClassifier(
    control_name="control", n_estimators=trees, evaluationFunction="KL", max_depth=5,
    min_samples_leaf=200, min_samples_treatment=50, n_reg=100, random_state=42, n_jobs=1)
t0 = time.perf_counter()
model.fit(x, treatment=w, y=y)
fit_s = time.perf_counter() - t0
print(json.dumps({"rows": len(df), "trees": trees, "read_seconds": read_s, "fit_seconds": fit_s}))
