"""causalml's side of the Hillstrom forest timing (single thread, median of 3).

    OMP_NUM_THREADS=1 python scripts/bench_uplift_forest.py REFS_DIR

UpliftRandomForestClassifier(n_estimators=50, evaluationFunction='KL', max_depth=5,
min_samples_leaf=200, min_samples_treatment=50, n_reg=100, random_state=42, n_jobs=1) on the
training rows of REFS_DIR/folds/hillstrom_uplift_split.csv, outcome `visit`; prints JSON.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from causalml.inference.tree import UpliftRandomForestClassifier

refs = Path(sys.argv[1])
cov = json.loads((refs / "uplift_results.json").read_text())["uplift"]["hillstrom"]["covariates"]
df = pd.read_csv(refs / "data" / "hillstrom.csv")
test = pd.read_csv(refs / "folds" / "hillstrom_uplift_split.csv")["test"].to_numpy() == 1
tr = df[~test]
x, y = tr[cov].to_numpy(), tr["visit"].to_numpy()
w = np.where(tr["treatment"] == 1, "treatment", "control")
times = []
for _ in range(3):
    m = UpliftRandomForestClassifier(control_name="control", n_estimators=50, evaluationFunction="KL", max_depth=5,
                                     min_samples_leaf=200, min_samples_treatment=50, n_reg=100, random_state=42,
                                     n_jobs=1)
    t0 = time.perf_counter()
    m.fit(x, treatment=w, y=y)
    times.append(time.perf_counter() - t0)
print(json.dumps({"library": "causalml", "fit_seconds_median": sorted(times)[1], "runs": times}))
