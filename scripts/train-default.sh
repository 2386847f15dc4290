#!/usr/bin/env bash
# The default model's recipe as one command: build the CLI, build the dataset from packaged
# photos (data/, unless it exists), train the web2 preset with configs/web2.toml, fine-tune
# it with configs/web2-sharp.toml (the detail loss), then with configs/web2-paint.toml
# (today's paint look), grow it into the web3 network and train that with
# configs/web3-detail.toml, export it in f16 and evaluate it on the held-out split and frames.
#   scripts/train-default.sh [OUT]                  (default OUT: runs/web2)
#   scripts/train-default.sh [OUT] --from WEIGHTS   fourth stage only, from WEIGHTS' E and G
# The shipped model is the fourth stage run from the previous default model (v2.2, the
# third stage run from v2.1, whose first two stages saw earlier paint and sketch filters):
#   git show 9ff389d:assets/default.ufdn > v2.2.ufdn && scripts/train-default.sh runs/web2 --from v2.2.ufdn
# Interrupted? Run it again (with the same arguments): each stage resumes from its
# checkpoint.ufdn.
# Writes OUT/weights.ufdn (first stage), OUT/sharp/ (second), OUT/paint/ (third),
# OUT/detail/ (fourth), OUT/default.ufdn (the model as shipped in assets/) and OUT/eval/
# (report.md, grid.png, grid-256.png).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/web2}
from=
if [ $# -ge 3 ] && [ "$2" = --from ]; then
  from=$3
  [ -f "$from" ] || { echo "--from $from: no such weights file" >&2; exit 2; }
elif [ $# -ge 2 ]; then
  echo "usage: scripts/train-default.sh [OUT] [--from WEIGHTS]" >&2
  exit 2
fi

cargo build --release --locked
ufdn=${CARGO_TARGET_DIR:-target}/release/ufdn

[ -d data/train ] || "$ufdn" data build --out data --size 128 --crops 24
# Continues a stage from its checkpoint, or starts it with the given arguments.
stage() {
  local dir=$1 config=$2; shift 2
  local start=(--resume)
  [ -f "$dir/checkpoint.ufdn" ] || start=("$@")
  local t0=$(date +%s)
  "$ufdn" train --data data/train --out "$dir" --config "$config" "${start[@]}"
  echo "$dir: this leg took $(( $(date +%s) - t0 )) s"
}
if [ -z "$from" ]; then
  stage "$out" configs/web2.toml
  stage "$out/sharp" configs/web2-sharp.toml --init "$out/weights.ufdn"
  stage "$out/paint" configs/web2-paint.toml --init "$out/sharp/weights.ufdn"
  from=$out/paint/weights.ufdn
fi
stage "$out/detail" configs/web3-detail.toml --init "$from"
"$ufdn" export --weights "$out/detail/weights.ufdn" --out "$out/default.ufdn" --half
"$ufdn" eval --weights "$out/default.ufdn" --data data --out "$out/eval"
