// A database written in Chromium by the release before storage v2 (replica
// layout 1: IndexedDB version 1, pages keyed by page id, no log) opens with
// the current code, keeps every item, is upgraded to layout 2 in place and
// takes new writes across a reload. The three IndexedDB databases are
// restored exactly as that release left them (tests/fixtures/layout1/
// chromium.json.gz, written by the release's own code in Chromium:
// tests/fixtures/layout1/generate.mjs). Also: a replica of a newer layout
// (IndexedDB version 3) makes open() fail clearly and stays untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { appPage, launch, servePages } from './harness.js';
import { expectedItems } from '../fixtures/layout1/data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(here, '..', 'fixtures', 'layout1', 'chromium.json.gz'))));

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

// Page side: writes the dumped databases back with raw IndexedDB, at their version.
async function restore(page, databases) {
  await page.evaluate(async (dbs) => {
    const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    for (const { name, version, stores } of dbs) {
      await new Promise((resolve, reject) => {
        const r = indexedDB.open(name, version);
        r.onupgradeneeded = () => { for (const store of Object.keys(stores)) r.result.createObjectStore(store); };
        r.onsuccess = () => {
          const db = r.result;
          const tx = db.transaction(Object.keys(stores), 'readwrite');
          for (const [store, rows] of Object.entries(stores)) for (const [key, b64] of rows) tx.objectStore(store).put(bytes(b64), key);
          tx.oncomplete = () => { db.close(); resolve(); };
          tx.onerror = () => reject(tx.error);
        };
        r.onerror = () => reject(r.error);
      });
    }
  }, databases);
}

async function contents(page) {
  return page.evaluate(async () => {
    const db = app.database();
    const out = {};
    for (const table of ['Items', 'Events']) {
      const items = [];
      let start;
      do {
        const pageOut = await db.send('Scan', { TableName: table, ExclusiveStartKey: start });
        items.push(...pageOut.Items);
        start = pageOut.LastEvaluatedKey;
      } while (start);
      out[table] = items.sort((a, b) => ((a.pk.S + (a.sk?.S ?? '')) < (b.pk.S + (b.sk?.S ?? '')) ? -1 : 1));
    }
    return out;
  });
}

test('the fixture is what the release wrote: three IndexedDB databases of version 1', () => {
  assert.deepEqual(fixture.databases.map((d) => [d.name, d.version]), [['layout1#0', 1], ['layout1#1', 1], ['layout1#2', 1]]);
  for (const d of fixture.databases) assert.deepEqual(Object.keys(d.stores).sort(), ['meta', 'pages']);
});

test('a layout-1 IndexedDB database opens with every item, is upgraded, takes writes', async () => {
  const page = await appPage(context, server.url);
  await restore(page, fixture.databases);
  const info = await page.evaluate(() => app.openDb('layout1'));
  assert.equal(info.recovery.fresh, false);
  assert.ok(info.recovery.lsn > 10, `opened at LSN ${info.recovery.lsn}`);
  const expected = expectedItems();
  assert.deepEqual(await contents(page), expected);
  assert.equal(await page.evaluate(() => app.check()), '');
  const versions = await page.evaluate(async () => (await indexedDB.databases())
    .filter((d) => d.name.startsWith('layout1#')).map((d) => d.version));
  assert.deepEqual(versions, [2, 2, 2]);
  await page.evaluate(() => app.putMany('new', 0, 20));
  await page.evaluate(() => app.close());
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => app.openDb('layout1'));
  const after = await contents(page);
  assert.deepEqual(after.Events, expected.Events);
  assert.equal(after.Items.length, expected.Items.length + 20);
  assert.equal(await page.evaluate(() => app.check()), '');
  const replicas = await page.evaluate(() => app.whenHealthy());
  assert.ok(replicas.every((r) => r.status === 'healthy' && r.lsn === replicas[0].lsn), JSON.stringify(replicas));
  await page.evaluate(() => app.close());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a replica of a newer layout (IndexedDB version 3): open fails clearly, nothing changes', async () => {
  const page = await appPage(context, server.url);
  // As a newer release would leave it: all three replicas upgraded past what this code knows.
  const newer = fixture.databases.map((d) => ({ ...d, name: d.name.replace('layout1', 'future'), version: 3 }));
  await restore(page, newer);
  const result = await page.evaluate(() => app.tryOpen('future'));
  assert.equal(result.error?.name, 'PocketDynamoError', JSON.stringify(result));
  assert.match(result.error.message, /replica #\d: IndexedDB "future#\d" was written by a newer pocketdynamo/);
  const versions = await page.evaluate(async () => (await indexedDB.databases())
    .filter((d) => d.name.startsWith('future#')).map((d) => [d.name, d.version]).sort());
  assert.deepEqual(versions, [['future#0', 3], ['future#1', 3], ['future#2', 3]], 'no replica was changed');
  const counts = await page.evaluate(async () => {
    const db = await new Promise((resolve) => { const r = indexedDB.open('future#0'); r.onsuccess = () => resolve(r.result); });
    const tx = db.transaction(['meta', 'pages']);
    const n = await new Promise((resolve) => { const c = tx.objectStore('pages').count(); c.onsuccess = () => resolve(c.result); });
    db.close();
    return n;
  });
  assert.equal(counts, fixture.databases[0].stores.pages.length, 'its pages are all still there');
  await page.close();
});
