#!/usr/bin/env bash
# Times each estimator of the `counterfact` CLI (read + estimate, one method per run) on the synthetic
# benchmark files (../shared/refs/make_synth.py: causalml synthetic_data mode 1, p = 20, 100k and 1M rows).
#
#   scripts/bench-methods.sh [DATA_DIR] [RUNS]      (defaults: /tmp/refs-data, 3)
#
# Prints one line per (file, method): the median wall time of RUNS runs and the 1-minute load average
# before the runs, as tab-separated values. Build first: cargo build --release -p cf-cli.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${1:-/tmp/refs-data}
RUNS=${2:-3}
BIN=${BIN:-$ROOT/target/release/counterfact}
COVS=x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15,x16,x17,x18,x19
printf 'file\tmethod\tmedian_s\tload1\n'
for n in 100000 1000000; do
  f="$DATA/synth_mode1_n$n.csv"
  for m in diff-means ols ipw aipw psm t-learner x-learner r-learner dr-learner 2sls; do
    # 2SLS: w instrumented by x0 (not an instrument of this data; a timing only), x1..x19 as controls.
    args=(--covariates "$COVS" --method "$m")
    [[ $m == 2sls ]] && args=(--covariates "${COVS#x0,}" --instrument x0 --method 2sls)
    load=$(cut -d' ' -f1 /proc/loadavg)
    times=()
    for _ in $(seq "$RUNS"); do
      s=$(date +%s.%N)
      "$BIN" estimate "$f" --treatment w --outcome y "${args[@]}" --json >/dev/null
      e=$(date +%s.%N)
      times+=("$(echo "$e - $s" | bc -l)")
    done
    med=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
    printf '%s\t%s\t%.3f\t%s\n' "$n" "$m" "$med" "$load"
  done
done
