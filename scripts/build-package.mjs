// Builds the npm package layout in dist/ (what package.json "exports" and
// "files" point at), as `npm run build:js` (and `npm run build`) do:
//
//   node scripts/build-package.mjs [--wasm-dir DIR] [--skip-wasm]
//
//   1. builds the wasm module (CMake target pocketdynamo-core, wasm-bindings/)
//      in DIR with Emscripten: DIR defaults to $PD_WASM_DIR or build/wasm;
//      an unconfigured DIR is configured with scripts/build-wasm.sh --no-tests
//      (Release). --skip-wasm uses what DIR already holds.
//   2. replaces dist/ with a copy of web/ (ES modules + hand-written .d.ts),
//      plus DIR/dist/pocketdynamo-core.{js,wasm} in dist/core/ (dist/ is
//      swapped whole, never left half-written).
// Exit status non-zero when a step fails, with the reason on stderr.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let wasmDir = process.env.PD_WASM_DIR || 'build/wasm';
let skipWasm = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--wasm-dir' && i + 1 < args.length) wasmDir = args[++i];
  else if (args[i] === '--skip-wasm') skipWasm = true;
  else fail(`unknown argument ${JSON.stringify(args[i])}`);
}
wasmDir = path.resolve(repo, wasmDir);

function fail(message) {
  console.error(`build-package: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs) {
  const res = spawnSync(cmd, cmdArgs, { cwd: repo, stdio: 'inherit' });
  if (res.status !== 0) fail(`${cmd} ${cmdArgs.join(' ')} failed (${res.error?.message ?? `exit ${res.status}`})`);
}

if (!skipWasm) {
  if (!fs.existsSync(path.join(wasmDir, 'CMakeCache.txt'))) {
    run('bash', ['scripts/build-wasm.sh', '--dir', wasmDir, '--no-tests', '--configure-only']);
  }
  run('cmake', ['--build', wasmDir, '--target', 'pocketdynamo-core', '-j', process.env.PD_JOBS || '2']);
}

const glue = path.join(wasmDir, 'dist', 'pocketdynamo-core.js');
const wasm = path.join(wasmDir, 'dist', 'pocketdynamo-core.wasm');
for (const file of [glue, wasm]) if (!fs.existsSync(file)) fail(`${file} is missing: build the wasm first`);

// Assembled beside dist/ and swapped in with two renames, so that a test run
// reading dist/ meanwhile (the work tree may be shared) sees the old or the
// new package, never a half-copied one.
const dist = path.join(repo, 'dist');
const fresh = path.join(repo, 'build', `dist.new-${process.pid}`);  // build/ is ignored by git
const stale = path.join(repo, 'build', `dist.old-${process.pid}`);
fs.mkdirSync(path.dirname(fresh), { recursive: true });
fs.rmSync(fresh, { recursive: true, force: true });
fs.cpSync(path.join(repo, 'web'), fresh, { recursive: true });
fs.copyFileSync(glue, path.join(fresh, 'core', 'pocketdynamo-core.js'));
fs.copyFileSync(wasm, path.join(fresh, 'core', 'pocketdynamo-core.wasm'));
if (fs.existsSync(dist)) fs.renameSync(dist, stale);
fs.renameSync(fresh, dist);
fs.rmSync(stale, { recursive: true, force: true });
const kib = (fs.statSync(wasm).size / 1024).toFixed(0);
console.log(`build-package: dist/ ready (pocketdynamo-core.wasm ${kib} KiB)`);
