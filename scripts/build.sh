#!/usr/bin/env bash
# `npm run build`: the WebAssembly build of the library (build/wasm, without
# the doctest suites), then the JS package build (npm run build:js).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/build-wasm.sh --no-tests "$@"
npm run --silent build:js
