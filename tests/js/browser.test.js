// The built package in Debian's Chromium without a bundler: dist/ served as
// plain ES modules, in the page and in a Web Worker (WorkerClient +
// dist/worker/worker.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, runPage } from './support/browser.js';
import { expectedSmoke } from './support/smoke-app.js';

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
  await db.close();
  let closed = null;
  try { await db.send('ListTables', {}); } catch (error) { closed = error.name; }
  result.closed = closed;
  worker.terminate();
  window.__result = result;`);
  server = await serve({ '/': pages, '/dist/': dist, '/support/': path.join(here, 'support') });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (pages) fs.rmSync(pages, { recursive: true, force: true });
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
  for (const key of ['name', 'check', 'bad', 'closed']) delete result[key];
  assert.deepEqual(result, expectedInBrowser);
});
