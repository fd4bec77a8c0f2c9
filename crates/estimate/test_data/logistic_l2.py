"""The L2-penalized propensity model against scikit-learn: make_pipeline(StandardScaler(),
LogisticRegression(C=1/l2, solver='newton-cholesky', tol=1e-12)) on two reference datasets, and the Hajek
IPW ATE on its probabilities. Writes logistic_l2.json next to itself for tests/references.rs.
    python3 logistic_l2.py   (numpy, pandas, scikit-learn; reads ../../../../shared/refs)
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
REFS = os.path.join(HERE, "..", "..", "..", "..", "shared", "refs")
spec = json.load(open(os.path.join(REFS, "results.json")))["datasets"]
out = {}
for name in ["nsw_experimental", "nsw_cps"]:
    d = spec[name]
    df = pd.read_csv(os.path.join(REFS, "data", f"{name}.csv"))
    X = df[d["covariates"]].to_numpy(float)
    t = df[d["treatment"]].to_numpy(float)
    y = df[d["outcome"]].to_numpy(float)
    out[name] = {}
    for l2 in [1.0, 10.0]:
        m = Pipeline([("s", StandardScaler()), ("l", LogisticRegression(
            C=1 / l2, solver="newton-cholesky", tol=1e-12, max_iter=1000))]).fit(X, t)
        p = m.predict_proba(X)[:, 1]
        sc, lg = m.named_steps["s"], m.named_steps["l"]
        coef = lg.coef_.ravel() / sc.scale_
        intercept = float(lg.intercept_[0] - np.sum(lg.coef_.ravel() * sc.mean_ / sc.scale_))
        w1, w0 = t / p, (1 - t) / (1 - p)
        ate = np.sum(w1 * y) / np.sum(w1) - np.sum(w0 * y) / np.sum(w0)
        out[name][str(l2)] = {"intercept": intercept, "coefficients": [float(c) for c in coef],
                              "p_first5": [float(v) for v in p[:5]], "ipw_ate": float(ate)}
json.dump(out, open(os.path.join(HERE, "logistic_l2.json"), "w"), indent=1)
