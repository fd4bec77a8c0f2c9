# Standard errors of Hajek IPW (ATE, ATT) from the sandwich of the stacked estimating equations
# (arm means + logistic score), with the Jacobian by central differences: an independent check of
# the influence-function formula in cf-estimate's `ipw`. Writes ipw_sandwich.json next to itself.
#   python3 ipw_sandwich.py   (numpy, pandas, statsmodels; reads ../../../../shared/refs)
import json, os, numpy as np, pandas as pd
import statsmodels.api as sm
HERE = os.path.dirname(os.path.abspath(__file__))
REFS = os.path.join(HERE, '..', '..', '..', '..', 'shared', 'refs')
refs = json.load(open(os.path.join(REFS, 'results.json')))['datasets']
out = {}
for name in ['nsw_experimental', 'card', 'nsw_cps']:
    d = refs[name]
    df = pd.read_csv(os.path.join(REFS, 'data', f'{name}.csv'))
    y = df[d['outcome']].to_numpy(float); t = df[d['treatment']].to_numpy(float)
    X = np.column_stack([np.ones(len(df)), df[d['covariates']].to_numpy(float)])
    n, k = X.shape
    beta = sm.Logit(t, X).fit(disp=0, method='newton', maxiter=200, tol=1e-12).params
    for est in ['ate', 'att']:
        def eqs(theta):
            m1, m0, b = theta[0], theta[1], theta[2:]
            p = 1 / (1 + np.exp(-X @ b))
            if est == 'ate':
                w1, w0 = t / p, (1 - t) / (1 - p)
            else:
                w1, w0 = t, (1 - t) * p / (1 - p)
            return np.column_stack([w1 * (y - m1), w0 * (y - m0), (t - p)[:, None] * X])
        p = 1 / (1 + np.exp(-X @ beta))
        w1, w0 = (t / p, (1 - t) / (1 - p)) if est == 'ate' else (t, (1 - t) * p / (1 - p))
        th = np.concatenate([[np.sum(w1 * y) / np.sum(w1), np.sum(w0 * y) / np.sum(w0)], beta])
        G = eqs(th); B = G.T @ G / n
        A = np.zeros((k + 2, k + 2))
        for j in range(k + 2):
            h = 1e-6 * max(1.0, abs(th[j]))
            tp, tm = th.copy(), th.copy(); tp[j] += h; tm[j] -= h
            A[:, j] = (eqs(tp).mean(0) - eqs(tm).mean(0)) / (2 * h)
        Ai = np.linalg.inv(A); V = Ai @ B @ Ai.T / n
        c = np.zeros(k + 2); c[0], c[1] = 1, -1
        out.setdefault(name, {})[est] = {'estimate': float(th[0] - th[1]), 'se_sandwich': float(np.sqrt(c @ V @ c))}
json.dump(out, open(os.path.join(HERE, 'ipw_sandwich.json'), 'w'), indent=1)
