

# ---- x-learner: X-learner with linear models (ATE) ----------------------------------------------
# causalml BaseXRegressor(learner=LinearRegression()) with the propensity clipped to CLIP; the
# standard error is causalml's analytic one, recovered from its interval.
def x_learner(y, t, X, p):
    from causalml.inference.meta import BaseXRegressor
    m = BaseXRegressor(learner=LinearRegression(), ate_alpha=ALPHA)
    ate, lb, ub = m.estimate_ate(X=X, treatment=t.astype(int), y=y, p=np.clip(p, *CLIP))
    return ate[0], (ub[0] - lb[0]) / (2 * Z_CRIT)
