#!/usr/bin/env bash
# Checks `counterfact python` against `counterfact estimate`: for the reference datasets and a
# representative set of analyses, generates the Python script, runs it with python3 and compares
# every estimate and standard error it prints with the engine's --json report.
#
# Tolerance: relative 1e-6 (|a - b| <= 1e-6 * max(|a|, |b|)) for every number the script computes
# the same way as the engine. Nothing is compared more loosely; the case where Python cannot
# give the engine's number is not compared but shown, with its reason:
#   * psm on data with equally near controls (NSW: 29-38 treated units have tied nearest
#     controls): causalml's tie order (scikit-learn's neighbour search / numpy's argpartition) is
#     not the engine's (smaller score, then earlier row), so other controls are matched;
# The R- and DR-learners run both with the reference fold column (folds/*.csv, joined to the data
# in a temporary directory) and without one: the script then draws the engine's own folds from the
# seed (its port of the SplitMix64 shuffle), so both sides cross-fit over the same folds.
#
# A case with a graph also runs the script's DoWhy block: DoWhy's back-door set must be the
# engine's adjustment set (the graph's smallest minimal set; for these graphs DoWhy's default
# back-door set is the same set).
#
# Usage: scripts/check-python.sh        (CF_CLI=path/to/counterfact to use another binary;
#        CF_PYTHON=path/to/python, which setup.sh sets to the checks' .venv)
# Exit status: 0 when everything compared agrees (or python3 lacks a needed module: skipped),
# 1 on any mismatch or failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REFS="$ROOT/../shared/refs"
DATA="$REFS/data"
FOLDS="$REFS/folds"
CF="${CF_CLI:-$ROOT/target/debug/counterfact}"
PY="${CF_PYTHON:-python3}"

# Without the Python stack the check is skipped (exit 0), unless CF_REQUIRE_PYTHON=1 (CI sets it),
# which makes a missing module a failure.
skip() {
    echo "check-python: skipped: $1"
    if [ "${CF_REQUIRE_PYTHON:-0}" = 1 ]; then
        echo "check-python: CF_REQUIRE_PYTHON=1: failing instead" >&2
        exit 1
    fi
    exit 0
}
command -v "$PY" >/dev/null 2>&1 || skip "no $PY"
for module in numpy pandas scipy statsmodels sklearn causalml dowhy pydot lightgbm; do
    "$PY" -c "import $module" >/dev/null 2>&1 || skip "missing $module"
done
if [ ! -x "$CF" ]; then
    echo "check-python: no counterfact binary at $CF (cargo build -p cf-cli, or set CF_CLI)" >&2
    exit 1
fi
if [ ! -d "$DATA" ]; then
    echo "check-python: no reference data at $DATA" >&2
    exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# The data with the reference cross-fitting folds (r_fold, dr_fold) as two more columns.
for name in nsw_experimental nsw_cps ihdp_sim_b hillstrom card; do
    paste -d, "$DATA/$name.csv" "$FOLDS/$name.csv" >"$TMP/$name.csv"
done

# A graph without --covariates: the script adjusts for its smallest minimal set, as estimate does.
echo 'dag { age -> treat; educ -> treat; re75 -> treat; age -> re78; educ -> re78; re75 -> re78; treat -> re78 }' >"$TMP/nsw.dag"

NSW_X="age,age2,educ,educ2,black,hisp,married,nodegree,re74,re75,u74,u75"
IHDP_X="bw,b_head,preterm,birth_o,nnhealth,momage,sex,twin,b_marr,mom_lths,mom_hs,mom_scoll,cig,first,booze,drugs,work_dur,prenatal,site1,site2,site3,site4,site5,site6,site7"
CARD_X="exper,expersq,black,smsa,south,smsa66,reg662,reg663,reg664,reg665,reg666,reg667,reg668,reg669"
HILL_X="recency,history,mens,womens,newbie,channel,zip_code"
ADJ="diff-means,ols,ipw,aipw,psm,t-learner,x-learner,r-learner"

# name | file | not compared (method=reason,...) | flags (one per line after the first three)
# A name ending in _graph passes --graph: its script must run DoWhy's identification too.
CASES=()
add() { # name file skip flags...
    local IFS=$'\x1f'
    CASES+=("$*")
}
TIES="psm=tied nearest controls"
add nsw_exp_ate nsw_experimental "$TIES" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method "$ADJ" --fold-column r_fold
add nsw_exp_att nsw_experimental "$TIES" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method ipw,aipw,psm --estimand att
add nsw_exp_dr nsw_experimental "" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method dr-learner --fold-column dr_fold
add nsw_cps_ate nsw_cps "$TIES" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method "$ADJ" --fold-column r_fold
add nsw_cps_att nsw_cps "$TIES" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method ipw,aipw,psm --estimand att --replace
add nsw_cps_dr nsw_cps "" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method dr-learner --fold-column dr_fold --alpha 0.1
add nsw_cps_seed_folds nsw_cps "" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method r-learner,dr-learner
add ihdp_seed_folds ihdp_sim_b "" --treatment treat --outcome y --covariates "$IHDP_X" \
    --method r-learner,dr-learner --seed 7
add nsw_cps_trim nsw_cps "" --treatment treat --outcome re78 --covariates "$NSW_X" \
    --method ipw,aipw --estimand att --trim 0.01 --l2 0.5
add ihdp_ate ihdp_sim_b "" --treatment treat --outcome y --covariates "$IHDP_X" \
    --method "$ADJ" --fold-column r_fold
add ihdp_att ihdp_sim_b "" --treatment treat --outcome y --covariates "$IHDP_X" \
    --method ipw,aipw,psm,dr-learner --estimand att --replace --fold-column dr_fold
add hillstrom_arms hillstrom "" --treatment segment --outcome visit --covariates "$HILL_X" \
    --control "No E-Mail" --method diff-means,ols,ipw,aipw,t-learner,x-learner,r-learner \
    --fold-column r_fold
add nsw_graph nsw_experimental "" --treatment treat --outcome re78 --graph "$TMP/nsw.dag" \
    --method ols,ipw,aipw
add hillstrom_categorical hillstrom "" --treatment segment --outcome visit --covariates "$HILL_X" \
    --categorical recency --control "No E-Mail" --method diff-means,ols,ipw,aipw,t-learner,x-learner
add card_2sls card "" --treatment educ --outcome lwage --covariates "$CARD_X" \
    --instrument nearc4 --method 2sls
add card_drop card "" --treatment nearc4 --outcome lwage --covariates "exper,black,south,IQ,fatheduc" \
    --method diff-means,ols,ipw,aipw --estimand att
add card_indicator card "" --treatment nearc4 --outcome lwage \
    --covariates "exper,black,south,IQ,fatheduc" --missing indicator --method ols,ipw,aipw,x-learner

status=0
: >"$TMP/table.tsv"
for case in "${CASES[@]}"; do
    IFS=$'\x1f' read -r -a parts <<<"$case"
    name="${parts[0]}"
    file="$TMP/${parts[1]}.csv"
    skip="${parts[2]}"
    flags=("${parts[@]:3}")
    if ! "$CF" python "$file" "${flags[@]}" >"$TMP/$name.py" 2>"$TMP/$name.err"; then
        echo "$name: counterfact python failed: $(cat "$TMP/$name.err")" >&2
        status=1
        continue
    fi
    # estimate exits 1 when a method fails; the comparison then checks both sides failed.
    "$CF" estimate "$file" "${flags[@]}" --json >"$TMP/$name.json" 2>>"$TMP/$name.err" || true
    if ! (cd "$TMP" && "$PY" "$name.py" >"$TMP/$name.out" 2>>"$TMP/$name.err"); then
        echo "$name: the generated script failed:" >&2
        tail -n 20 "$TMP/$name.err" >&2
        status=1
        continue
    fi
    if ! "$PY" - "$name" "$TMP/$name.json" "$TMP/$name.out" "$skip" >>"$TMP/table.tsv" <<'EOF'; then
import json, math, sys

TOL = 1e-6
name, engine_path, script_path, skip = sys.argv[1:5]
skipped = dict(s.split("=", 1) for s in skip.split(",") if s)
engine = json.load(open(engine_path))
ours = {(r["method"], r.get("arm")): r for r in engine["results"]}
failed = {f["method"] for f in engine.get("errors", [])}
theirs = {}
dowhy = None
for line in open(script_path):
    if line.startswith("{"):
        r = json.loads(line)
        if "dowhy" in r:
            dowhy = r["dowhy"]
        else:
            theirs[(r["method"], r["arm"])] = r


def rel(a, b):
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


bad = False
for key in sorted(set(ours) | set(theirs), key=lambda k: (str(k[1]), k[0])):
    method, arm = key
    label = method if arm is None else f"{method} ({arm})"
    e, p = ours.get(key), theirs.get(key)
    if e is None or p is None or "error" in p:
        ok = e is None and p is not None and "error" in p and method in failed
        why = "both failed" if ok else ("missing in python" if p is None else
                                        p.get("error", "missing in engine"))
        print(f"{name}\t{label}\t-\t-\t-\t-\t{'ok' if ok else 'FAIL'}: {why}")
        bad |= not ok
        continue
    de, ds = rel(e["estimate"], p["estimate"]), rel(e["std_error"], p["std_error"])
    if method in skipped:
        verdict = f"not compared: {skipped[method]}"
    elif de <= TOL and ds <= TOL:
        verdict = "ok"
    else:
        verdict = "FAIL"
        bad = True
    print(f"{name}\t{label}\t{e['estimate']:.10g}\t{p['estimate']:.10g}\t{de:.1e}\t{ds:.1e}\t{verdict}")
if name.endswith("_graph"):
    ours_set = sorted(engine["covariates"])
    ok = dowhy is not None and dowhy["backdoor"] == ours_set
    got = "no DoWhy output" if dowhy is None else ",".join(dowhy["backdoor"])
    print(f"{name}\tdowhy back-door set\t{','.join(ours_set)}\t{got}\t-\t-\t{'ok' if ok else 'FAIL'}")
    bad |= not ok
sys.exit(1 if bad else 0)
EOF
        status=1
    fi
done

{
    printf 'case\tmethod\tengine\tpython\trel.diff est\trel.diff se\tverdict\n'
    cat "$TMP/table.tsv"
} | column -t -s $'\t'
# Uplift metrics: `counterfact uplift --score` against causalml's auuc_score / qini_score /
# get_cumgain / get_qini on causalml's own tree and T-learner predictions (relative 1e-9).
echo
if "$PY" "$ROOT/tests/python/check_uplift_metrics.py" "$CF" "$REFS" >"$TMP/uplift.tsv" 2>"$TMP/uplift.err"; then
    column -t -s $'\t' "$TMP/uplift.tsv"
    echo "check-python: uplift metrics equal causalml's within 1e-9 (relative)"
else
    column -t -s $'\t' "$TMP/uplift.tsv"
    grep -v -e duecredit -e FutureWarning "$TMP/uplift.err" >&2 || true
    echo "check-python: uplift metrics MISMATCH (relative tolerance 1e-9)" >&2
    status=1
fi
# "Can it be trusted?" in the script: sensemakr's formulas and the E-value against
# `counterfact sensitivity`, and the estimate DoWhy's refuters refute against the engine's (1e-6).
echo
if "$PY" "$ROOT/tests/python/check_trust.py" "$CF" "$REFS" >"$TMP/trust.tsv" 2>"$TMP/trust.err"; then
    column -t -s $'\t' "$TMP/trust.tsv"
    echo "check-python: sensitivity and refuted estimates equal the engine's within 1e-6 (relative)"
else
    column -t -s $'\t' "$TMP/trust.tsv"
    tail -n 20 "$TMP/trust.err" >&2
    echo "check-python: sensitivity or refuters MISMATCH (relative tolerance 1e-6)" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "check-python: MISMATCH (relative tolerance 1e-6)" >&2
    exit 1
fi
echo "check-python: every compared estimate and standard error agrees within 1e-6 (relative)"
