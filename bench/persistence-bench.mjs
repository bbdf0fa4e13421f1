// Persistence benchmark in Debian's Chromium (or the engine PD_BROWSER names:
// firefox, webkit; see tests/browser/harness.js and bench/engines.mjs): pocketdynamo writing every
// commit to three IndexedDB replicas (two must confirm, strict durability)
// beside raw IndexedDB doing the equivalent work in one database, in the
// same browser run, with the ratios.
//
//   npm run bench:persist                 (builds the package first)
//   node bench/persistence-bench.mjs [--quick] [--items N] [--json] [--before [COMMIT]]
//
// --before: also runs the pocketdynamo cases with the release before storage
// v2 (COMMIT, default the layout-1 fixtures' release: its web/ with this
// build's wasm core), in the same browser run, and writes the before/after
// table with the machine load to bench/results/persistence_v2.md (.json).
//
// Cases (items of ~250 bytes; --items N, default 100,000; --quick: 10,000):
//   bulk load     N PutItems issued at once (group commit) | raw: N puts in
//                 transactions of 1,000, all issued at once
//   sequential    1,000 PutItems, each awaited: p50, p99 | raw: 1,000
//                 single-put transactions, each awaited
//   un-awaited    10,000 PutItems issued at once | raw: 10,000 single-put
//                 transactions issued at once
//   open          open() of the loaded database in a fresh page (reads the
//                 three heads and every page of one replica, verifies them,
//                 opens the core), and until the background scan has checked
//                 the other two | raw: opening the connection, and reading
//                 every record (getAll)
// Ratios are pocketdynamo / raw (for times: > 1 means slower). With --json
// the last line is the whole result as JSON.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { DIST, REPO, startChromium } from '../tests/browser/harness.js';
import { benchSite, requireDist } from './support/bench-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const itemsArg = args.indexOf('--items');
const items = itemsArg >= 0 ? Number(args[itemsArg + 1]) : quick ? 10_000 : 100_000;
const beforeArg = args.indexOf('--before');
const before = beforeArg >= 0 ? (args[beforeArg + 1] && !args[beforeArg + 1].startsWith('--') ? args[beforeArg + 1] : '938cb54') : null;
const SEQUENTIAL = 1000;
const UNAWAITED = 10_000;

requireDist('persistence-bench');

const mounts = {};
let releaseTree = null;
if (before) {
  releaseTree = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-bench-release-'));
  execFileSync('bash', ['-c', `git -C "${REPO}" archive ${before} web | tar -x -C "${releaseTree}"`]);
  for (const f of ['pocketdynamo-core.js', 'pocketdynamo-core.wasm']) {
    fs.copyFileSync(path.join(DIST, 'core', f), path.join(releaseTree, 'web', 'core', f));
  }
  mounts['/release/'] = path.join(releaseTree, 'web');
}
const site = await benchSite('persistence-page.js', { mounts });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-bench-profile-'));
const chrome = await startChromium({ profile });

async function freshPage(use = '/dist/index.js') {
  const page = await site.open(chrome.context);
  await page.evaluate((url) => bench.pdUse(url), use);
  return page;
}

// Bytes stored between two navigator.storage.estimate() readings; NaN where the engine has none (WebKitGTK).
const usedSince = (before, after) => (before == null || after == null ? NaN : after - before);
const log = (text) => { if (!asJson) console.log(text); };
const loadStart = os.loadavg();
const result = { items, sequential: SEQUENTIAL, unawaited: UNAWAITED, chromium: '', pocketdynamo: {}, raw: {},
  before: before ? { commit: before } : null, machine: { cpus: os.cpus().length, loadavgStart: loadStart } };

// The pocketdynamo cases with the package at `use`, database `name`: fills `pd`.
async function pdCases(pd, use, name, label) {
  let page = await freshPage(use);
  const usage0 = await page.evaluate(() => bench.usage());
  pd.create = await page.evaluate((n) => bench.pdOpenFresh(n), name);
  pd.bulk = await page.evaluate((n) => bench.pdBulk(n), items);
  log(`  ${label} bulk load: ${pd.bulk.ms.toFixed(0)} ms in ${pd.bulk.commits} commits`);
  pd.healthyAfterBulk = await page.evaluate(() => bench.pdWhenHealthy());
  pd.sequential = await page.evaluate((n) => bench.pdSequential(n), SEQUENTIAL);
  log(`  ${label} sequential: p50 ${pd.sequential.p50.toFixed(2)} ms, p99 ${pd.sequential.p99.toFixed(2)} ms`);
  pd.unawaited = await page.evaluate((n) => bench.pdBulk(n, 'many-'), UNAWAITED);
  log(`  ${label} un-awaited: ${pd.unawaited.ms.toFixed(0)} ms in ${pd.unawaited.commits} commits`);
  pd.healthy = await page.evaluate(() => bench.pdWhenHealthy());
  await page.evaluate(() => bench.pdClose());
  pd.storageBytes = usedSince(usage0, await page.evaluate(() => bench.usage()));
  await page.close();
  page = await freshPage(use);
  pd.open = await page.evaluate((n) => bench.pdReopen(n), name);
  log(`  ${label} open: ${pd.open.ms.toFixed(0)} ms, first read ${pd.open.firstReadMs.toFixed(0)} ms ` +
    `(replicas verified: ${pd.open.readyMs.toFixed(0)} ms); storage ${(pd.storageBytes / 1048576).toFixed(1)} MiB`);
  await page.evaluate(() => bench.pdClose());
  await page.evaluate((n) => bench.deleteDatabases(`${n}#`), name);
  await page.close();
}

try {
  let page = await freshPage();
  // The browser (the harness's PD_BROWSER engine: bench/engines.mjs runs this in each).
  result.browser = await page.evaluate(() => navigator.userAgent.match(/(Chrome|Firefox)\/[\d.]+/)?.[0] ??
    navigator.userAgent.match(/AppleWebKit\/[\d.]+/)?.[0] ?? navigator.userAgent);
  result.chromium = result.browser;
  log(`persistence benchmark: ${items.toLocaleString('en')} items of ~250 bytes, ${result.browser}, ${os.cpus().length} CPU(s), ` +
    `load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  await page.close();

  if (before) await pdCases(result.before, '/release/index.js', 'before', `before (${before})`);
  await pdCases(result.pocketdynamo, '/dist/index.js', 'bench', 'pocketdynamo');

  // raw IndexedDB
  page = await freshPage();
  const raw = result.raw;
  const usage0 = await page.evaluate(() => bench.usage());
  raw.create = await page.evaluate(() => bench.rawOpenFresh('raw-bench'));
  raw.bulk = await page.evaluate((n) => bench.rawBulk(n), items);
  log(`  raw IndexedDB bulk load: ${raw.bulk.ms.toFixed(0)} ms in ${raw.bulk.transactions} transactions`);
  raw.sequential = await page.evaluate((n) => bench.rawSequential(n), SEQUENTIAL);
  log(`  raw IndexedDB sequential: p50 ${raw.sequential.p50.toFixed(2)} ms, p99 ${raw.sequential.p99.toFixed(2)} ms`);
  raw.unawaited = await page.evaluate((n) => bench.rawUnawaited(n), UNAWAITED);
  log(`  raw IndexedDB un-awaited: ${raw.unawaited.ms.toFixed(0)} ms`);
  await page.evaluate(() => bench.rawClose());
  raw.storageBytes = usedSince(usage0, await page.evaluate(() => bench.usage()));
  await page.close();
  page = await freshPage();
  raw.open = await page.evaluate(() => bench.rawReopen('raw-bench'));
  await page.evaluate(() => bench.rawClose());
  await page.close();
} finally {
  await chrome.close();
  await site.close();
  fs.rmSync(profile, { recursive: true, force: true });
  if (releaseTree) fs.rmSync(releaseTree, { recursive: true, force: true });
}
result.machine.loadavgEnd = os.loadavg();

const pd = result.pocketdynamo;
const raw = result.raw;
const rows = [
  ['bulk load, items/s', items / (pd.bulk.ms / 1000), items / (raw.bulk.ms / 1000), 'rate'],
  ['sequential PutItem p50, ms', pd.sequential.p50, raw.sequential.p50, 'time'],
  ['sequential PutItem p99, ms', pd.sequential.p99, raw.sequential.p99, 'time'],
  [`${UNAWAITED.toLocaleString('en')} un-awaited PutItems, ms`, pd.unawaited.ms, raw.unawaited.ms, 'time'],
  ['open, ms (raw: connection)', pd.open.ms, raw.open.ms, 'time'],
  ['open, ms (raw: connection + read all)', pd.open.ms, raw.open.loadMs, 'time'],
];
result.ratios = Object.fromEntries(rows.map(([name, a, b]) => [name, a / b]));
if (asJson) {
  console.log(JSON.stringify(result));
} else {
  console.log('');
  console.log(`${'case'.padEnd(42)}${'pocketdynamo'.padStart(14)}${'raw IndexedDB'.padStart(15)}${'ratio'.padStart(9)}`);
  for (const [name, a, b] of rows) {
    const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
    console.log(`${name.padEnd(42)}${fmt(a).padStart(14)}${fmt(b).padStart(15)}${(a / b).toFixed(2).padStart(9)}`);
  }
  console.log(`\npocketdynamo: bulk load in ${pd.bulk.commits} commits, ${UNAWAITED.toLocaleString('en')} un-awaited in ` +
    `${pd.unawaited.commits} commits; database ${(pd.healthy.bytes / 1048576).toFixed(1)} MiB (${pd.healthy.pages} pages) ` +
    `per replica; replicas verified healthy ${pd.open.readyMs.toFixed(0)} ms after open began. ` +
    `Every pocketdynamo write is on 2 of 3 replicas with strict durability before it resolves; raw IndexedDB writes one copy.`);
}

if (before) {
  const b = result.before;
  const f = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  const rowsBA = [
    ['bulk load, items/s', items / (b.bulk.ms / 1000), items / (pd.bulk.ms / 1000), items / (raw.bulk.ms / 1000), 'rate'],
    ['awaited PutItem p50, ms', b.sequential.p50, pd.sequential.p50, raw.sequential.p50, 'time'],
    ['awaited PutItem p99, ms', b.sequential.p99, pd.sequential.p99, raw.sequential.p99, 'time'],
    [`${UNAWAITED.toLocaleString('en')} un-awaited PutItems, ms`, b.unawaited.ms, pd.unawaited.ms, raw.unawaited.ms, 'time'],
    ['reopen until first read, ms', b.open.firstReadMs, pd.open.firstReadMs, raw.open.loadMs, 'time'],
    ['reopen until replicas verified, ms', b.open.readyMs, pd.open.readyMs, raw.open.loadMs, 'time'],
    ['storage (estimate), MiB', b.storageBytes / 1048576, pd.storageBytes / 1048576, raw.storageBytes / 1048576, 'size'],
  ];
  const md = [
    '# Storage v2 before/after (Chromium)',
    '',
    `Generated by \`node bench/persistence-bench.mjs --before ${before}${quick ? ' --quick' : ''}${itemsArg >= 0 ? ` --items ${items}` : ''}\` ` +
      `on ${new Date().toISOString()}; ${result.chromium}; ${items.toLocaleString('en')} items of ~250 bytes; ` +
      `${result.machine.cpus} CPU(s), load average ${result.machine.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at the start, ` +
      `${result.machine.loadavgEnd.map((x) => x.toFixed(2)).join(' ')} at the end (a shared machine: compare ratios within this run).`,
    '',
    `before = the release before storage v2 (${before}: whole pages per commit); after = this build; raw = one IndexedDB ` +
      'database, strict durability (reopen: connection + getAll of every record).',
    '',
    '| case | before | after | raw IndexedDB | after / raw | before / raw | after / before |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rowsBA.map(([name, x, y, r]) => `| ${name} | ${f(x)} | ${f(y)} | ${f(r)} | ${(y / r).toFixed(2)} | ${(x / r).toFixed(2)} | ${(y / x).toFixed(2)} |`),
    '',
    `Commits: bulk load before ${b.bulk.commits}, after ${pd.bulk.commits}. After: ${pd.healthy.pages} pages per replica at the end.`,
    '',
    'Storage is navigator.storage.estimate() before and after each case in one origin: it lags LevelDB\'s compaction ' +
      '(the databases of earlier cases are deleted, and old page versions and log records wait for compaction), so ' +
      'it is rough, and can even come out negative.',
    '',
  ].join('\n');
  console.log('');
  console.log(md);
  const out = path.join(here, 'results', `persistence_v2${quick ? '_quick' : ''}`);
  fs.writeFileSync(`${out}.md`, md);
  fs.writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written: ${path.relative(path.join(here, '..'), `${out}.md`)}, .json`);
}
