// Open benchmark in Debian's Chromium (issue #13): how long open() takes
// until the first read, and what cold and warm reads cost right after it,
// for a pocketdynamo database (three IndexedDB replicas) beside raw
// IndexedDB (one database) holding the same items, in the same run.
//
//   node bench/open-bench.mjs [--quick] [--sizes 10000,100000] [--million]
//                             [--rounds R] [--regenerate] [--no-write] [--cacheable]
//
// Sizes: 10,000 and 100,000 items (--quick: 10,000 only; --million adds
// 1,000,000). The databases are written once and kept in a Chromium profile
// per size under build/bench-open/ (not committed; --regenerate writes them
// again), served from a fixed port (IndexedDB is per origin). Each round starts
// a new Chromium process on that profile (so nothing is cached in the browser)
// and, in a fresh page each:
//   paged    open() as by default (a core with a page cache: heads and logs
//            only), one GetItem, then 200 GetItems and 50 100-item Queries of
//            random keys each awaited (cold: the pages come from IndexedDB as
//            they are first needed), then the same again (warm)
//   eager    the same with open({ cacheBytes: 0 }): every page of one replica
//            read and checked at open (the storage before the page cache);
//            not at 1,000,000 items (it would read ~GiB into wasm memory)
//   floor    the design's own floor on the same replicas: the wasm module loaded
//            while the three databases open and read their heads and logs, then
//            three page reads one after another (no page checked, no wasm run)
//   raw      raw IndexedDB: indexedDB.open, one get; gets and getAll of a key
//            range for the Queries
// --cacheable: the package's .wasm and .js are served cacheable for an hour (as a
// site serves a release) instead of no-store, and one untimed open per size fills
// the caches first, so that every measured round takes them, and V8's compiled
// code for them, from Chromium's caches (a repeat visit).
// Figures are the median over the rounds (default 3). Writes
// bench/results/open.md and open.json with the machine load, unless --no-write.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, startChromium } from '../tests/browser/harness.js';
import { benchSite, requireDist } from './support/bench-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = !args.includes('--no-write');
const regenerate = args.includes('--regenerate');
const arg = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
let sizes = arg('--sizes', quick ? '10000' : '10000,100000').split(',').map(Number);
if (args.includes('--million')) sizes = [...new Set([...sizes, 1_000_000])];
const rounds = Number(arg('--rounds', quick ? 2 : 3));
const PORT = 47931;
const EAGER_LIMIT = 1_000_000;   // sizes from here on: no eager open
// Databases kept from a run with an older generator are written again: 2 = written by a release
// whose checkpoints leave the 'hot' hint (docs/formats.md), which open reads with the heads;
// 3 = one profile per size.
const GENERATOR = 3;

requireDist('open-bench');

const cacheDir = path.join(REPO, 'build', 'bench-open');
// One profile per size: Chromium keeps all of an origin's IndexedDB databases in one LevelDB, and
// 1,000,000 items there (~1 GB) made every open of the 100,000-item databases beside them slow
// (raw IndexedDB's own open 250-470 ms instead of ~30).
const profileFor = (n) => path.join(cacheDir, `profile-${n}`);
const markerFile = path.join(cacheDir, 'generated.json');
const kept = fs.existsSync(markerFile) ? JSON.parse(fs.readFileSync(markerFile, 'utf8')) : {};
// A profile from an older generator goes whole, as with --regenerate (deleting only its databases
// would leave pocketdynamo's marker, and the next open would rightly report the data as lost).
const stale = Object.values(kept).some((g) => g?.generator !== GENERATOR);
if (regenerate || stale) fs.rmSync(cacheDir, { recursive: true, force: true });
fs.mkdirSync(cacheDir, { recursive: true });
const generated = regenerate || stale ? {} : kept;

const cacheable = args.includes('--cacheable');
const site = await benchSite('open-page.js', { port: PORT, cacheable });

// The profile keeps the databases, and also Chromium's HTTP and code caches: a --cacheable run
// leaves the package's files there for an hour, which a later run's no-store rounds would take
// (they did: session 8's no-store and cacheable medians were both repeat visits). Without
// --cacheable, every round starts with those caches emptied.

async function withBrowser(n, fn) {
  const profile = profileFor(n);
  fs.mkdirSync(profile, { recursive: true });
  if (!cacheable) {
    for (const dir of ['Cache', 'Code Cache']) fs.rmSync(path.join(profile, 'Default', dir), { recursive: true, force: true });
  }
  const chrome = await startChromium({ profile });
  try {
    const page = await site.open(chrome.context);
    return await fn(page);
  } finally {
    await chrome.close();
  }
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};
const loadStart = os.loadavg();
const result = { date: new Date().toISOString(), rounds, chromium: '', machine: { cpus: os.cpus().length, loadavgStart: loadStart },
  sizes: {} };
console.log(`open benchmark: ${sizes.map((n) => n.toLocaleString('en')).join(', ')} items, ${rounds} rounds, ` +
  `${os.cpus().length} CPU(s), load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);

try {
  for (const n of sizes) {
    const pdName = `open-${n}`;
    const rawName = `raw-open-${n}`;
    const entry = { generate: generated[n] ?? null, paged: [], eager: [], raw: [], floor: [] };
    result.sizes[n] = entry;
    await withBrowser(n, async (page) => {
      result.chromium = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
      const names = await page.evaluate(() => bench.databases());
      if (!generated[n] || !names.includes(`${pdName}#0`) || !names.includes(rawName)) {
        console.log(`  generating ${n.toLocaleString('en')} items (once; kept in ${path.relative(REPO, profileFor(n))})`);
        await page.evaluate((list) => bench.deleteDatabases(list), [0, 1, 2].map((i) => `${pdName}#${i}`).concat(rawName));
        const pd = await page.evaluate(([name, count]) => bench.pdGenerate(name, count), [pdName, n]);
        const raw = await page.evaluate(([name, count]) => bench.rawGenerate(name, count), [rawName, n]);
        generated[n] = { generator: GENERATOR, pd, raw, at: new Date().toISOString(), usage: await page.evaluate(() => bench.usage()) };
        entry.generate = generated[n];
        fs.writeFileSync(markerFile, `${JSON.stringify(generated, null, 2)}\n`);
        console.log(`    pocketdynamo ${(pd.ms / 1000).toFixed(1)} s (${pd.commits} commits), raw ${(raw.ms / 1000).toFixed(1)} s`);
      }
    });
    if (cacheable) {
      // Fills the caches: the package's files, and V8's code for them once it has run a while
      // (Chromium writes a wasm module's code cache some seconds after its functions tier up).
      await withBrowser(n, async (page) => {
        await page.evaluate(([name, count]) => bench.pdOpenRead(name, count, {}), [pdName, n]);
        await page.waitForTimeout(5000);
      });
    }
    for (let r = 0; r < rounds; r++) {
      // A new browser process for each open: nothing of the database cached in the browser.
      // The eager open reads every page into wasm memory: left out at 1,000,000 items (minutes, ~GiB).
      const order = (r % 2 === 0 ? ['paged', 'floor', 'eager', 'raw'] : ['raw', 'eager', 'floor', 'paged'])
        .filter((kind) => kind !== 'eager' || n < EAGER_LIMIT);
      for (const kind of order) {
        const got = await withBrowser(n, (page) => {
          if (kind === 'raw') return page.evaluate(([name, count]) => bench.rawOpenRead(name, count), [rawName, n]);
          if (kind === 'floor') return page.evaluate((name) => bench.floorOpenRead(name), pdName);
          return page.evaluate(([name, count, options]) => bench.pdOpenRead(name, count, options),
            [pdName, n, kind === 'eager' ? { cacheBytes: 0 } : {}]);
        });
        if (!got.found) throw new Error(`${kind} at ${n}: a read did not find what was written`);
        entry[kind].push(got);
      }
      console.log(`  ${n.toLocaleString('en')} round ${r + 1}: first read paged ${entry.paged[r].firstReadMs.toFixed(0)} ms, ` +
        `floor ${entry.floor[r].firstReadMs.toFixed(0)} ms, eager ${entry.eager[r]?.firstReadMs.toFixed(0) ?? '-'} ms, raw ${entry.raw[r].firstReadMs.toFixed(1)} ms`);
    }
  }
} finally {
  await site.close();
}
result.machine.loadavgEnd = os.loadavg();

const f = (v) => (Number.isNaN(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const mib = (b) => (b / 1048576).toFixed(1);
const lines = [
  '# Open until first read, cold and warm reads (Chromium)',
  '',
  `Generated by \`${['node bench/open-bench.mjs', ...args].join(' ')}\` on ${result.date}; ${result.chromium}; ` +
    `${result.machine.cpus} CPU(s), load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at the start, ` +
    `${result.machine.loadavgEnd.map((x) => x.toFixed(2)).join(' ')} at the end (a shared machine: compare within this run). ` +
    `Items of ~250 bytes, 100 per partition; medians of ${rounds} rounds, each open in a new Chromium process.`,
  '',
  'paged = open() as by default (core page cache, 64 MiB: heads and logs read at open, pages when first needed); ' +
    'eager = open({ cacheBytes: 0 }) (every page of one replica read and checked at open); raw = one IndexedDB ' +
    'database (indexedDB.open + get; getAll of the key range for a Query). Cold = the first 200 GetItems / 50 Queries ' +
    'after open (random keys, each awaited), warm = the same again. floor = what the design costs before ' +
    'pocketdynamo does anything: the wasm module loaded while the three replica databases open and each reads its ' +
    'head and log, then three page reads one after another (a cold GetItem\'s faults after open), no page checked ' +
    'and no wasm function run (bench/open-page.js floorOpenRead).',
  '',
  '| items | case | paged | floor | eager | raw IndexedDB | paged / raw |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const n of sizes) {
  const e = result.sizes[n];
  const m = (kind, pick) => median(e[kind].map(pick));
  const rows = [
    ['open resolved, ms', (x) => x.openMs],
    ['open until first read, ms', (x) => x.firstReadMs],
    ['cold GetItem p50, ms', (x) => x.cold.get.p50],
    ['cold GetItem p99, ms', (x) => x.cold.get.p99],
    ['cold Query (100 items) p50, ms', (x) => x.cold.query.p50],
    ['cold Query (100 items) p99, ms', (x) => x.cold.query.p99],
    ['warm GetItem p50, ms', (x) => x.warm.get.p50],
    ['warm GetItem p99, ms', (x) => x.warm.get.p99],
    ['warm Query (100 items) p50, ms', (x) => x.warm.query.p50],
    ['warm Query (100 items) p99, ms', (x) => x.warm.query.p99],
  ];
  for (const [name, pick] of rows) {
    const p = m('paged', pick);
    const r = m('raw', pick);
    const floor = name.startsWith('open') ? f(m('floor', pick)) : '';
    lines.push(`| ${n.toLocaleString('en')} | ${name} | ${f(p)} | ${floor} | ${f(m('eager', pick))} | ${f(r)} | ${(p / r).toFixed(2)} |`);
  }
  const cache = e.paged.map((x) => x.cache).filter(Boolean);
  if (cache.length) {
    const c = cache[Math.floor((cache.length - 1) / 2)];
    lines.push(`| ${n.toLocaleString('en')} | paged after the reads: wasm memory ${mib(c.wasmMemoryBytes)} MiB, cache resident ` +
      `${mib(c.residentBytes)} MiB (pinned ${mib(c.pinnedBytes)}), ${c.misses} misses, ${c.pagesRead} pages read in ` +
      `${c.pageReads} replica reads | | | | | |`);
  }
  if (e.generate) {
    lines.push(`| ${n.toLocaleString('en')} | written once: pocketdynamo ${(e.generate.pd.ms / 1000).toFixed(1)} s, raw ` +
      `${(e.generate.raw.ms / 1000).toFixed(1)} s | | | | | |`);
  }
}
lines.push('', 'Targets (issue #13): open until first read <= 100 ms at 100,000 items and <= 150 ms at 1,000,000; wasm ' +
  'memory bounded by the cache (64 MiB) plus a fixed overhead.', '');
const md = lines.join('\n');
console.log(`\n${md}`);
if (write) {
  const out = path.join(here, 'results');
  fs.writeFileSync(path.join(out, quick ? 'open_quick.md' : 'open.md'), md);
  fs.writeFileSync(path.join(out, quick ? 'open_quick.json' : 'open.json'), `${JSON.stringify(result, null, 2)}\n`);
}
