"""The uplift metrics of `counterfact uplift --score` against causalml 0.18's own, on causalml's
own predictions (relative 1e-9).

    python tests/python/check_uplift_metrics.py COUNTERFACT_BINARY REFS_DIR

On Hillstrom / visit with the reference split (REFS_DIR/folds/hillstrom_uplift_split.csv) and the
settings of UPLIFT.md, fits causalml's UpliftTreeClassifier (KL, ED, Chi) and BaseTClassifier
(LGBMClassifier) on the training rows and predicts the test rows. Then:

(a) causalml's order: each score is replaced by a tie-free score that encodes the order pandas'
    sort gave it (n - position), which causalml scores exactly as the original (checked). The
    CLI's AUUC, Qini (normalised and raw) and 101-point curves on those scores must equal
    causalml's auuc_score, qini_score, get_cumgain and get_qini.
(b) stable order: the CLI on the original, tied scores must equal `stable_sort_variant` in
    uplift_results.json (ties in test-row order), which also checks the predictions reproduce
    the reference run.

Prints one line per comparison; exit status 1 on any mismatch.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from causalml.inference.meta import BaseTClassifier
from causalml.inference.tree import UpliftTreeClassifier
from causalml.metrics import auuc_score, get_cumgain, get_qini, qini_score
from lightgbm import LGBMClassifier

TOL = 1e-9
cli, refs = sys.argv[1], Path(sys.argv[2])
ref = json.loads((refs / "uplift_results.json").read_text())["uplift"]["hillstrom"]
cov = ref["covariates"]
df = pd.read_csv(refs / "data" / "hillstrom.csv")
test = pd.read_csv(refs / "folds" / "hillstrom_uplift_split.csv")["test"].to_numpy() == 1
tr, te = df[~test].reset_index(drop=True), df[test].reset_index(drop=True)
y = "visit"
models = ref["outcome_results"][y]["models"]

preds = {}
for crit in ["KL", "ED", "Chi"]:
    m = UpliftTreeClassifier(control_name="control", evaluationFunction=crit, max_depth=5, min_samples_leaf=200,
                             min_samples_treatment=50, n_reg=100, random_state=42)
    m.fit(tr[cov].to_numpy(), treatment=np.where(tr["treatment"] == 1, "treatment", "control"), y=tr[y].to_numpy())
    p = m.predict(te[cov].to_numpy())
    cls = list(m.classes_)
    preds[f"UpliftTreeClassifier_{crit}"] = p[:, cls.index("treatment")] - p[:, cls.index("control")]
lgbm = dict(n_estimators=100, learning_rate=0.1, num_leaves=31, random_state=42, n_jobs=1, deterministic=True,
            force_col_wise=True, verbose=-1)
t = BaseTClassifier(learner=LGBMClassifier(**lgbm), control_name=0)
t.fit(tr[cov].to_numpy(), treatment=tr["treatment"].to_numpy(), y=tr[y].to_numpy())
preds["BaseTClassifier_LGBM"] = t.predict(te[cov].to_numpy()).reshape(-1)

bad = False


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def check(what, got, want):
    global bad
    d = rel(got, want)
    ok = d <= TOL
    bad |= not ok
    print(f"{what}\t{got:.12g}\t{want:.12g}\t{d:.1e}\t{'ok' if ok else 'FAIL'}")


out = te[["treatment", y]].copy()
out["test"] = 1
out["row"] = np.arange(len(te))  # a covariate the score-only run needs to name
n = len(te)
for name, s in preds.items():
    frame = pd.DataFrame({"s": s, "w": te["treatment"].to_numpy(), "y": te[y].to_numpy()})
    order = frame.sort_values("s", ascending=False).index.to_numpy()  # causalml's own sort
    rank = np.empty(n)
    rank[order] = n - np.arange(n)
    out[f"{name}_rank"] = rank
    out[f"{name}_tied"] = s
    for col, score in [("s", s), ("rank", rank)]:
        frame[col] = score
    mine = {}
    for col in ["s", "rank"]:
        sub = frame[[col, "w", "y"]]
        mine[col] = (float(auuc_score(sub, outcome_col="y", treatment_col="w").iloc[0]),
                     float(qini_score(sub, outcome_col="y", treatment_col="w").iloc[0]))
    if mine["s"] != mine["rank"]:
        print(f"{name}: causalml scores the tie-free ranks differently: {mine}", file=sys.stderr)
        bad = True

with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "scores.csv"
    out.to_csv(path, index=False, float_format="%.17g")
    cols = ",".join(c for c in out.columns if c.endswith("_rank") or c.endswith("_tied"))
    run = subprocess.run([cli, "uplift", str(path), "--treatment", "treatment", "--outcome", y, "--covariates",
                          "row", "--score", cols, "--split-column", "test", "--bootstrap", "20", "--json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"counterfact uplift failed: {run.stderr}", file=sys.stderr)
        sys.exit(1)
    report = {m["model"]: m for m in json.loads(run.stdout)["models"]}

for name in preds:
    frame = pd.DataFrame({"s": out[f"{name}_rank"].to_numpy(), "w": te["treatment"].to_numpy(), "y": te[y].to_numpy()})
    r = report[f"{name}_rank"]
    for norm, suffix in [(True, ""), (False, "_raw")]:
        check(f"{name}\tauuc{suffix}", r[f"auuc{suffix}"],
              float(auuc_score(frame, outcome_col="y", treatment_col="w", normalize=norm).iloc[0]))
        check(f"{name}\tqini{suffix}", r[f"qini{suffix}"],
              float(qini_score(frame, outcome_col="y", treatment_col="w", normalize=norm).iloc[0]))
    gain = get_cumgain(frame, outcome_col="y", treatment_col="w", normalize=False)["s"].to_numpy()
    qini = get_qini(frame, outcome_col="y", treatment_col="w", normalize=False)["s"].to_numpy()
    rows = [(k * n) // 100 for k in range(101)]
    worst = max(max(rel(a, b) for a, b in zip(r["curves"]["gain"], gain[rows])),
                max(rel(a, b) for a, b in zip(r["curves"]["qini"], qini[rows])))
    ok = worst <= TOL
    bad |= not ok
    print(f"{name}\t101-point curves\tmax rel. diff\t{worst:.1e}\t{'ok' if ok else 'FAIL'}")
    stable = models[name]["stable_sort_variant"]
    t = report[f"{name}_tied"]
    for key in ["auuc", "qini"]:
        check(f"{name}\t{key} (stable order, reference)", t[key], stable[f"{key}_normalized"])
        check(f"{name}\t{key}_raw (stable order, reference)", t[f"{key}_raw"], stable[f"{key}_unnormalized"])
sys.exit(1 if bad else 0)
