// Damaged replicas in Chromium. Between sessions (the database closed), one
// replica's IndexedDB database is deleted, or random bytes are written into
// pages of one replica: open succeeds with every item and the replica is
// rebuilt (proved by then deleting the OTHER two and reopening). Two damaged
// replicas: the database recovers with every item or fails clearly, never
// with wrong data. A replica deleted while the database is open is rebuilt.
// Damage tests run both ways: an eager open (cacheBytes 0) finds damage at
// open; a lazy open (the default with the core page cache) when a page is
// first read or by the scrub.
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

const N = 400;

// A page holding database `name` with N items, closed.
async function filled(name) {
  const page = await appPage(context, server.url);
  await page.evaluate((n) => app.openDb(n), name);
  await page.evaluate((n) => app.putMany('k', 0, n), N);
  await page.evaluate(() => app.whenHealthy());
  await page.evaluate(() => app.close());
  return page;
}

// open() reads every page and checks it (cacheBytes 0), or only the heads and logs (the default with
// a core page cache: damage is found when a page is first read, or by the background scrub).
const EAGER = { cacheBytes: 0 };

async function reopen(page, name, options = {}) {
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  return page.evaluate(([n, o]) => app.tryOpen(n, o), [name, options]);
}

async function expectAll(page, label) {
  const all = await page.evaluate(() => app.readAll());
  assert.equal(all.keys.length, N, `${label}: ${all.keys.length} items`);
  assert.deepEqual(all.wrong, [], `${label}: wrong values`);
  assert.equal(await page.evaluate(() => app.check()), '', `${label}: integrity check`);
}

// After repair, replica `index` alone must hold the whole database.
async function expectRebuilt(page, name, index) {
  const replicas = await page.evaluate(() => app.whenHealthy());
  assert.ok(replicas.every((r) => r.status === 'healthy' && r.lsn === replicas[0].lsn), JSON.stringify(replicas));
  await page.evaluate(() => app.close());
  for (const other of [0, 1, 2].filter((i) => i !== index)) {
    await page.evaluate((db) => app.deleteIdb(db), `${name}#${other}`);
  }
  const info = await reopen(page, name);
  assert.equal(info.error, undefined, JSON.stringify(info.error));
  assert.equal(info.recovery.source, index);
  await expectAll(page, `replica #${index} alone`);
  await page.evaluate(() => app.close());
}

test('one replica deleted between sessions: every item, and the replica is rebuilt', async () => {
  const page = await filled('deleted');
  await page.evaluate(() => app.deleteIdb('deleted#1'));
  const info = await reopen(page, 'deleted');
  assert.equal(info.error, undefined, JSON.stringify(info.error));
  await expectAll(page, 'after deleting #1');
  await expectRebuilt(page, 'deleted', 1);
  await page.close();
});

test('random bytes in pages of one replica: every item, and the replica is repaired', async () => {
  for (const [index, seed] of [[0, 3], [2, 8]]) {   // #0 is the one recovery reads; #2 is found by the scan
    const name = `corrupt${index}`;
    const page = await filled(name);
    const damaged = await page.evaluate(({ db, s }) => app.corruptIdb(db, { pages: 4, seed: s }), { db: `${name}#${index}`, s: seed });
    assert.ok(damaged.length >= 1);
    const info = await reopen(page, name, EAGER);
    assert.equal(info.error, undefined, JSON.stringify(info.error));
    assert.equal(info.recovery.lazy, false);
    if (index === 0) assert.ok(info.recovery.replaced.length >= 1, 'bad pages came from the other replicas');
    await expectAll(page, `after damaging #${index}`);
    await expectRebuilt(page, name, index);
    await page.close();
  }
});

test('lazy open: random bytes in one replica are found when read (#0) or by the scrub (#2), and repaired in place', async () => {
  for (const [index, seed] of [[0, 3], [2, 8]]) {   // #0 serves the faults; #2 is read only by the scrub
    const name = `lazy-corrupt${index}`;
    const page = await filled(name);
    const damaged = await page.evaluate(({ db, s }) => app.corruptIdb(db, { pages: 4, seed: s }), { db: `${name}#${index}`, s: seed });
    assert.ok(damaged.length >= 1);
    const info = await reopen(page, name);
    assert.equal(info.error, undefined, JSON.stringify(info.error));
    assert.equal(info.recovery.lazy, true);
    assert.deepEqual(info.recovery.replaced, [], 'open read no page');
    await page.evaluate((i) => {
      window.scrubbed = new Promise((resolve) => app.database().on('scan', (scan) => { if (scan.index === i) resolve(scan); }));
    }, index);
    await expectAll(page, `after damaging #${index}`);
    if (index === 0) {
      // The read found the damage, took the pages from a peer at the same checkpoint and wrote
      // them over the bad ones: #0 stays healthy, no rebuild (the scrub starts 200 ms after open).
      const scan = await page.evaluate(() => window.scrubbed);
      assert.ok(scan.pageFault === true && scan.repaired.length >= 1 && scan.repaired.every((id) => damaged.includes(id)),
        JSON.stringify({ scan, damaged }));
      const events = await page.evaluate(() => app.replicaEvents());
      assert.deepEqual(events.filter((r) => r.index === 0 && r.status !== 'healthy'), [], 'no rebuild');
    } else {
      const scan = await page.evaluate(() => window.scrubbed);
      assert.ok(scan.badPages.length >= 1 && scan.badPages.every((id) => damaged.includes(id)), JSON.stringify({ scan, damaged }));
    }
    await expectRebuilt(page, name, index);
    await page.close();
  }
});

test("one replica's head damaged: it is dropped at open and rebuilt", async () => {
  const page = await filled('badhead');
  await page.evaluate(() => app.corruptIdb('badhead#0', { head: true, seed: 5 }));
  const info = await reopen(page, 'badhead');
  assert.equal(info.error, undefined, JSON.stringify(info.error));
  assert.notEqual(info.recovery.source, 0);
  await expectAll(page, 'after damaging the head of #0');
  await expectRebuilt(page, 'badhead', 0);
  await page.close();
});

test('two replicas damaged: recovers every item or fails clearly, never wrong data', async () => {
  const cases = [
    { name: 'two-deleted', damage: [['delete', 0], ['delete', 2]] },
    { name: 'two-corrupt', damage: [['pages', 0, 11], ['pages', 1, 12]] },
    { name: 'head-and-pages', damage: [['head', 1, 4], ['pages', 2, 13]] },
    { name: 'deleted-and-corrupt', damage: [['delete', 1], ['pages', 0, 14]] },
  ];
  for (const { name, damage } of cases) {
    const page = await filled(name);
    for (const [kind, index, seed] of damage) {
      const db = `${name}#${index}`;
      if (kind === 'delete') await page.evaluate((d) => app.deleteIdb(d), db);
      else await page.evaluate(({ d, k, s }) => app.corruptIdb(d, { head: k === 'head', pages: 6, seed: s }), { d: db, k: kind, s: seed });
    }
    const info = await reopen(page, name);
    if (info.error) {
      assert.equal(info.error.name, 'PocketDynamoError', `${name}: ${JSON.stringify(info.error)}`);
      assert.match(info.error.message, /Cannot open database/, name);
    } else {
      await expectAll(page, name);
      const replicas = await page.evaluate(() => app.whenHealthy());
      assert.ok(replicas.every((r) => r.status === 'healthy'), `${name}: ${JSON.stringify(replicas)}`);
      await page.evaluate(() => app.close());
    }
    await page.close();
  }
});

test('the same pages damaged in every replica: open fails clearly', async () => {
  const page = await filled('hopeless');
  const ids = await page.evaluate(() => app.corruptIdb('hopeless#0', { pages: 2, seed: 21 }));
  for (const i of [1, 2]) await page.evaluate(({ d, ids: x }) => app.corruptIdb(d, { ids: x, seed: 22 }), { d: `hopeless#${i}`, ids });
  const info = await reopen(page, 'hopeless', EAGER);
  assert.ok(info.error, 'open must fail');
  assert.equal(info.error.name, 'PocketDynamoError');
  assert.match(info.error.message, /Cannot open database "hopeless": no replica gives a consistent state/);
  assert.match(info.error.message, /page \d+/);
  await page.close();
});

test('lazy open: the same pages damaged in every replica: the reads that need them fail clearly', async () => {
  const page = await filled('hopeless-lazy');
  const ids = await page.evaluate(() => app.corruptIdb('hopeless-lazy#0', { pages: 2, seed: 21 }));
  for (const i of [1, 2]) await page.evaluate(({ d, ids: x }) => app.corruptIdb(d, { ids: x, seed: 22 }), { d: `hopeless-lazy#${i}`, ids });
  // open() resolves (it reads no page); the page's first ListTables, or the reads after it, fail.
  const info = await reopen(page, 'hopeless-lazy');
  assert.equal(await page.evaluate(() => app.database().recovery.lazy), true);
  const failure = info.error ? { ...info.error, reason: await page.evaluate(() => app.database().send('ListTables', {})
    .then(() => null, (e) => e.reason)) }
    : await page.evaluate(() => app.readAll().then(() => null, (e) => ({ name: e.name, message: e.message, reason: e.reason })));
  assert.ok(failure, 'reading every item must fail');
  assert.equal(failure.name, 'PocketDynamoError');
  assert.equal(failure.reason, 'corruption');
  assert.match(failure.message, /damaged or missing on every replica/);
  assert.ok(ids.some((id) => failure.message.includes(`page ${id}:`)), `${failure.message} names one of ${ids}`);
  await page.evaluate(() => app.close());
  await page.close();
});

test('a replica deleted while the database is open is rebuilt, and nothing is lost', async () => {
  const page = await appPage(context, server.url);
  await page.evaluate(() => app.openDb('live'));
  await page.evaluate((n) => app.putMany('k', 0, n / 2), N);
  await page.evaluate(() => app.deleteIdb('live#2'));
  await page.evaluate((n) => app.putMany('k', n / 2, n), N);
  await expectAll(page, 'live');
  await expectRebuilt(page, 'live', 2);
  assert.deepEqual(page.errors, []);
  await page.close();
});
