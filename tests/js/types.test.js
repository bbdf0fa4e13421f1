// Compile-only test of the package's typings: `tsc --noEmit -p tests/js/types`
// over types/check.ts, which imports the BUILT package ('pocketdynamo',
// resolved through package.json "exports" -> dist/*.d.ts) and the AWS SDK.
// @ts-expect-error lines in check.ts make wrong calls part of the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('typings compile (tsc --noEmit)', () => {
  const res = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(here, 'types')], { encoding: 'utf8' });
  assert.equal(res.status, 0, `tsc failed:\n${res.stdout}${res.stderr}`);
});
