

# ---- 2sls: two-stage least squares (LATE) -------------------------------------------------------
# First stage: OLS of the treatment d on [1, X, instruments]; second stage: OLS of y on
# [1, d_hat, X]. Residuals use the observed d; the standard error is the robust (HC0) sandwich,
# as linearmodels' IV2SLS(y, [1, X], d, instruments).fit(cov_type="robust") reports it.
def two_sls(y, d, X, Z):
    if Z.shape[1] == 0:
        raise ValueError("2SLS needs an instrument")
    ones = np.ones((len(y), 1))
    d_hat = sm.OLS(d, np.hstack([ones, X, Z])).fit().fittedvalues
    Xh = np.hstack([ones, d_hat[:, None], X])
    b = sm.OLS(y, Xh).fit().params
    e = y - np.hstack([ones, d[:, None], X]) @ b
    bread = np.linalg.inv(Xh.T @ Xh)
    cov = bread @ (Xh.T * e ** 2) @ Xh @ bread
    return b[1], np.sqrt(cov[1, 1])
