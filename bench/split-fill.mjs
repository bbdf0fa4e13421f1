// How full the B+tree pages are after loading items in different key orders
// (issues #13/#16: the leaf split rule, core/btree/rebalance.cc). Each
// pattern loads N items of ~250 bytes (bench/compare/workload.js's shape)
// into a fresh core Engine (dist/core/engine.js, no replica protocol) with
// BatchWriteItem of 25, each committed in memory, then reports the pages
// the core holds (pageCount x pageSize), the wasm memory, and the item data
// as DynamoDB counts it. Each pattern and dist runs in a process of its own
// (wasm memory only grows). Deterministic: no timing.
//
//   node bench/split-fill.mjs [--items 100000] [--dist DIR]... [--only bench,random,...]
//
// Patterns (pk HASH, sk RANGE unless said):
//   bench       pk user#<i % 1000>, sk item#<i, 8 digits>: every partition grows at its end
//   gsi         bench, plus a GSI (tag HASH, sk RANGE; 97 tags): its partitions grow at their ends too
//   randomsk    pk user#<random % 1000>, sk a random 12-digit number
//   hashonly    pk item-<i, 8 digits>, no sort key (bench/memory-node.mjs's keys: random order by hash)
//   ascending   pk user#0, sk item#<i>: one partition ascending
//   descending  pk user#0, sk item#<N - i>: one partition descending
// Several --dist (default: this checkout's dist/) give a before/after pair in one run.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PARTITIONS, pad, random } from './compare/workload.js';
import { options } from './support/options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = options();
const items = opt.number('--items', 100_000);
const dists = opt.all('--dist').map((d) => path.resolve(d));
if (dists.length === 0) dists.push(path.resolve(here, '..', 'dist'));
const only = opt.value('--only', null)?.split(',');
const MB = 1024 * 1024;
const BODY = 'b'.repeat(200);

const rangeTable = (extra = {}) => ({
  TableName: 'Items',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
  ...extra,
});
const item = (pk, sk, i) => {
  const out = { pk: { S: pk }, n: { N: String(i) }, body: { S: BODY }, tag: { S: `t${i % 97}` } };
  if (sk !== undefined) out.sk = { S: sk };
  return out;
};
// DynamoDB's item size: attribute names + values (a number ~ digits / 2 + 1).
const itemBytes = (it) => Object.entries(it).reduce((n, [name, v]) =>
  n + name.length + (v.S !== undefined ? Buffer.byteLength(v.S) : (v.N.length >> 1) + 1), 0);

const patterns = {
  bench: { table: rangeTable(), item: (i) => item(`user#${i % PARTITIONS}`, `item#${pad(i)}`, i) },
  gsi: {
    table: rangeTable({
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'tag', AttributeType: 'S' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byTag', KeySchema: [{ AttributeName: 'tag', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    }),
    item: (i) => item(`user#${i % PARTITIONS}`, `item#${pad(i)}`, i),
  },
  randomsk: (() => {
    const rand = random(5);
    return { table: rangeTable(), item: (i) => item(`user#${Math.floor(rand() * PARTITIONS)}`,
      String(Math.floor(rand() * 1e12)).padStart(12, '0'), i) };
  })(),
  hashonly: {
    table: { ...rangeTable(), KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] },
    item: (i) => item(`item-${pad(i)}`, undefined, i),
  },
  ascending: { table: rangeTable(), item: (i) => item('user#0', `item#${pad(i)}`, i) },
  descending: { table: rangeTable(), item: (i) => item('user#0', `item#${pad(items - i)}`, i) },
};

async function measure(dist, name) {
  const { Engine } = await import(pathToFileURL(path.join(dist, 'core', 'engine.js')).href);
  const engine = await Engine.create({});
  const exec = (op, request) => {
    const text = engine.execute(op, JSON.stringify(request));
    if (text.includes('"__type":"')) throw new Error(`${op}: ${text}`);
    if (engine.hasPendingCommit()) engine.commitInMemory();
  };
  const { table, item: make } = patterns[name];
  exec('CreateTable', table);
  let dataBytes = 0;
  for (let i = 0; i < items; i += 25) {
    const puts = [];
    for (let j = i; j < Math.min(items, i + 25); j++) {
      const it = make(j);
      dataBytes += itemBytes(it);
      puts.push({ PutRequest: { Item: it } });
    }
    exec('BatchWriteItem', { RequestItems: { Items: puts } });
  }
  const pagesMB = (engine.pageCount * engine.pageSize) / MB;
  const out = { dist, pattern: name, items, dataMB: dataBytes / MB, pages: engine.pageCount, pagesMB,
    wasmMB: engine.memoryBytes / MB };
  engine.close();
  return out;
}

if (opt.flag('--child')) {
  // One engine per process: wasm memory only grows, so it is measured fresh.
  console.log(JSON.stringify(await measure(opt.value('--child-dist'), opt.value('--child-pattern'))));
  process.exit(0);
}
const load = os.loadavg()[0];
const results = [];
for (const name of Object.keys(patterns)) {
  if (only && !only.includes(name)) continue;
  for (const dist of dists) {
    const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--child-dist', dist,
      '--child-pattern', name, '--items', String(items)], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (res.status !== 0) throw new Error(`${dist} ${name}: ${res.stderr}`);
    const r = JSON.parse(res.stdout.trim().split('\n').at(-1));
    console.log(JSON.stringify(r));
    results.push(r);
  }
}
console.log(`\n${items} items of ~250 bytes, BatchWriteItem x25, core engine in memory; ` +
  `load average ${load.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`);
console.log('pattern | dist | pages | pages MB | data MB | pages / data | wasm memory MB');
console.log('--- | --- | --- | --- | --- | --- | ---');
for (const r of results) {
  console.log(`${r.pattern} | ${r.dist} | ${r.pages} | ${r.pagesMB.toFixed(1)} | ${r.dataMB.toFixed(1)} | ` +
    `${(r.pagesMB / r.dataMB).toFixed(2)}x | ${r.wasmMB.toFixed(0)}`);
}
