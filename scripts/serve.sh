#!/usr/bin/env bash
# README's first command: installs what is missing, builds the npm package (pkg/) with the
# default model, and serves the page (www/) on http://127.0.0.1:${PORT:-8080}/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-pkg.sh
exec node scripts/serve.mjs "${PORT:-8080}"
