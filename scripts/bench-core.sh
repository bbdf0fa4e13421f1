#!/usr/bin/env bash
# `npm run bench:core`: builds bench/core_bench natively in Release
# (build/release: -O3, no sanitizers, no tests) and runs it. Arguments are
# passed to the benchmark: npm run bench:core -- <args>.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
cmake --preset release >/dev/null   # CMakePresets.json: build/release
cmake --build build/release -j "${PD_JOBS:-2}" --target core_bench
exec build/release/bench/core_bench "$@"
