// Awaited durable PutItem, two builds of web/ side by side (issue #13's
// "awaited PutItem p50 <= 2x one raw strict put"), in one Chromium page, in
// alternating rounds so that the machine's load falls on both alike:
//
//   node bench/awaited-ab.mjs [--base COMMIT[,COMMIT...]] [--rounds R] [--per N]
//
// A variant per base COMMIT (default main): its web/ with this build's wasm
// core; "new": dist/ (npm run build:js first). Each round: N awaited
// PutItems (default 100) on raw strict IndexedDB, each base and new in turn
// (the order reversed every other round), R rounds (default 10), then 1/2/3
// parallel strict commits to separate databases, and 2/3 with each database
// in a Storage Bucket of its own where the browser has them (Chromium).
// Prints p50/p99 of each and the machine's load average before and after.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DIST, REPO, startChromium } from '../tests/browser/harness.js';
import { benchSite, requireDist } from './support/bench-page.mjs';
import { options } from './support/options.mjs';

const opt = options();
const baseAt = process.argv.indexOf('--base');
const bases = (baseAt >= 0 ? process.argv[baseAt + 1] : 'main').split(',');
const rounds = opt.number('--rounds', 10);
const per = opt.number('--per', 100);
requireDist('awaited-ab');

const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-ab-base-'));
const mounts = {};
bases.forEach((base, i) => {
  const dir = path.join(tree, String(i));
  fs.mkdirSync(dir);
  execFileSync('bash', ['-c', `git -C "${REPO}" archive ${base} web | tar -x -C "${dir}"`]);
  for (const f of ['pocketdynamo-core.js', 'pocketdynamo-core.wasm']) {
    fs.copyFileSync(path.join(DIST, 'core', f), path.join(dir, 'web', 'core', f));
  }
  mounts[`/base${i}/`] = path.join(dir, 'web');
});
const site = await benchSite('awaited-ab-page.js', { mounts });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-ab-profile-'));
const chrome = await startChromium({ profile });
const load = [os.loadavg()[0]];
try {
  const page = await site.open(chrome.context);
  await page.evaluate(() => bench.openRaw('ab-raw'));
  for (const [i, base] of bases.entries()) {
    await page.evaluate(([v, url, name]) => bench.openVariant(v, url, name), [base, `/base${i}/index.js`, `ab-base${i}`]);
  }
  await page.evaluate(() => bench.openVariant('new', '/dist/index.js', 'ab-new'));
  const order = ['raw', ...bases, 'new'];
  for (const v of order) await page.evaluate(([x, n]) => bench.round(x, n), [v, 20]);   // warm-up
  await page.evaluate(() => bench.reset());   // the warm-up is not counted
  const started = Date.now();
  const timed = {};
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 ? [...order].reverse() : order) await page.evaluate(([x, n]) => bench.round(x, n), [v, per]);
  }
  Object.assign(timed, await page.evaluate(() => bench.results()));
  const par = await page.evaluate((n) => bench.parallelStrict(n), 200);
  load.push(os.loadavg()[0]);
  await page.evaluate(() => bench.closeAll());
  const f = (x) => x.toFixed(2);
  console.log(`awaited PutItem, ${rounds} alternating rounds of ${per} (after 20 warm-up PutItems each), ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s, load average ${load.map((l) => l.toFixed(1)).join(' -> ')} ` +
    `(${os.cpus().length} CPUs):`);
  for (const v of order) {
    const t = timed[v];
    console.log(`  ${v.padEnd(8)} p50 ${f(t.p50)} ms  p99 ${f(t.p99)} ms  (n ${t.n})  p50/raw ${f(t.p50 / timed.raw.p50)}`);
  }
  for (const k of [1, 2, 3, '2b', '3b']) {
    const p = par[k];
    if (!p) continue;
    const where = String(k).endsWith('b') ? ', each database in a Storage Bucket of its own' : '';
    if (p.stalled) {
      console.log(`  ${parseInt(k, 10)} parallel strict commit(s), 328 B${where}: STALLED (${p.stalled})`);
      continue;
    }
    console.log(`  ${parseInt(k, 10)} parallel strict commit(s), 328 B${where}: all p50 ${f(p.all.p50)} ms` +
      (p.second ? `, second done p50 ${f(p.second.p50)} ms` : ''));
  }
  console.log(JSON.stringify({ bases, rounds, per, load, timed, parallel: par }));
} finally {
  await chrome.close();
  await site.close();
  fs.rmSync(profile, { recursive: true, force: true });
  fs.rmSync(tree, { recursive: true, force: true });
}
