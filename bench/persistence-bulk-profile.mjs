// Where the time of a bulk load into three IndexedDB replicas goes, in
// Chromium (issue #13's bulk-load target): the bulk load of `npm run bench`
// (bench/compare/workload.js) with every step of the write path timed
// (bench/persistence-bulk-page.js) and, with --profile, Chrome's CPU profile
// of the page (CDP Profiler) summed by where the time went: the wasm core,
// each JS file of the package, the garbage collector, and idle (the page
// waiting, i.e. for IndexedDB).
//
//   node bench/persistence-bulk-profile.mjs [--items 100000] [--profile] [--raw] [--open JSON]... [--json FILE]
//
// --raw: raw IndexedDB's bulk load of the same items too (bench/compare/engine-idb.js), after
// the others, and the ratios; --open: more open() options, e.g. '{"logLimitBytes": 33554432}';
// given several times, one load per --open, each in a fresh page and database, in this order.
//
// Needs npm run build:js. Prints the breakdown; one run, so compare it only
// with figures of the same run (the machine is shared: its load is printed).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from '../tests/browser/harness.js';
import { benchSite, requireDist } from './support/bench-page.mjs';
import { options } from './support/options.mjs';

const opt = options();
const { args } = opt;
const items = opt.number('--items', 100_000);
const profile = opt.flag('--profile');
const jsonOut = opt.value('--json', null);
const withRaw = opt.flag('--raw');
// --open-x JSON: as --open, with the experiment of the page's flip that deletes no replaced page
// version (bench/persistence-bulk-page.js skipVersionDeletes): what those deletes cost.
// --open-nofeed JSON: as --open, with the core's change feed off (noChangeFeed): what it costs.
const configs = args.flatMap((a, i) => (a === '--open' ? [JSON.parse(args[i + 1])]
  : a === '--open-x' ? [{ ...JSON.parse(args[i + 1]), experiment: { skipVersionDeletes: true } }]
    : a === '--open-nofeed' ? [{ ...JSON.parse(args[i + 1]), experiment: { noChangeFeed: true } }] : []));
if (configs.length === 0) configs.push({});

requireDist('persistence-bulk-profile');

const site = await benchSite('persistence-bulk-page.js');
const context = await launch();
const fmt = (x, d = 0) => x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });

// Self time per category of a CPU profile (Profiler.Profile).
function summarize(cpu) {
  const byId = new Map(cpu.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < cpu.samples.length; i++) {
    const node = byId.get(cpu.samples[i]);
    const dt = (cpu.timeDeltas[i + 1] ?? 0) / 1000;
    const { functionName, url } = node.callFrame;
    let key;
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') key = functionName;
    else if (url.endsWith('.wasm') || /^(wasm-function|\$)/.test(functionName)) key = 'wasm core';
    else if (url === '') key = `(native) ${functionName}`;
    else key = `${path.basename(new URL(url).pathname)}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  // The hottest JS functions (not wasm, idle, program).
  const fns = new Map();
  for (let i = 0; i < cpu.samples.length; i++) {
    const node = byId.get(cpu.samples[i]);
    const { functionName, url } = node.callFrame;
    if (url === '' || url.endsWith('.wasm')) continue;
    const key = `${functionName || '(anonymous)'} ${path.basename(new URL(url).pathname)}:${node.callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + (cpu.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return { categories: [...self].sort((a, b) => b[1] - a[1]), functions: [...fns].sort((a, b) => b[1] - a[1]).slice(0, 15) };
}

async function runOne(openOptions, name) {
  const page = await site.open(context);
  const browser = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
  let cdp = null;
  if (profile) {
    cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const loadStart = os.loadavg();
  const { experiment = {}, ...options } = openOptions;
  const r = await page.evaluate(([n, o, x, db]) => bench.run({ items: n, options: o, experiment: x, name: db }),
    [items, options, experiment, name]);
  const cpu = cdp ? (await cdp.send('Profiler.stop')).profile : null;
  await page.evaluate(() => bench.close());
  await page.close();
  const loadEnd = os.loadavg();

  const end = r.t0 + r.loadMs;
  const inLoad = (e) => e.start >= r.t0 && e.start < end;
  const sum = (list, f) => list.reduce((a, x) => a + f(x), 0);
  const commitsInLoad = r.commits.filter(inLoad);
  const quorumMs = sum(commitsInLoad, (c) => c.quorum - c.start);
  const recordBytes = sum(commitsInLoad, (c) => c.bytes);
  const kinds = {};
  for (const e of r.events.filter(inLoad)) {
    const k = (kinds[e.what] ??= { count: 0, ms: 0, syncMs: 0, bytes: 0, pages: 0 });
    k.count++;
    k.ms += e.end - e.start;
    k.syncMs += e.issued - e.start;
    k.bytes += e.bytes ?? 0;
    k.pages += e.pages ?? 0;
  }
  // Per batch: its start to the commit's start (the core running the 40 BatchWriteItems, the group
  // commit's macrotask), and the commit to its quorum (the replicas' appends, and whatever
  // IndexedDB work was queued before them: checkpoint writes).
  let beforeCommitMs = 0;
  for (const b of r.batches) {
    const c = r.commits.find((x) => x.start >= b.start && x.start <= b.end);
    if (c) beforeCommitMs += c.start - b.start;
  }
  const out = {
    browser, items, open: openOptions, loadavgStart: loadStart, loadavgEnd: loadEnd,
    loadMs: r.loadMs, itemsPerSec: r.itemsPerSec, settleMs: r.settleMs,
    batches: r.batches.length, commits: commitsInLoad.length,
    recordBytesPerItem: recordBytes / items,
    core: r.core, beforeCommitMs, quorumMs, kinds,
    profile: cpu ? summarize(cpu) : null,
  };
  console.log(`bulk load of ${fmt(items)} items into three IndexedDB replicas, open(${JSON.stringify(openOptions)}), ${browser}, ` +
    `load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  ${fmt(r.loadMs)} ms = ${fmt(r.itemsPerSec)} items/s; ${commitsInLoad.length} commits, record ${fmt(recordBytes / items)} B/item; ` +
    `then ${fmt(r.settleMs)} ms until all three healthy`);
  console.log(`  per batch, summed: start -> commit ${fmt(beforeCommitMs)} ms, commit -> quorum ${fmt(quorumMs)} ms`);
  console.log(`  core (synchronous): execute ${fmt(r.core.execute)} ms (${r.core.executeCalls} calls), ` +
    `takeCommit ${fmt(r.core.takeCommit)} ms, durableImages ${fmt(r.core.durableImages)} ms (${r.core.durableImageCalls} calls, checkpoints)`);
  for (const [what, k] of Object.entries(kinds)) {
    console.log(`  IndexedDB ${what}: ${k.count} transactions, ${fmt(k.ms)} ms summed (mean ${fmt(k.ms / k.count, 1)}), ` +
      `building them ${fmt(k.syncMs)} ms, ${fmt(k.bytes / 1048576, 1)} MiB, ${fmt(k.pages)} pages`);
  }
  if (out.profile) {
    console.log('  CPU profile of the page (self time, ms):');
    for (const [k, ms] of out.profile.categories.slice(0, 14)) console.log(`    ${k.padEnd(40)} ${fmt(ms).padStart(8)}`);
    console.log('  hottest JS functions (self, ms):');
    for (const [k, ms] of out.profile.functions.slice(0, 10)) console.log(`    ${k.padEnd(60)} ${fmt(ms).padStart(8)}`);
  }
  return { ...out, raw: r };
}

try {
  const results = [];
  for (let i = 0; i < configs.length; i++) results.push(await runOne(configs[i], `bulkprof${i}`));
  let raw = null;
  if (withRaw) {
    const page = await site.open(context);
    raw = await page.evaluate((n) => bench.raw({ items: n }), items);
    await page.close();
    console.log(`raw IndexedDB: ${fmt(raw.ms)} ms = ${fmt(raw.itemsPerSec)} items/s; pocketdynamo / raw: ` +
      results.map((x) => `${(x.itemsPerSec / raw.itemsPerSec).toFixed(2)}x`).join(', '));
  }
  console.log(`load at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify({ results, raw }, null, 1)}\n`);
} finally {
  await context.close();
  await site.close();
}
