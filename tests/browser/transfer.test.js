// Table export and import in Chromium with IndexedDB storage: a table of
// every attribute type is exported (Blob and gzip stream), imported into new
// tables, equal item for item, and still equal after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appPage, launch, servePages } from './harness.js';

let server;
let context;

before(async () => {
  server = await servePages();
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
});

// In the page: every item of a table, sorted by key, as DynamoDB JSON.
const scanSorted = async (table) => {
  const db = app.database();
  const items = [];
  let start;
  do {
    const page = await db.send('Scan', { TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return items.map((it) => JSON.stringify(it)).sort();
};

test('export -> import into new tables -> equal, and after a reload', async () => {
  const page = await appPage(context, server.url);
  await page.evaluate(() => app.openDb('transfer'));
  const exported = await page.evaluate(async () => {
    const db = app.database();
    const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
    const writes = [];
    for (let i = 0; i < 600; i++) {
      writes.push(db.send('PutItem', { TableName: 'Items', Item: {
        pk: { S: `k${String(i).padStart(4, '0')} ✓` }, n: { N: `${i}.5e-3` }, big: { N: '12345678901234567890123456789012345678' },
        b: { B: b64([i % 256, 0, 255]) }, t: { BOOL: i % 2 === 0 }, z: { NULL: true }, ss: { SS: ['a', `s${i}`] },
        ns: { NS: ['1', String(i + 2)] }, bs: { BS: [b64([1, 2]), b64([i % 256])] },
        m: { M: { l: { L: [{ S: 'x' }, { M: { deep: { N: String(-i) } } }] }, ['__proto__']: { S: 'own' } } },
        body: { S: 'y'.repeat(i === 7 ? 399_000 : 200) },
      } }));
    }
    await Promise.all(writes);
    const exp = await db.exportTable('Items');
    const keys = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] };
    const progress = [];
    const plain = await db.importTable('Copy', await exp.blob(), { createTable: keys, onProgress: (p) => progress.push(p) });
    const gzipped = await db.importTable('CopyGz', exp.stream({ gzip: true }), { createTable: keys });
    return { count: exp.itemCount, plain, gzipped, progress };
  });
  assert.equal(exported.count, 600);
  assert.equal(exported.plain.items, 600);
  assert.equal(exported.gzipped.items, 600);
  assert.deepEqual(exported.progress.at(-1), { items: 600, bytes: exported.plain.bytes, batches: 24 });
  const original = await page.evaluate(scanSorted, 'Items');
  assert.equal(original.length, 600);
  assert.deepEqual(await page.evaluate(scanSorted, 'Copy'), original);
  assert.deepEqual(await page.evaluate(scanSorted, 'CopyGz'), original);
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => app.openDb('transfer'));
  assert.deepEqual(await page.evaluate(scanSorted, 'Copy'), original);
  assert.deepEqual(await page.evaluate(scanSorted, 'CopyGz'), original);
  assert.equal(await page.evaluate(() => app.check()), '');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a forwarding tab exports and imports through the owner tab', async () => {
  const owner = await appPage(context, server.url);
  const other = await appPage(context, server.url);
  assert.equal((await owner.evaluate(() => app.openDb('transfer-tabs'))).role, 'owner');
  assert.equal((await other.evaluate(() => app.openDb('transfer-tabs'))).role, 'forwarding');
  await owner.evaluate(() => app.putMany('o', 0, 120));
  const result = await other.evaluate(async () => {
    const db = app.database();
    const exp = await db.exportTable('Items');
    const text = await exp.text();
    const keys = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] };
    const imported = await db.importTable('FromTab', text, { createTable: keys });
    let error = null;
    try {
      await db.importTable('FromTab', `${text}{"Item": {"nokey": {"S": "x"}}}\n`);
    } catch (e) {
      error = { name: e.name, line: e.line, itemsWritten: e.itemsWritten };
    }
    return { count: exp.itemCount, imported: imported.items, error };
  });
  assert.deepEqual(result, { count: 120, imported: 120, error: { name: 'ValidationException', line: 121, itemsWritten: 100 } });
  assert.deepEqual(await owner.evaluate(scanSorted, 'FromTab'), await owner.evaluate(scanSorted, 'Items'));
  assert.deepEqual(owner.errors, []);
  assert.deepEqual(other.errors, []);
  await other.close();
  await owner.close();
});
