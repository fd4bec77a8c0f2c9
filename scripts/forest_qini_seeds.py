"""causalml's Hillstrom forest over several seeds: the test-split Qini and AUUC of each.

    python scripts/forest_qini_seeds.py REFS_DIR [SEEDS=1,2,3,4,5,6,7,8] [CRITERION=KL]

UpliftRandomForestClassifier(n_estimators=50, max_depth=5, min_samples_leaf=200,
min_samples_treatment=50, n_reg=100, n_jobs=1) on the training rows of
REFS_DIR/folds/hillstrom_uplift_split.csv (outcome `visit`), scored on the test rows with
causalml's qini_score / auuc_score (normalised). One seed's forest is one draw of bootstraps and
feature samples, so a comparison of forests is a comparison of these spreads (BENCHMARKS.md).
Prints JSON.
"""
import json
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from causalml.inference.tree import UpliftRandomForestClassifier
from causalml.metrics import auuc_score, qini_score

refs = Path(sys.argv[1])
seeds = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "1,2,3,4,5,6,7,8").split(",")]
crit = sys.argv[3] if len(sys.argv) > 3 else "KL"
cov = json.loads((refs / "uplift_results.json").read_text())["uplift"]["hillstrom"]["covariates"]
df = pd.read_csv(refs / "data" / "hillstrom.csv")
test = pd.read_csv(refs / "folds" / "hillstrom_uplift_split.csv")["test"].to_numpy() == 1
tr, te = df[~test], df[test]
w = np.where(tr["treatment"] == 1, "treatment", "control")
out = []
for seed in seeds:
    m = UpliftRandomForestClassifier(control_name="control", n_estimators=50, evaluationFunction=crit, max_depth=5,
                                     min_samples_leaf=200, min_samples_treatment=50, n_reg=100, random_state=seed,
                                     n_jobs=1)
    m.fit(tr[cov].to_numpy(), treatment=w, y=tr["visit"].to_numpy())
    tau = np.asarray(m.predict(te[cov].to_numpy())).ravel()
    frame = pd.DataFrame({"y": te["visit"].to_numpy(), "w": te["treatment"].to_numpy(), "m": tau})
    q = float(qini_score(frame, outcome_col="y", treatment_col="w", normalize=True)["m"])
    a = float(auuc_score(frame, outcome_col="y", treatment_col="w", normalize=True)["m"])
    out.append({"seed": seed, "qini": q, "auuc": a})
    print(json.dumps(out[-1]), flush=True)
qs = [o["qini"] for o in out]
print(json.dumps({"library": "causalml", "criterion": crit, "seeds": seeds, "qini_mean": statistics.mean(qs),
                  "qini_sd": statistics.stdev(qs) if len(qs) > 1 else 0.0,
                  "auuc_mean": statistics.mean(o["auuc"] for o in out)}))
