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
  // Awaited one by one: a replica still writing the last commit is not sent the next one (its
  // append is deferred, replica-set.js commit); it catches up, and every replica ends the same.
  const stream = await page.evaluate(() => app.putEach('b', 0, 40));
  assert.equal(typeof stream.appendsDeferred, 'number');
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
  await page.evaluate(() => app.putEach('q', 0, 30));   // reloaded while a deferred replica may lag
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  const info = await page.evaluate(() => app.openDb('reload'));
  assert.equal(info.recovery.fresh, false);
  const all = await page.evaluate(() => app.readAll());
  assert.equal(all.keys.length, 230);
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
  assert.equal(await page2.evaluate(() => app.count()), 340);
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


test('IdbStore.readStart(): the head, the log, the root slots\' and the hot hint\'s pages in one read, as read one by one', async () => {
  const page = await appPage(chrome.context, server.url);
  await page.evaluate(() => app.openDb('start'));
  await page.evaluate(() => app.putMany('s', 0, 200));
  await page.evaluate(() => app.close());   // a checkpoint: the log empties
  // No idle checkpoint while the store is read below (it would empty the log between the reads).
  await page.evaluate(() => app.openDb('start', { checkpointIdleMs: 600_000 }));
  await page.evaluate(() => app.putMany('t', 0, 20));   // records after the checkpoint
  // Every replica holds them: a replica behind in a stream of awaited writes catches up from the
  // ring in the background, and did so between readStart and readHead below in Firefox.
  await page.evaluate(() => app.whenHealthy());
  const got = await page.evaluate(async () => {
    const { IdbStore } = await import('/dist/persistence/idb-store.js');
    const { hotPageIds, rootPageIds } = await import('/dist/persistence/page-store.js');
    const store = new IdbStore('start#0');
    await store.open();
    const start = await store.readStart();
    const head = await store.readHead();
    const log = await store.readLog();
    const slots = rootPageIds(head.meta);
    // The hint the checkpoint at close wrote: the table's root (not a root slot) at least.
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('start#0');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const hint = await new Promise((resolve) => {
      db.transaction('meta').objectStore('meta').get('hot').onsuccess = (e) => resolve(e.target.result);
    });
    db.close();
    const hot = hotPageIds(hint, head.meta);
    const ids = [...new Set([...slots, ...hot])].sort((a, b) => a - b);
    const roots = await store.readPages(ids);
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    await store.close();
    return {
      head: [start.head.lsn, start.head.ckptLsn, start.head.logCount, start.head.pageCount, head.lsn, head.ckptLsn,
        head.logCount, head.pageCount],
      meta: same(start.head.meta, head.meta),
      log: [start.log.map((r) => r.lsn), log.map((r) => r.lsn)],
      records: start.log.every((r, i) => same(r.record, log[i].record)),
      ids, slots, hot, hint: hint instanceof Uint32Array, rootIds: [...start.roots.keys()].sort((a, b) => a - b),
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
  assert.ok(got.slots.length >= 1, 'the catalog\'s root at least');
  assert.equal(got.hint, true, 'the checkpoint wrote a hot hint');
  assert.ok(got.hot.some((id) => !got.slots.includes(id)), `the table's root is hot: ${JSON.stringify(got)}`);
  assert.deepEqual(got.rootIds, got.ids);
  assert.equal(got.roots, true, 'the same images as readPages');
  await page.evaluate(() => app.close());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('IdbStore appends check the end they know, and read it after a failure, behind a write or on a new connection',
  async () => {
    const page = await appPage(chrome.context, server.url);
    const got = await page.evaluate(async () => {
      const { IdbStore } = await import('/dist/persistence/idb-store.js');
      const { encodeImageRecord, sealPage } = await import('/dist/persistence/record.js');
      const PAGE = 256;
      const meta = (lsn, pageCount) => {
        const image = new Uint8Array(PAGE);
        image[4] = 1;
        new DataView(image.buffer).setUint32(36, PAGE, true);
        new DataView(image.buffer).setUint32(40, pageCount, true);
        return sealPage(image, 0, lsn);
      };
      const record = (lsn, pageCount = 2) => {
        const images = new Uint8Array(2 * PAGE);
        images.set(meta(lsn, pageCount), 0);
        images.set(sealPage(new Uint8Array(PAGE).fill(lsn), 1, lsn), PAGE);
        return { lsn, prevLsn: lsn - 1,
          record: encodeImageRecord({ lsn, prevLsn: lsn - 1, pageCount, pageSize: PAGE, pageIds: Uint32Array.of(0, 1), images }) };
      };
      const kind = (promise) => promise.then(() => 'ok', (e) => `${e.kind} ${e.head}`);
      const store = new IdbStore('ends#0', { quotaBytes: 100 * PAGE });
      await store.open();
      const out = {};
      out.first = await kind(store.appendRecords([record(1)], 0, meta(0, 1)));
      out.known = [await kind(store.appendRecords([record(2)], 1)), await kind(store.appendRecords([record(3)], 2))];
      out.readsAfterKnown = store.endReads;   // only the first append of the connection read the end
      out.wrongEnd = await kind(store.appendRecords([record(3)], 2));
      out.afterFailure = await kind(store.appendRecords([record(4)], 3));
      out.readsAfterFailure = store.endReads;
      // Behind a write still under way: the second reads the end, so the first's failure (here the
      // quota hook's: a record of 200 pages) turns it away instead of leaving a gap in the log.
      out.pipelined = await Promise.all([kind(store.appendRecords([record(5, 200)], 4)),
        kind(store.appendRecords([record(6)], 5))]);
      out.again = await kind(store.appendRecords([record(5)], 4));
      out.log = (await store.readLog()).map((e) => e.lsn);
      // A delete from another context closes the connection: the next append reads the (empty) store.
      await new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase('ends#0');
        request.onsuccess = resolve;
        request.onerror = reject;
      });
      out.afterDelete = await kind(store.appendRecords([record(5)], 4));
      out.readsAtEnd = store.endReads;
      await store.destroy();
      return out;
    });
    assert.deepEqual(got, {
      first: 'ok', known: ['ok', 'ok'], readsAfterKnown: 1,
      wrongEnd: 'stale 3', afterFailure: 'ok', readsAfterFailure: 3,
      pipelined: ['quota undefined', 'stale 4'], again: 'ok', log: [1, 2, 3, 4, 5],
      afterDelete: 'stale 0', readsAtEnd: 6,
    });
    assert.deepEqual(page.errors, []);
    await page.close();
  });
