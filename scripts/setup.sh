#!/usr/bin/env bash
# Installs what building and testing Counterfact needs, skipping whatever is already there:
#   the wasm32 Rust target, Trunk, wasm-bindgen-cli (the version Cargo.lock pins), Node tools
#   (wasm-opt from binaryen, playwright-core), Debian's chromium + chromium-driver, and the crates.
# Safe to run again: on a machine that has everything it takes a few seconds.
# Meant to be sourced by serve.sh / test.sh (it exports PATH); running it directly also works.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"   # trunk 0.22 needs a newer rustc than 1.95
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v cargo >/dev/null || { echo "Rust (cargo) is required: install it with rustup first" >&2; exit 1; }

# 1. wasm32 target
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages: headless Chromium and its WebDriver (browser tests), hyperfine (benchmarks)
missing=()
for pkg in chromium chromium-driver; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# 3. Trunk (a debug build of the tool installs in half the time and builds just as fast)
if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  # --force: cargo's own record may claim it is installed when the binary is gone or differs
  cargo install trunk --version "$TRUNK_VERSION" --locked --debug --force
  [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]] || { echo "trunk $TRUNK_VERSION did not install" >&2; exit 1; }
fi

# 4. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB_VERSION" ]]; then
  say "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
  [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $WB_VERSION" ]] \
    || { echo "wasm-bindgen-cli $WB_VERSION did not install" >&2; exit 1; }
fi

# 5. Node tools: wasm-opt 132 (older binaryens cannot read wasm-bindgen's output) and playwright-core
# (node_modules/.lock-stamp is the package-lock.json the last `npm ci` installed)
if [[ ! -x "$ROOT/node_modules/.bin/wasm-opt" || ! -d "$ROOT/node_modules/playwright-core" ]] \
   || ! cmp -s "$ROOT/package-lock.json" "$ROOT/node_modules/.lock-stamp" 2>/dev/null; then
  say "installing Node tools (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$ROOT/package-lock.json" "$ROOT/node_modules/.lock-stamp"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"

# 6. Crates, so every build below can run --offline
(cd "$ROOT" && cargo fetch --quiet)

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}"
export TRUNK_SKIP_VERSION_CHECK=true
say "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"
