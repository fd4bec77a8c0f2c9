#!/usr/bin/env bash
# Installs what building and testing Counterfact needs, skipping whatever is already there:
#   the wasm32 Rust target, Debian's chromium + chromium-driver, Trunk, wasm-bindgen-cli (the
#   version Cargo.lock pins), Node tools (wasm-opt from binaryen, playwright-core), the Python
#   environment of the checks (.venv/, exactly tests/python/requirements.txt) and the crates.
# Prints one line per step with its time, so a slow step shows. Safe to run again: on a machine
# that has everything it takes a few seconds.
# Meant to be sourced by serve.sh / test.sh (it exports PATH and CF_PYTHON); running it directly
# also works. CF_SETUP_PYTHON=0 skips the Python environment (the page itself needs none).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14" # trunk 0.22 needs a newer rustc than 1.95
VENV="$ROOT/.venv"
PY_REQUIREMENTS="$ROOT/tests/python/requirements.txt"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
now() { date +%s%N; }
SETUP_T0="$(now)"
# begin NAME … finish WHAT: prints "[setup] NAME: WHAT (seconds)".
begin() {
  STEP_NAME="$1"
  STEP_T0="$(now)"
}
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }'; }
finish() { say "$(printf '%-16s %s (%s)' "$STEP_NAME:" "$1" "$(seconds_since "$STEP_T0")")"; }
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
apt_install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v cargo >/dev/null || {
  echo "Rust (cargo) is required: install it with rustup first" >&2
  exit 1
}

# 1. wasm32 target
begin "wasm32 target"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  finish "present"
else
  rustup target add wasm32-unknown-unknown
  finish "added"
fi

# 2 + 3. Trunk (a debug build of the tool installs in half the time and builds just as fast) and
# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock. These two builds
# are most of a cold setup, so when both are missing they build at the same time, each into its
# own root (cargo locks an install root for the whole build), and the binaries are copied into
# cargo's bin directory; the Node and Python steps run meanwhile. `tools_wait` ends them.
begin "trunk, wasm-bindgen"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
TOOLS_T0="$STEP_T0"
TOOLS_TMP=""
tool_pids=()
have_trunk() { [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]]; }
have_wb() { [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $WB_VERSION" ]]; }
# tool_build NAME cargo-install-arguments...: builds in the background into $TOOLS_TMP/NAME.
tool_build() {
  local name="$1"
  shift
  mkdir -p "$TOOLS_TMP/$name"
  cargo install --root "$TOOLS_TMP/$name" --quiet "$@" >"$TOOLS_TMP/$name.log" 2>&1 &
  tool_pids+=("$!:$name")
}
if have_trunk && have_wb; then
  finish "present"
else
  TOOLS_TMP="$(mktemp -d)"
  have_trunk || tool_build trunk trunk --version "$TRUNK_VERSION" --locked --debug
  # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
  have_wb || tool_build wasm-bindgen wasm-bindgen-cli --version "$WB_VERSION"
  say "$(printf '%-16s %s' "$STEP_NAME:" "building in the background (a few minutes, once)")"
fi
tools_wait() {
  ((${#tool_pids[@]})) || return 0
  local entry failed=0
  for entry in "${tool_pids[@]}"; do
    if ! wait "${entry%%:*}"; then
      echo "cargo install of ${entry#*:} failed:" >&2
      cat "$TOOLS_TMP/${entry#*:}.log" >&2
      failed=1
    fi
  done
  ((failed == 0)) || exit 1
  mkdir -p "$CARGO_BIN"
  cp -f "$TOOLS_TMP"/*/bin/* "$CARGO_BIN/"
  rm -rf "$TOOLS_TMP"
  have_trunk || {
    echo "trunk $TRUNK_VERSION did not install" >&2
    exit 1
  }
  have_wb || {
    echo "wasm-bindgen-cli $WB_VERSION did not install" >&2
    exit 1
  }
  STEP_NAME="trunk, wasm-bindgen"
  STEP_T0="$TOOLS_T0"
  finish "installed"
}

# 4. Debian packages: headless Chromium and its WebDriver (browser tests)
begin "chromium"
missing=()
for pkg in chromium chromium-driver; do
  # Installed, not merely known to dpkg (a removed package keeps a "config-files" entry).
  [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  apt_install "${missing[@]}"
  finish "installed ${missing[*]}"
else
  finish "present"
fi

# 5. Node tools: wasm-opt 132 (older binaryens cannot read wasm-bindgen's output) and playwright-core
# (node_modules/.lock-stamp is the package-lock.json the last `npm ci` installed)
begin "node tools"
if [[ ! -x "$ROOT/node_modules/.bin/wasm-opt" || ! -d "$ROOT/node_modules/playwright-core" ]] \
  || ! cmp -s "$ROOT/package-lock.json" "$ROOT/node_modules/.lock-stamp" 2>/dev/null; then
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$ROOT/package-lock.json" "$ROOT/node_modules/.lock-stamp"
  finish "installed (npm ci)"
else
  finish "present"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"

# 6. The Python checks' environment: a virtual environment in .venv/ holding exactly
# tests/python/requirements.txt (--no-deps: nothing is resolved, nothing else comes in).
# .venv/requirements.stamp is the file the last install installed; a change reinstalls.
if [[ "${CF_SETUP_PYTHON:-1}" != 0 ]]; then
  begin "python checks"
  if [[ -x "$VENV/bin/python" ]] && cmp -s "$PY_REQUIREMENTS" "$VENV/requirements.stamp" 2>/dev/null; then
    finish "present (.venv)"
  else
    command -v python3 >/dev/null || apt_install python3 python3-venv
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
      echo "the Python checks need python3 >= 3.11 (found $(python3 --version 2>&1))" >&2
      exit 1
    }
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      apt_install python3-venv # Debian's python3 ships venv separately
      python3 -m venv "$VENV"
    fi
    # --no-compile: Python compiles what the checks import when they first run (installing
    # would compile all of it, minutes of CPU beside the tool builds).
    "$VENV/bin/python" -m pip install --quiet --no-deps --no-input --no-compile -r "$PY_REQUIREMENTS"
    "$VENV/bin/python" -c 'import numpy, pandas, scipy, statsmodels, sklearn, causalml, dowhy, pydot' || {
      echo "the Python environment in $VENV does not import" >&2
      exit 1
    }
    cp "$PY_REQUIREMENTS" "$VENV/requirements.stamp"
    finish "installed into .venv ($(wc -l <"$VENV/requirements.stamp") lines of requirements)"
  fi
  # Every Python check runs this interpreter (check-python.sh, the CLI and e2e tests).
  export CF_PYTHON="$VENV/bin/python"
fi

tools_wait

# 7. Crates, so every build below can run --offline
begin "crates"
(cd "$ROOT" && cargo fetch --quiet)
finish "fetched"

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}"
export TRUNK_SKIP_VERSION_CHECK=true
say "tools ready in $(seconds_since "$SETUP_T0"): $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')${CF_PYTHON:+, $("$CF_PYTHON" --version)}"
