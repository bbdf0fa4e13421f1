// Export/import benchmark: db.exportTable and db.importTable on a table of N
// items of about 300 bytes (default 100,000), against the BUILT package
// (npm run build:js): in Node with in-memory storage (--path DIR: three file
// replicas under DIR, fsync'd), or in Debian's Chromium with IndexedDB
// (--browser; the page and harness of tests/browser/).
//
//   node bench/transfer.mjs [--items N] [--path DIR | --browser] [--json]
//
// Reports, best of 3 runs each (1 run with --browser):
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

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const itemCount = Number(arg('--items', 100_000));
const dir = arg('--path', null);
const browser = args.includes('--browser');
const asJson = args.includes('--json');

// Self-contained (it also runs in the page, from its source text): loads the
// table, then measures `runs` rounds; resolves to the best figures.
async function measure(db, itemCount, runs) {
  const KEYS = {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  };
  const item = (i) => ({
    pk: { S: `customer#${String(i % 1000).padStart(4, '0')}` }, sk: { N: String(i) },
    name: { S: `Customer ${i} ${'x'.repeat(120)}` }, total: { N: (i * 1.25).toFixed(2) },
    tags: { SS: ['new', `t${i % 17}`] }, address: { M: { city: { S: 'Paris' }, zip: { S: '75001' } } },
  });
  await db.send('CreateTable', { TableName: 'Source', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
  const writes = [];
  for (let i = 0; i < itemCount; i += 25) {
    const batch = [];
    for (let j = i; j < Math.min(i + 25, itemCount); j++) batch.push({ PutRequest: { Item: item(j) } });
    writes.push(db.send('BatchWriteItem', { RequestItems: { Source: batch } }));
  }
  await Promise.all(writes);
  const best = {};
  const keep = (name, ms) => { best[name] = Math.min(best[name] ?? Infinity, Math.round(ms)); };
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
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
    const blob = await exp.blob();
    keep('toBlob', performance.now() - t1);
    bytes = blob.size;
    const t2 = performance.now();
    const result = await db.importTable(`Copy${run}`, blob, { createTable: KEYS });
    keep('import', performance.now() - t2);
    if (result.items !== exp.itemCount) throw new Error(`imported ${result.items} of ${exp.itemCount}`);
    await db.send('DeleteTable', { TableName: `Copy${run}` });
  }
  return { ...best, exportBytes: bytes };
}

let figures;
let storage;
if (browser) {
  const { appPage, launch, servePages } = await import('../tests/browser/harness.js');
  const server = await servePages();
  const context = await launch();
  try {
    const page = await appPage(context, server.url);
    await page.evaluate(() => app.openDb('bench-transfer'));
    figures = await page.evaluate(`(${measure.toString()})(app.database(), ${itemCount}, 1)`);
    storage = 'IndexedDB (Chromium)';
  } finally {
    await context.close();
    await server.close();
  }
} else {
  const { open } = await import('pocketdynamo');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  const db = await open(dir ? { path: dir } : { name: 'bench-transfer' });
  figures = await measure(db, itemCount, 3);
  await db.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  storage = dir ? 'file (Node)' : 'memory (Node)';
}

console.log(`${itemCount} items (${(figures.exportBytes / 1e6).toFixed(1)} MB of JSON lines), ${storage}, ` +
    `best of ${browser ? 1 : 3}:`);
console.log(`  export read ${figures.exportRead} ms (a PutItem called meanwhile waited ${figures.putWait} ms; ` +
    `longest event-loop block ${figures.longestTask} ms); to Blob ${figures.toBlob} ms; import ${figures.import} ms`);
if (asJson) console.log(JSON.stringify({ items: itemCount, storage, ...figures }));
