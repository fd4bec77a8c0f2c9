"""Augmented IPW (doubly robust) with linear outcome models, computed independently with
scikit-learn and numpy on the reference datasets: writes aipw.json for tests/references.rs.

Propensity: unpenalized logistic regression (as in ../../../../shared/refs/make_refs.py);
outcome models: LinearRegression fitted in each arm on all its rows (no cross-fitting).
ATE: mean of the efficient influence function; ATT: Moodie et al. (2018).
SE: sqrt(sum((psi - theta)^2)) / n.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import os
HERE = os.path.dirname(os.path.abspath(__file__))
refs = os.path.join(HERE, "..", "..", "..", "..", "shared", "refs")
spec = json.load(open(f"{refs}/results.json"))["datasets"]
out = {}
for name in ["nsw_experimental", "nsw_cps", "card", "ihdp_sim_b"]:
    d = spec[name]
    df = pd.read_csv(f"{refs}/data/{name}.csv")
    X = df[d["covariates"]].to_numpy(float)
    t = df[d["treatment"]].to_numpy(float)
    y = df[d["outcome"]].to_numpy(float)
    model = Pipeline([("s", StandardScaler()), ("l", LogisticRegression(
        C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=1000))]).fit(X, t)
    p = model.predict_proba(X)[:, 1]
    m1 = LinearRegression().fit(X[t == 1], y[t == 1]).predict(X)
    m0 = LinearRegression().fit(X[t == 0], y[t == 0]).predict(X)
    n, n1 = len(y), t.sum()
    psi = m1 - m0 + t * (y - m1) / p - (1 - t) * (y - m0) / (1 - p)
    ate = psi.mean()
    psi_att = (t - (1 - t) * p / (1 - p)) * (y - m0) * n / n1
    att = psi_att.mean()
    se = lambda v, th: float(np.sqrt(np.sum((v - th) ** 2)) / n)
    out[name] = {"ate": {"estimate": float(ate), "se": se(psi, ate)},
                 "att": {"estimate": float(att), "se": se(psi_att, att)}}
json.dump(out, open(os.path.join(HERE, "aipw.json"), "w"), indent=1)
print(json.dumps(out, indent=1))
