// The browser discards the origin's IndexedDB: Chromium deletes an origin's whole
// IndexedDB LevelDB store when it finds it corrupt on open (all three replicas with it),
// which a SIGKILL can cause (LevelDB's reuse_logs, google/leveldb#1287). Reproduced here
// without kills: write, close cleanly, append an orphan 7-byte record header to the newest
// LevelDB log (as a kill between LevelDB's two write() calls leaves it), start, write,
// close cleanly; the next start finds the store corrupt and wipes it. pocketdynamo must not
// then open a fresh empty database in place of the lost one: open() rejects with
// DataLossError (the localStorage marker, and Chromium's one-time event.dataLoss), and
// open(name, { acceptDataLoss: true }) starts empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { appPage, engineLimit, freshProfile, servePages, startChromium } from './harness.js';

let server;
let profile;

before(async () => {
  server = await servePages();
  profile = freshProfile();
});

after(async () => {
  await server?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

// Appends a record header whose length runs past the end of the file to the newest *.log of
// the origin's IndexedDB LevelDB store: an unfinished record, as a kill mid-write leaves it.
function poisonLog() {
  const dir = path.join(profile, 'Default', 'IndexedDB', `http_127.0.0.1_${server.port}.indexeddb.leveldb`);
  const logs = fs.readdirSync(dir).filter((f) => f.endsWith('.log'))
    .map((f) => ({ f, n: Number.parseInt(f, 10) })).sort((a, b) => b.n - a.n);
  assert.ok(logs.length > 0, `no LevelDB log in ${dir}`);
  const header = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x10, 0x01]);   // CRC, length 4096, type FULL
  fs.appendFileSync(path.join(dir, logs[0].f), header);
}

async function session(body) {
  const chrome = await startChromium({ profile });
  try {
    const page = await appPage(chrome.context, server.url);
    return await body(page);
  } finally {
    await chrome.close();
  }
}

test('a database the browser discarded is not reopened empty: DataLossError, then acceptDataLoss', { skip: engineLimit('leveldb') }, async (t) => {
  await session(async (page) => {
    const info = await page.evaluate(() => app.openDb('lost'));
    assert.equal(info.recovery.fresh, true);
    assert.equal(await page.evaluate(() => app.putMany('a-', 0, 50)), 50);
    const marker = JSON.parse(await page.evaluate(() => localStorage.getItem('pocketdynamo:lost')));
    assert.ok(marker.lsn >= 1, `marker ${JSON.stringify(marker)}`);
    await page.evaluate(() => app.close());
  });
  poisonLog();
  await session(async (page) => {
    const info = await page.evaluate(() => app.openDb('lost'));
    assert.equal(info.recovery.fresh, false);
    assert.equal(await page.evaluate(() => app.putMany('b-', 0, 50)), 50);
    await page.evaluate(() => app.close());
  });
  await session(async (page) => {
    const refused = await page.evaluate(() => app.tryOpen('lost'));
    assert.equal(refused.error?.name, 'DataLossError', `open() gave ${JSON.stringify(refused).slice(0, 400)}`);
    assert.match(refused.error.message, /discarded this origin's IndexedDB storage/);
    assert.match(refused.error.message, /acceptDataLoss: true/);
    t.diagnostic(`open() rejected: ${refused.error.message}`);
    // What open() would otherwise have opened: all three replicas empty (the store was wiped).
    const raw = await page.evaluate(() => app.rawState('lost'));
    assert.ok(raw.replicas.every((r) => r.absent || (r.lsn == null && !r.pages)), JSON.stringify(raw));
    // Refused again (Chromium says dataLoss only once; the marker remembers).
    assert.equal((await page.evaluate(() => app.tryOpen('lost'))).error?.name, 'DataLossError');
    const before = await page.evaluate(() => localStorage.getItem('pocketdynamo:lost'));
    assert.notEqual(before, null);
    const info = await page.evaluate(() => app.tryOpen('lost', { acceptDataLoss: true }));
    assert.equal(info.error, undefined, JSON.stringify(info.error));
    assert.equal(info.recovery.fresh, true);
    assert.ok(info.recovery.dataLoss, 'recovery.dataLoss says what was lost');
    assert.deepEqual((await page.evaluate(() => app.readAll())).keys, []);
    // acceptDataLoss cleared the marker; the new database's first durable write (openDb's
    // CreateTable) set a new one.
    assert.notEqual(await page.evaluate(() => localStorage.getItem('pocketdynamo:lost')), before);
    assert.equal(await page.evaluate(() => app.putMany('c-', 0, 5)), 5);
    assert.ok(JSON.parse(await page.evaluate(() => localStorage.getItem('pocketdynamo:lost'))).lsn >= 1);
    await page.evaluate(() => app.close());
  });
  await session(async (page) => {
    const info = await page.evaluate(() => app.openDb('lost'));
    assert.equal(info.recovery.fresh, false);
    assert.equal((await page.evaluate(() => app.readAll())).keys.length, 5);
    await page.evaluate(() => app.close());
  });
});
