#!/usr/bin/env bash
# Times the `counterfact` CLI against pandas.read_csv + causalml LRSRegressor on the synthetic benchmark
# files (causalml synthetic_data mode 1, p = 20, 100k and 1M rows, written by ../shared/refs/make_synth.py;
# see BENCHMARKS.md).
#
#   scripts/bench-cli.sh [DATA_DIR] [OUT_DIR]
#
# DATA_DIR  folder holding synth_mode1_n100000.csv and synth_mode1_n1000000.csv (default /tmp/refs-data)
# OUT_DIR   where the hyperfine exports and the Python timings go (default /tmp/cf-bench)
#
# Environment: RUNS (hyperfine runs, default 10, at least 5), WARMUP (default 2), PY_REPEATS (Python runs per
# call, default 3), MAX_LOAD and MAX_WAIT (see below).
#
# Before each phase the script waits until the machine is quiet: the 1-minute load average is at most MAX_LOAD
# (default 1.0) or, since the load average still counts the previous phase, the CPUs were at least 90% idle
# over the last 10 s. After MAX_WAIT seconds (default 1200) it measures anyway and says so. The load average
# and the idle check are written to OUT_DIR/machine.txt next to the figures.
#
# The freshly built binary is copied to OUT_DIR and that copy is timed, so a rebuild of target/ during the run
# cannot change what is measured; its sha256 and the git revision (and whether the
# sources under crates/ and the Cargo files differ from it) are recorded.
# While it measures, OUT_DIR/cpu-samples.log gets, every 5 s, the load average and every process above 20% CPU,
# so that a run disturbed by other work can be recognised afterwards.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${1:-/tmp/refs-data}
OUT=${2:-/tmp/cf-bench}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
PY_REPEATS=${PY_REPEATS:-3}
MAX_LOAD=${MAX_LOAD:-1.0}
MAX_WAIT=${MAX_WAIT:-1200}
BIN="$OUT/counterfact"
COVARIATES=x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15,x16,x17,x18,x19

# sha256 of the files make_synth.py writes (its synth_manifest.json)
declare -A SHA256=(
  [synth_mode1_n100000.csv]=e801aa87b2f9785e73e8e0319793f004c66309948304e3a610092ec78509ed38
  [synth_mode1_n1000000.csv]=fa721b93e4ece213a481daec86fa6e6ed6f2379fb2b9a1574bcc0aa4f28012d7
)
FILES=(synth_mode1_n100000.csv synth_mode1_n1000000.csv)

(( RUNS >= 5 )) || { echo "RUNS must be at least 5" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install -y hyperfine)" >&2; exit 2; }
mkdir -p "$OUT"

echo "== checking the data in $DATA"
for f in "${FILES[@]}"; do
  [[ -f "$DATA/$f" ]] || { echo "missing $DATA/$f" >&2; exit 1; }
  got=$(sha256sum "$DATA/$f" | cut -d' ' -f1)
  [[ "$got" == "${SHA256[$f]}" ]] || { echo "$f: sha256 $got, expected ${SHA256[$f]}" >&2; exit 1; }
  echo "$f: sha256 ok"
done

echo "== building the CLI (release)"
(cd "$ROOT" && cargo build --release -p cf-cli)

cp "$ROOT/target/release/counterfact" "$BIN"

load1() { cut -d' ' -f1 /proc/loadavg; }
# Percentage of CPU time not idle over the next $1 seconds, all cores.
cpu_busy() {
  local a b
  a=($(head -1 /proc/stat)); sleep "$1"; b=($(head -1 /proc/stat))
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " "); tot = 0
    for (i = 2; i <= 9; i++) tot += y[i] - x[i]   # user .. steal (guest time is inside user)
    idle = (y[5] - x[5]) + (y[6] - x[6])           # idle + iowait
    printf "%.0f", (tot > 0) ? 100 * (tot - idle) / tot : 0 }'
}
wait_idle() {
  local waited=0 busy
  while :; do
    busy=$(cpu_busy 10)
    if awk -v l="$(load1)" -v m="$MAX_LOAD" -v b="$busy" 'BEGIN { exit !(l <= m || b < 10) }'; then
      break
    fi
    if (( waited >= MAX_WAIT )); then
      echo "machine still busy (load $(load1), cpu ${busy}%) after ${waited}s; measuring anyway" >&2
      echo "$1: NOT IDLE after ${waited}s wait" >> "$OUT/machine.txt"
      break
    fi
    echo "load average $(load1), cpu ${busy}% busy; waiting"
    sleep 20
    waited=$((waited + 30))
  done
  echo "$1: loadavg $(cut -d' ' -f1-3 /proc/loadavg), cpu ${busy}% busy over the 10 s before" \
    | tee -a "$OUT/machine.txt"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) logical cores"
  echo "kernel: $(uname -r)"
  echo "hyperfine: $(hyperfine --version)"
  echo "rustc: $(rustc --version)"
  echo "python: $(python3 --version 2>&1)"
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if git -C "$ROOT" diff --quiet HEAD -- crates Cargo.toml Cargo.lock .cargo 2>/dev/null; then
    echo "revision: $rev (CLI sources as committed)"
  else
    echo "revision: $rev plus uncommitted changes to the CLI sources"
  fi
  echo "binary sha256: $(sha256sum "$BIN" | cut -d' ' -f1)"
} | tee "$OUT/machine.txt"

# Background sampler: time, phase, load average, processes using more than 20% of a core.
echo setup > "$OUT/phase"
(
  while :; do
    echo "$(date +%T) $(cat "$OUT/phase") $(cut -d' ' -f1-3 /proc/loadavg) |" \
      "$(top -b -n2 -d1 | awk '/^ *PID/ { n++ } n == 2 && $9 + 0 > 20 { printf "%s %s%%; ", $12, $9 }')"
    sleep 4
  done
) > "$OUT/cpu-samples.log" 2>&1 &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true' EXIT

echo "== CLI"
wait_idle "before CLI"
echo cli > "$OUT/phase"
for f in "${FILES[@]}"; do
  stem=${f%.csv}
  args=(estimate "$DATA/$f" --treatment w --outcome y --covariates "$COVARIATES")
  "$BIN" "${args[@]}" --method ols --json > "$OUT/cli-out-$stem.json"
  # --method ols is the measured command; --method diff-means reads and parses the same file but fits
  # nothing heavier than two means; wc -l reads the bytes once (page cache), a floor for any reader.
  hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/cli-$stem.json" \
    "$BIN ${args[*]} --method ols --json" \
    "$BIN ${args[*]} --method diff-means --json" \
    "wc -l $DATA/$f"
done
echo "loadavg after CLI: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

echo "== Python (pandas.read_csv + causalml LRSRegressor)"
wait_idle "before Python"
echo python > "$OUT/phase"
python3 "$ROOT/scripts/bench_python.py" measure "$DATA" "$OUT/python.json" --repeats "$PY_REPEATS"
echo "loadavg after Python: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

if python3 -c "import causalml" 2>/dev/null; then
  echo "== Python as a whole process (interpreter start, imports, read_csv, LRSRegressor)"
  wait_idle "before Python process"
  echo python-process > "$OUT/phase"
  for f in "${FILES[@]}"; do
    stem=${f%.csv}
    hyperfine -N --warmup 1 --runs 3 --export-json "$OUT/py-process-$stem.json" \
      "python3 $ROOT/scripts/bench_python.py once $DATA/$f"
  done
  echo "loadavg after Python process: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
fi

echo done > "$OUT/phase"
# Samples, per phase, in which a process other than the benchmark's own used more than 20% of a core.
awk -F'|' '{
    split($1, h, " "); ph = h[2]; if (ph == "setup" || ph == "done") next
    n[ph]++; other = ""; k = split($2, procs, ";")
    for (i = 1; i <= k; i++) {
      split(procs[i], w, " ")
      if (w[1] != "" && w[1] !~ /^(counterfa|python3|hyperfine|wc|top|bash|sleep|awk)/) other = other " " w[1]
    }
    if (other != "") { d[ph]++; names[ph] = names[ph] other }
  } END {
    for (ph in n) printf "%s: other processes busy in %d of %d samples%s\n", ph, d[ph], n[ph],
      (d[ph] ? " (" substr(names[ph], 2, 120) ")" : "")
  }' "$OUT/cpu-samples.log" | sort | tee -a "$OUT/machine.txt"

echo "== summary"
python3 "$ROOT/scripts/bench_python.py" report "$OUT" | tee "$OUT/summary.md"
