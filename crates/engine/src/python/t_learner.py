

# ---- t-learner: T-learner with linear models (ATE) ----------------------------------------------
# causalml BaseTRegressor(learner=LinearRegression()); the standard error is causalml's analytic
# one, recovered from its interval.
def t_learner(y, t, X):
    from causalml.inference.meta import BaseTRegressor
    m = BaseTRegressor(learner=LinearRegression(), ate_alpha=ALPHA)
    ate, lb, ub = m.estimate_ate(X=X, treatment=t.astype(int), y=y)
    return ate[0], (ub[0] - lb[0]) / (2 * Z_CRIT)
