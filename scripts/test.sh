#!/usr/bin/env bash
# README's second command: installs what is missing, then runs every test: the Rust unit and
# integration tests (native CLI included), then the real-browser tests of the wasm package.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --locked
cargo test --release --locked
scripts/build-pkg.sh
node --test --test-concurrency=1 tests/browser/
