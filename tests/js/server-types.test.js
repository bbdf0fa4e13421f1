// Compile-only test of the server's typings: `tsc --noEmit -p
// tests/js/server-types` over server-types/check.ts, which imports the BUILT
// package's pocketdynamo/server, /vitest and /jest (package.json "exports"
// -> dist/server/*.d.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('server typings compile (tsc --noEmit)', () => {
  const res = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(here, 'server-types')], { encoding: 'utf8' });
  assert.equal(res.status, 0, `tsc failed:\n${res.stdout}${res.stderr}`);
});
