#!/usr/bin/env bash
# Runs every test: formatting and lints, native engine/CLI/state tests, the wasm-bindgen tests in
# headless Chromium, then the end-to-end tests on the Trunk-built page, and the same page built for a
# sub-path and used offline.
# Installs whatever is missing first (see setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "the Python blocks of \"Copy as Python\" compile"
PYTHONPYCACHEPREFIX="$(mktemp -d)" "${CF_PYTHON:-python3}" -m py_compile crates/engine/src/python/*.py

step "clippy (native workspace, and the page for wasm32)"
cargo clippy --offline --workspace --all-targets -- -D warnings
cargo clippy --offline -p counterfact-web --target wasm32-unknown-unknown --all-targets -- -D warnings

step "API documentation builds without warnings (broken links, missing docs)"
RUSTDOCFLAGS="-D warnings" cargo doc --offline --no-deps --workspace

step "native tests: engine, CLI, page state"
cargo test --offline --workspace

step "wasm-bindgen tests in headless Chromium"
cargo test --offline -p counterfact-web --target wasm32-unknown-unknown

step "build the page with Trunk"
trunk build --release --offline

step "end-to-end tests on the built page (headless Chromium)"
CF_CLI="$ROOT/target/debug/counterfact" node tests/e2e/e2e.mjs dist

step "copy as Python: the generated scripts recompute the engine's numbers (pandas, statsmodels, causalml)"
CF_CLI="$ROOT/target/debug/counterfact" scripts/check-python.sh

step "the page deployed under a sub-path, offline after the first visit (service worker)"
trunk build --release --offline --public-url /counterfact/ --dist target/dist-subpath
node tests/e2e/offline.mjs target/dist-subpath /counterfact/

step "all tests passed"
