#!/usr/bin/env bash
# Installs what pocketdynamo needs on a Debian 12 machine, and nothing else.
#
#   bash scripts/setup.sh        (npm test and npm start call it first)
#   bash scripts/setup.sh --bench (npm run bench: also step 4)
#
# Idempotent and quiet: when everything is present it prints nothing and
# exits 0. It checks, in order:
#   1. Node.js >= 20 (package.json "engines"). Debian 12 ships Node 18, so this
#      one is not installed here: the script says so and exits 1.
#   2. apt packages (checked with dpkg-query): cmake make g++ emscripten
#      nlohmann-json3-dev doctest-dev chromium python3-boto3 awscli (the last two:
#      tests/js/server-clients.test.js talks to the server with them),
#      firefox-esr webkit2gtk-driver xvfb python3-gi gir1.2-webkit2-4.1
#      gir1.2-gtk-3.0 (the browser suites' other engines: Firefox runs
#      headless; WebKitGTK runs in tests/browser/webkit-browser.py, a GTK
#      window, on an Xvfb display), clang-format (the C++ format check,
#      scripts/check-format.sh). make is listed because cmake
#      only recommends it and we install without recommends. If any is
#      missing: as root, `apt-get update` then `apt-get install`; otherwise
#      print the exact command to run and exit 1.
#   3. npm packages: `npm ci` when package-lock.json lists packages and
#      node_modules is missing or older than package-lock.json (compared with
#      node_modules/.package-lock.json, which npm writes on every install).
#   4. with --bench only: the engines `npm run bench` compares with (Dexie,
#      PGlite, sql.js, dynalite), pinned in bench/compare/package.json and its
#      lockfile, by the same rule in bench/compare/ (kept apart so that npm
#      test and the published package never pull them in). dynalite's
#      classic-level loads the prebuilt linux-x64 binary it ships: nothing is
#      compiled.
#
# Debian's emscripten ships its system libraries prebuilt (FROZEN_CACHE in
# /usr/share/emscripten/.emscripten), so there is no cache to build here.
# Exit status: 0 when everything is present afterwards, 1 otherwise.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    *) echo "setup: unknown argument $arg (usage: scripts/setup.sh [--bench])" >&2; exit 2 ;;
  esac
done
apt_packages=(cmake make g++ emscripten nlohmann-json3-dev doctest-dev chromium python3-boto3 awscli
  firefox-esr webkit2gtk-driver xvfb python3-gi gir1.2-webkit2-4.1 gir1.2-gtk-3.0 clang-format)
min_node_major=20

say() { echo "setup: $*" >&2; }

# --- 1. Node.js -------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  say "Node.js ${min_node_major} or newer is required and 'node' is not on PATH."
  say "Debian 12's own nodejs package is version 18; install Node.js ${min_node_major}+ (e.g. from NodeSource) first."
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < min_node_major )); then
  say "Node.js $(node --version) is too old: package.json requires >= ${min_node_major}."
  exit 1
fi

# --- 2. apt packages --------------------------------------------------------
missing=()
for pkg in "${apt_packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if (( ${#missing[@]} > 0 )); then
  install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if (( EUID != 0 )); then
    say "missing Debian packages: ${missing[*]}"
    say "run as root:"
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive $install_cmd" >&2
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# --- 3. npm packages --------------------------------------------------------
cd "$repo"
if [[ -f package-lock.json ]]; then
  # A lockfile without dependencies makes `npm ci` create no node_modules at
  # all, so "node_modules is missing" would stay true forever: skip it.
  lock_has_packages="$(node -e '
    const lock = JSON.parse(require("fs").readFileSync("package-lock.json", "utf8"));
    const names = Object.keys(lock.packages || {}).filter((k) => k !== "");
    process.stdout.write(names.length > 0 ? "yes" : "no");
  ')"
  if [[ "$lock_has_packages" == "yes" ]]; then
    stamp="node_modules/.package-lock.json"
    if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
      say "installing npm packages (npm ci)"
      npm ci --no-audit --no-fund --loglevel=error </dev/null >&2
    fi
  fi
fi

# --- 4. the benchmark's engines (--bench) -------------------------------------
if (( bench )); then
  cd "$repo/bench/compare"
  stamp="node_modules/.package-lock.json"
  if [[ ! -d node_modules || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
    say "installing the benchmark's engines (npm ci in bench/compare)"
    npm ci --no-audit --no-fund --loglevel=error </dev/null >&2
  fi
fi
