#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for SECONDS each (default 30: the CI smoke run)
# on its committed corpus, with libFuzzer's limits on time per input and memory. New inputs
# go to fuzz/new/<target>; a crash, hang or over-large allocation fails the script and its
# input is saved under fuzz/artifacts/<target>. Installs nightly Rust and cargo-fuzz if missing.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(container weights image mix latent)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked

cd fuzz
cargo +nightly fuzz build --fuzz-dir .
for target in "${targets[@]}"; do
  mkdir -p "new/$target" "corpus/$target"
  echo "== fuzz $target for ${seconds}s"
  log="new/$target.log"
  status=0
  cargo +nightly fuzz run --fuzz-dir . "$target" "new/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  grep -E 'INFO: seed corpus|stat::number_of_executed_units|stat::peak_rss_mb|DONE|cov:.*ft:' "$log" | tail -4
  if [ "$status" -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz target $target failed (status $status): the input is under fuzz/artifacts/$target"
    exit 1
  fi
done
