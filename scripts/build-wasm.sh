#!/usr/bin/env bash
# Configures and builds the WebAssembly build with Debian's Emscripten.
#
#   bash scripts/build-wasm.sh [--dir DIR] [--no-tests] [--configure-only]
#                              [--target NAME]... [-DVAR=VALUE]...
#
#   --dir DIR         build directory, relative to the repo root or absolute
#                     (default build/wasm)
#   --no-tests        configure with PD_TESTS=OFF: the library and the
#                     wasm-bindings only (npm run build / npm start)
#   --configure-only  stop after the CMake configure step
#   --target NAME     build only NAME (repeatable; default: every target)
#   -DVAR=VALUE       passed to the configure step
#
# It configures with the CMake preset 'wasm' (CMakePresets.json: Release,
# what the package ships; benchmarks off) under emcmake, in DIR. With the
# default options the doctest suites come out as
# DIR/tests/cpp/<area>_test.js (+ .wasm), each run by `node <area>_test.js`.
#
# Debian's emcc runs its own JS tools with node and needs NODE_PATH to find
# node-acorn: the top-level CMakeLists.txt gives it to every wasm link
# (PD_EMSCRIPTEN_NODE_PATH), so no script sets it. The system libraries
# (libc, libc++ with wasm exceptions, ...) come prebuilt with Debian's
# emscripten package (FROZEN_CACHE), so even the first run builds no cache.
# Exit status: 0 on success, non-zero when configure or build fails.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="build/wasm"
tests="ON"
configure_only=0
targets=()
defines=()
while (( $# > 0 )); do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --no-tests) tests="OFF"; shift ;;
    --configure-only) configure_only=1; shift ;;
    --target) targets+=("$2"); shift 2 ;;
    -D*) defines+=("$1"); shift ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build-wasm: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$dir" == /* ]] || dir="$repo/$dir"

for tool in emcmake em++ cmake node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-wasm: '$tool' not found: run scripts/setup.sh" >&2
    exit 1
  fi
done

jobs="${PD_JOBS:-2}"

# The configure step is quiet unless it fails (emcmake echoes its command line).
if ! configure_log="$(cd "$repo" && emcmake cmake --preset wasm -B "$dir" -DPD_TESTS="$tests" "${defines[@]}" 2>&1)"; then
  echo "$configure_log" >&2
  echo "build-wasm: configure failed" >&2
  exit 1
fi
if (( configure_only )); then
  exit 0
fi

build=(cmake --build "$dir" -j "$jobs")
if (( ${#targets[@]} > 0 )); then
  build+=(--target "${targets[@]}")
fi
"${build[@]}"
