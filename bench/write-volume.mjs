// Bytes the replica protocol writes per item (issue #13's write-side
// figures): a bulk load and single awaited PutItems into three MemoryStores
// (the same protocol as IndexedDB and file replicas: commit records appended
// to every replica's log, checkpoints writing changed pages back), counted
// at the store interface, beside the items' own size as DynamoDB counts it.
// Deterministic: no timing, so the machine's load does not matter.
//
//   node bench/write-volume.mjs [--items 20000] [--puts 500] [--bench-items 100000] [--log-limit-mib 8]
//
// A second bulk load is the one of `npm run bench` (bench/compare/workload.js: items spread over
// 1,000 partitions, batches of 1,000 as 40 BatchWriteItems issued together, each batch awaited),
// into a database of its own (--bench-items 0 leaves it out). --log-limit-mib: open()'s
// logLimitBytes (the log size that starts a checkpoint), default the package's.
//
// Needs npm run build:js. Prints a markdown table.

import { open, MemoryStore } from '../dist/index.js';
import { batchWrite, tableSpec } from './compare/engine-pocketdynamo.js';
import { BATCH, makeItem } from './compare/workload.js';
import { options } from './support/options.mjs';

const opt = options();
const ITEMS = opt.number('--items', 20_000);
const PUTS = opt.number('--puts', 500);
const BENCH_ITEMS = opt.number('--bench-items', 100_000);
const LOG_LIMIT = opt.number('--log-limit-mib', 0) * 1048576;
const limits = LOG_LIMIT > 0 ? { logLimitBytes: LOG_LIMIT } : {};
const TABLE = 'Bench';
const BODY = 'b'.repeat(200);
const PER_PARTITION = 100;
const pk = (i) => `g${String(Math.floor(i / PER_PARTITION)).padStart(7, '0')}`;
const item = (i) => ({ pk: { S: pk(i) }, sk: { N: String(i % PER_PARTITION) }, body: { S: BODY }, n: { N: String(i) } });
// DynamoDB's item size: attribute names + values (numbers ~ digits / 2 + 1).
const itemBytes = (i) => 'pk'.length + pk(i).length + 'sk'.length + (String(i % PER_PARTITION).length >> 1) + 1 +
  'body'.length + BODY.length + 'n'.length + (String(i).length >> 1) + 1;

// A MemoryStore that counts what is written to it.
class CountingStore extends MemoryStore {
  records = 0;
  recordBytes = 0;
  pages = 0;
  pageBytes = 0;
  writes = 0;
  appendRecords(entries, expectedEnd, base) {
    this.writes++;
    for (const e of entries) {
      this.records++;
      this.recordBytes += e.record.byteLength;
    }
    return super.appendRecords(entries, expectedEnd, base);
  }
  writePages(pages) {
    this.writes++;
    for (const [, image] of pages) {
      this.pages++;
      this.pageBytes += image.byteLength;
    }
    return super.writePages(pages);
  }
  flipHead(meta, written) {
    this.writes++;
    this.pages++;
    this.pageBytes += meta.byteLength;
    return super.flipHead(meta, written);
  }
  snapshot() {
    return { records: this.recordBytes, pages: this.pageBytes, writes: this.writes };
  }
}

const stores = [0, 1, 2].map((i) => new CountingStore({ label: `replica #${i}` }));
const db = await open({ stores, ...limits });
await db.send('CreateTable', {
  TableName: TABLE,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  BillingMode: 'PAY_PER_REQUEST',
});
await db.whenHealthy(60_000);
// The idle checkpoint (2 s without a commit, the default) and its log trim, finished.
async function settle(db) {
  const start = db.stats().checkpoints;
  const until = Date.now() + 120_000;
  while (db.stats().checkpoints === start || db.stats().checkpointing) {
    if (Date.now() > until) throw new Error('no checkpoint within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const total = (list = stores) => list.reduce((sum, s) => {
  const x = s.snapshot();
  return { records: sum.records + x.records, pages: sum.pages + x.pages, writes: sum.writes + x.writes };
}, { records: 0, pages: 0, writes: 0 });

// Bulk: chunks of 5,000 un-awaited PutItems (as bench/open-page.js generates), then every
// checkpoints (during the load at the log limit, 8 MiB, and the idle one after it).
const before = total();
let data = 0;
for (let from = 0; from < ITEMS; from += 5000) {
  const all = [];
  for (let i = from; i < Math.min(ITEMS, from + 5000); i++) {
    data += itemBytes(i);
    all.push(db.send('PutItem', { TableName: TABLE, Item: item(i) }));
  }
  await Promise.all(all);
}
await db.whenHealthy(600_000);
const bulkCommits = db.stats().commits;
await settle(db);
const bulk = total();

// Awaited single PutItems (random existing items overwritten with a new random body), then the
// idle checkpoint.
let x = 7;
const next = () => (x = (x * 1664525 + 1013904223) >>> 0) % ITEMS;
const mid = total();
let putData = 0;
for (let k = 0; k < PUTS; k++) {
  const i = next();
  putData += itemBytes(i);
  const body = Array.from({ length: BODY.length }, () => String.fromCharCode(97 + (next() % 26))).join('');
  await db.send('PutItem', { TableName: TABLE, Item: { ...item(i), body: { S: body } } });
}
const putLog = total();
await settle(db);
const puts = total();
await db.close();

// The bulk load of npm run bench, into a database of its own.
let benchRow = null;
if (BENCH_ITEMS > 0) {
  const benchStores = [0, 1, 2].map((i) => new CountingStore({ label: `bench replica #${i}` }));
  const bdb = await open({ stores: benchStores, ...limits });
  await bdb.send('CreateTable', tableSpec);
  await bdb.whenHealthy(60_000);
  const start = total(benchStores);
  const send = (op, request) => bdb.send(op, request);
  let bytes = 0;
  for (let from = 0; from < BENCH_ITEMS; from += BATCH) {
    const batch = [];
    for (let i = from; i < Math.min(BENCH_ITEMS, from + BATCH); i++) {
      const it = makeItem(i);
      batch.push(it);
      // DynamoDB's item size: attribute names + values (the number n: digits / 2 + 1).
      bytes += 'pk'.length + it.pk.length + 'sk'.length + it.sk.length + 'n'.length + (String(it.n).length >> 1) + 1 +
        'body'.length + it.body.length + 'tag'.length + it.tag.length;
    }
    await batchWrite(send, batch);
  }
  await bdb.whenHealthy(600_000);
  const commits = bdb.stats().commits;
  const checkpoints = bdb.stats().checkpoints;
  await settle(bdb);
  benchRow = { start, end: total(benchStores), bytes, commits, checkpoints };
  await bdb.close();
}

const f = (n) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const per = (bytes, n) => f(bytes / n);
console.log(`# Bytes written per item by the replica protocol (three replicas)\n`);
console.log(`\`${['node bench/write-volume.mjs', ...process.argv.slice(2)].join(' ')}\`; items of ~${f(data / ITEMS)} bytes ` +
  `as DynamoDB counts them; MemoryStores counting at the store interface (what IndexedDB or a file is given).\n`);
console.log('| workload | item bytes | log records, all replicas | checkpoint pages, all replicas | total | total / item bytes |');
console.log('|---|---:|---:|---:|---:|---:|');
const row = (label, n, itemB, a, b) => {
  const rec = b.records - a.records;
  const pages = b.pages - a.pages;
  console.log(`| ${label} | ${per(itemB, n)} | ${per(rec, n)} | ${per(pages, n)} | ${per(rec + pages, n)} | ` +
    `${((rec + pages) / itemB).toFixed(1)}x |`);
};
row(`bulk load, ${f(ITEMS)} items in ${bulkCommits - 0} commits, then a checkpoint`, ITEMS, data, before, bulk);
if (benchRow) {
  row(`npm run bench's bulk load, ${f(BENCH_ITEMS)} items over 1,000 partitions in ${f(benchRow.commits)} commits ` +
    `(${benchRow.checkpoints} checkpoints during it), then a checkpoint`, BENCH_ITEMS, benchRow.bytes, benchRow.start,
  benchRow.end);
}
row(`${f(PUTS)} awaited PutItems (one commit each), log only`, PUTS, putData, mid, putLog);
row(`${f(PUTS)} awaited PutItems, with the checkpoint after them`, PUTS, putData, mid, puts);
console.log(`\nStore writes: bulk ${f(bulk.writes - before.writes)}, ` +
  `${benchRow ? `npm run bench's bulk ${f(benchRow.end.writes - benchRow.start.writes)}, ` : ''}awaited puts ${f(puts.writes - mid.writes)} ` +
  `(each an IndexedDB transaction or a file write + fsync).`);
