// The API benchmark of issue #5: PutItem, GetItem and Query (100 items)
// through the native core, and through the JS package in Node and in
// Chromium (the core engine called directly, db.send, the document API and
// the AWS SDK client), in ONE run, with every figure as a ratio to native.
//
//   npm run bench:api                     (builds the package first)
//   node bench/api-bench.mjs [--rounds 3] [--seconds 1] [--items 2000] [--quick]
//
// Steps: builds bench/api_bench.cc natively in Release (build/release, as
// scripts/bench-core.sh does), bundles bench/api-page.js with esbuild and
// starts Debian's Chromium (tests/browser/harness.js); then each round runs
//   native    build/release/bench/api_bench  (Engine::Execute)
//   node      node bench/js-api.mjs --json   (a fresh process)
//   chromium  every case of bench/api-cases.js in a fresh page
// and reports, per case, the MEDIAN over the rounds. Each case runs until
// `--seconds` of CPU time have passed; rates are per CPU second of the
// process doing the work (native: the process; Node:
// process.cpuUsage(); Chromium: the renderer's ProcessTime from the DevTools
// protocol), so that the load other users put on the machine cancels out;
// wall-clock rates are kept in the JSON beside them. --quick: 1 round of
// 0.3 s per case (a smoke run; its figures are not worth keeping).
//
// Output: one table on stdout; bench/results/api_bench.md and
// bench/results/api_bench.json (every round's figures) written from the
// measured numbers. The request texts of api_bench and of api-cases.js are
// compared first: the benchmark stops if they differ.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { DIST, REPO, launch, serve } from '../tests/browser/harness.js';
import { APIS, OPS, ORDERS, requestTexts } from './api-cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = arg('--rounds', quick ? 1 : 3);
const seconds = arg('--seconds', quick ? 0.3 : 1);
const items = arg('--items', 2000);
const ENVS = ['node', 'chromium'];
const API_NAMES = {
  native: 'native Engine::Execute',
  direct: 'wasm engine.execute()',
  send: 'db.send()',
  document: 'document API',
  'aws-sdk': 'AWS SDK DynamoDBClient',
  'sdk-floor': 'AWS SDK, handler answering at once',
};

function fail(message) {
  console.error(`api-bench: ${message}`);
  process.exit(1);
}

function runOrFail(cmd, cmdArgs, options = {}) {
  const res = spawnSync(cmd, cmdArgs, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (res.status !== 0) fail(`${cmd} ${cmdArgs.join(' ')} failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stderr}`);
  return res.stdout;
}

const lastJson = (text) => JSON.parse(text.trim().split('\n').at(-1));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

if (!fs.existsSync(path.join(DIST, 'core', 'pocketdynamo-core.wasm'))) fail('dist/ is not built (npm run build:js)');

// ---- native build ---------------------------------------------------------------
console.log('building bench/api_bench natively (Release, build/release) ...');
runOrFail('cmake', ['-S', REPO, '-B', path.join(REPO, 'build/release'), '-DCMAKE_BUILD_TYPE=Release',
  '-DPD_SANITIZE=OFF', '-DPD_TESTS=OFF', '-DPD_BENCH=ON']);
runOrFail('cmake', ['--build', path.join(REPO, 'build/release'), '-j', process.env.PD_JOBS || '2', '--target', 'api_bench']);
const nativeBinary = path.join(REPO, 'build/release/bench/api_bench');

// ---- the Chromium page ----------------------------------------------------------
const pageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-api-bench-'));
await esbuild.build({
  absWorkingDir: REPO, entryPoints: [path.join(here, 'api-page.js')], bundle: true, format: 'esm',
  platform: 'browser', outfile: path.join(pageDir, 'api-page.js'), logLevel: 'silent',
});
// import.meta.url in the bundle is the bundle's URL: the wasm goes beside it.
fs.copyFileSync(path.join(DIST, 'core', 'pocketdynamo-core.wasm'), path.join(pageDir, 'pocketdynamo-core.wasm'));
fs.writeFileSync(path.join(pageDir, 'index.html'),
  '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="api-page.js"></script>');
const server = await serve({ '/': pageDir });
const browser = await launch();
let chromiumVersion = '';

async function chromiumRound() {
  const page = await browser.newPage();
  let pageError = null;
  page.on('pageerror', (error) => { pageError ??= error; });
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.__ready === true || undefined, null, { timeout: 30_000 });
  chromiumVersion = await page.evaluate(() => /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? navigator.userAgent);
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Performance.enable');
  const processTime = async () => (await cdp.send('Performance.getMetrics')).metrics
    .find((m) => m.name === 'ProcessTime').value;
  const results = [];
  for (const api of APIS) {
    for (const op of OPS) {
      try {
        await page.evaluate(([a, o, n]) => window.bench.prepare(a, o, { items: n }), [api, op, items]);
        // Slices of 0.2 s of wall time until `seconds` of renderer CPU time
        // have passed (ProcessTime counts in steps of 10 ms).
        const cpu0 = await processTime();
        let ops = 0;
        let wallS = 0;
        let cpuS = 0;
        while (cpuS < seconds) {
          const slice = await page.evaluate((s) => window.bench.run(s), Math.min(0.2, seconds));
          ops += slice.ops;
          wallS += slice.wallS;
          cpuS = (await processTime()) - cpu0;
        }
        results.push({ api, op, ops, cpuS, wallS, opsPerSec: ops / cpuS, wallOpsPerSec: ops / wallS });
      } catch (error) {
        results.push({ api, op, opsPerSec: null, error: String(pageError ?? error.message) });
      }
      await page.evaluate(() => window.bench.finish());
    }
  }
  const texts = await page.evaluate((n) => window.bench.requestTexts(n), items);
  await page.close();
  return { results, texts };
}

function nativeRound() {
  const out = lastJson(runOrFail(nativeBinary, ['--items', String(items), '--seconds', String(seconds)]));
  return {
    results: out.cases.map((c) => ({ api: 'native', op: c.op, ops: c.ops, cpuS: c.cpu_s, wallS: c.wall_s,
      opsPerSec: c.ops_s, wallOpsPerSec: c.wall_ops_s })),
    texts: out.requests,
  };
}

function nodeRound() {
  const out = lastJson(runOrFail(process.execPath, [path.join(here, 'js-api.mjs'), '--json', '--items', String(items),
    '--seconds', String(seconds)]));
  return { results: out };
}

// ---- rounds -------------------------------------------------------------------------
const loadBefore = os.loadavg();
const raw = { native: [], node: [], chromium: [] };  // env -> rounds -> results
const expectedTexts = requestTexts(items);
try {
  for (let r = 0; r < rounds; r++) {
    console.log(`round ${r + 1} of ${rounds}: native, node, chromium ...`);
    const native = nativeRound();
    for (const op of OPS) {
      if (native.texts[op] !== expectedTexts[op]) {
        fail(`${op} request texts differ:\n  native: ${native.texts[op]}\n  js:     ${expectedTexts[op]}`);
      }
    }
    raw.native.push(native.results);
    raw.node.push(nodeRound().results);
    const chromium = await chromiumRound();
    if (JSON.stringify(chromium.texts) !== JSON.stringify(expectedTexts)) fail('Chromium request texts differ from Node');
    raw.chromium.push(chromium.results);
  }
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(pageDir, { recursive: true, force: true });
}
const loadAfter = os.loadavg();

// ---- medians and ratios ------------------------------------------------------------
function summary(env, api, op) {
  const runs = raw[env].map((list) => list.find((x) => x.api === api && x.op === op));
  const errors = runs.filter((x) => !x || x.opsPerSec === null);
  if (errors.length > 0) return { error: errors[0]?.error ?? 'missing' };
  const rates = runs.map((x) => x.opsPerSec);
  return {
    opsPerSec: median(rates),
    wallOpsPerSec: median(runs.map((x) => x.wallOpsPerSec)),
    usPerOp: 1e6 / median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
  };
}
const table = {};
for (const op of OPS) {
  table[op] = { native: summary('native', 'native', op) };
  for (const env of ENVS) {
    table[op][env] = {};
    for (const api of APIS) {
      const s = summary(env, api, op);
      if (!s.error) s.timesNative = table[op].native.opsPerSec / s.opsPerSec;
      table[op][env][api] = s;
    }
  }
}
// Where the time goes: microseconds per operation added by each layer.
const layers = [
  ['wasm boundary + wasm code', (t) => t.direct.usPerOp - t.native.usPerOp, (t) => t.direct.usPerOp / t.native.usPerOp],
  ['JS layer + commit protocol (send - direct)', (t) => t.send.usPerOp - t.direct.usPerOp, (t) => t.send.usPerOp / t.direct.usPerOp],
  ['document API on top of send', (t) => t.document.usPerOp - t.send.usPerOp, (t) => t.document.usPerOp / t.send.usPerOp],
  ['AWS SDK on top of send', (t) => t['aws-sdk'].usPerOp - t.send.usPerOp, (t) => t['aws-sdk'].usPerOp / t.send.usPerOp],
  ['AWS SDK over its floor (#16: <= 1.25x)', (t) => t['aws-sdk'].usPerOp - t['sdk-floor'].usPerOp,
    (t) => t['aws-sdk'].usPerOp / t['sdk-floor'].usPerOp],
];
const split = {};
for (const op of OPS) {
  split[op] = {};
  for (const env of ENVS) {
    const t = { native: table[op].native, ...table[op][env] };
    split[op][env] = layers.map(([name, us, ratio]) => {
      const ok = Object.values(t).every((s) => !s.error);
      return { layer: name, usPerOp: ok ? us(t) : null, ratio: ok ? ratio(t) : null };
    });
  }
}

// ---- output --------------------------------------------------------------------------
const int = (x) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const fixed = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
const cell = (s) => (s.error ? `error: ${s.error}` : int(s.opsPerSec));
const header = [
  `pocketdynamo API benchmark (issue #5): ${items} items + a ${ORDERS}-item partition, Query returns ${ORDERS} items;`,
  `medians of ${rounds} round(s) of ${seconds} CPU s per case; ops/s per CPU second of the working process;`,
  `"x native" = native ops/s / these ops/s (how many times the native core's time one operation takes).`,
  `Node ${process.version}, Chromium ${chromiumVersion}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}, ` +
    `load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after.`,
];
const rows = [];
for (const op of OPS) {
  rows.push([op, API_NAMES.native, int(table[op].native.opsPerSec), '1.00', int(table[op].native.opsPerSec), '1.00']);
  for (const api of APIS) {
    const n = table[op].node[api];
    const c = table[op].chromium[api];
    rows.push(['', API_NAMES[api], cell(n), fixed(n.timesNative), cell(c), fixed(c.timesNative)]);
  }
}
const columns = ['operation', 'way in', 'Node ops/s', 'x native', 'Chromium ops/s', 'x native'];
const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
console.log(`\n${header.join('\n')}\n`);
console.log(line(columns));
for (const r of rows) console.log(line(r));
console.log('\nwhere the time goes (CPU microseconds per operation added by each layer, and its time ratio):');
const splitRows = [];
for (const op of OPS) {
  for (const [k, { layer }] of split[op].node.entries()) {
    const n = split[op].node[k];
    const c = split[op].chromium[k];
    splitRows.push([k === 0 ? op : '', layer, fixed(n.usPerOp, 1), fixed(n.ratio), fixed(c.usPerOp, 1), fixed(c.ratio)]);
  }
}
const splitColumns = ['operation', 'layer', 'Node +us/op', 'x', 'Chromium +us/op', 'x'];
const splitWidths = splitColumns.map((c, i) => Math.max(c.length, ...splitRows.map((r) => r[i].length)));
const splitLine = (r) => r.map((v, i) => (i < 2 ? v.padEnd(splitWidths[i]) : v.padStart(splitWidths[i]))).join('  ');
console.log(splitLine(splitColumns));
for (const r of splitRows) console.log(splitLine(r));

if (quick) {
  console.log('\n--quick: results not written to bench/results/');
} else {
  const results = path.join(here, 'results');
  fs.mkdirSync(results, { recursive: true });
  const md = [
    '# API benchmark (issue #5)',
    '',
    'Written by `npm run bench:api` (bench/api-bench.mjs) from the numbers it measured; do not edit by hand.',
    `Run: ${new Date().toISOString()}.`,
    '',
    ...header.map((h) => `${h}  `),
    '',
    'Cases (bench/api-cases.js, bench/api_bench.cc): PutItem replaces one of the items (the table keeps its',
    'size) and commits in memory; GetItem reads one; Query reads the whole 100-item partition. Every',
    'JS case runs on a fresh in-memory database (storage \'memory\': three in-memory replicas);',
    '"wasm engine.execute()" calls the core engine of the package straight from JS, without the',
    'Database queue or replicas (request JSON.stringify\'d, response text not parsed).',
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '## Where the time goes',
    '',
    'CPU microseconds per operation that each layer adds (difference of the medians above), and the time',
    'ratio of the two ways in compared.',
    '',
    `| ${splitColumns.join(' | ')} |`,
    `|${splitColumns.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
    ...splitRows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'Spread (lowest and highest of the rounds, ops/s) and wall-clock rates are in api_bench.json.',
    '',
  ];
  fs.writeFileSync(path.join(results, 'api_bench.md'), md.join('\n'));
  fs.writeFileSync(path.join(results, 'api_bench.json'), `${JSON.stringify({
    date: new Date().toISOString(), items, queryItems: ORDERS, rounds, seconds, node: process.version,
    chromium: chromiumVersion, cpu: os.cpus()[0]?.model, cpus: os.cpus().length, loadBefore, loadAfter,
    requests: expectedTexts, medians: table, split, rounds_raw: raw,
  }, null, 1)}\n`);
  console.log('\nwrote bench/results/api_bench.md and bench/results/api_bench.json');
}
