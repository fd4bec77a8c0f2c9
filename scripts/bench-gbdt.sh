#!/usr/bin/env bash
# Gradient boosting side by side, one thread each, on the same data (scripts/bench_gbdt.py writes
# it): LightGBM 4.7 (the checks' .venv) and cf-gbdt (release). Prints one JSON line per library
# and objective: median fit seconds of 3 and the held-out RMSE / log loss.
#   scripts/bench-gbdt.sh [DATA.csv]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-${TMPDIR:-/tmp}/cf-gbdt-bench.csv}"
PY="${CF_PYTHON:-$ROOT/.venv/bin/python}"
OMP_NUM_THREADS=1 "$PY" "$ROOT/scripts/bench_gbdt.py" "$DATA" 3
cargo run -q --release --offline -p cf-cli --example bench_gbdt -- "$DATA" 3
