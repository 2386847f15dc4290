#!/usr/bin/env bash
# Builds the npm package in pkg/: the wasm translator (size-optimised release profile,
# wasm-bindgen --target web, wasm-opt) plus the default weights, and prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

weights=${UFDN_WEIGHTS:-assets/default.ufdn}
[ -f "$weights" ] || { echo "error: default weights $weights not found (set UFDN_WEIGHTS=FILE)" >&2; exit 1; }

cargo rustc --lib --profile wasm-release --target wasm32-unknown-unknown --crate-type cdylib
out_dir=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release
wasm=$out_dir/ufdn.wasm
optimised=$out_dir/ufdn.opt.wasm
bindgen_out=$out_dir/bindgen
if [ ! -f "$optimised" ] || [ "$wasm" -nt "$optimised" ]; then
  rm -rf "$bindgen_out"
  wasm-bindgen --target web --out-dir "$bindgen_out" --out-name ufdn "$wasm"
  # The features rustc enables by default for wasm32-unknown-unknown, and SIMD128 (.cargo/config.toml).
  node_modules/.bin/wasm-opt -O --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
    "$bindgen_out/ufdn_bg.wasm" -o "$optimised"
fi
rm -rf pkg/snippets
cp -r "$bindgen_out"/snippets "$bindgen_out"/ufdn.js "$bindgen_out"/ufdn.d.ts "$bindgen_out"/ufdn_bg.wasm.d.ts pkg/
cp "$optimised" pkg/ufdn_bg.wasm
cp "$weights" pkg/default.ufdn

size() { printf '%-20s %10d bytes raw %10d bytes gzip\n' "$1" "$(stat -c %s "$2")" "$(gzip -9 -c "$2" | wc -c)"; }
size "ufdn_bg.wasm" pkg/ufdn_bg.wasm
size "default.ufdn" pkg/default.ufdn
size "ufdn.js" pkg/ufdn.js
