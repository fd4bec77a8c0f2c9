

# ---- Run: each comparison, each method ------------------------------------------------------------
for arm, rows, t in comparisons:
    y, X = Y_ALL[rows], X_ALL[rows]
