

# ---- Propensity model ---------------------------------------------------------------------------
# Logistic regression of t on X with an intercept: maximum likelihood when L2 == 0, otherwise an L2
# penalty on the standardized slopes (scikit-learn's C = 1 / L2 after StandardScaler). IPW, AIPW
# and matching use p as it is; the X-, R- and DR-learners get it clipped to CLIP, as causalml does.
def propensity_model():
    return Pipeline([
        ("scale", StandardScaler()),
        ("logit", LogisticRegression(C=np.inf if L2 == 0 else 1 / L2, solver="newton-cholesky",
                                     tol=1e-10, max_iter=1000)),
    ])


def propensity(X, t):
    if X.shape[1] == 0:
        return np.full(len(t), t.mean())
    return propensity_model().fit(X, t).predict_proba(X)[:, 1]
