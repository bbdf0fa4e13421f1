// IndexedDB persistence (in each engine, tests/browser/harness.js):
// open('name') keeps the database in three IndexedDB replicas '<name>#0..2',
// it survives a reload and a browser restart with the same profile, open()
// reports whether storage is persistent (persist.test.js: without asking),
// and storage 'memory' keeps nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { appPage, freshProfile, servePages, startChromium } from './harness.js';

let server;
let profile;
let chrome;

before(async () => {
  server = await servePages();
  profile = freshProfile();
  chrome = await startChromium({ profile });
});

after(async () => {
  await chrome?.close();
  await server?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

test('open(name) persists to three IndexedDB replicas and says so', async () => {
  const page = await appPage(chrome.context, server.url);
  const info = await page.evaluate(() => app.openDb('shop'));
  assert.equal(info.storage, 'idb');
  assert.equal(info.persistent, true);
  // navigator.storage.persisted() where the engine has it (not WebKitGTK: null).
  assert.equal(info.persisted, await page.evaluate(() => navigator.storage?.persisted?.() ?? null));
  assert.equal(info.role, 'owner');
  assert.equal(info.recovery.fresh, true);
  await page.evaluate(() => app.putMany('a', 0, 300));
  const replicas = await page.evaluate(() => app.whenHealthy());
  assert.deepEqual(replicas.map((r) => r.status), ['healthy', 'healthy', 'healthy']);
  assert.deepEqual(replicas.map((r) => r.store), ['IndexedDB "shop#0"', 'IndexedDB "shop#1"', 'IndexedDB "shop#2"']);
  assert.ok(replicas.every((r) => r.lsn === replicas[0].lsn && r.pageCount > 3 && r.bytes === r.pageCount * 8192));
  const names = await page.evaluate(() => app.idbNames());
  for (const name of ['shop#0', 'shop#1', 'shop#2']) assert.ok(names.includes(name), `${name} in ${names}`);
  const heads = await page.evaluate(() => Promise.all([0, 1, 2].map((i) => app.idbHeadLsn(`shop#${i}`))));
  assert.deepEqual(heads, [replicas[0].lsn, replicas[0].lsn, replicas[0].lsn]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the data survives a reload', async () => {
  const page = await appPage(chrome.context, server.url);
  await page.evaluate(() => app.openDb('reload'));
  await page.evaluate(() => app.putMany('r', 0, 200));
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  const info = await page.evaluate(() => app.openDb('reload'));
  assert.equal(info.recovery.fresh, false);
  const all = await page.evaluate(() => app.readAll());
  assert.equal(all.keys.length, 200);
  assert.deepEqual(all.wrong, []);
  assert.equal(await page.evaluate(() => app.check()), '');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the data survives a browser restart with the same profile', async () => {
  let page = await appPage(chrome.context, server.url);
  await page.evaluate(() => app.openDb('restart'));
  await page.evaluate(() => app.putMany('s', 0, 500));
  await page.evaluate(() => app.close());
  await chrome.close();
  chrome = await startChromium({ profile });
  page = await appPage(chrome.context, server.url);
  const info = await page.evaluate(() => app.openDb('restart'));
  assert.equal(info.recovery.fresh, false);
  const all = await page.evaluate(() => app.readAll());
  assert.equal(all.keys.length, 500);
  assert.deepEqual(all.wrong, []);
  assert.equal(await page.evaluate(() => app.check()), '');
  // 'shop' from the first test is still there too.
  const page2 = await appPage(chrome.context, server.url);
  await page2.evaluate(() => app.openDb('shop'));
  assert.equal(await page2.evaluate(() => app.count()), 300);
  await page2.close();
  await page.close();
});

test('10,000 un-awaited PutItems take a handful of commits', async () => {
  const page = await appPage(chrome.context, server.url);
  // No background TTL sweep: a sweep step that runs while the puts are pending joins their commit
  // and is counted with them (seen in WebKit, where the 10,000 puts outlast the 10 s interval).
  await page.evaluate(() => app.openDb('burst', { ttlSweepIntervalMs: 0 }));
  const commits = await page.evaluate(async () => {
    const seen = [];
    app.database().on('commit', (c) => seen.push(c.operations));
    await app.putMany('b', 0, 10_000);
    return seen;
  });
  assert.ok(commits.length >= 1 && commits.length <= 5, `${commits.length} commits: ${commits}`);
  assert.equal(commits.reduce((a, b) => a + b, 0), 10_000);
  await page.evaluate(() => app.close());
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => app.openDb('burst'));
  assert.equal(await page.evaluate(() => app.count()), 10_000);
  await page.close();
});

test("storage 'memory' stays available and keeps nothing", async () => {
  const page = await appPage(chrome.context, server.url);
  const info = await page.evaluate(() => app.openDb('volatile', { storage: 'memory' }));
  assert.equal(info.storage, 'memory');
  assert.equal(info.persistent, false);
  assert.equal(info.persisted, null);
  await page.evaluate(() => app.putMany('m', 0, 20));
  assert.equal(await page.evaluate(() => app.count()), 20);
  const names = await page.evaluate(() => app.idbNames());
  assert.ok(!names.some((n) => n.startsWith('volatile')), 'no IndexedDB database for storage memory');
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(() => app.openDb('volatile', { storage: 'memory' }));
  assert.equal(await page.evaluate(() => app.count()), 0);
  await page.close();
});

test('IdbStore.readPages(ids) with the head they belong to; the scrub position and repairPage', async () => {
  const page = await appPage(chrome.context, server.url);
  await page.evaluate(() => app.openDb('faults'));
  await page.evaluate(() => app.putMany('f', 0, 300));
  await page.evaluate(() => app.close());   // close() writes a checkpoint: every page is in the ckpt store
  const got = await page.evaluate(async () => {
    const { IdbStore } = await import('/dist/persistence/idb-store.js');
    const store = new IdbStore('faults#1');
    await store.open();
    const head = await store.readHead();
    const all = await store.readPages();
    const some = await store.readPages([2, 0, head.pageCount + 5]);
    const same = [0, 2].every((id) => some.get(id).every((b, i) => b === all.get(id)[i]));
    // The scrub's position and in-place repair (scrub.js).
    const before = await store.readScrub();
    await store.writeScrub({ id: 3 });
    const after = await store.readScrub();
    const image = all.get(2).slice();
    await store.repairPage(2, image, head.ckptLsn);
    const stale = await store.repairPage(2, image, head.ckptLsn - 1).then(() => 'written', (e) => e.kind);
    await store.close();
    return { head: { ckptLsn: head.ckptLsn, pageCount: head.pageCount }, all: { size: all.size, ckptLsn: all.ckptLsn },
      some: { ids: [...some.keys()].sort((a, b) => a - b), ckptLsn: some.ckptLsn, pageCount: some.pageCount }, same,
      scrub: { before, after, stale } };
  });
  assert.ok(got.head.pageCount > 3, JSON.stringify(got));
  assert.equal(got.all.size, got.head.pageCount, 'every page of the checkpoint');
  assert.equal(got.all.ckptLsn, got.head.ckptLsn);
  assert.deepEqual(got.some.ids, [0, 2], 'only the ids asked for; none past the page count');
  assert.equal(got.some.ckptLsn, got.head.ckptLsn);
  assert.equal(got.some.pageCount, got.head.pageCount);
  assert.equal(got.same, true, 'the same images as the full read');
  assert.deepEqual(got.scrub, { before: null, after: { id: 3 }, stale: 'stale' });
  assert.deepEqual(page.errors, []);
  await page.close();
});


test('IdbStore.readStart(): the head, the log and the root slots\' pages in one read, as read one by one', async () => {
  const page = await appPage(chrome.context, server.url);
  await page.evaluate(() => app.openDb('start'));
  await page.evaluate(() => app.putMany('s', 0, 200));
  await page.evaluate(() => app.close());   // a checkpoint: the log empties
  await page.evaluate(() => app.openDb('start'));
  await page.evaluate(() => app.putMany('t', 0, 20));   // records after the checkpoint
  const got = await page.evaluate(async () => {
    const { IdbStore } = await import('/dist/persistence/idb-store.js');
    const { rootPageIds } = await import('/dist/persistence/page-store.js');
    const store = new IdbStore('start#0');
    await store.open();
    const start = await store.readStart();
    const head = await store.readHead();
    const log = await store.readLog();
    const ids = rootPageIds(head.meta);
    const roots = await store.readPages(ids);
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    await store.close();
    return {
      head: [start.head.lsn, start.head.ckptLsn, start.head.logCount, start.head.pageCount, head.lsn, head.ckptLsn,
        head.logCount, head.pageCount],
      meta: same(start.head.meta, head.meta),
      log: [start.log.map((r) => r.lsn), log.map((r) => r.lsn)],
      records: start.log.every((r, i) => same(r.record, log[i].record)),
      ids, rootIds: [...start.roots.keys()].sort((a, b) => a - b),
      roots: ids.every((id) => same(start.roots.get(id), roots.get(id))),
    };
  });
  const [lsn, ckptLsn, logCount, pageCount] = got.head;
  assert.deepEqual(got.head.slice(4), got.head.slice(0, 4), JSON.stringify(got));
  assert.ok(lsn > ckptLsn && logCount === lsn - ckptLsn && pageCount > 3, JSON.stringify(got));
  assert.equal(got.meta, true);
  assert.deepEqual(got.log[0], got.log[1]);
  assert.equal(got.log[0].length, logCount);
  assert.equal(got.records, true, 'the same record bytes');
  assert.ok(got.ids.length >= 1, 'the catalog\'s root at least');
  assert.deepEqual(got.rootIds, got.ids);
  assert.equal(got.roots, true, 'the same images as readPages');
  await page.evaluate(() => app.close());
  assert.deepEqual(page.errors, []);
  await page.close();
});
