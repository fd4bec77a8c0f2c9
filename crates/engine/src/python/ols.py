

# ---- ols: regression adjustment (ATE) -----------------------------------------------------------
# statsmodels OLS of y on [1, t, X]: the coefficient of t with its HC1 (robust) standard error.
# causalml's LRSRegressor(ate_alpha=ALPHA).estimate_ate(X, t, y) is the same regression.
def ols(y, t, X):
    Xt = sm.add_constant(np.column_stack([t, X]), has_constant="add")
    fit = sm.OLS(y, Xt).fit(cov_type="HC1")
    return fit.params[1], fit.bse[1]
