

# ---- dr-learner: DR-learner with linear models (ATE), over the given three folds --------------
# What causalml's BaseDRRegressor(learner=LinearRegression()) computes, over these folds
# (0, 1, 2) instead of causalml's own KFold(3, shuffle=True, random_state=seed) split (with those
# folds it gives this number): in round k the outcome models are fitted on fold k+1, the doubly
# robust pseudo-outcome (t - p) / (p (1 - p)) (y - mu_t) + mu1 - mu0 is regressed on X in fold
# k+2 (fold k would fit the propensity; p is given, clipped to CLIP). The effect is the mean of
# the three effect models; the standard error is causalml's analytic one.
def dr_learner(y, t, X, p, folds):
    p = np.clip(p, *CLIP)
    if np.any(folds > 2):
        raise ValueError("the DR-learner uses three folds (0, 1, 2)")
    n = len(y)
    cate, mu1, mu0 = np.zeros(n), np.zeros(n), np.zeros(n)
    for k in range(3):
        out, tau = folds == (k + 1) % 3, folds == (k + 2) % 3
        m1 = linear(X[out & (t == 1)], y[out & (t == 1)])
        m0 = linear(X[out & (t == 0)], y[out & (t == 0)])
        a, b = m1.predict(X[tau]), m0.predict(X[tau])
        tt, pp, yy = t[tau], p[tau], y[tau]
        pseudo = (tt - pp) / pp / (1 - pp) * (yy - a * tt - b * (1 - tt)) + a - b
        cate += linear(X[tau], pseudo).predict(X) / 3
        mu1 += m1.predict(X) / 3
        mu0 += m0.predict(X) / 3
    pi = t.mean()
    v = (y - mu0)[t == 0].var() / (1 - pi) + (y - mu1)[t == 1].var() / pi + (mu1 - mu0).var()
    return cate.mean(), np.sqrt(v / n)
