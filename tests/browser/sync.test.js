// db.sync() in a browser page (issue #18): an IndexedDB database in
// Chromium syncing with dynalite over HTTP on 127.0.0.1 (dynalite answers
// CORS), the AWS SDK bundled for the browser by esbuild and found by the
// sync's import('@aws-sdk/client-dynamodb') through an import map. The page
// writes 60 items, pausing the sync halfway, and is reloaded with its outbox
// not empty; after the reload a new sync pushes each item once. Then the
// demo (demo/sync.html, built by scripts/build-demo.mjs) in two browser
// profiles syncing through `pocketdynamo serve`'s server: a note added in one
// appears in the other, a delete in the other removes it in the first. And
// the browser going offline and back (Chromium: playwright's setOffline;
// Firefox, WebKit: the endpoint stopped and the events dispatched),
// and a dedicated worker syncing a database of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startServer } from 'pocketdynamo/server';
import { DIST, REPO, launch, serve, watchErrors } from './harness.js';
import { content, remoteItems, remoteTable, startRemote } from '../js/sync-support.js';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "@aws-sdk/client-dynamodb": "/sdk/client-dynamodb.js" } }</script>
<script type="module">
import { open } from '/dist/index.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
let db = null;
let sync = null;
// The local table Notes in db (kept across reloads) and a client of the remote at endpoint.
async function notesAndRemote(endpoint) {
  try {
    await db.send('CreateTable', { TableName: 'Notes', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }] });
  } catch (error) {
    if (error.name !== 'ResourceInUseException') throw error;
  }
  return new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
}
window.app = {
  async start(endpoint, remoteTable) {
    db = await open('sync-browser');
    const remote = await notesAndRemote(endpoint);
    // dynalite has no TransactWriteItems: one PutItem per key (a probe would log its 400 in the console).
    sync = await db.sync({ table: 'Notes', remote, remoteTable, pullIntervalMs: 60000, batchSize: 1 });
    await sync.ready;
    return { role: db.role, storage: db.storage, writer: sync.writer };
  },
  async write(n) {
    for (let i = 0; i < n; i++) {
      if (i === Math.floor(n / 2)) sync.pause();
      await db.send('PutItem', { TableName: 'Notes', Item: { pk: { S: 'b' }, sk: { S: 'k' + String(i).padStart(3, '0') }, i: { N: String(i) } } });
    }
    return sync.pending;
  },
  async finish() {
    await sync.syncNow();
    const out = await db.send('Scan', { TableName: 'Notes' });
    return { local: out.Items.length, state: sync.state };
  },
};
// Two tabs of one database (docs/sync.md "Where it runs"): the sync starts where ownership is, now or later.
let started = null;
window.tabs = {
  async open(endpoint, remoteTable) {
    db = await open('sync-handover');
    const remote = await notesAndRemote(endpoint);
    const start = async () => {
      sync = await db.sync({ table: 'Notes', remote, remoteTable, pullIntervalMs: 60000, batchSize: 1 });
      await sync.ready;
    };
    let refused = null;
    if (db.role === 'owner') {
      started = start();
      await started;
    } else {
      try {
        await db.sync({ table: 'Notes', remote, remoteTable });
      } catch (error) {
        refused = error.message;
      }
      db.on('role', ({ role }) => { if (role === 'owner') started = start(); });
    }
    return { role: db.role, refused };
  },
  async write(prefix, n) {
    for (let i = 0; i < n; i++) {
      await db.send('PutItem', { TableName: 'Notes', Item: { pk: { S: 't' }, sk: { S: prefix + String(i).padStart(3, '0') } } });
    }
  },
  pause() { sync.pause(); },
  role() { return db.role; },
  async finish() {
    await started;
    await sync.syncNow();
    return { role: db.role, state: sync.state, writer: sync.writer, pending: sync.pending };
  },
};
// The browser going offline and back (context.setOffline fires the page's offline / online events).
window.net = {
  states: [],
  async start(endpoint, remoteTable) {
    db = await open('sync-online');
    const remote = await notesAndRemote(endpoint);
    sync = await db.sync({ table: 'Notes', remote, remoteTable, pullIntervalMs: 60000, batchSize: 1 });
    sync.on('state', ({ state }) => window.net.states.push(state));
    await sync.ready;
    return sync.state;
  },
  async write(n) {
    for (let i = 0; i < n; i++) await db.send('PutItem', { TableName: 'Notes', Item: { pk: { S: 'o' }, sk: { S: 'k' + i } } });
  },
  status() { return { state: sync.state, pending: sync.pending, onLine: navigator.onLine }; },
};
// A dedicated worker that opens its own database and syncs it (WORKER below).
window.inWorker = (endpoint, remoteTable) => new Promise((resolve) => {
  const worker = new Worker('/sync-worker.js', { type: 'module' });
  worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
  worker.onerror = (event) => { worker.terminate(); resolve({ error: event.message }); };
  worker.postMessage({ endpoint, remoteTable });
});
window.__ready = true;
</script>`;

// Workers have no import maps: the worker imports the bundled SDK by URL and gives it as options.sdk.
const WORKER = `import { open } from '/dist/index.js';
import * as sdk from '/sdk/client-dynamodb.js';
self.onmessage = async ({ data: { endpoint, remoteTable } }) => {
  try {
    const db = await open('sync-worker');
    await db.send('CreateTable', { TableName: 'Notes', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }] });
    const remote = new sdk.DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const sync = await db.sync({ table: 'Notes', remote, remoteTable, sdk, pullIntervalMs: 60000, batchSize: 1 });
    await sync.ready;
    for (let i = 0; i < 5; i++) await db.send('PutItem', { TableName: 'Notes', Item: { pk: { S: 'w' }, sk: { S: 'k' + i } } });
    await sync.syncNow();
    const local = (await db.send('Scan', { TableName: 'Notes' })).Items.map((item) => item.sk.S).sort();
    postMessage({ storage: db.storage, role: db.role, state: sync.state, pending: sync.pending, writer: sync.writer, local });
    await sync.stop();
    await db.close();
  } catch (error) {
    postMessage({ error: String(error.stack || error) });
  }
};
`;

let remote;
let server;
let context;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-sync-browser-'));
  fs.writeFileSync(path.join(dir, 'sync.html'), PAGE);
  fs.writeFileSync(path.join(dir, 'sync-worker.js'), WORKER);
  await build({ stdin: { contents: "export * from '@aws-sdk/client-dynamodb';", resolveDir: process.cwd() },
    bundle: true, format: 'esm', platform: 'browser', outfile: path.join(dir, 'sdk', 'client-dynamodb.js'), logLevel: 'error' });
  remote = await startRemote();
  server = await serve({ '/': dir, '/dist/': DIST });
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
  await remote?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a page syncs with dynalite over HTTP and survives a reload with a non-empty outbox', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const page = await context.newPage();
  const errors = watchErrors(page).list;
  await page.goto(`${server.url}/sync.html`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
  const started = await page.evaluate(([e, t]) => window.app.start(e, t), [remote.endpoint, table]);
  assert.equal(started.storage, 'idb');
  assert.equal(started.role, 'owner');
  const pending = await page.evaluate(() => window.app.write(60));
  assert.ok(pending > 0, 'the outbox is not empty at the reload');
  const before = (await remoteItems(client, table)).length;
  assert.ok(before < 60, `${before} items were already on the remote`);
  await page.reload();
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
  const again = await page.evaluate(([e, t]) => window.app.start(e, t), [remote.endpoint, table]);
  assert.equal(again.writer, started.writer);
  const done = await page.evaluate(() => window.app.finish());
  assert.deepEqual(done, { local: 60, state: 'idle' });
  const items = await remoteItems(client, table);
  assert.equal(items.length, 60);
  assert.ok(items.every((it) => it._v.N === '1' && it._w.S === started.writer));
  assert.deepEqual(items.map((it) => Number(content(it).i.N)), Array.from({ length: 60 }, (_, i) => i));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a dedicated worker opens its own database and syncs it (pull and push)', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'w' }, sk: { S: 'from-remote' },
    _v: { N: '1' }, _w: { S: 'other' }, _t: { N: String(Date.now()) } } }));
  const page = await context.newPage();
  const errors = watchErrors(page).list;
  await page.goto(`${server.url}/sync.html`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
  const out = await page.evaluate(([e, t]) => window.inWorker(e, t), [remote.endpoint, table]);
  assert.equal(out.error, undefined, out.error);
  assert.deepEqual([out.storage, out.state, out.pending], ['idb', 'idle', 0]);
  assert.deepEqual(out.local, ['from-remote', 'k0', 'k1', 'k2', 'k3', 'k4']);
  const items = await remoteItems(client, table);
  assert.deepEqual(items.map((it) => [it.sk.S, it._w.S]), [['from-remote', 'other'],
    ...[0, 1, 2, 3, 4].map((i) => [`k${i}`, out.writer])]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('offline and back: the offline event shows at once, the online event resumes the push at once', async () => {
  // Chromium: playwright's setOffline (navigator.onLine and the network both go); other engines: the endpoint
  // stopped and the events dispatched on the page.
  const emulated = typeof context.setOffline === 'function';
  const client = remote.client();
  const table = await remoteTable(remote);
  const page = await context.newPage();
  const errors = watchErrors(page).list;
  await page.goto(`${server.url}/sync.html`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
  assert.equal(await page.evaluate(([e, tb]) => window.net.start(e, tb), [remote.endpoint, table]), 'idle');
  if (emulated) {
    await context.setOffline(true);
  } else {
    await remote.stop();
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
  }
  // No round runs (the next pull is a minute away): the event alone sets the state.
  await page.waitForFunction(() => window.net.status().state === 'offline', null, { timeout: 5000 });
  await page.evaluate(() => window.net.write(5));   // a push round is tried, fails, and waits the longest back-off
  await page.waitForFunction(() => window.net.status().state === 'offline' && window.net.status().pending === 5,
      null, { timeout: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(await page.evaluate(() => window.net.status()), { state: 'offline', pending: 5, onLine: !emulated });
  if (!emulated) await remote.start();
  assert.equal((await remoteItems(client, table)).length, 0);
  if (emulated) await context.setOffline(false);
  else await page.evaluate(() => window.dispatchEvent(new Event('online')));
  // The back-off is 24 s or more now: only the online event gets the push going within these 10 s.
  await page.waitForFunction(() => window.net.status().pending === 0 && window.net.status().state === 'idle',
      null, { timeout: 10_000 });
  assert.equal((await remoteItems(client, table)).length, 5);
  const states = await page.evaluate(() => window.net.states);
  assert.ok(states.lastIndexOf('pushing') > states.indexOf('offline'), states.join(' '));
  assert.equal(states.at(-1), 'idle');
  // The failed fetches while offline are the only console errors.
  const refused = /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to fetch|NetworkError|Could not connect|Load failed|CORS request did not succeed/;
  assert.deepEqual(errors.filter((e) => !refused.test(e)), []);
  await page.close();
});

test('two tabs: the owner syncs, the other forwards; when the owner closes, the other takes over the outbox', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const open = async () => {
    const page = await context.newPage();
    const errors = watchErrors(page).list;
    await page.goto(`${server.url}/sync.html`);
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
    return { page, errors, info: await page.evaluate(([e, t]) => window.tabs.open(e, t), [remote.endpoint, table]) };
  };
  const a = await open();
  const b = await open();
  assert.deepEqual(a.info, { role: 'owner', refused: null });
  assert.equal(b.info.role, 'forwarding');
  assert.match(b.info.refused, /db\.sync\(\) runs in the tab that owns the database/);
  await b.page.evaluate(() => window.tabs.write('b', 10));    // forwarded to a, pushed by a's sync
  const first = await a.page.evaluate(() => window.tabs.finish());
  assert.deepEqual([first.state, first.pending], ['idle', 0]);
  assert.equal((await remoteItems(client, table)).length, 10);
  await a.page.evaluate(() => window.tabs.pause());
  await b.page.evaluate(() => window.tabs.write('c', 10));    // in the outbox, a's sync paused
  assert.equal((await remoteItems(client, table)).length, 10);
  await a.page.close();                                       // the owner goes: b takes over, its sync starts
  await b.page.waitForFunction(() => window.tabs.role() === 'owner', null, { timeout: 15_000 });
  const done = await b.page.evaluate(() => window.tabs.finish());
  assert.deepEqual([done.role, done.state, done.pending, done.writer], ['owner', 'idle', 0, first.writer]);
  const items = await remoteItems(client, table);
  assert.equal(items.length, 20);
  assert.ok(items.every((it) => it._v.N === '1' && it._w.S === first.writer), 'each write once, by the database\'s writer');
  assert.deepEqual(b.errors, []);
  await b.page.close();
});

test('the sync demo in two browser profiles, through a local pocketdynamo server', async () => {
  const site = path.join(dir, 'demo-site');
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build-demo.mjs'), site], { stdio: 'pipe' });
  const demo = await serve({ '/': site });
  const endpoint = await startServer({ port: 0 });
  const other = await launch();
  try {
    const pages = [];
    for (const ctx of [context, other]) {
      const page = await ctx.newPage();
      page.errors = watchErrors(page).list;
      await page.goto(`${demo.url}/sync.html`);
      await page.fill('#connect [name=endpoint]', endpoint.endpoint);
      await page.fill('#connect [name=table]', 'DemoNotes');
      await page.click('#connect button');
      await page.waitForFunction(() => /^Sync idle/.test(document.getElementById('status').textContent), null, { timeout: 30_000 });
      pages.push(page);
    }
    const [a, b] = pages;
    const notes = (page) => page.evaluate(() => [...document.querySelectorAll('#notes li')].map((li) => li.firstChild.textContent));
    await a.fill('#add [name=text]', 'hello from profile A');
    await a.click('#add button');
    await b.waitForFunction(() => document.querySelectorAll('#notes li').length === 1, null, { timeout: 20_000 });
    assert.deepEqual(await notes(b), ['hello from profile A']);
    await b.click('#notes li button');
    await a.waitForFunction(() => document.querySelectorAll('#notes li').length === 0, null, { timeout: 20_000 });
    const remoteNotes = await endpoint.db.send('Scan', { TableName: 'DemoNotes' });
    assert.deepEqual(remoteNotes.Items.map((i) => i._del?.BOOL), [true]);
    // DynamoDB errors are HTTP 400s, which the browser logs (the second profile's CreateTable of the existing table).
    assert.deepEqual([...a.errors, ...b.errors].filter((e) => !/status of 400/.test(e)), []);
    for (const page of pages) await page.close();
  } finally {
    await other.close();
    await endpoint.close();
    await demo.close();
  }
});
