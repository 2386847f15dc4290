#!/usr/bin/env bash
# Installs what building and testing ufdn needs on a bare Debian machine with rustup, Node.js
# and npm: Mesa's Vulkan driver (wgpu on CPU-only machines), Chromium (browser tests), ffmpeg
# (fake webcam video), the wasm32 target, wasm-bindgen-cli matching Cargo.lock, onnxruntime for
# Python, and the npm packages of the browser tests and the wasm optimiser. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in mesa-vulkan-drivers chromium ffmpeg; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
rustup component add rustfmt clippy >/dev/null 2>&1 || rustup component add rustfmt clippy

want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, "", $0); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
  cargo install wasm-bindgen-cli --version "$want" --locked 2>/dev/null \
    || cargo install wasm-bindgen-cli --version "$want"
fi

# onnxruntime (Python, CPU) runs the `ufdn export --onnx` test and the native anchor of
# scripts/bench-anchors.mjs.
python3 -c 'import onnxruntime, numpy' 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check onnxruntime==1.32.0 numpy

[ -d node_modules ] || npm ci --no-audit --no-fund
