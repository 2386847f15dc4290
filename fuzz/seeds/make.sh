#!/usr/bin/env bash
# Writes the seeds of the `container` and `weights` fuzz targets: the tiny model of tiny.toml
# trained for 2 steps on the test fixtures' photos, as a checkpoint and as f32 and f16
# weights, each also in the first container layout (no checksums), which still loads and so
# lets mutations reach the header and parameters without failing a checksum first.
#   fuzz/seeds/make.sh   (from the repository root, after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
ufdn=target/release/ufdn
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ufdn" data build --photos tests/fixtures/photos --out "$work/data" --size 24 --crops 1 >/dev/null
"$ufdn" train --no-progress --data "$work/data" --out "$work/run" --config fuzz/seeds/tiny.toml >/dev/null
"$ufdn" export --weights "$work/run/checkpoint.ufdn" --out "$work/f32.ufdn"
"$ufdn" export --weights "$work/run/checkpoint.ufdn" --out "$work/f16.ufdn" --half
for target in container weights; do
  for file in checkpoint f32 f16; do
    src="$work/$file.ufdn"
    [ "$file" = checkpoint ] && src="$work/run/checkpoint.ufdn"
    cp "$src" "fuzz/corpus/$target/seed-$file"
    # The first layout: magic UFDNPACK and no header checksum word.
    { printf 'UFDNPACK'; head -c 12 "$src" | tail -c 4; tail -c +17 "$src"; } >"fuzz/corpus/$target/seed-$file-unchecked"
  done
done
