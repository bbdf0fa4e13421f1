// IndexedDB micro-benchmark in Debian's Chromium (issue #13, step 0): what
// the storage design can count on. Writes bench/results/idb_micro.md (and
// .json) unless --no-write; --quick does fewer rounds.
//
//   node bench/idb-micro.mjs [--quick] [--no-write]
//
// Cases (one fresh profile on disk, values are random bytes):
//   parallel k   k = 1, 2, 3 readwrite transactions started together, one per
//                database, each putting 512 bytes, awaited together; also
//                when the first and the second of them completed. If
//                Chromium runs them in parallel, k = 3 costs about k = 1; if
//                it serialises them, about 3x.
//   durability   the same with 'strict' and 'relaxed'.
//   quorum       back-to-back commits to 3 databases, each awaited until 2 of
//                its 3 transactions completed (strict x3, and strict x2 +
//                relaxed), the replica set's commit pattern.
//   put size     one strict transaction putting one value of 0.5, 8, 60,
//                70 KiB (70 KiB: above the 64 KiB where Chromium stores values
//                as separate blob files), and 10 values of 8 KiB.
//   reads        100 values of 8 KiB in one readonly transaction: 100 gets,
//                one getAll, one cursor; and one get alone.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, startChromium } from '../tests/browser/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = !args.includes('--no-write');
const ROUNDS = quick ? 60 : 200;

const pages = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-micro-pages-'));
fs.writeFileSync(path.join(pages, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">import * as bench from '/bench/idb-micro-page.js'; window.bench = bench; window.__ready = true;</script>`);
const server = await serve({ '/': pages, '/bench/': here });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-micro-profile-'));
const chrome = await startChromium({ profile });
const loadStart = os.loadavg();
const started = Date.now();
const result = { date: new Date().toISOString(), quick, rounds: ROUNDS, chromium: '', machine: {}, cases: {} };

try {
  const page = await chrome.context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.__ready === true);
  result.chromium = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
  console.log(`IndexedDB micro-benchmark, ${result.chromium}, ${os.cpus().length} CPU(s), load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  const c = result.cases;
  const o = { rounds: ROUNDS };
  c.parallel = [];
  for (const durability of ['strict', 'relaxed']) {
    for (const k of [1, 2, 3]) {
      const r = await page.evaluate(([kk, d, opts]) => bench.parallel(kk, d, opts), [k, durability, o]);
      c.parallel.push(r);
      console.log(`  ${k} parallel ${durability}: all p50 ${r.all.p50.toFixed(2)} p99 ${r.all.p99.toFixed(2)} ms` +
        `${r.second ? `; 2nd done p50 ${r.second.p50.toFixed(2)}` : ''}`);
    }
  }
  c.quorum = [];
  for (const ds of [['strict', 'strict', 'strict'], ['strict', 'strict', 'relaxed'], ['strict', 'strict']]) {
    const r = await page.evaluate(([k, d, opts]) => bench.quorumStream(k, d, opts), [ds.length, ds, o]);
    c.quorum.push(r);
    console.log(`  quorum stream ${ds.join('+')}: p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} ms`);
  }
  c.putSize = [];
  for (const [bytes, count] of [[512, 1], [8192, 1], [61440, 1], [71680, 1], [8192, 10], [8192, 32]]) {
    const r = await page.evaluate(([b, n, rounds]) => bench.putSize(b, { count: n, rounds }), [bytes, count, quick ? 30 : 60]);
    c.putSize.push(r);
    console.log(`  put ${count} x ${(bytes / 1024).toFixed(1)} KiB strict: p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} ms`);
  }
  c.reads = await page.evaluate((rounds) => bench.reads({ rounds }), quick ? 20 : 40);
  for (const name of ['get', 'getAll', 'cursor', 'single']) {
    console.log(`  read ${name}: p50 ${c.reads[name].p50.toFixed(2)} p99 ${c.reads[name].p99.toFixed(2)} ms`);
  }
  await page.evaluate(() => bench.cleanup());
} finally {
  await chrome.close();
  await server.close();
  fs.rmSync(pages, { recursive: true, force: true });
  fs.rmSync(profile, { recursive: true, force: true });
}
result.machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', loadavgStart: loadStart, loadavgEnd: os.loadavg(),
  node: process.version, seconds: (Date.now() - started) / 1000 };

const f = (v) => v.toFixed(2);
const par = (k, d) => result.cases.parallel.find((r) => r.k === k && r.durability === d);
const lines = [
  '# IndexedDB micro-benchmark (Chromium)',
  '',
  `Generated by \`node bench/idb-micro.mjs${quick ? ' --quick' : ''}\` on ${result.date}; ${result.chromium}; ` +
    `${result.machine.cpus} CPU(s) (${result.machine.model}), load average ${loadStart.map(f).join(' ')} at the start, ` +
    `${result.machine.loadavgEnd.map(f).join(' ')} at the end (a shared machine: compare within this run). ` +
    `${ROUNDS} timed rounds per case unless said; values are random bytes; one profile on disk.`,
  '',
  '## Parallel transactions to separate databases (512 B put each, awaited together)',
  '',
  '| transactions | durability | all done p50 | all done p99 | 1st done p50 | 2nd done p50 | all / 1 (p50) |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ...result.cases.parallel.map((r) => `| ${r.k} | ${r.durability} | ${f(r.all.p50)} | ${f(r.all.p99)} | ` +
    `${f(r.first.p50)} | ${r.second ? f(r.second.p50) : '-'} | ${f(r.all.p50 / par(1, r.durability).all.p50)} |`),
  '',
  'ms. "all / 1" near 1 means the databases commit in parallel; near k means Chromium serialises them.',
  '',
  '## Back-to-back quorum commits (each awaited until 2 transactions completed)',
  '',
  '| databases | p50 | p99 | mean |',
  '| --- | ---: | ---: | ---: |',
  ...result.cases.quorum.map((r) => `| ${r.durabilities.join(' + ')} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.mean)} |`),
  '',
  'ms. The third transaction of commit r is still running when commit r+1 starts, as in the replica set.',
  '',
  '## Put cost by value size (one strict transaction)',
  '',
  '| puts x size | p50 | p99 | mean |',
  '| --- | ---: | ---: | ---: |',
  ...result.cases.putSize.map((r) => `| ${r.count} x ${(r.bytes / 1024).toFixed(1)} KiB | ${f(r.p50)} | ${f(r.p99)} | ${f(r.mean)} |`),
  '',
  '## Reading 100 values of 8 KiB (one readonly transaction)',
  '',
  '| how | p50 | p99 | mean |',
  '| --- | ---: | ---: | ---: |',
  ...['get', 'getAll', 'cursor', 'single'].map((name) => `| ${{ get: '100 x get', getAll: 'getAll(range)',
    cursor: 'openCursor(range)', single: 'one get alone' }[name]} | ${f(result.cases.reads[name].p50)} | ` +
    `${f(result.cases.reads[name].p99)} | ${f(result.cases.reads[name].mean)} |`),
  '',
];
const md = lines.join('\n');
console.log('');
console.log(md);
if (write) {
  const out = path.join(here, 'results', quick ? 'idb_micro_quick' : 'idb_micro');
  fs.writeFileSync(`${out}.md`, md);
  fs.writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written: ${path.relative(path.join(here, '..'), `${out}.md`)}, .json`);
}
