#!/usr/bin/env bash
# `npm run bench:core`: builds bench/core_bench natively in Release
# (build/release: -O3, no sanitizers, no tests) and runs it. Arguments are
# passed to the benchmark: npm run bench:core -- <args>.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
if [[ ! -f bench/core_bench.cc ]]; then
  echo "bench-core: bench/core_bench.cc does not exist yet" >&2
  exit 1
fi
cmake -S "$repo" -B build/release -DCMAKE_BUILD_TYPE=Release -DPD_SANITIZE=OFF \
  -DPD_TESTS=OFF -DPD_BENCH=ON >/dev/null
cmake --build build/release -j "${PD_JOBS:-2}" --target core_bench
exec build/release/bench/core_bench "$@"
