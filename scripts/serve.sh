#!/usr/bin/env bash
# Builds the page and serves it on http://127.0.0.1:8080 (rebuilding on change).
# Installs whatever is missing first (see setup.sh). Extra arguments go to `trunk serve`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080 "$@"
