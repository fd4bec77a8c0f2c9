#!/usr/bin/env bash
# Writes the CLI's output on every reference dataset, for every method and the main option
# combinations, into one directory (one file per command). Run it before and after a change to
# the engine and compare: `diff -r before after` must print nothing.
#   scripts/compare-json.sh OUT_DIR [CLI]    (CLI defaults to target/release/counterfact)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: compare-json.sh OUT_DIR [CLI]}"
CLI="${2:-$ROOT/target/release/counterfact}"
DATA="${CF_REFS:-$ROOT/../shared/refs}/data"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
n=0
run() { # NAME ARGS... : stdout, stderr and exit code of one command
  local name="$1"; shift
  "$CLI" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
  echo "exit $?" >>"$OUT/$name.err"
  n=$((n + 1))
}
METHODS="diff-means ols ipw aipw psm t-learner x-learner r-learner dr-learner"
cat >"$TMP/nsw.dag" <<'G'
dag { age -> treat; educ -> treat; re74 -> treat; re75 -> treat; age -> re78; educ -> re78;
      re74 -> re78; re75 -> re78; treat -> re78; black -> treat; black -> re78 }
G
cat >"$TMP/nsw.dot" <<'G'
digraph { age -> treat; educ -> treat; re74 -> treat; treat -> re78; age -> re78; educ -> re78; re74 -> re78 }
G
for d in nsw_experimental nsw_cps; do
  f="$DATA/$d.csv"; base=(estimate "$f" --treatment treat --outcome re78)
  run "$d-all" "${base[@]}" --json
  run "$d-all-text" "${base[@]}"
  for m in $METHODS; do
    run "$d-$m" "${base[@]}" --method "$m" --json
    run "$d-$m-att" "${base[@]}" --method "$m" --estimand att --json
  done
  run "$d-trim" "${base[@]}" --trim 0.05 --json
  run "$d-replace" "${base[@]}" --method psm --replace --json
  run "$d-l2" "${base[@]}" --l2 0.5 --json
  run "$d-alpha" "${base[@]}" --alpha 0.1 --json
  run "$d-seed" "${base[@]}" --seed 7 --method r-learner --method dr-learner --json
  run "$d-boot" "${base[@]}" --method ols --method ipw --method t-learner --bootstrap 40 --seed 3 --json
  run "$d-cov" "${base[@]}" --covariates age,educ,re74 --json
  run "$d-cate" "${base[@]}" --method t-learner --method x-learner --cate-out "$TMP/$d-cate.csv" --json
  cp "$TMP/$d-cate.csv" "$OUT/$d-cate.csv" 2>/dev/null
  run "$d-graph" "${base[@]}" --graph "$TMP/nsw.dag" --json
  run "$d-graph-cov" "${base[@]}" --graph "$TMP/nsw.dag" --covariates age,educ --method ols --json
  run "$d-python" python "$f" --treatment treat --outcome re78
  run "$d-python-graph" python "$f" --treatment treat --outcome re78 --graph "$TMP/nsw.dag"
  run "$d-identify" identify --graph "$TMP/nsw.dag" --treatment treat --outcome re78 --data "$f" --json
  run "$d-identify-text" identify --graph "$TMP/nsw.dag" --treatment treat --outcome re78 --data "$f"
done
run "identify-dot" identify --graph "$TMP/nsw.dot" --treatment treat --outcome re78 --json
run "dsep" dsep --graph "$TMP/nsw.dag" --x re74 --y treat --given age,educ,re75,black --json
run "dsep-text" dsep --graph "$TMP/nsw.dag" --x re74 --y re78
card=(estimate "$DATA/card.csv" --outcome lwage)
run card-2sls "${card[@]}" --treatment educ --instrument nearc4 --method 2sls --covariates exper,expersq,black,smsa,south --json
run card-2sls-text "${card[@]}" --treatment educ --instrument nearc4 --method 2sls --covariates exper,expersq,black,smsa,south
run card-2sls-nocov "${card[@]}" --treatment educ --instrument nearc4 --method 2sls --covariates "" --json
run card-2sls-two "${card[@]}" --treatment educ --instrument nearc4 --instrument nearc2 --method 2sls --covariates exper,black --json
run card-nearc4 "${card[@]}" --treatment nearc4 --covariates exper,black,smsa,south --json
run card-python "python" "$DATA/card.csv" --outcome lwage --treatment educ --instrument nearc4 --method 2sls --covariates exper,expersq,black,smsa,south
run card-missing "${card[@]}" --treatment nearc4 --missing indicator --covariates exper,black,IQ,KWW --json
hill=(estimate "$DATA/hillstrom.csv" --treatment segment --control "No E-Mail" --covariates recency,history,mens,womens,newbie)
run hill-visit "${hill[@]}" --outcome visit --json
run hill-visit-text "${hill[@]}" --outcome visit
run hill-spend "${hill[@]}" --outcome spend --method ols --method ipw --method x-learner --json
run hill-cate "${hill[@]}" --outcome visit --method t-learner --cate-out "$TMP/hill-cate.csv" --json
cp "$TMP/hill-cate.csv" "$OUT/hill-cate.csv" 2>/dev/null
run hill-python python "$DATA/hillstrom.csv" --treatment segment --control "No E-Mail" --covariates recency,history,mens,womens,newbie --outcome visit
run hill-fail "${hill[@]}" --outcome visit --covariates recency,zip_urban,zip_surburban,zip_code --method diff-means --method ols --method t-learner --json
run hill-fail-text "${hill[@]}" --outcome visit --covariates recency,zip_urban,zip_surburban,zip_code --method diff-means --method ols
run hill-text-cov estimate "$DATA/hillstrom.csv" --treatment treatment --outcome conversion --covariates recency,history,channel,zip_code --json
run hill-missing estimate "$DATA/hillstrom.csv" --treatment treatment --outcome conversion --covariates recency,channel --missing indicator --json
ihdp=(estimate "$DATA/ihdp_sim_b.csv" --treatment treat --outcome y --covariates bw,b_head,preterm,birth_o,nnhealth,momage,sex,twin,b_marr,mom_lths,mom_hs,mom_scoll,cig,first,booze,drugs,work_dur,prenatal,site1,site2,site3,site4,site5,site6)
run ihdp-all "${ihdp[@]}" --json
run ihdp-att "${ihdp[@]}" --estimand att --json
run ihdp-boot "${ihdp[@]}" --method aipw --method psm --bootstrap 30 --seed 11 --json
run ihdp-python python "$DATA/ihdp_sim_b.csv" --treatment treat --outcome y --covariates bw,b_head,preterm,sex,twin
run darfur-all estimate "$DATA/darfur.csv" --treatment directlyharmed --outcome peacefactor --json
run darfur-village estimate "$DATA/darfur.csv" --treatment directlyharmed --outcome peacefactor --covariates age,farmer_dar,herder_dar,pastvoted,hhsize_darfur,female,village --method ols --json
# The discovery datasets: a three-level treatment (Sachs), a 0/1 one (a discrete synthetic case),
# and a continuous dose instrumented by another column (a linear-Gaussian case).
run sachs-arms estimate "$DATA/sachs_discrete.csv" --treatment pkc --control 1 --outcome erk --json
run sachs-continuous estimate "$DATA/sachs_continuous.csv" --treatment pkc --outcome erk --method 2sls --instrument pka --json
run disc-00 estimate "$DATA/discovery/disc_00.csv" --treatment x0 --outcome x1 --json
run lg-00 estimate "$DATA/discovery/lg_00.csv" --treatment x1 --outcome x4 --method 2sls --instrument x0 --json
# errors: the messages must stay the same too
run err-no-treat estimate "$DATA/nsw_experimental.csv" --treatment nope --outcome re78 --json
run err-same estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome treat
run err-method estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --method nope
run err-alpha estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --alpha 2
run err-trim estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --trim 0.7
run err-boot estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --bootstrap 0
run err-l2 estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --l2 -1
run err-2sls estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --method 2sls
run err-flag estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --bogus
run err-noarg estimate
run err-collinear estimate "$DATA/nsw_experimental.csv" --treatment treat --outcome re78 --covariates age,age,educ --json
run err-hill-psm estimate "$DATA/hillstrom.csv" --treatment segment --control "No E-Mail" --outcome visit --covariates recency,history --method psm --estimand att --json
run err-control estimate "$DATA/hillstrom.csv" --treatment segment --control "Nope" --outcome visit --json
run help --help
echo "$n commands written to $OUT"
