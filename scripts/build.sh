#!/usr/bin/env bash
# `npm run build`: the WebAssembly build of the library (build/wasm, without
# the doctest suites), then the JS package build when package.json defines a
# "build:js" script (it does not exist yet; the JS package adds it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/build-wasm.sh --no-tests "$@"
if node -e 'process.exit(require("./package.json").scripts?.["build:js"] ? 0 : 1)'; then
  npm run --silent build:js
fi
