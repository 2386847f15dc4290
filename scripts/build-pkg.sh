#!/usr/bin/env bash
# Builds the npm package in pkg/: two wasm translators (size-optimised release profile,
# wasm-bindgen --target web, wasm-opt) plus the default weights, and prints the sizes.
# - ufdn.js + ufdn_bg.wasm: WebGPU and a single-threaded SIMD CPU path (stable Rust).
# - ufdn-threads.js + ufdn-threads_bg.wasm: the CPU path alone on a pool of Web Workers
#   (shared memory: wasm atomics, so nightly Rust rebuilds std with -Z build-std).
set -euo pipefail
cd "$(dirname "$0")/.."

weights=${UFDN_WEIGHTS:-assets/default.ufdn}
[ -f "$weights" ] || { echo "error: default weights $weights not found (set UFDN_WEIGHTS=FILE)" >&2; exit 1; }

target=${CARGO_TARGET_DIR:-target}
# The features rustc enables by default for wasm32-unknown-unknown, SIMD128, and for the
# threaded build atomics.
opt_features=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd
  --strip-debug --strip-producers --strip-target-features)

# wasm-bindgen and wasm-opt for the build in $1 (a cargo target dir), named $2.
bind() {
  local out_dir=$1/wasm32-unknown-unknown/wasm-release name=$2; shift 2
  local wasm=$out_dir/ufdn.wasm optimised=$out_dir/$name.opt.wasm bindgen_out=$out_dir/bindgen-$name
  if [ ! -f "$optimised" ] || [ "$wasm" -nt "$optimised" ]; then
    rm -rf "$bindgen_out"
    wasm-bindgen --target web --out-dir "$bindgen_out" --out-name "$name" "$wasm"
    node_modules/.bin/wasm-opt -O "${opt_features[@]}" "$@" "$bindgen_out/${name}_bg.wasm" -o "$optimised"
  fi
  cp -r "$bindgen_out"/snippets pkg/
  cp "$bindgen_out/$name.js" "$bindgen_out/$name.d.ts" "$bindgen_out/${name}_bg.wasm.d.ts" pkg/
  cp "$optimised" "pkg/${name}_bg.wasm"
}

cargo rustc --lib --profile wasm-release --target wasm32-unknown-unknown --crate-type cdylib

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
rustup component list --toolchain nightly --installed | grep -q '^rust-src' || rustup component add rust-src --toolchain nightly
# RUSTFLAGS replaces .cargo/config.toml's flags for this build, so SIMD128 is named again.
# The linker makes the memory shared and imported (the pool's workers receive it), up to the
# 4 GiB of wasm32, and exports the thread-local storage symbols wasm-bindgen sets up per thread.
link='--shared-memory --import-memory --max-memory=4294967296 --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base'
RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 $(printf -- ' -C link-arg=%s' $link)" \
  cargo +nightly rustc --lib --profile wasm-release --target wasm32-unknown-unknown --crate-type cdylib \
  --no-default-features --features threads -Z build-std=panic_abort,std --target-dir "$target/threads"

rm -rf pkg/snippets
bind "$target" ufdn
bind "$target/threads" ufdn-threads --enable-threads
cp "$weights" pkg/default.ufdn

size() { printf '%-20s %10d bytes raw %10d bytes gzip\n' "$1" "$(stat -c %s "$2")" "$(gzip -9 -c "$2" | wc -c)"; }
size "ufdn_bg.wasm" pkg/ufdn_bg.wasm
size "ufdn-threads_bg.wasm" pkg/ufdn-threads_bg.wasm
size "default.ufdn" pkg/default.ufdn
size "ufdn.js" pkg/ufdn.js
