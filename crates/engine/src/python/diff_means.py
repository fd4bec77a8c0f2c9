

# ---- diff-means: difference in means (ATE) ------------------------------------------------------
# mean(y | t = 1) - mean(y | t = 0); Welch standard error sqrt(s1^2 / n1 + s0^2 / n0), ddof = 1.
def diff_means(y, t):
    y1, y0 = y[t == 1], y[t == 0]
    return y1.mean() - y0.mean(), np.sqrt(y1.var(ddof=1) / len(y1) + y0.var(ddof=1) / len(y0))
