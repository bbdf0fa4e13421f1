// The built package in Debian's Chromium without a bundler: dist/ served as
// plain ES modules, in the page and in a Web Worker (WorkerClient +
// dist/worker/worker.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, runPage } from './harness.js';
import { expectedSmoke } from '../js/support/smoke-app.js';

// In a browser (page or worker) open(name) keeps the database in IndexedDB.
const expectedInBrowser = { ...expectedSmoke, persistent: true };

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', '..', 'dist');
let pages;
let server;
let browser;

function page(name, body) {
  fs.writeFileSync(path.join(pages, name), `<!doctype html><script type="module">
import { smoke } from '/support/smoke-app.js';
try {
${body}
} catch (error) {
  window.__result = { error: String(error && error.stack || error) };
}
window.__done = true;
</script>`);
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'core', 'pocketdynamo-core.wasm')), 'dist/ is built (npm run build:js)');
  pages = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-pages-'));
  page('in-page.html', `
  const { open } = await import('/dist/index.js');
  const db = await open('plain');
  const result = await smoke(db);
  const snapshot = await db.snapshot();
  await db.close();
  let closed = null;
  try { await db.send('ListTables', {}); } catch (error) { closed = error.name; }
  const reopened = await open({ snapshot });
  result.reopened = (await reopened.table('Things').get({ id: 'a' })).n;
  result.closed = closed;
  window.__result = result;`);
  page('worker.html', `
  const { WorkerClient } = await import('/dist/worker/index.js');
  const worker = new Worker('/dist/worker/worker.js', { type: 'module' });
  const db = await WorkerClient.open(worker, 'in-worker');
  const result = await smoke(db);
  result.name = db.name;
  result.check = await db.check();
  let bad = null;
  try { await db.send('PutItem', { TableName: 'Things', Item: {} }); } catch (error) { bad = error.name; }
  result.bad = bad;
  // An item holding "__type" (a name, a string quoting an error body) is no error through the worker.
  const typed = { __type: { S: '{"__type":"com.amazon.coral.validate#ValidationException"}' }, id: { S: '__type' } };  // name order, as the core writes
  await db.send('PutItem', { TableName: 'Things', Item: typed });
  const handled = await db.requestHandler().handle({
    headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' },
    body: JSON.stringify({ TableName: 'Things', Key: { id: { S: '__type' } } }),
  });
  const exported = await (await db.exportTable('Things')).text();
  result.typed = {
    status: handled.response.statusCode,
    same: JSON.stringify(JSON.parse(new TextDecoder().decode(handled.response.body)).Item) === JSON.stringify(typed),
    exported: exported.includes('"__type":{"S":'),
  };
  await db.send('DeleteItem', { TableName: 'Things', Key: { id: { S: '__type' } } });
  await db.close();
  let closed = null;
  try { await db.send('ListTables', {}); } catch (error) { closed = error.name; }
  result.closed = closed;
  worker.terminate();
  window.__result = result;`);
  // Replicas gone while the marker says the database held data (here deleted by hand; Chromium
  // deletes the origin's whole IndexedDB when it finds its store corrupt): open() refuses with
  // DataLossError, in a page (localStorage marker) and in a worker (OPFS marker).
  page('data-loss.html', `
  const { open, DataLossError } = await import('/dist/index.js');
  const { WorkerClient } = await import('/dist/worker/index.js');
  const wipe = (name) => Promise.all([0, 1, 2].map((i) => new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name + '#' + i);
    r.onsuccess = resolve;
    r.onerror = () => reject(r.error);
  })));
  const spec = { TableName: 'Things', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' };
  const result = {};
  const db = await open('lost-page');
  await db.send('CreateTable', spec);
  result.marker = JSON.parse(localStorage.getItem('pocketdynamo:lost-page')).lsn >= 1;
  await db.close();
  await wipe('lost-page');
  try { await open('lost-page'); result.page = 'opened'; } catch (error) {
    result.page = error.name; result.pageIsClass = error instanceof DataLossError; result.pageLsn = error.lastLsn;
  }
  const accepted = await open('lost-page', { acceptDataLoss: true });
  result.accepted = (await accepted.send('ListTables', {})).TableNames.length;
  result.acceptedLoss = accepted.recovery.dataLoss !== null;
  await accepted.close();
  const start = () => new Worker('/dist/worker/worker.js', { type: 'module' });
  let worker = start();
  const wdb = await WorkerClient.open(worker, 'lost-worker');
  await wdb.send('CreateTable', spec);
  await wdb.close();
  worker.terminate();
  result.workerLocalStorage = localStorage.getItem('pocketdynamo:lost-worker');
  const dir = await navigator.storage.getDirectory();
  result.workerMarker = JSON.parse(await (await (await dir.getFileHandle('pocketdynamo-lost-worker.marker.json')).getFile()).text()).lsn >= 1;
  await wipe('lost-worker');
  worker = start();
  try { await WorkerClient.open(worker, 'lost-worker'); result.worker = 'opened'; } catch (error) {
    result.worker = error.name; result.workerIsClass = error instanceof DataLossError;
  }
  worker.terminate();
  worker = start();
  const wacc = await WorkerClient.open(worker, 'lost-worker', { acceptDataLoss: true });
  result.workerAccepted = (await wacc.send('ListTables', {})).TableNames.length;
  await wacc.close();
  worker.terminate();
  window.__result = result;`);
  // Storage quota reached in a worker (IndexedDB refusing writes past testQuotaBytes): the
  // write rejects with the same fields as in the page (quotaExceeded, reason).
  page('worker-quota.html', `
  const { WorkerClient } = await import('/dist/worker/index.js');
  const worker = new Worker('/dist/worker/worker.js', { type: 'module' });
  const db = await WorkerClient.open(worker, 'quota-worker', { testQuotaBytes: 300 * 1024 });
  await db.send('CreateTable', { TableName: 'Big', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
  const result = {};
  for (let i = 0; i < 100 && !result.name; i++) {
    try {
      await db.send('PutItem', { TableName: 'Big', Item: { id: { S: 'k' + i }, v: { S: 'x'.repeat(30000) } } });
    } catch (error) {
      Object.assign(result, { name: error.name, quotaExceeded: error.quotaExceeded, reason: error.reason,
        quotaText: error.message.startsWith('Storage quota exceeded'), written: i });
    }
  }
  result.first = (await db.send('GetItem', { TableName: 'Big', Key: { id: { S: 'k0' } } })).Item.id.S;
  await db.close();
  worker.terminate();
  window.__result = result;`);
  server = await serve({ '/': pages, '/dist/': dist, '/support/': path.join(here, '..', 'js', 'support') });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (pages) fs.rmSync(pages, { recursive: true, force: true });
});

test('replicas wiped under a marker: DataLossError in a page and in a worker, acceptDataLoss opens empty', async () => {
  const result = await runPage(browser, `${server.url}/data-loss.html`);
  assert.deepEqual(result, {
    marker: true, page: 'DataLossError', pageIsClass: true, pageLsn: result.pageLsn, accepted: 0, acceptedLoss: true,
    workerLocalStorage: null, workerMarker: true, worker: 'DataLossError', workerIsClass: true, workerAccepted: 0,
  });
  assert.ok(result.pageLsn >= 1);
});

test('plain files in a page: open, document API, errors, snapshot and reopen', async () => {
  const result = await runPage(browser, `${server.url}/in-page.html`);
  assert.equal(result.reopened, 3);
  assert.equal(result.closed, 'PocketDynamoError');
  delete result.reopened;
  delete result.closed;
  assert.deepEqual(result, expectedInBrowser);
});

test('a database in a Web Worker through WorkerClient', async () => {
  const result = await runPage(browser, `${server.url}/worker.html`);
  assert.equal(result.name, 'in-worker');
  assert.equal(result.check, '');
  assert.equal(result.bad, 'ValidationException');
  assert.equal(result.closed, 'PocketDynamoError');
  assert.deepEqual(result.typed, { status: 200, same: true, exported: true });
  for (const key of ['name', 'check', 'bad', 'closed', 'typed']) delete result[key];
  assert.deepEqual(result, expectedInBrowser);
});

test('a storage quota error in a worker keeps quotaExceeded and reason', async () => {
  const result = await runPage(browser, `${server.url}/worker-quota.html`);
  assert.ok(result.written >= 1, `some writes fit under the quota (${result.written})`);
  delete result.written;
  assert.deepEqual(result, { name: 'PocketDynamoError', quotaExceeded: true, reason: 'quota', quotaText: true, first: 'k0' });
});
