#!/usr/bin/env bash
# The C++ formatting check of `npm test` (part lint): clang-format
# (.clang-format: Google style, 100 columns) over the C++ LINES changed
# since this script was added, in core/ tests/cpp/ bench/ wasm-bindings/.
# Older code is not reformatted wholesale (that would collide with every
# open branch); it gets formatted as it is touched.
#
#   bash scripts/check-format.sh           prints the diff clang-format wants; exit 1 if any
#   git clang-format-14 <commit>           formats your changed lines since <commit> in place
#
# Exit status: 0 clean (or clang-format / history unavailable: says so), 1 otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tool="$(command -v git-clang-format-14 || command -v git-clang-format || true)"
if [[ -z "$tool" ]] || ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is not installed (scripts/setup.sh installs it): skipped"
  exit 0
fi
base="$(git log --diff-filter=A --format=%H -- scripts/check-format.sh 2>/dev/null | tail -1 || true)"
if [[ -z "$base" ]] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "check-format: the commit that added this script is not in the history (shallow clone?): skipped"
  exit 0
fi
out="$("$tool" --binary "$(command -v clang-format)" --diff --extensions cc,h "$base" -- core tests/cpp bench wasm-bindings 2>&1 || true)"
if grep -q '^diff --git' <<<"$out"; then
  echo "$out"
  echo "check-format: the C++ lines above are not formatted as .clang-format says; run: $(basename "$tool") $base"
  exit 1
fi
echo "check-format: the C++ changed since ${base:0:12} is formatted"
