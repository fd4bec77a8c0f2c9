#!/usr/bin/env bash
# Times the `counterfact` CLI against pandas.read_csv + causalml LRSRegressor on the synthetic benchmark
# files (causalml synthetic_data mode 1, p = 20, 100k and 1M rows; see BENCHMARKS.md for how to make them).
#
#   scripts/bench-cli.sh [DATA_DIR] [OUT_DIR]
#
# DATA_DIR  folder holding synth_mode1_n100000.csv and synth_mode1_n1000000.csv (default /tmp/refs-data)
# OUT_DIR   where the hyperfine exports and the Python timings go (default /tmp/cf-bench)
#
# Environment: RUNS (hyperfine runs, default 10, at least 5), WARMUP (default 2), PY_REPEATS (Python runs per
# call, default 3), MAX_LOAD (wait until the 1-minute load average is below this, default 1.0) and
# MAX_WAIT (give up waiting after this many seconds and measure anyway, default 1200).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${1:-/tmp/refs-data}
OUT=${2:-/tmp/cf-bench}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
PY_REPEATS=${PY_REPEATS:-3}
MAX_LOAD=${MAX_LOAD:-1.0}
MAX_WAIT=${MAX_WAIT:-1200}
BIN="$ROOT/target/release/counterfact"
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

load1() { cut -d' ' -f1 /proc/loadavg; }
waited=0
while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; do
  if (( waited >= MAX_WAIT )); then
    echo "load average still $(load1) after ${waited}s; measuring anyway" >&2
    break
  fi
  echo "load average $(load1) > $MAX_LOAD; waiting 60 s"
  sleep 60
  waited=$((waited + 60))
done

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) logical cores"
  echo "kernel: $(uname -r)"
  echo "hyperfine: $(hyperfine --version)"
  echo "rustc: $(rustc --version)"
  echo "python: $(python3 --version 2>&1)"
  echo "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

echo "== CLI"
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
python3 "$ROOT/scripts/bench_python.py" measure "$DATA" "$OUT/python.json" --repeats "$PY_REPEATS"
echo "loadavg after Python: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

if python3 -c "import causalml" 2>/dev/null; then
  echo "== Python as a whole process (interpreter start, imports, read_csv, LRSRegressor)"
  for f in "${FILES[@]}"; do
    stem=${f%.csv}
    hyperfine -N --warmup 1 --runs 3 --export-json "$OUT/py-process-$stem.json" \
      "python3 $ROOT/scripts/bench_python.py once $DATA/$f"
  done
  echo "loadavg after Python process: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
fi

echo "== summary"
python3 "$ROOT/scripts/bench_python.py" report "$OUT" | tee "$OUT/summary.md"
