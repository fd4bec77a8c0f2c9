//! "Copy as Python": a script that reproduces an analysis with causalml / statsmodels / DoWhy.
//!
//! [`script`] writes a self-contained Python program that reads the same file, selects the same
//! rows and builds the same design as [`crate::Design`] (missing-value policy, one-hot encoding,
//! the comparisons of a multi-arm treatment), then computes each requested method the way the
//! reference numbers the engine is tested against were computed: statsmodels OLS with HC1,
//! scikit-learn's logistic propensity model, causalml's meta-learners with `LinearRegression`,
//! `NearestNeighborMatch`, and numpy for the Hajek IPW, AIPW and 2SLS formulas. Each method prints
//! one JSON line `{"method", "arm", "estimate", "std_error"}`, so a notebook or a script can set
//! it beside the engine's report.
//!
//! The R- and DR-learners are cross-fitted over the fold column, or without one over the engine's
//! own folds (the script draws them with the same SplitMix64 shuffle from the seed), so they give
//! the engine's numbers. Where Python cannot give the identical number the script says so next to
//! the block: matching when several controls are equally near a treated unit (the tie order is an
//! implementation detail of each library), and the bootstrap.
//!
//! Every value taken from the spec (file name, column names, levels, the graph) is written as a
//! Python string literal by [`py_str`], so no name can break out of its quotes or hide code.

use std::fmt::Write as _;

use crate::{AnalysisSpec, EstimandChoice, Method, MissingPolicy};

/// A Python string literal (double quotes) holding `s` exactly.
///
/// Backslashes, quotes and line breaks are escaped, and so is every character that could change
/// how the script reads or looks: control characters, Unicode line and paragraph separators,
/// zero-width and bidirectional formatting characters, the byte-order mark.
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let v = u32::from(c);
                let _ = if v <= 0xff {
                    write!(out, "\\x{v:02x}")
                } else if v <= 0xffff {
                    write!(out, "\\u{v:04x}")
                } else {
                    write!(out, "\\U{v:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters written as an escape rather than as themselves.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// A Python list of string literals.
fn py_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| py_str(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A string literal or `None`.
fn py_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_string(), py_str)
}

/// A Python float literal (`float("nan")` and friends for values a literal cannot write).
fn py_float(v: f64) -> String {
    if v.is_finite() {
        // Rust's `{:?}` writes the shortest round-tripping form, always with `.` or `e`.
        format!("{v:?}")
    } else if v.is_nan() {
        "float(\"nan\")".into()
    } else if v > 0.0 {
        "float(\"inf\")".into()
    } else {
        "-float(\"inf\")".into()
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The Python script that reproduces `spec` on the CSV file `file_name`.
///
/// `graph_dot`, when given (Graphviz DOT), adds a last block that builds a DoWhy `CausalModel`
/// with that graph and prints the identified estimand (skipped when DoWhy is not installed).
pub fn script(spec: &AnalysisSpec, file_name: &str, graph_dot: Option<&str>) -> String {
    let mut methods: Vec<Method> = Vec::new();
    for &m in &spec.methods {
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    let folds = spec.fold_column.is_some();
    let mut s = String::with_capacity(24_000);
    s += HEADER;

    s += "\n# ---- The analysis (as set in Counterfact) ----------------------------------------------\n";
    let method_names: Vec<String> = methods.iter().map(|m| m.as_str().to_string()).collect();
    let lines: [(&str, String, &str); 15] = [
        ("FILE", py_str(file_name), ""),
        ("TREATMENT", py_str(&spec.treatment), ""),
        ("OUTCOME", py_str(&spec.outcome), ""),
        (
            "COVARIATES",
            spec.covariates.as_deref().map_or_else(|| "None".to_string(), py_list),
            "  # None: every numeric column other than the treatment and the outcome",
        ),
        ("INSTRUMENTS", py_list(&spec.instruments), "  # for 2SLS"),
        (
            "FOLD_COLUMN",
            py_opt(spec.fold_column.as_deref()),
            "  # cross-fitting folds (0, 1, ...) of the R- and DR-learners",
        ),
        (
            "CONTROL",
            py_opt(spec.control.as_deref()),
            "  # the control level of a treatment with more than two values",
        ),
        ("METHODS", py_list(&method_names), ""),
        (
            "ESTIMAND",
            py_str(match spec.options.estimand {
                EstimandChoice::Ate => "ATE",
                EstimandChoice::Att => "ATT",
            }),
            "  # of IPW and AIPW (matching always estimates the ATT)",
        ),
        ("ALPHA", py_float(spec.options.alpha), "  # 1 - confidence level"),
        ("SEED", spec.options.seed.to_string(), ""),
        (
            "TRIM",
            py_float(spec.options.trim),
            "  # IPW, AIPW: leave out rows with a propensity outside [TRIM, 1 - TRIM]",
        ),
        (
            "L2",
            py_float(spec.options.l2),
            "  # L2 penalty of the propensity model on standardized covariates (0: none)",
        ),
        ("REPLACE", py_bool(spec.options.replace).to_string(), "  # matching with replacement"),
        (
            "MISSING",
            py_str(match spec.options.missing {
                MissingPolicy::Drop => "drop",
                MissingPolicy::Indicator => "indicator",
            }),
            "  # missing covariates: drop the row, or indicator (mean + flag)",
        ),
    ];
    for (name, value, comment) in lines {
        let _ = writeln!(s, "{name} = {value}{comment}");
    }
    s += "CLIP = (1e-3, 1 - 1e-3)  # causalml's propensity clip for the X-, R- and DR-learners\n";
    s += "Z_CRIT = norm.ppf(1 - ALPHA / 2)\n";
    if spec.options.bootstrap > 0 {
        let _ = writeln!(
            s,
            "# Not reproduced here: the engine's percentile bootstrap ({} resamples drawn by its own\n\
             # SplitMix64 generator from SEED); scikit-learn's resample would draw other rows.",
            spec.options.bootstrap
        );
    }

    s += READ_AND_DESIGN;
    s += HELPERS;

    let uses_p = methods.iter().any(|m| m.uses_propensity());
    if uses_p {
        s += PROPENSITY;
    }
    if !folds && methods.iter().any(|m| matches!(m, Method::RLearner | Method::DrLearner)) {
        s += ENGINE_FOLDS;
    }
    for &m in &methods {
        s += match m {
            Method::DiffMeans => DIFF_MEANS,
            Method::Ols => OLS,
            Method::Ipw => IPW,
            Method::Aipw => AIPW,
            Method::Psm => PSM,
            Method::TLearner => T_LEARNER,
            Method::XLearner => X_LEARNER,
            Method::RLearner => R_LEARNER_FOLDS,
            Method::DrLearner => DR_LEARNER_FOLDS,
            Method::TwoSls => TWO_SLS,
        };
    }

    s += RUN_HEAD;
    if uses_p {
        s += "    try:  # one propensity model per comparison, shared by the methods that use it\n";
        s += "        p = propensity(X, t)\n";
        s += "    except Exception as e:  # each method that needs it reports this error\n";
        s += "        p = e\n";
    }
    for &m in &methods {
        let call = match m {
            Method::DiffMeans => "diff_means(y, t)",
            Method::Ols => "ols(y, t, X)",
            Method::Ipw => "ipw(y, t, X, need(p))",
            Method::Aipw => "aipw(y, t, X, need(p))",
            Method::Psm => "psm(y, t, need(p))",
            Method::TLearner => "t_learner(y, t, X)",
            Method::XLearner => "x_learner(y, t, X, need(p))",
            Method::RLearner if folds => "r_learner(y, t, X, need(p), fold_ids(rows))",
            Method::RLearner => "r_learner(y, t, X, need(p), engine_folds(len(y), 5, SEED, t))",
            Method::DrLearner if folds => "dr_learner(y, t, X, need(p), fold_ids(rows))",
            Method::DrLearner => "dr_learner(y, t, X, need(p), engine_folds(len(y), 3, SEED))",
            Method::TwoSls => "two_sls(y, t, X, Z_ALL[rows])",
        };
        let _ = writeln!(s, "    report({}, arm, lambda: {call})", py_str(m.as_str()));
    }

    if let Some(dot) = graph_dot {
        s += GRAPH_HEAD;
        s += "GRAPH = \"\\n\".join([\n";
        for line in dot.lines() {
            let _ = writeln!(s, "    {},", py_str(line));
        }
        s += "])\n";
        s += GRAPH_TAIL;
    }
    s
}

const HEADER: &str = r##"# A Counterfact analysis as a Python script: the same rows, the same design and, for each method,
# the computation the engine's numbers are tested against (statsmodels, scikit-learn, causalml,
# numpy), so that every number can be audited line by line in a notebook.
#
# Needs: numpy, pandas, scipy, statsmodels, scikit-learn, causalml (0.18); DoWhy is optional.
# Each method prints one JSON line: {"method": ..., "arm": ..., "estimate": ..., "std_error": ...}
# ("arm" is the treated level of a multi-arm treatment, otherwise null). A method that fails prints
# {"method": ..., "arm": ..., "error": ...} and the others still run.
import json
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
"##;

const READ_AND_DESIGN: &str = r##"
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
covariates = COVARIATES if COVARIATES is not None else [
    c for c in df.columns if c not in (TREATMENT, OUTCOME) and pd.api.types.is_numeric_dtype(df[c])]
needed = [OUTCOME, TREATMENT] + INSTRUMENTS + ([FOLD_COLUMN] if FOLD_COLUMN is not None else [])
if MISSING == "drop":
    needed += covariates
keep = df[needed].notna().all(axis=1).to_numpy()
data = df[keep].reset_index(drop=True)
print(f"# rows used: {len(data)} of {len(df)}", file=sys.stderr)

# Covariates: a numeric column as it is (with MISSING == "indicator", its gaps set to the mean of
# the others and flagged in an added "<name> missing" column); a text column one-hot encoded over
# the rows used, the first level present (in file order) being the reference, with a
# "<name>=(missing)" indicator for its gaps.
x_columns, x_names = [], []
for name in covariates:
    col = data[name]
    if pd.api.types.is_numeric_dtype(col):
        v = col.astype(float)
        if v.isna().any():
            x_columns += [v.fillna(v.mean()), v.isna().astype(float)]
            x_names += [name, name + " missing"]
        else:
            x_columns.append(v)
            x_names.append(name)
        continue
    levels = pd.unique(col.dropna())
    if len(levels) > 200:
        sys.exit(f"the text column {name!r} has {len(levels)} distinct values: an identifier?")
    if len(levels) == 0:
        continue
    for level in levels[1:]:
        x_columns.append((col == level).astype(float))
        x_names.append(f"{name}={level}")
    if col.isna().any():
        x_columns.append(col.isna().astype(float))
        x_names.append(f"{name}=(missing)")
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
"##;

const HELPERS: &str = r##"

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
"##;

const PROPENSITY: &str = r##"

# ---- Propensity model ---------------------------------------------------------------------------
# Logistic regression of t on X with an intercept: maximum likelihood when L2 == 0, otherwise an L2
# penalty on the standardized slopes (scikit-learn's C = 1 / L2 after StandardScaler). IPW, AIPW
# and matching use p as it is; the X-, R- and DR-learners get it clipped to CLIP, as causalml does.
def propensity(X, t):
    if X.shape[1] == 0:
        return np.full(len(t), t.mean())
    model = Pipeline([
        ("scale", StandardScaler()),
        ("logit", LogisticRegression(C=np.inf if L2 == 0 else 1 / L2, solver="newton-cholesky",
                                     tol=1e-10, max_iter=1000)),
    ])
    return model.fit(X, t).predict_proba(X)[:, 1]
"##;

const DIFF_MEANS: &str = r##"

# ---- diff-means: difference in means (ATE) ------------------------------------------------------
# mean(y | t = 1) - mean(y | t = 0); Welch standard error sqrt(s1^2 / n1 + s0^2 / n0), ddof = 1.
def diff_means(y, t):
    y1, y0 = y[t == 1], y[t == 0]
    return y1.mean() - y0.mean(), np.sqrt(y1.var(ddof=1) / len(y1) + y0.var(ddof=1) / len(y0))
"##;

const OLS: &str = r##"

# ---- ols: regression adjustment (ATE) -----------------------------------------------------------
# statsmodels OLS of y on [1, t, X]: the coefficient of t with its HC1 (robust) standard error.
# causalml's LRSRegressor(ate_alpha=ALPHA).estimate_ate(X, t, y) is the same regression.
def ols(y, t, X):
    Xt = sm.add_constant(np.column_stack([t, X]), has_constant="add")
    fit = sm.OLS(y, Xt).fit(cov_type="HC1")
    return fit.params[1], fit.bse[1]
"##;

const IPW: &str = r##"

# ---- ipw: inverse probability weighting, Hajek (normalized) weights (ESTIMAND) ------------------
# ATE: treated rows weigh 1/p, controls 1/(1 - p); ATT: treated rows 1, controls p/(1 - p); each
# arm's weights are normalized to sum to one. Rows with p outside [TRIM, 1 - TRIM] are left out.
# DoWhy's backdoor.propensity_score_weighting (ips_weight, this propensity model, no clipping)
# gives the same estimate. The standard error is the influence function including the estimated
# propensity model (Lunceford & Davidian 2004): psi_i = phi_i + (t_i - p_i) z_i'g, with
# z = [1, standardized X] and g = I^-1 E[d phi / d beta] (I: the logistic information, + L2).
def ipw(y, t, X, p):
    n = len(y)
    keep = (p >= TRIM) & (p <= 1 - TRIM)
    if min((keep & (t == 1)).sum(), (keep & (t == 0)).sum()) < 2:
        raise ValueError("trimming left a treatment group with fewer than two rows")
    if ESTIMAND == "ATT":
        w1 = np.where(keep, t, 0.0)
        w0 = np.where(keep, (1 - t) * p / (1 - p), 0.0)
    else:
        w1 = np.where(keep, t / p, 0.0)
        w0 = np.where(keep, (1 - t) / (1 - p), 0.0)
    a1, a0 = w1.sum() / n, w0.sum() / n
    mu1, mu0 = (w1 * y).sum() / (a1 * n), (w0 * y).sum() / (a0 * n)
    r1, r0 = y - mu1, y - mu0
    phi = w1 * r1 / a1 - w0 * r0 / a0
    if ESTIMAND == "ATT":
        dphi = -w0 * r0 / a0
    else:
        dphi = -w1 * (1 - p) * r1 / a1 - w0 * p * r0 / a0
    Zs = np.column_stack([np.ones(n), (X - X.mean(axis=0)) / X.std(axis=0)])
    info = (Zs * (p * (1 - p))[:, None]).T @ Zs / n
    info[1:, 1:] += np.eye(X.shape[1]) * L2 / n
    g = np.linalg.solve(info, Zs.T @ dphi / n)
    psi = phi + (t - p) * (Zs @ g)
    return mu1 - mu0, np.sqrt((psi ** 2).sum()) / n
"##;

const AIPW: &str = r##"

# ---- aipw: augmented IPW, doubly robust (ESTIMAND) ----------------------------------------------
# Linear outcome models per arm (no cross-fitting) and the unclipped propensity; rows with p
# outside [TRIM, 1 - TRIM] are left out.
# ATE: mean of mu1 - mu0 + t (y - mu1) / p - (1 - t) (y - mu0) / (1 - p);
# ATT: sum of [t - (1 - t) p / (1 - p)] (y - mu0) over the treated count.
# Standard error: that of the efficient influence function, sqrt(sum (psi - theta)^2) / n.
def aipw(y, t, X, p):
    keep = (p >= TRIM) & (p <= 1 - TRIM)
    treated, control = keep & (t == 1), keep & (t == 0)
    if min(treated.sum(), control.sum()) < 2:
        raise ValueError("trimming left a treatment group with fewer than two rows")
    mu0 = linear(X[control], y[control]).predict(X)
    if ESTIMAND == "ATT":
        w = np.where(t == 1, 1.0, -p / (1 - p))
        psi = (w * (y - mu0))[keep] * keep.sum() / treated.sum()
    else:
        mu1 = linear(X[treated], y[treated]).predict(X)
        psi = (mu1 - mu0 + t * (y - mu1) / p - (1 - t) * (y - mu0) / (1 - p))[keep]
    theta = psi.mean()
    return theta, np.sqrt(((psi - theta) ** 2).sum()) / len(psi)
"##;

const PSM: &str = r##"

# ---- psm: 1:1 nearest-neighbour matching on the logit of the propensity (ATT) -------------------
# causalml's NearestNeighborMatch, caliper 0.2 standard deviations of the logit (ddof = 0, all
# rows), treated units in row order. ATT = mean over matched pairs of y(treated) - y(control).
# Standard error: Abadie & Imbens (2006) for a known score, M = 1: (sum of (d_i - ATT)^2 plus, for
# each control used K > 1 times, (K^2 - K) (y_j - y_l)^2 / 2 with l its nearest other control),
# square-rooted, over the number of matched pairs.
# NOT ALWAYS THE ENGINE'S NUMBER: when several controls are equally near a treated unit (duplicate
# rows, discrete covariates), causalml takes whichever scikit-learn's neighbour search (with
# replacement) or numpy's argpartition (without) visits first, while the engine takes the control
# with the smaller score, then the earlier row. Without such ties the two agree.
def psm(y, t, p):
    from causalml.match import NearestNeighborMatch
    logit = np.log(p / (1 - p))
    frame = pd.DataFrame({"t": t.astype(int), "y": y, "logit_p": logit})
    nn = NearestNeighborMatch(caliper=0.2, replace=REPLACE, ratio=1, shuffle=False,
                              random_state=SEED % 2**32, n_jobs=1)
    nn.match(data=frame, treatment_col="t", score_cols=["logit_p"])
    treated = nn.matched_indexes_["from"].to_numpy(dtype=int)
    matched = nn.matched_indexes_["to"].to_numpy(dtype=int)
    if len(treated) < 2:
        raise ValueError("fewer than two treated units have a control within the caliper")
    d = y[treated] - y[matched]
    att = d.mean()
    v = ((d - att) ** 2).sum()
    controls = np.flatnonzero(t == 0)
    controls = controls[np.lexsort((controls, logit[controls]))]  # by score, then row
    slot = np.empty(len(t), dtype=int)
    slot[controls] = np.arange(len(controls))
    uses = np.bincount(slot[matched], minlength=len(controls))
    s = logit[controls]
    for k in np.flatnonzero(uses > 1):
        lo, hi = k - 1, k + 1
        if lo >= 0 and hi < len(controls):
            near = lo if s[k] - s[lo] <= s[hi] - s[k] else hi
        else:
            near = lo if lo >= 0 else (hi if hi < len(controls) else k)
        v += (uses[k] ** 2 - uses[k]) * 0.5 * (y[controls[k]] - y[controls[near]]) ** 2
    return att, np.sqrt(v) / len(d)
"##;

const T_LEARNER: &str = r##"

# ---- t-learner: T-learner with linear models (ATE) ----------------------------------------------
# causalml BaseTRegressor(learner=LinearRegression()); the standard error is causalml's analytic
# one, recovered from its interval.
def t_learner(y, t, X):
    from causalml.inference.meta import BaseTRegressor
    m = BaseTRegressor(learner=LinearRegression(), ate_alpha=ALPHA)
    ate, lb, ub = m.estimate_ate(X=X, treatment=t.astype(int), y=y)
    return ate[0], (ub[0] - lb[0]) / (2 * Z_CRIT)
"##;

const X_LEARNER: &str = r##"

# ---- x-learner: X-learner with linear models (ATE) ----------------------------------------------
# causalml BaseXRegressor(learner=LinearRegression()) with the propensity clipped to CLIP; the
# standard error is causalml's analytic one, recovered from its interval.
def x_learner(y, t, X, p):
    from causalml.inference.meta import BaseXRegressor
    m = BaseXRegressor(learner=LinearRegression(), ate_alpha=ALPHA)
    ate, lb, ub = m.estimate_ate(X=X, treatment=t.astype(int), y=y, p=np.clip(p, *CLIP))
    return ate[0], (ub[0] - lb[0]) / (2 * Z_CRIT)
"##;

const R_LEARNER_FOLDS: &str = r##"

# ---- r-learner: R-learner with linear models (ATE), cross-fitted over the given folds ---------
# What causalml's BaseRRegressor(learner=LinearRegression()) computes, over these folds instead
# of causalml's own StratifiedKFold(n_fold, shuffle=True, random_state) split (with those folds,
# e.g. written to a column, it gives this number): m(x) = E[y | x] predicted in each fold by a
# model fitted on the other folds, then the effect model = least squares of (y - m) / (t - p) on X
# with weights (t - p)^2, p clipped to CLIP. Standard error
# sqrt(Var(y - m | t=1) / pi + Var(y - m | t=0) / (1 - pi) + Var(cate)) / sqrt(n) (ddof = 0):
# causalml 0.18 divides by n instead of sqrt(n), which makes its interval far too narrow.
def r_learner(y, t, X, p, folds):
    p = np.clip(p, *CLIP)
    if len(np.unique(folds)) < 2:
        raise ValueError("cross-fitting needs at least two folds")
    m = np.empty(len(y))
    for k in np.unique(folds):
        test = folds == k
        m[test] = linear(X[~test], y[~test]).predict(X[test])
    w = t - p
    cate = linear(X, (y - m) / w, sample_weight=w ** 2).predict(X)
    pi = t.mean()
    s = np.sqrt((y - m)[t == 1].var() / pi + (y - m)[t == 0].var() / (1 - pi) + cate.var())
    return cate.mean(), s / np.sqrt(len(y))
"##;

const DR_LEARNER_FOLDS: &str = r##"

# ---- dr-learner: DR-learner with linear models (ATE), over the given three folds --------------
# What causalml's BaseDRRegressor(learner=LinearRegression()) computes, over these folds
# (0, 1, 2) instead of causalml's own KFold(3, shuffle=True, random_state=seed) split (with those
# folds it gives this number): in round k the outcome models are fitted on fold k+1, the doubly
# robust pseudo-outcome (t - p) / (p (1 - p)) (y - mu_t) + mu1 - mu0 is regressed on X in fold
# k+2 (fold k would fit the propensity; p is given, clipped to CLIP). The effect is the mean of
# the three effect models; the standard error is causalml's analytic one.
def dr_learner(y, t, X, p, folds):
    p = np.clip(p, *CLIP)
    if np.any(folds > 2):
        raise ValueError("the DR-learner uses three folds (0, 1, 2)")
    n = len(y)
    cate, mu1, mu0 = np.zeros(n), np.zeros(n), np.zeros(n)
    for k in range(3):
        out, tau = folds == (k + 1) % 3, folds == (k + 2) % 3
        m1 = linear(X[out & (t == 1)], y[out & (t == 1)])
        m0 = linear(X[out & (t == 0)], y[out & (t == 0)])
        a, b = m1.predict(X[tau]), m0.predict(X[tau])
        tt, pp, yy = t[tau], p[tau], y[tau]
        pseudo = (tt - pp) / pp / (1 - pp) * (yy - a * tt - b * (1 - tt)) + a - b
        cate += linear(X[tau], pseudo).predict(X) / 3
        mu1 += m1.predict(X) / 3
        mu0 += m0.predict(X) / 3
    pi = t.mean()
    v = (y - mu0)[t == 0].var() / (1 - pi) + (y - mu1)[t == 1].var() / pi + (mu1 - mu0).var()
    return cate.mean(), np.sqrt(v / n)
"##;

const ENGINE_FOLDS: &str = r##"

# ---- the engine's cross-fitting folds -----------------------------------------------------------
# Without a fold column the engine draws its folds from SEED: within each stratum (the treatment
# values, ascending, for the R-learner; all rows for the DR-learner) the rows are shuffled by
# Fisher-Yates with the SplitMix64 generator, then dealt out 0, 1, ..., k-1 in turn. This is that
# draw, so the R- and DR-learners below see exactly the engine's folds (causalml's own
# StratifiedKFold / KFold split would differ by the luck of the split).
def engine_folds(n, k, seed, strata=None):
    mask = (1 << 64) - 1
    state = seed & mask
    def next_u64():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)
    if strata is None:
        groups = [list(range(n))]
    else:
        groups = [list(np.flatnonzero(strata == v)) for v in np.unique(strata)]
    out = np.zeros(n, dtype=int)
    nxt = 0
    for rows in groups:
        for i in range(len(rows) - 1, 0, -1):
            j = next_u64() % (i + 1)
            rows[i], rows[j] = rows[j], rows[i]
        for r in rows:
            out[r] = nxt % max(k, 1)
            nxt += 1
    return out
"##;

const TWO_SLS: &str = r##"

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
"##;

const RUN_HEAD: &str = r##"

# ---- Run: each comparison, each method ------------------------------------------------------------
for arm, rows, t in comparisons:
    y, X = Y_ALL[rows], X_ALL[rows]
"##;

const GRAPH_HEAD: &str = r##"

# ---- Optional: the causal graph in DoWhy ----------------------------------------------------------
# Builds a DoWhy CausalModel on the data with the graph drawn in Counterfact (Graphviz DOT) and
# prints the estimand DoWhy identifies from it. Skipped when DoWhy is not installed.
"##;

const GRAPH_TAIL: &str = r##"try:
    from dowhy import CausalModel
except ImportError:
    print("# dowhy is not installed (pip install dowhy): the graph block is skipped", file=sys.stderr)
else:
    try:  # reading DOT needs pydot or pygraphviz besides DoWhy
        model = CausalModel(data=df, treatment=TREATMENT, outcome=OUTCOME, graph=GRAPH)
        estimand = model.identify_effect(proceed_when_unidentifiable=True)
        print(estimand)
        # The same in one line a program can read: DoWhy's back-door set and instruments.
        print(json.dumps({"dowhy": {
            "backdoor": sorted(estimand.get_backdoor_variables() or []),
            "instruments": sorted(estimand.get_instrumental_variables() or []),
        }}))
    except Exception as e:  # noqa: BLE001
        print(f"# DoWhy could not use the graph: {type(e).__name__}: {e}", file=sys.stderr)
"##;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Reads back a literal written by [`py_str`] with Python's rules for the escapes it uses;
    /// `None` when it is not one closed literal.
    fn read_literal(lit: &str) -> Option<String> {
        let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' | '\n' | '\r' => return None, // would end the literal or the line
                '\\' => {
                    let hex = |chars: &mut std::str::Chars<'_>, k: usize| -> Option<char> {
                        let h: String = chars.take(k).collect();
                        (h.len() == k).then_some(())?;
                        char::from_u32(u32::from_str_radix(&h, 16).ok()?)
                    };
                    out.push(match chars.next()? {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'x' => hex(&mut chars, 2)?,
                        'u' => hex(&mut chars, 4)?,
                        'U' => hex(&mut chars, 8)?,
                        _ => return None,
                    });
                }
                c => out.push(c),
            }
        }
        Some(out)
    }

    const NASTY: [&str; 10] = [
        "",
        "plain",
        "quote \" and 'single'",
        "back\\slash\\",
        "ends with backslash\\",
        "line\nbreak\r\nand\ttab",
        "x\")\nimport os\nos.system(\"echo pwned\")\n#",
        "nul\0 bell\x07 del\x7f c1\u{85}",
        "sep\u{2028}para\u{2029}bom\u{feff}rlo\u{202e}zw\u{200b}",
        "âge 身長 🙂 {braces} %s $x",
    ];

    #[test]
    fn string_literals_round_trip_and_stay_on_one_line() {
        for s in NASTY {
            let lit = py_str(s);
            assert_eq!(read_literal(&lit).as_deref(), Some(s), "{lit}");
            assert_eq!(lit.lines().count(), 1, "{lit}");
            assert!(!lit.chars().any(needs_escape), "{lit}");
            for bad in ['\u{2028}', '\u{202e}', '\u{feff}', '\u{85}'] {
                assert!(!lit.contains(bad));
            }
        }
        assert_eq!(py_str("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(py_str("\u{1}\u{2028}\u{1F600}"), "\"\\x01\\u2028\u{1F600}\"");
        assert_eq!(py_str("tab\there"), "\"tab\\there\"");
        assert_eq!(py_list(&["a".into(), "b\"".into()]), r#"["a", "b\""]"#);
        assert_eq!(py_opt(None), "None");
        assert_eq!(py_float(0.05), "0.05");
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(1e-10), "1e-10");
        assert_eq!(py_float(f64::NAN), "float(\"nan\")");
    }

    /// Python itself reads each literal back (when a python3 is on the PATH).
    #[test]
    fn python_reads_the_literals_back() {
        let program: String =
            NASTY.iter().map(|s| format!("print(json.dumps({}))\n", py_str(s))).collect::<String>();
        let Ok(out) = std::process::Command::new("python3")
            .args(["-c", &format!("import json\n{program}")])
            .output()
        else {
            return; // no Python here: the Rust reader above still checks every literal
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let got: Vec<String> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(got, NASTY);
    }

    fn spec(methods: Vec<Method>) -> AnalysisSpec {
        let mut s = AnalysisSpec::new("treat", "re78", methods);
        s.covariates = Some(vec!["age".into(), "educ".into()]);
        s
    }

    /// The code lines of a script: comments and blank lines left out.
    fn code(script: &str) -> Vec<&str> {
        script
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect()
    }

    #[test]
    fn hostile_names_cannot_inject_code() {
        let evil = "x\")\nimport os\nos.system(\"rm -rf /\")\n#";
        let mut s = spec(vec![Method::Ols, Method::TwoSls]);
        s.treatment = evil.into();
        s.outcome = "y\u{2028}print('hi')".into();
        s.covariates = Some(vec![evil.into(), "a\\".into()]);
        s.instruments = vec!["z\"".into()];
        s.control = Some("\"; import os #".into());
        s.fold_column = Some("f\r\nexec('1')".into());
        let out = script(&s, "da\"ta\n.csv", Some("digraph {\n  \"x\\\"\" -> y;\n}\n"));
        for line in out.lines() {
            assert!(!line.starts_with("import os"), "{line}");
            assert!(!line.starts_with("os.system"), "{line}");
            assert!(!line.starts_with("exec("), "{line}");
            assert!(!line.contains('\u{2028}'));
        }
        assert!(out.contains(&format!("TREATMENT = {}", py_str(evil))));
        assert!(out.contains(&format!("FILE = {}", py_str("da\"ta\n.csv"))));
        assert!(out.contains(&format!("    {},\n", py_str("  \"x\\\"\" -> y;"))));
    }

    #[test]
    fn every_method_has_its_block_and_its_report_line() {
        let mut s = spec(Method::ALL.to_vec());
        s.instruments = vec!["z".into()];
        let out = script(&s, "nsw.csv", None);
        for m in Method::ALL {
            let name = m.as_str();
            assert!(out.contains(&format!("# ---- {name}: ")), "block of {name}");
            assert!(out.contains(&format!("    report(\"{name}\", arm, lambda: ")), "{name}");
        }
        assert!(out.contains("p = propensity(X, t)"));
        assert!(out.contains("df = pd.read_csv(FILE,"));
        // Only the requested methods, and no propensity model when nothing needs it.
        let only = script(&spec(vec![Method::DiffMeans, Method::Ols]), "nsw.csv", None);
        assert!(only.contains("report(\"diff-means\"") && only.contains("report(\"ols\""));
        for m in [Method::Ipw, Method::Psm, Method::TLearner, Method::TwoSls] {
            assert!(!only.contains(&format!("report(\"{}\"", m.as_str())), "{m:?}");
        }
        assert!(!only.contains("def propensity"));
        assert!(!only.contains("DoWhy CausalModel"));
        assert!(code(&only).iter().all(|l| !l.contains("from causalml")));
        // A method asked for twice runs once.
        let twice = script(&spec(vec![Method::Ols, Method::Ols]), "nsw.csv", None);
        assert_eq!(twice.matches("report(\"ols\"").count(), 1);
    }

    #[test]
    fn estimand_alpha_seed_trim_and_penalty_reach_the_script() {
        let mut s = spec(vec![Method::Ipw, Method::Aipw, Method::Psm]);
        let ate = script(&s, "f.csv", None);
        assert!(ate.contains("ESTIMAND = \"ATE\""));
        s.options.estimand = EstimandChoice::Att;
        s.options.alpha = 0.1;
        s.options.seed = 7;
        s.options.trim = 0.025;
        s.options.l2 = 2.5;
        s.options.replace = true;
        let att = script(&s, "f.csv", None);
        for want in [
            "ESTIMAND = \"ATT\"",
            "ALPHA = 0.1",
            "SEED = 7",
            "TRIM = 0.025",
            "L2 = 2.5",
            "REPLACE = True",
        ] {
            assert!(att.contains(want), "{want}");
        }
        assert!(ate.contains("REPLACE = False") && ate.contains("L2 = 0.0"));
        // The ATT weights and influence function are in the IPW and AIPW blocks.
        assert!(att.contains("w0 = np.where(keep, (1 - t) * p / (1 - p), 0.0)"));
        assert!(att.contains("w = np.where(t == 1, 1.0, -p / (1 - p))"));
    }

    #[test]
    fn control_level_and_multi_arm_comparisons() {
        let mut s = spec(vec![Method::DiffMeans]);
        let none = script(&s, "h.csv", None);
        assert!(none.contains("CONTROL = None"));
        s.control = Some("No E-Mail".into());
        let out = script(&s, "h.csv", None);
        assert!(out.contains("CONTROL = \"No E-Mail\""));
        // Each other level against the control, on those two levels' rows.
        assert!(out.contains("if value == control_value:"));
        assert!(out.contains("rows = np.flatnonzero(((t_col == value) | (t_col == control_value))"));
        assert!(out.contains("for arm, rows, t in comparisons:"));
        // A continuous dose only when 2SLS is the only method.
        assert!(out.contains("set(METHODS) == {\"2sls\"}"));
        assert!(out.contains("METHODS = [\"diff-means\"]"));
    }

    #[test]
    fn missing_policy_and_fold_column() {
        let mut s = spec(vec![Method::RLearner, Method::DrLearner]);
        let drop = script(&s, "f.csv", None);
        assert!(drop.contains("MISSING = \"drop\""));
        assert!(drop.contains("if MISSING == \"drop\":\n    needed += covariates"));
        // Without a fold column: the engine's own folds, drawn from the seed.
        assert!(drop.contains("def engine_folds(n, k, seed, strata=None):"));
        assert!(drop.contains("r_learner(y, t, X, need(p), engine_folds(len(y), 5, SEED, t))"));
        assert!(drop.contains("dr_learner(y, t, X, need(p), engine_folds(len(y), 3, SEED))"));
        assert!(drop.contains("FOLD_COLUMN = None"));
        s.options.missing = MissingPolicy::Indicator;
        s.fold_column = Some("fold".into());
        let ind = script(&s, "f.csv", None);
        assert!(ind.contains("MISSING = \"indicator\""));
        assert!(ind.contains("x_names += [name, name + \" missing\"]"));
        assert!(ind.contains("x_names.append(f\"{name}=(missing)\")"));
        // With one: the fold ids drive the cross-fitting.
        assert!(ind.contains("FOLD_COLUMN = \"fold\""));
        assert!(ind.contains("r_learner(y, t, X, need(p), fold_ids(rows))"));
        assert!(ind.contains("dr_learner(y, t, X, need(p), fold_ids(rows))"));
        assert!(!ind.contains("def engine_folds"));
    }

    #[test]
    fn the_graph_block_is_optional_and_guarded() {
        let s = spec(vec![Method::Ols]);
        let out = script(&s, "f.csv", Some("digraph {\n  age -> treat;\n}\n"));
        assert!(out.contains("    from dowhy import CausalModel\nexcept ImportError:"));
        assert!(out.contains("    \"  age -> treat;\",\n"));
        assert!(out.contains("identify_effect("));
        assert!(out.contains("print(json.dumps({\"dowhy\": {"));
        let bootstrap = script(
            &AnalysisSpec { options: crate::Options { bootstrap: 200, ..s.options.clone() }, ..s },
            "f.csv",
            None,
        );
        assert!(bootstrap.contains("percentile bootstrap (200 resamples"));
    }
}
