

# ---- s-learner: S-learner with a linear model (ATE) ----------------------------------------------
# causalml BaseSRegressor(learner=LinearRegression()); the standard error is causalml's analytic
# one, recovered from its interval.
def s_learner(y, t, X):
    from causalml.inference.meta import BaseSRegressor
    m = BaseSRegressor(learner=LinearRegression(), ate_alpha=ALPHA)
    ate, lb, ub = m.estimate_ate(X=X, treatment=t.astype(int), y=y)
    return ate[0], (ub[0] - lb[0]) / (2 * Z_CRIT)
