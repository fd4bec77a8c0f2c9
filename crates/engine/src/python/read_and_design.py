
# ---- Reading ---------------------------------------------------------------------------------
# Besides the empty field, these values mean "missing" (as in Counterfact). The delimiter is the
# most frequent of , ; tab | in the header line.
MISSING_MARKERS = ["", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "-NaN", "null", "NULL", "Null",
                   "None", "#N/A", "."]
with open(FILE, encoding="utf-8", errors="replace") as f:
    header = f.readline()
SEP = max([",", ";", "\t", "|"], key=header.count)
df = pd.read_csv(FILE, sep=SEP, keep_default_na=False, na_values=MISSING_MARKERS,
                 skipinitialspace=True)

# ---- Design: the rows and columns the estimators see ------------------------------------------
# Rows missing the outcome, the treatment, an instrument or the fold id are always left out; with
# MISSING == "drop" so are rows missing a covariate.
taken = [TREATMENT, OUTCOME] + INSTRUMENTS + ([FOLD_COLUMN] if FOLD_COLUMN is not None else [])
covariates = COVARIATES if COVARIATES is not None else [
    c for c in df.columns if c not in taken and pd.api.types.is_numeric_dtype(df[c])]
needed = [OUTCOME, TREATMENT] + INSTRUMENTS + ([FOLD_COLUMN] if FOLD_COLUMN is not None else [])
if MISSING == "drop":
    needed += covariates
keep = df[needed].notna().all(axis=1).to_numpy()
data = df[keep].reset_index(drop=True)
print(f"# rows used: {len(data)} of {len(df)}", file=sys.stderr)

# Covariates: a numeric column as it is (with MISSING == "indicator", its gaps set to the mean of
# the others and flagged in an added "<name> missing" column); a text column, or a numeric one in
# CATEGORICAL, one-hot encoded over the rows used, the first level present (in file order; the
# smallest value for a numeric one) being the reference, with a "<name>=(missing)" indicator for
# its gaps.
x_columns, x_names, x_sources = [], [], []  # x_sources: the covariate each column comes from
for name in covariates:
    col = data[name]
    if pd.api.types.is_numeric_dtype(col) and name not in CATEGORICAL:
        v = col.astype(float)
        if v.isna().any():
            x_columns += [v.fillna(v.mean()), v.isna().astype(float)]
            x_names += [name, name + " missing"]
            x_sources += [name, name]
        else:
            x_columns.append(v)
            x_names.append(name)
            x_sources.append(name)
        continue
    levels = pd.unique(col.dropna())
    if pd.api.types.is_numeric_dtype(col):
        levels = np.sort(levels)
    # More than 200 levels is still a categorical (fixed effects, such as a survey's villages)
    # while there are two rows per level and fewer than 10 million indicator cells, as in Counterfact.
    if len(levels) > 200 and (2 * len(levels) > len(data) or len(levels) * len(data) > 10_000_000):
        sys.exit(f"the column {name!r} has {len(levels)} distinct values: an identifier?")
    if len(levels) == 0:
        continue
    for level in levels[1:]:
        x_columns.append((col == level).astype(float))
        x_names.append(f"{name}={level}")
        x_sources.append(name)
    if col.isna().any():
        x_columns.append(col.isna().astype(float))
        x_names.append(f"{name}=(missing)")
        x_sources.append(name)
X_ALL = np.column_stack(x_columns) if x_columns else np.empty((len(data), 0))
Y_ALL = data[OUTCOME].to_numpy(dtype=float)
Z_ALL = data[INSTRUMENTS].to_numpy(dtype=float)
print("# covariates: " + json.dumps(x_names), file=sys.stderr)

# ---- Comparisons -----------------------------------------------------------------------------
# A 0/1 treatment is one comparison. With several levels, each level other than CONTROL is
# compared with CONTROL on the rows of those two levels only (t = 1 for the level). With only
# 2SLS, a numeric treatment may be a continuous dose.
t_col = data[TREATMENT]
t_text = not pd.api.types.is_numeric_dtype(t_col)
ALL_ROWS = np.arange(len(data))
if not t_text and t_col.isin([0, 1]).all() and CONTROL in (None, "0"):
    comparisons = [(None, ALL_ROWS, t_col.to_numpy(dtype=float))]
elif not t_text and CONTROL is None and set(METHODS) == {"2sls"}:
    comparisons = [(None, ALL_ROWS, t_col.to_numpy(dtype=float))]
else:
    values = list(pd.unique(t_col)) if t_text else sorted(pd.unique(t_col))
    # A numeric level is named as Counterfact writes it: 2.0 is "2", 0.5 is "0.5".
    labels = [str(v) if t_text else np.format_float_positional(float(v), trim="-") for v in values]
    if CONTROL is None:
        sys.exit(f"the treatment has {len(values)} values ({', '.join(labels)}): set CONTROL")
    if CONTROL not in labels:
        sys.exit(f"the control level {CONTROL!r} is not a value of the treatment ({', '.join(labels)})")
    control_value = values[labels.index(CONTROL)]
    comparisons = []
    for value, label in zip(values, labels):
        if value == control_value:
            continue
        rows = np.flatnonzero(((t_col == value) | (t_col == control_value)).to_numpy())
        comparisons.append((label, rows, (t_col.to_numpy()[rows] == value).astype(float)))
