// Export/import benchmark: db.exportTable and db.importTable on a table of N
// items of about 250 bytes (default 100,000), against the BUILT package
// (npm run build:js), in Node with in-memory storage (--path DIR: three file
// replicas under DIR, fsync'd).
//
//   node bench/transfer.mjs [--items N] [--path DIR] [--json]
//
// Reports, best of 3 runs each:
//   exportRead  ms from exportTable() to its resolve: the read inside the
//               operation queue, when no other operation runs
//   putWait     ms a PutItem called right after exportTable() waits (the
//               cost an export imposes on the app's writes)
//   longestTask the longest stretch (ms) the event loop was blocked during
//               the export read (a timer ticking every 1 ms measures gaps)
//   toBlob      ms to turn the read pages into a Blob (outside the queue)
//   import      ms for importTable() of that Blob into a new table
// The last line with --json is one JSON object of those figures.

import fs from 'node:fs';
import { open } from 'pocketdynamo';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const itemCount = Number(arg('--items', 100_000));
const dir = arg('--path', null);
const asJson = args.includes('--json');

const KEYS = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
};

function item(i) {
  return {
    pk: { S: `customer#${String(i % 1000).padStart(4, '0')}` }, sk: { N: String(i) },
    name: { S: `Customer ${i} ${'x'.repeat(120)}` }, total: { N: (i * 1.25).toFixed(2) },
    tags: { SS: ['new', `t${i % 17}`] }, address: { M: { city: { S: 'Paris' }, zip: { S: '75001' } } },
  };
}

if (dir) fs.rmSync(dir, { recursive: true, force: true });
const db = await open(dir ? { path: dir } : { name: 'bench-transfer' });
await db.send('CreateTable', { TableName: 'Source', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
const writes = [];
for (let i = 0; i < itemCount; i += 25) {
  const batch = [];
  for (let j = i; j < Math.min(i + 25, itemCount); j++) batch.push({ PutRequest: { Item: item(j) } });
  writes.push(db.send('BatchWriteItem', { RequestItems: { Source: batch } }));
}
await Promise.all(writes);

const best = {};
const keep = (name, ms) => { best[name] = Math.min(best[name] ?? Infinity, ms); };
let blob;
for (let run = 0; run < 3; run++) {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  const exporting = db.exportTable('Source');
  const put = db.send('PutItem', { TableName: 'Source', Item: item(itemCount + run) }).then(() => performance.now() - t0);
  const exp = await exporting;
  keep('exportRead', performance.now() - t0);
  keep('putWait', await put);
  clearInterval(timer);
  keep('longestTask', longest);
  const t1 = performance.now();
  blob = await exp.blob();
  keep('toBlob', performance.now() - t1);
  const t2 = performance.now();
  const result = await db.importTable(`Copy${run}`, blob, { createTable: KEYS });
  keep('import', performance.now() - t2);
  if (result.items !== exp.itemCount) throw new Error(`imported ${result.items} of ${exp.itemCount}`);
  await db.send('DeleteTable', { TableName: `Copy${run}` });
}
await db.close();
if (dir) fs.rmSync(dir, { recursive: true, force: true });

const figures = { items: itemCount, storage: dir ? 'file' : 'memory', exportBytes: blob.size };
for (const [name, ms] of Object.entries(best)) figures[name] = Math.round(ms);
console.log(`${itemCount} items (${(blob.size / 1e6).toFixed(1)} MB of JSON lines), ${figures.storage} storage, best of 3:`);
console.log(`  export read ${figures.exportRead} ms (a PutItem called meanwhile waited ${figures.putWait} ms; ` +
    `longest event-loop block ${figures.longestTask} ms); to Blob ${figures.toBlob} ms; import ${figures.import} ms`);
if (asJson) console.log(JSON.stringify(figures));
