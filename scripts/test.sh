#!/usr/bin/env bash
# `npm test`: setup, native (ASan/UBSan) and wasm doctest suites, JS and
# browser tests, ending with one line "N passed, M failed". The runner is
# scripts/test.mjs; its header lists the parts and options, e.g.
#   npm test -- native --area pager
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec node scripts/test.mjs "$@"
