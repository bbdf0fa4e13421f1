// pocketdynamo beside raw IndexedDB in each browser engine: runs
// bench/persistence-bench.mjs (same workloads, same page code) once per
// engine of the test harness (tests/browser/harness.js: Chromium, Firefox,
// WebKit), one after the other, and prints one table per engine with the
// ratios within that engine (pocketdynamo / raw IndexedDB; for times > 1
// means slower). `npm run bench` runs it after bench/compare.mjs.
//
//   node bench/engines.mjs [--quick] [--items N] [--engines chromium,firefox,webkit]
//
// Output: the tables on the terminal, and bench/results/engines.{json,md}
// (--quick: bench/results/engines-quick.*). An engine whose run fails is
// reported with its error and the others still run; the exit status is then 1.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
const engines = (option('--engines') ?? 'chromium,firefox,webkit').split(',');
const passed = [...(quick ? ['--quick'] : []), ...(option('--items') ? ['--items', option('--items')] : [])];

const results = {};
const failures = [];
for (const engine of engines) {
  console.log(`persistence benchmark in ${engine} ...`);
  const t0 = Date.now();
  const run = spawnSync(process.execPath, [path.join(here, 'persistence-bench.mjs'), ...passed, '--json'], {
    env: { ...process.env, PD_BROWSER: engine },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = run.stdout.trim().split('\n').pop();
  try {
    if (run.status !== 0) throw new Error(`exit ${run.status ?? run.signal}`);
    results[engine] = JSON.parse(last);
    console.log(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } catch (error) {
    failures.push(engine);
    results[engine] = { error: `${error.message}\n${run.stderr.slice(-2000)}${run.stdout.slice(-1000)}` };
    console.log(`  FAILED: ${results[engine].error}`);
  }
}

function rows(r) {
  const pd = r.pocketdynamo;
  const raw = r.raw;
  return [
    ['bulk load, items/s', r.items / (pd.bulk.ms / 1000), r.items / (raw.bulk.ms / 1000)],
    ['sequential PutItem p50, ms', pd.sequential.p50, raw.sequential.p50],
    ['sequential PutItem p99, ms', pd.sequential.p99, raw.sequential.p99],
    [`${r.unawaited.toLocaleString('en')} un-awaited PutItems, ms`, pd.unawaited.ms, raw.unawaited.ms],
    ['open, ms (raw: connection)', pd.open.ms, raw.open.ms],
    ['open, ms (raw: connection + read all)', pd.open.ms, raw.open.loadMs],
  ];
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
const md = [`# pocketdynamo and raw IndexedDB per browser engine`, '',
  `${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}` +
  ` at the end; ${new Date().toISOString()}. Ratio: pocketdynamo / raw IndexedDB (times: > 1 is slower).`, ''];
for (const engine of engines) {
  const r = results[engine];
  console.log('');
  if (r.error) {
    console.log(`${engine}: failed`);
    md.push(`## ${engine}`, '', `failed: ${r.error.split('\n')[0]}`, '');
    continue;
  }
  const title = `${engine} (${r.browser ?? r.chromium}), ${r.items.toLocaleString('en')} items`;
  console.log(title);
  console.log(`${'case'.padEnd(42)}${'pocketdynamo'.padStart(14)}${'raw IndexedDB'.padStart(15)}${'ratio'.padStart(9)}`);
  md.push(`## ${title}`, '', '| case | pocketdynamo | raw IndexedDB | ratio |', '| --- | ---: | ---: | ---: |');
  for (const [name, a, b] of rows(r)) {
    console.log(`${name.padEnd(42)}${fmt(a).padStart(14)}${fmt(b).padStart(15)}${(a / b).toFixed(2).padStart(9)}`);
    md.push(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${(a / b).toFixed(2)} |`);
  }
  md.push('');
}

const out = path.join(here, 'results', quick ? 'engines-quick' : 'engines');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.json`, `${JSON.stringify({ engines: results, loadavg: os.loadavg() }, null, 1)}\n`);
fs.writeFileSync(`${out}.md`, `${md.join('\n')}\n`);
console.log(`\nwritten: ${path.relative(process.cwd(), out)}.{json,md}`);
process.exitCode = failures.length ? 1 : 0;
