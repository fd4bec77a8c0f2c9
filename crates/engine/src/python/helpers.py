

def report(method, arm, compute):
    """Runs one method and prints its JSON line (or the error, so that the others still run)."""
    try:
        estimate, std_error = compute()
        out = {"method": method, "arm": arm, "estimate": float(estimate), "std_error": float(std_error)}
    except Exception as e:  # noqa: BLE001
        out = {"method": method, "arm": arm, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps(out), flush=True)


def need(p):
    """The propensity, or the error its fit raised."""
    if isinstance(p, Exception):
        raise p
    return p


def linear(X, y, sample_weight=None):
    """The base learner everywhere: scikit-learn's LinearRegression (least squares + intercept)."""
    return LinearRegression().fit(X, y, sample_weight=sample_weight)


def fold_ids(rows):
    """The fold column over the given rows, checked to hold whole numbers 0, 1, 2, ..."""
    f = data[FOLD_COLUMN].to_numpy(dtype=float)[rows]
    if np.any((f < 0) | (f != np.floor(f)) | (f >= 1000)):
        raise ValueError("the fold column must hold whole numbers 0, 1, 2, ...")
    return f.astype(int)
