

# ---- r-learner: R-learner with linear models (ATE), cross-fitted over the given folds ---------
# What causalml's BaseRRegressor(learner=LinearRegression()) computes, over these folds instead
# of causalml's own StratifiedKFold(n_fold, shuffle=True, random_state) split (with those folds,
# e.g. written to a column, it gives this number): m(x) = E[y | x] predicted in each fold by a
# model fitted on the other folds, then the effect model = least squares of (y - m) / (t - p) on X
# with weights (t - p)^2, p clipped to CLIP. Standard error
# sqrt(Var(y - m | t=1) / pi + Var(y - m | t=0) / (1 - pi) + Var(cate)) / sqrt(n) (ddof = 0):
# causalml 0.18 divides by n instead of sqrt(n), which makes its interval far too narrow.
def r_learner(y, t, X, p, folds):
    p = np.clip(p, *CLIP)
    if len(np.unique(folds)) < 2:
        raise ValueError("cross-fitting needs at least two folds")
    m = np.empty(len(y))
    for k in np.unique(folds):
        test = folds == k
        m[test] = linear(X[~test], y[~test]).predict(X[test])
    w = t - p
    cate = linear(X, (y - m) / w, sample_weight=w ** 2).predict(X)
    pi = t.mean()
    s = np.sqrt((y - m)[t == 1].var() / pi + (y - m)[t == 0].var() / (1 - pi) + cate.var())
    return cate.mean(), s / np.sqrt(len(y))
