// Memory of an in-memory database in Node (issue #16): loads N items of
// ~250 bytes (default 100,000, ~25 MB of item data) with BatchWriteItem (25
// per call, awaited) into a database opened with storage 'memory', then
// reports, after a full GC: the process's RSS, ArrayBuffers (Node does not
// count the wasm memory in them), the wasm memory's size (caught from
// WebAssembly.instantiate) and the JS heap, in MB, and wasm memory plus
// ArrayBuffers as a multiple of the item data.
//
//   node --expose-gc bench/memory-node.mjs [--items 100000] [--dist DIR]...
//
// Each --dist (default: this checkout's dist/) is measured in its own
// process, one after the other, so that a before/after pair runs in one go:
//   node --expose-gc bench/memory-node.mjs --dist /tmp/old/dist --dist dist
// Output: one JSON line per dist, and a table.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { options } from './support/options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = options();
const items = opt.number('--items', 100_000);
const MB = 1024 * 1024;

async function measure(dist) {
  // The wasm memory of every instance created (the database's engine).
  const memories = [];
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (...params) {
    const result = await instantiate.apply(this, params);
    const instance = result.instance ?? result;
    for (const value of Object.values(instance.exports ?? {})) {
      if (value instanceof WebAssembly.Memory) memories.push(value);
    }
    return result;
  };
  const { open } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const gc = globalThis.gc ?? (() => {});
  gc();
  const base = process.memoryUsage();
  const db = await open({ storage: 'memory', ttlSweepIntervalMs: 0 });
  await db.send('CreateTable', {
    TableName: 'Items',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const filler = 'x'.repeat(180);
  let dataBytes = 0;
  const started = performance.now();
  for (let i = 0; i < items; i += 25) {
    const puts = [];
    for (let j = i; j < Math.min(items, i + 25); j++) {
      const item = { pk: { S: `item-${String(j).padStart(8, '0')}` }, n: { N: String(j) }, text: { S: `${filler}${j}` } };
      dataBytes += 13 + 8 + 1 + String(j).length + 4 + filler.length + String(j).length;  // DynamoDB item size: names + values
      puts.push({ PutRequest: { Item: item } });
    }
    await db.send('BatchWriteItem', { RequestItems: { Items: puts } });
  }
  const loadS = (performance.now() - started) / 1000;
  let count = 0;
  let start;
  do {
    const page = await db.send('Scan', { TableName: 'Items', Select: 'COUNT', ExclusiveStartKey: start });
    count += page.Count;
    start = page.LastEvaluatedKey;
  } while (start);
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const after = process.memoryUsage();
  const out = {
    dist, items, count, dataMB: dataBytes / MB, loadS,
    rssMB: after.rss / MB, arrayBuffersMB: after.arrayBuffers / MB, heapUsedMB: after.heapUsed / MB,
    wasmMB: memories.reduce((n, m) => n + m.buffer.byteLength, 0) / MB,
    baseRssMB: base.rss / MB, baseArrayBuffersMB: base.arrayBuffers / MB,
  };
  await db.close();
  return out;
}

if (opt.flag('--child')) {
  console.log(JSON.stringify(await measure(opt.value('--child-dist'))));
} else {
  const dists = opt.all('--dist').map((d) => path.resolve(d));
  if (dists.length === 0) dists.push(path.resolve(here, '..', 'dist'));
  const results = [];
  const load = os.loadavg()[0];
  for (const dist of dists) {
    const res = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', '--child-dist', dist,
      '--items', String(items)], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (res.status !== 0) throw new Error(`${dist}: ${res.stderr}`);
    const line = JSON.parse(res.stdout.trim().split('\n').at(-1));
    console.log(JSON.stringify(line));
    results.push(line);
  }
  console.log(`\n${items} items (${results[0].dataMB.toFixed(1)} MB of item data), BatchWriteItem x25, storage 'memory'; ` +
    `load average ${load.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`);
  console.log('dist | RSS MB | ArrayBuffers MB | wasm memory MB | JS heap MB | (wasm + ArrayBuffers) / data | load s');
  for (const r of results) {
    console.log(`${r.dist} | ${r.rssMB.toFixed(0)} | ${r.arrayBuffersMB.toFixed(0)} | ${r.wasmMB.toFixed(0)} | ` +
      `${r.heapUsedMB.toFixed(0)} | ${((r.wasmMB + r.arrayBuffersMB) / r.dataMB).toFixed(1)}x | ${r.loadS.toFixed(1)}`);
  }
}
