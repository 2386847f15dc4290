#!/usr/bin/env bash
# The default model's recipe as one command: build the CLI, build the dataset from packaged
# photos (data/, unless it exists), train the web2 preset with configs/web2.toml, fine-tune
# it with configs/web2-sharp.toml (the detail loss), then with configs/web2-paint.toml
# (today's paint look), grow it into the web3 network and train that with
# configs/web3-detail.toml, train that on with configs/web3-crisp.toml (a louder detail
# loss), blend the fourth and fifth stages halfway (`ufdn blend`), export the blend in f16
# and evaluate it on the held-out split and frames.
#   scripts/train-default.sh [OUT]                  (default OUT: runs/web2)
#   scripts/train-default.sh [OUT] --from WEIGHTS   the stages after WEIGHTS' model: from the
#                                                   fourth for a web2 model, from the fifth
#                                                   for a web3 one
# The shipped model is the fifth stage and the blend run from the previous default model
# (v3, the fourth stage run from v2.2; see README):
#   git show 6a7bbf8:assets/default.ufdn > v3.ufdn && scripts/train-default.sh runs/web3 --from v3.ufdn
# Interrupted? Run it again (with the same arguments): each stage resumes from its
# checkpoint.ufdn.
# Writes OUT/weights.ufdn (first stage), OUT/sharp/ (second), OUT/paint/ (third),
# OUT/detail/ (fourth), OUT/crisp/ (fifth), OUT/blend.ufdn (the blend, f32),
# OUT/default.ufdn (the model as shipped in assets/) and OUT/eval/ (report.md, grid.png,
# grid-256.png).
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
# (sed reads all of `info`'s lines: a `grep -q` that stops at the first could cut its output
# short, and pipefail would then fail the test.)
if [ "$("$ufdn" info "$from" | sed -n 's/^preset: //p')" = web2 ]; then
  stage "$out/detail" configs/web3-detail.toml --init "$from"
  from=$out/detail/weights.ufdn
fi
stage "$out/crisp" configs/web3-crisp.toml --init "$from"
"$ufdn" blend "$from" "$out/crisp/weights.ufdn" --share 0.5 --data data/train --config configs/web3-crisp.toml \
  --out "$out/blend.ufdn"
"$ufdn" export --weights "$out/blend.ufdn" --out "$out/default.ufdn" --half
"$ufdn" eval --weights "$out/default.ufdn" --data data --out "$out/eval"
