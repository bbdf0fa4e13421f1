// `npm run bench`: pocketdynamo beside the databases users would pick
// instead (issue #8), all measured in the same run on this machine.
//
//   npm run bench [-- --quick] [--n N] [--runs R] [--only id,id] [--no-growth]
//   node bench/compare.mjs ...     (needs npm run build:js and scripts/setup.sh --bench)
//   node bench/compare.mjs --report bench/results/latest.json   (md, svg and table again, no measuring)
//   node bench/compare.mjs --only a,b --merge bench/results/latest.json   (rerun engines a, b into that result)
//
// Engines (bench/compare/engine-*.js, node-engines.js):
//   Chromium (Debian's, headless, fresh profile per run, one origin per engine):
//     pocketdynamo with storage 'memory' and 'idb' (three IndexedDB replicas),
//     raw IndexedDB ([pk, sk] key), Dexie ([pk+sk]), PGlite (memory and
//     idb://), sql.js (memory); each engine's page is bundled by esbuild
//     (minified) with its wasm served from 127.0.0.1.
//   Node: pocketdynamo's db.send, pocketdynamo through @aws-sdk/client-dynamodb
//     and db.requestHandler(), dynalite (memory, on 127.0.0.1) through the same
//     client over HTTP.
// Workloads: bench/compare/workload.js (N items, default 100,000; --quick
// 10,000). Each run does every engine once; a figure is the median of the runs
// (default 3). Memory: the page's WebAssembly memories (wasm-memory.js), the
// JS heap after a forced GC (CDP Runtime.getHeapUsage), and
// navigator.storage.estimate() usage for engines that persist. Download: the
// bytes each engine's page fetched, each file gzipped (zlib level 9).
// Growth: pocketdynamo in Node at 10,000, 100,000 and 1,000,000 items.
//
// Output: the table on the terminal, and bench/results/latest.{json,md,svg}
// (--quick: bench/results/quick.*, not committed).

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { DIST, REPO, launch } from '../tests/browser/harness.js';
import { counts, runWorkloads } from './compare/workload.js';
import { pocketdynamoNode, pocketdynamoSdk, dynalite, growth } from './compare/node-engines.js';
import { behind, markdown, median, svgChart, textTable } from './compare/report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const COMPARE = path.join(here, 'compare');
const MODULES = path.join(COMPARE, 'node_modules');

// ------------------------------------------------------------------ options

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const n = Number(option('--n', quick ? 10_000 : 100_000));
const runs = Number(option('--runs', quick ? 1 : 3));
// --quick divides the operation counts by 10 (100 awaited writes, 1,000
// un-awaited, 1,000 reads, 100 queries): the full counts on ten engines take
// minutes on their own (10,000 strict IndexedDB transactions, say).
const scale = Number(option('--scale', quick ? 10 : 1));
const verbose = args.includes('--verbose');
const only = option('--only', null)?.split(',');
const growthSizes = args.includes('--no-growth') ? [] : quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
// An engine still busy after this long is left: the workloads it finished keep their figures.
const engineBudgetMs = Number(option('--budget-s', quick ? 30 : 600)) * 1000;
// The loops of awaited writes, point reads and range queries stop after this long (ops then says how many ran).
const phaseBudgetMs = Number(option('--phase-budget-s', quick ? 3 : 60)) * 1000;
const outBase = path.join(here, 'results', quick ? 'quick' : 'latest');

// --report FILE.json: only the report again (FILE.md, FILE.svg) from a measured result.
const reportOf = option('--report', null);
if (reportOf) {
  writeReport(JSON.parse(fs.readFileSync(reportOf, 'utf8')), reportOf.replace(/\.json$/, ''), { json: false });
  process.exit(0);
}

for (const [what, file] of [['npm run build:js', path.join(DIST, 'core', 'pocketdynamo-core.wasm')],
  ['scripts/setup.sh --bench', path.join(MODULES, 'dexie', 'package.json')]]) {
  if (!fs.existsSync(file)) {
    console.error(`bench: ${path.relative(REPO, file)} is missing: run ${what} (npm run bench does both)`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------ engines

const PD_WASM = path.join(DIST, 'core', 'pocketdynamo-core.wasm');
const PGLITE = path.join(MODULES, '@electric-sql', 'pglite', 'dist');
const SQLJS_WASM = path.join(MODULES, 'sql.js', 'dist', 'sql-wasm.wasm');

const pd = (storage) => [
  "import { open } from 'pocketdynamo';",
  "import { pocketdynamoEngine } from './engine-pocketdynamo.js';",
  `installPage(() => pocketdynamoEngine(open, { name: 'bench', storage: '${storage}' }));`,
];

const BROWSER = [
  { id: 'pd-memory', label: 'pocketdynamo (memory)', ref: 'pd-memory', persisted: false, entry: pd('memory'),
    assets: [PD_WASM] },
  { id: 'pd-idb', label: 'pocketdynamo (IndexedDB x3)', ref: 'pd-idb', persisted: true, entry: pd('idb'),
    assets: [PD_WASM] },
  { id: 'idb', label: 'raw IndexedDB', ref: 'pd-idb', persisted: true, assets: [],
    entry: ["import { idbEngine } from './engine-idb.js';", 'installPage(() => idbEngine());'] },
  { id: 'dexie', label: 'Dexie', ref: 'pd-idb', persisted: true, assets: [],
    entry: ["import { dexieEngine } from './engine-dexie.js';", 'installPage(() => dexieEngine());'] },
  { id: 'pglite-memory', label: 'PGlite (memory)', ref: 'pd-memory', persisted: false,
    assets: ['pglite.wasm', 'pglite.data', 'initdb.wasm'].map((f) => path.join(PGLITE, f)),
    entry: ["import { pgliteEngine } from './engine-pglite.js';", 'installPage(() => pgliteEngine());'] },
  { id: 'pglite-idb', label: 'PGlite (idb://)', ref: 'pd-idb', persisted: true,
    assets: ['pglite.wasm', 'pglite.data', 'initdb.wasm'].map((f) => path.join(PGLITE, f)),
    entry: ["import { pgliteEngine } from './engine-pglite.js';",
      "installPage(() => pgliteEngine({ dataDir: 'idb://bench' }));"] },
  { id: 'sqljs', label: 'sql.js (memory)', ref: 'pd-memory', persisted: false, assets: [SQLJS_WASM],
    entry: ["import { sqljsEngine } from './engine-sqljs.js';",
      "installPage(() => sqljsEngine({ wasmUrl: new URL('sql-wasm.wasm', import.meta.url).href }));"] },
].filter((e) => !only || only.includes(e.id)).map((e) => ({ ...e, where: 'Chromium' }));

const NODE = [
  { id: 'pd-node', label: 'pocketdynamo (db.send)', ref: 'pd-node', make: pocketdynamoNode },
  { id: 'pd-sdk', label: 'pocketdynamo via AWS SDK', ref: 'pd-sdk', make: pocketdynamoSdk },
  { id: 'dynalite', label: 'dynalite via AWS SDK (HTTP)', ref: 'pd-sdk', make: dynalite },
].filter((e) => !only || only.includes(e.id)).map((e) => ({ ...e, where: 'Node', persisted: false }));

// ------------------------------------------------------------------ helpers

function versionOf(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function machine() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, loadavg: os.loadavg(), node: process.version,
    chromium: '' };
}

// PGlite and sql.js reach for Node's modules on their Node paths only: in the
// pages those imports resolve to an empty module.
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    const builtins = new Set(['fs', 'fs/promises', 'path', 'crypto', 'url', 'module', 'zlib', 'stream', 'os', 'util',
      'worker_threads', 'child_process']);
    build.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => (builtins.has(args.path.replace(/^node:/, ''))
      ? { path: args.path, namespace: 'node-builtin' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

/** Bundles every browser engine's page into dir/<id>/ (app.js, index.html, its wasm and data files). */
async function buildPages(dir) {
  // The root package resolved by name, so that esbuild applies its "browser" map.
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  fs.symlinkSync(REPO, path.join(modules, 'pocketdynamo'));
  for (const engine of BROWSER) {
    const out = path.join(dir, engine.id);
    fs.mkdirSync(out, { recursive: true });
    await esbuild.build({
      stdin: { contents: ["import { installPage } from './page.js';", ...engine.entry].join('\n'),
        resolveDir: COMPARE, sourcefile: `${engine.id}.js` },
      bundle: true, format: 'esm', platform: 'browser', minify: true, target: 'es2022',
      outfile: path.join(out, 'app.js'), nodePaths: [modules], logLevel: 'error', plugins: [noNodeBuiltins],
    });
    for (const asset of engine.assets) fs.copyFileSync(asset, path.join(out, path.basename(asset)));
    fs.writeFileSync(path.join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<script type="module" src="app.js"></script>\n');
  }
}

/**
 * A static server for one engine's page on 127.0.0.1, cross-origin isolated
 * (COOP + COEP): there Chromium's performance.now() has 5 us resolution
 * instead of 100 us, which the sub-millisecond latencies need.
 */
async function isolatedServer(dir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
    '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url, 'http://x').pathname) || 'index.html';
    fs.readFile(path.join(dir, name), (error, data) => {
      if (error) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(name)] ?? 'application/octet-stream',
        'cache-control': 'no-store', 'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp' });
      res.end(data);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function gzipBytes(dir, files) {
  let bytes = 0;
  for (const file of files) bytes += zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;
  return bytes;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not finish within ${ms / 1000} s`),
      { timedOut: true })), ms);
  })]).finally(() => clearTimeout(timer));
}

async function openPage(context, url, onFile) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('requestfinished', (request) => onFile?.(new URL(request.url()).pathname));
  await page.goto(`${url}/index.html`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 });
  page.errors = errors;
  return page;
}

const MiB = 1024 * 1024;
const cuts = new Map();   // 'engine label: workload' -> [ops that ran, per run]

const cutEngines = new Set();   // engines with a workload cut by its budget: run once only (they are that slow)

/** Remembers the workloads of a run that stopped at their time budget (for the notes). */
function noteCuts(engine, run) {
  const c = counts(scale);
  for (const [name, full] of [['sequential', c.sequential], ['unawaited', c.unawaited], ['reads', c.reads],
    ['ranges', c.ranges]]) {
    if (run[name] && run[name].ops < full) {
      const key = `${engine.label}: ${name} (${full} planned)`;
      cutEngines.add(engine.id);
      cuts.set(key, [...(cuts.get(key) ?? []), run[name].ops]);
    }
  }
}

/** One engine's figures from one run (workload.js result + memory), flattened to the report's metric ids. */
function figuresOf(run, engine) {
  const f = {
    bulk: run.bulk?.itemsPerSec ?? null, seqOps: run.sequential?.opsPerSec ?? null, seqP50: run.sequential?.p50 ?? null,
    seqP99: run.sequential?.p99 ?? null, unawaitedOps: run.unawaited?.opsPerSec ?? null, readOps: run.reads?.opsPerSec ?? null,
    readP50: run.reads?.p50 ?? null, readP99: run.reads?.p99 ?? null, rangeOps: run.ranges?.opsPerSec ?? null,
    rangeP50: run.ranges?.p50 ?? null, rangeP99: run.ranges?.p99 ?? null, reopenMs: run.reopen?.ms ?? null,
  };
  if (run.memory) {
    f.wasmMiB = run.memory.wasmBytes / MiB;
    f.jsHeapMiB = run.memory.jsHeapBytes / MiB;
    f.storageMiB = engine.persisted ? run.memory.storageBytes / MiB : null;
  }
  return f;
}

// ------------------------------------------------------------------ the run

const started = Date.now();
const result = {
  date: new Date().toISOString(), n, runs, quick, scale, counts: counts(scale),
  versions: {}, machine: machine(), engines: [], figures: {}, perRun: {}, growth: [], notes: [],
};
result.versions.pocketdynamo = versionOf(REPO);
result.versions.dexie = versionOf(path.join(MODULES, 'dexie'));
result.versions['@electric-sql/pglite'] = versionOf(path.join(MODULES, '@electric-sql', 'pglite'));
result.versions['sql.js'] = versionOf(path.join(MODULES, 'sql.js'));
result.versions.dynalite = versionOf(path.join(MODULES, 'dynalite'));
result.versions['@aws-sdk/client-dynamodb'] = versionOf(path.join(REPO, 'node_modules', '@aws-sdk', 'client-dynamodb'));
result.versions.esbuild = esbuild.version;
const say = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);
say(`bench: N = ${n.toLocaleString('en')}, ${runs} runs, ${result.machine.cores} cores, load ${result.machine.loadavg
  .map((x) => x.toFixed(2)).join(' ')}`);

const pagesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-compare-'));
const perRun = Object.fromEntries([...BROWSER, ...NODE].map((e) => [e.id, []]));
const failed = {};
const timedOut = {};
const downloads = {};
try {
  await buildPages(pagesDir);
  const servers = {};
  for (const engine of BROWSER) servers[engine.id] = await isolatedServer(path.join(pagesDir, engine.id));

  for (let r = 0; r < runs; r++) {
    if (BROWSER.length > 0) {
      const context = await launch();
      try {
        for (const engine of BROWSER) {
          if (failed[engine.id] || timedOut[engine.id] || cutEngines.has(engine.id)) continue;
          const server = servers[engine.id];
          const files = new Set();
          let page = null;
          try {
            page = await openPage(context, server.url, (file) => files.add(file));
            if (!(await page.evaluate(() => window.crossOriginIsolated))) throw new Error('page is not cross-origin isolated');
            if (!result.machine.chromium) {
              const cdp = await context.newCDPSession(page);
              result.machine.chromium = (await cdp.send('Browser.getVersion')).product.replace('/', ' ');
              await cdp.detach();
            }
            if (verbose) page.on('console', (msg) => { if (msg.type() === 'log') say(`${engine.id}: ${msg.text()}`); });
            let run;
            try {
              run = await withTimeout(page.evaluate(([count, s, b]) => window.bench.run(count, s, b),
                [n, scale, phaseBudgetMs]),
                engineBudgetMs, `${engine.label}'s workloads`);
            } catch (error) {
              if (!error.timedOut) throw error;
              run = await page.evaluate(() => window.bench.partial);
              timedOut[engine.id] = `${Object.keys(run).join(', ') || 'nothing'} done after ${engineBudgetMs / 1000} s`;
              say(`run ${r + 1}: ${engine.label}: left after ${engineBudgetMs / 1000} s (${timedOut[engine.id]})`);
              await page.close();   // the engine is still working: its reopen is not measured either
              page = null;
              if (r === 0) downloads[engine.id] = gzipBytes(path.join(pagesDir, engine.id), [...files].map((f) => f.slice(1)));
              perRun[engine.id].push(figuresOf(run, engine));
              continue;
            }
            const cdp = await context.newCDPSession(page);
            await cdp.send('HeapProfiler.collectGarbage');
            run.memory.jsHeapBytes = (await cdp.send('Runtime.getHeapUsage')).usedSize;
            await page.evaluate(() => window.bench.close());
            await page.close();
            page = await openPage(context, server.url);
            run.reopen = await withTimeout(page.evaluate((count) => window.bench.reopen(count), n), engineBudgetMs,
              `${engine.label}'s reopen`);
            await page.close();
            page = null;
            if (r === 0) downloads[engine.id] = gzipBytes(path.join(pagesDir, engine.id), [...files].map((f) => f.slice(1)));
            perRun[engine.id].push(figuresOf(run, engine));
            noteCuts(engine, run);
            say(`run ${r + 1}: ${engine.label}: bulk ${Math.round(run.bulk.itemsPerSec)} items/s, reads ` +
              `${Math.round(run.reads.opsPerSec)}/s${run.reopen ? `, reopen ${Math.round(run.reopen.ms)} ms` : ''}`);
          } catch (error) {
            failed[engine.id] = `${error.message.split('\n')[0]}${page?.errors?.length ? ` (page: ${page.errors[0]})` : ''}`;
            say(`run ${r + 1}: ${engine.label} FAILED: ${failed[engine.id]}`);
            await page?.close().catch(() => {});
          }
        }
      } finally {
        await context.close();
      }
    }
    for (const engine of NODE) {
      if (failed[engine.id] || cutEngines.has(engine.id)) continue;
      try {
        const instance = await engine.make();
        const run = {};
        const progress = (name, ms) => { if (verbose) say(`${engine.id}: ${name} ${ms.toFixed(0)} ms`); };
        await runWorkloads(instance, { n, scale, budgetMs: phaseBudgetMs, result: run, progress });
        noteCuts(engine, run);
        await instance.close();
        perRun[engine.id].push(figuresOf(run, engine));
        say(`run ${r + 1}: ${engine.label}: bulk ${Math.round(run.bulk.itemsPerSec)} items/s, reads ` +
          `${Math.round(run.reads.opsPerSec)}/s`);
      } catch (error) {
        failed[engine.id] = error.message.split('\n')[0];
        say(`run ${r + 1}: ${engine.label} FAILED: ${failed[engine.id]}`);
      }
    }
  }
  for (const server of Object.values(servers)) await server.close();

  for (const size of growthSizes) {
    const g = await growth(size, quick ? { rounds: 1, reads: 1000, queries: 100 } : {});
    result.growth.push(g);
    say(`growth ${size.toLocaleString('en')}: point read p50 ${(g.readP50 * 1000).toFixed(1)} us, ` +
      `${g.itemsPerQuery}-item query p50 ${(g.rangeP50 * 1000).toFixed(1)} us`);
  }
} finally {
  fs.rmSync(pagesDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ report

for (const engine of [...BROWSER, ...NODE]) {
  const runsOf = perRun[engine.id];
  result.engines.push({ id: engine.id, label: engine.label, where: engine.where, ref: engine.ref,
    persisted: engine.persisted, completedRuns: runsOf.length });
  result.perRun[engine.id] = runsOf;
  if (runsOf.length === 0) continue;
  const figures = {};
  for (const key of Object.keys(runsOf[0])) figures[key] = median(runsOf.map((f) => f[key]));
  if (downloads[engine.id] !== undefined) figures.gzipKiB = downloads[engine.id] / 1024;
  result.figures[engine.id] = figures;
}
for (const [id, what] of Object.entries(timedOut)) {
  const engine = result.engines.find((e) => e.id === id);
  result.notes.push(`${engine.label} was left unfinished in run ${engine.completedRuns} (${what}) and not run ` +
    'again: the workloads after those are n/a, and so are its reopen and memory figures.');
}
for (const [id, reason] of Object.entries(failed)) {
  const engine = result.engines.find((e) => e.id === id);
  result.notes.push(`${engine.label} did not complete ${runs - engine.completedRuns} of ${runs} runs: ${reason}` +
    `${engine.completedRuns ? ` (its figures are the median of ${engine.completedRuns})` : ' (no figures)'}.`);
}
for (const [what, ops] of cuts) {
  result.notes.push(what.includes(': unawaited')
    ? `${what} issued ${ops.join(', ')} writes: as many as its awaited writes that ran within their budget.`
    : `${what} ran ${ops.join(', ')} operations before its ${phaseBudgetMs / 1000} s budget; its figures are ` +
      'from those, and the engine was run once only.');
}
if (scale !== 1) {
  const c = counts(scale);
  result.notes.push(`Operation counts divided by ${scale} (--quick): ${c.sequential} awaited writes, ${c.unawaited} ` +
    `un-awaited writes, ${c.reads} point reads, ${c.ranges} range queries per run.`);
}
result.notes.push(
  'Durability: pocketdynamo (IndexedDB x3) resolves a write once two of three replicas committed it with ' +
    "durability 'strict'; raw IndexedDB and Dexie write one copy with durability 'strict'; PGlite (idb://) " +
    'flushes its files to IndexedDB after each statement or transaction and waits for it. Memory engines and ' +
    'the Node engines keep nothing (n/a for reopen and storage).',
  'Bulk load: batches of 1,000 (pocketdynamo: 40 BatchWriteItems of 25 issued together; IndexedDB: one ' +
    'transaction; Dexie: bulkPut; PGlite: one multi-row INSERT in a transaction; sql.js: one transaction). ' +
    'Un-awaited writes: one write call per item, all issued before any is awaited (sql.js is synchronous: ' +
    'they run one after another).',
  `Range queries: pk = user#p AND sk BETWEEN two sort keys; with keys user#<i % 1000> a partition holds ` +
    `N / 1,000 items, so each query returns ${Math.min(100, Math.floor(n / 1000))} items at this N ` +
    '(the growth table uses partitions of 1,000 items to return 100 at every size).',
  'Memory: wasm = the WebAssembly memories of the page (its size after the workloads, which never shrinks); ' +
    'JS heap = V8 used heap after a forced GC (ArrayBuffers outside the heap, such as PGlite (memory)\'s ' +
    'in-memory files, are not in it); storage = navigator.storage.estimate().usage of the engine\'s own origin ' +
    'after the workloads (and, for pocketdynamo, after its third replica caught up).',
  'Download: every file the engine\'s page fetched (minified esbuild bundle including this benchmark\'s ' +
    'small harness, wasm, data files), each gzipped at level 9.',
);

// --merge FILE.json: the engines measured now replace theirs in an earlier
// result (a rerun of some engines), which is then the one written.
const mergeInto = option('--merge', null);
let written = result;
if (mergeInto) {
  written = JSON.parse(fs.readFileSync(mergeInto, 'utf8'));
  if (written.n !== n || written.scale !== scale) {
    console.error(`bench: ${mergeInto} has N = ${written.n}, scale ${written.scale}: not merged (this run: ${n}, ${scale})`);
    process.exit(1);
  }
  const ids = result.engines.map((e) => e.id);
  written.engines = [...written.engines.map((e) => result.engines.find((m) => m.id === e.id) ?? e),
    ...result.engines.filter((m) => !written.engines.some((e) => e.id === m.id))];
  for (const id of ids) {
    written.figures[id] = result.figures[id];
    written.perRun[id] = result.perRun[id];
  }
  written.notes = written.notes.filter((note) => !ids.some((id) => note.startsWith(
    `${result.engines.find((e) => e.id === id).label} did not complete`)));
  written.notes.unshift(`${result.engines.map((e) => e.label).join(', ')}: measured again together in a second ` +
    `invocation on ${result.date} (load average ${result.machine.loadavg.map((x) => x.toFixed(2)).join(' ')}; ` +
    `${result.runs} runs); their ratios are within that invocation.`,
  ...result.notes.filter((note) => ids.some((id) => note.startsWith(result.engines.find((e) => e.id === id).label))));
}
writeReport(written, mergeInto ? mergeInto.replace(/\.json$/, '') : outBase, { json: true });
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
if (Object.keys(failed).length > 0) process.exitCode = 1;

/** Writes base.md and base.svg (and base.json when json) from result, and prints the table. */
function writeReport(result, base, { json }) {
  fs.mkdirSync(path.dirname(base), { recursive: true });
  if (json) fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, markdown(result, { svgName: `${path.basename(base)}.svg` }));
  fs.writeFileSync(`${base}.svg`, svgChart(result));
  console.log('');
  console.log(textTable(result));
  console.log('');
  const lagging = behind(result);
  if (lagging.length) {
    console.log('Where pocketdynamo is behind (another engine more than 10 % better):');
    for (const b of lagging) console.log(`  ${b.metric}: ${b.engine} ${b.factor.toFixed(2)}x better than ${b.ref}`);
    console.log('');
  }
  for (const note of result.notes) console.log(`- ${note}`);
  console.log(`\nwritten: ${[...(json ? [`${base}.json`] : []), `${base}.md`, `${base}.svg`]
    .map((f) => path.relative(REPO, f)).join(', ')}`);
}
