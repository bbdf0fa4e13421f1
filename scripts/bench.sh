#!/usr/bin/env bash
# `npm run bench`: pocketdynamo beside the databases users would pick
# instead (bench/compare.mjs, issue #8). Installs the benchmark's engines
# (scripts/setup.sh --bench), builds the package (npm run build:js), then runs
# the comparison; arguments go to bench/compare.mjs:
#   npm run bench -- --quick          N = 10,000 (bench/results/quick.*)
#   npm run bench                     N = 100,000 (bench/results/latest.*)
# Then the IndexedDB micro-benchmark (bench/idb-micro.mjs: parallel strict
# transactions, put cost by size, get vs getAll; bench/results/idb_micro.*),
# with --quick when the comparison ran --quick, and bench/server-bench.mjs:
# pocketdynamo's HTTP server beside dynalite's through the same SDK client
# (bench/results/server_bench*.md; --quick: fewer requests).
# Then bench/open-bench.mjs: open() until the first read and cold/warm reads
# after it at 10,000 and 100,000 items (--quick: 10,000), paged and eager,
# beside raw IndexedDB (bench/results/open.*; the databases are written once
# and kept under build/bench-open/).
# Last, bench/engines.mjs: pocketdynamo and raw IndexedDB in Chromium, Firefox
# and WebKit (bench/results/engines.*; --quick passed on).
# The native core benchmark is `npm run bench:core`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
bash scripts/setup.sh --bench
node scripts/build-package.mjs
node bench/compare.mjs "$@"
micro=()
for arg in "$@"; do [[ "$arg" == "--quick" ]] && micro+=(--quick); done
echo
node bench/idb-micro.mjs "${micro[@]}"
echo
node bench/server-bench.mjs "${micro[@]}"
echo
node bench/open-bench.mjs "${micro[@]}"
echo
node bench/engines.mjs "${micro[@]}"
