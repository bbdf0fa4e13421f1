// The replica stores of layout version 2 (web/persistence/page-store.js):
// MemoryStore and FileStore against the same contract (checkpoint + log:
// appends with the end check, readLog, page versions invisible until the
// head flips, log trimmed by the flip, writeFull, truncateLog), plus what
// only files have: a torn log tail cut off at open, a checkpoint whose copy a
// crash cut short finished at open, the upgrade of a layout-1 directory, and
// a newer layout refused. Pages here are small synthetic images (sealed as
// the core seals them); no wasm.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStore } from '../../web/persistence/file-store.js';
import { MemoryStore, emptyDisk } from '../../web/persistence/memory-store.js';
import { StoreError } from '../../web/persistence/page-store.js';
import { applyImageRecord, crc32c, encodeImageRecord, readRecordHeader, sealPage } from '../../web/persistence/record.js';

const PAGE = 256;

let work;
before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-stores-')); });
after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });
let dirs = 0;
const freshDir = () => path.join(work, `r${++dirs}`);

function meta(lsn, pageCount) {
  const image = new Uint8Array(PAGE);
  const v = new DataView(image.buffer);
  image[4] = 1;
  v.setUint32(36, PAGE, true);
  v.setUint32(40, pageCount, true);
  return sealPage(image, 0, lsn);
}

function page(id, lsn, fill) {
  const image = new Uint8Array(PAGE).fill(fill);
  return sealPage(image, id, lsn);
}

// A record of commit `lsn` writing pages `ids` (each filled with lsn), and the meta page.
function record(lsn, ids, pageCount) {
  const all = [0, ...ids];
  const images = new Uint8Array(all.length * PAGE);
  all.forEach((id, i) => images.set(id === 0 ? meta(lsn, pageCount) : page(id, lsn, lsn & 0xff), i * PAGE));
  const bytes = encodeImageRecord({ lsn, prevLsn: lsn - 1, pageCount, pageSize: PAGE, pageIds: Uint32Array.from(all), images });
  return { lsn, prevLsn: lsn - 1, record: bytes };
}

const kinds = {
  memory: () => new MemoryStore({ label: 'memory' }),
  file: () => new FileStore(freshDir()),
};

for (const [kind, make] of Object.entries(kinds)) {
  describe(`${kind} store, layout 2`, () => {
    test('an empty store takes the base with its first records; the end check guards every append', async () => {
      const store = make();
      await store.open();
      assert.equal(await store.readHead(), null);
      await assert.rejects(store.appendRecords([record(1, [1], 2)], 0),
        (e) => e instanceof StoreError && e.kind === 'stale' && e.head === null, 'no base, no head');
      await store.appendRecords([record(1, [1], 2)], 0, meta(0, 1));
      await store.appendRecords([record(2, [1], 2), record(3, [1], 2)], 1);
      await assert.rejects(store.appendRecords([record(3, [1], 2)], 2),
        (e) => e instanceof StoreError && e.kind === 'stale' && e.head === 3);
      const head = await store.readHead();
      assert.equal(head.lsn, 3);
      assert.equal(head.ckptLsn, 0);
      assert.equal(head.logCount, 3);
      const log = await store.readLog();
      assert.deepEqual(log.map((e) => e.lsn), [1, 2, 3]);
      assert.equal(readRecordHeader(log[2].record).lsn, 3);
      assert.deepEqual((await store.readLog(2)).map((e) => e.lsn), [3]);
      await store.truncateLog(1);
      assert.equal((await store.readHead()).lsn, 1);
      await store.appendRecords([record(2, [1], 2)], 1);
      assert.equal((await store.readHead()).lsn, 2);
      await store.close();
    });

    test('page versions stay invisible until the head flips; the flip trims the log', async () => {
      const store = make();
      await store.open();
      await store.appendRecords([record(1, [1, 2], 3), record(2, [2], 3), record(3, [1], 3)], 0, meta(0, 1));
      await store.writePages([[1, page(1, 1, 1)], [2, page(2, 2, 2)]]);
      let pages = await store.readPages();
      assert.deepEqual([...pages.keys()], [0], 'nothing visible before the flip');
      await assert.rejects(store.flipHead(meta(5, 3), new Map()), (e) => e.kind === 'stale', 'beyond the end');
      await store.flipHead(meta(2, 3), new Map([[1, 1], [2, 2]]));
      let head = await store.readHead();
      assert.equal(head.ckptLsn, 2);
      assert.equal(head.lsn, 3);
      assert.deepEqual((await store.readLog()).map((e) => e.lsn), [3]);
      pages = await store.readPages();
      assert.deepEqual([...pages.keys()], [0, 1, 2]);
      assert.equal(pages.get(2)[100], 2);
      // A newer version of page 1, then a flip that drops page 2 (the database shrank).
      await store.writePages([[1, page(1, 3, 3)]]);
      assert.equal((await store.readPages([1])).get(1)[100], 1, 'the old version until the flip');
      await store.flipHead(meta(3, 2), new Map([[1, 3]]));
      head = await store.readHead();
      assert.equal(head.lsn, 3);
      assert.equal(head.logCount, 0);
      pages = await store.readPages();
      assert.deepEqual([...pages.keys()], [0, 1]);
      assert.equal(pages.get(1)[100], 3);
      await store.close();
    });

    test('writeFull replaces everything; clear empties the store', async () => {
      const store = make();
      await store.open();
      await store.appendRecords([record(1, [1], 2)], 0, meta(0, 1));
      await store.writeFull(meta(7, 3), [[1, page(1, 6, 9)], [2, page(2, 7, 8)]]);
      const head = await store.readHead();
      assert.equal(head.lsn, 7);
      assert.equal(head.logCount, 0);
      assert.equal((await store.readPages([2])).get(2)[200], 8);
      await store.appendRecords([record(8, [2], 3)], 7);
      await store.clear();
      assert.equal(await store.readHead(), null);
      await store.close();
      await assert.rejects(store.readHead(), (e) => e.kind === 'closed');
    });
  });
}

describe('memory store faults', () => {
  test('a torn append ends the log there and the next append overwrites it', async () => {
    const store = new MemoryStore();
    await store.appendRecords([record(1, [1], 2)], 0, meta(0, 1));
    store.faults.tornAppends = 1;
    await assert.rejects(store.appendRecords([record(2, [1], 2)], 1), (e) => e.outcome === 'unknown');
    assert.equal((await store.readHead()).lsn, 1);
    assert.deepEqual((await store.readLog()).map((e) => e.lsn), [1]);
    await store.appendRecords([record(2, [1], 2)], 1);
    assert.deepEqual((await store.readLog()).map((e) => e.lsn), [1, 2]);
  });

  test('a flipped bit in a record ends the sound log before it', async () => {
    const store = new MemoryStore();
    await store.appendRecords([record(1, [1], 2), record(2, [1], 2), record(3, [1], 2)], 0, meta(0, 1));
    store.damageRecord(2, 70, 3);
    assert.deepEqual((await store.readLog()).map((e) => e.lsn), [1]);
    assert.equal((await store.readHead()).lsn, 1);
  });

  test('a newer layout is refused with kind format', async () => {
    const disk = emptyDisk();
    disk.format = 3;
    const store = new MemoryStore({ disk });
    await assert.rejects(store.open(), (e) => e instanceof StoreError && e.kind === 'format' &&
      /newer pocketdynamo \(storage layout version 3\)/.test(e.message));
  });
});

describe('file store on disk', () => {
  test('a torn last frame is cut off at open; earlier records stay', async () => {
    const dir = freshDir();
    let store = new FileStore(dir);
    await store.open();
    await store.appendRecords([record(1, [1], 2), record(2, [1], 2)], 0, meta(0, 1));
    await store.close();
    const log = path.join(dir, 'log');
    const bytes = fs.readFileSync(log);
    fs.writeFileSync(log, bytes.subarray(0, bytes.length - 10));   // the second frame cut short
    store = new FileStore(dir);
    await store.open();
    assert.equal((await store.readHead()).lsn, 1);
    await store.appendRecords([record(2, [1], 2)], 1);
    assert.deepEqual((await store.readLog()).map((e) => e.lsn), [1, 2]);
    await store.close();
    // A flipped bit inside the first record's bytes: its CRC fails, the log ends before it.
    const again = fs.readFileSync(log);
    again[28 + 100] ^= 4;
    fs.writeFileSync(log, again);
    store = new FileStore(dir);
    await store.open();
    assert.equal((await store.readHead()).lsn, 0);
    assert.equal(fs.statSync(log).size, 0, 'the damaged tail was cut off');
    await store.close();
  });

  test('a checkpoint whose copy into pages was cut short is finished at open', async () => {
    const dir = freshDir();
    let store = new FileStore(dir);
    await store.open();
    await store.appendRecords([record(1, [1, 2], 3), record(2, [2], 3)], 0, meta(0, 1));
    await store.writePages([[1, page(1, 1, 11)], [2, page(2, 2, 22)]]);
    await store.flipHead(meta(2, 3), new Map([[1, 1], [2, 2]]));
    await store.close();
    // As if the process died after the head flip, before the copy: the ckpt file is back, pages are not.
    const frames = Buffer.concat([1, 2].map((id) => Buffer.concat([Buffer.from(Uint32Array.of(id).buffer),
      Buffer.from(page(id, id, id * 11))])));
    fs.writeFileSync(path.join(dir, 'ckpt-2'), frames);
    fs.writeFileSync(path.join(dir, 'pages'), Buffer.alloc(3 * PAGE));
    fs.writeFileSync(path.join(dir, 'ckpt-1'), frames);   // left over from a flip that never happened
    store = new FileStore(dir);
    await store.open();
    const pages = await store.readPages();
    assert.equal(pages.get(1)[100], 11);
    assert.equal(pages.get(2)[100], 22);
    assert.ok(!fs.existsSync(path.join(dir, 'ckpt-2')) && !fs.existsSync(path.join(dir, 'ckpt-1')));
    await store.close();
  });

  test('a layout-1 directory (head, pages, wal; no FORMAT) is upgraded: its wal applied, an empty log', async () => {
    const dir = freshDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'head'), meta(4, 3));
    const pages = Buffer.alloc(3 * PAGE);
    Buffer.from(page(1, 2, 5)).copy(pages, PAGE);
    Buffer.from(page(2, 3, 6)).copy(pages, 2 * PAGE);
    fs.writeFileSync(path.join(dir, 'pages'), pages);
    // Layout 1's wal of commit 4 (page 2 rewritten) that a crash kept from reaching `pages`.
    const wal = Buffer.alloc(32 + 4 + PAGE);
    Buffer.from([0x50, 0x44, 0x57, 0x41, 0x4c, 0, 0, 1]).copy(wal, 0);
    wal.writeUInt32LE(4, 8);
    wal.writeUInt32LE(PAGE, 16);
    wal.writeUInt32LE(1, 20);
    wal.writeUInt32LE(3, 24);
    wal.writeUInt32LE(2, 32);
    Buffer.from(page(2, 4, 7)).copy(wal, 36);
    fs.writeFileSync(path.join(dir, 'wal'), wal);
    const store = new FileStore(dir);
    await store.open();
    assert.equal(fs.readFileSync(path.join(dir, 'FORMAT'), 'utf8'), 'pocketdynamo replica layout 2\n');
    assert.ok(!fs.existsSync(path.join(dir, 'wal')));
    const head = await store.readHead();
    assert.equal(head.lsn, 4);
    assert.equal(head.ckptLsn, 4);
    assert.equal(head.logCount, 0);
    const read = await store.readPages();
    assert.equal(read.get(1)[100], 5);
    assert.equal(read.get(2)[100], 7);
    await store.appendRecords([record(5, [1], 3)], 4);
    assert.equal((await store.readHead()).lsn, 5);
    await store.close();
  });

  test('a newer layout is refused and left untouched', async () => {
    const dir = freshDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'FORMAT'), 'pocketdynamo replica layout 3\n');
    fs.writeFileSync(path.join(dir, 'head'), meta(4, 1));
    const store = new FileStore(dir);
    await assert.rejects(store.open(), (e) => e instanceof StoreError && e.kind === 'format' &&
      /written by a newer pocketdynamo \(storage layout version 3\)/.test(e.message));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['FORMAT', 'head']);
  });
});

test('crc32c and record headers', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  const { record: bytes } = record(9, [1, 3], 4);
  const header = readRecordHeader(bytes);
  assert.deepEqual({ ...header, pageIds: [...header.pageIds] },
    { lsn: 9, prevLsn: 8, pageSize: PAGE, pageCount: 4, pageIds: [0, 1, 3], byteLength: bytes.byteLength });
  for (let at = 0; at < bytes.byteLength; at += 37) {
    const copy = bytes.slice();
    copy[at] ^= 0x10;
    assert.ok(readRecordHeader(copy).error, `a flipped bit at ${at} is found`);
  }
  assert.match(readRecordHeader(bytes.subarray(0, 40)).error, /shorter than its header/);
});

test('records of page deltas: encoded against the page as of prev_lsn, redone to the same image', () => {
  const before = new Map([[0, meta(9, 4)], [1, page(1, 9, 1)], [3, page(3, 8, 3)]]);
  const after0 = meta(10, 4);
  const after1 = before.get(1).slice();
  after1.fill(0x42, 100, 140);
  sealPage(after1, 1, 10);
  const after3 = page(3, 10, 0x33);
  const images = new Uint8Array(3 * PAGE);
  [after0, after1, after3].forEach((image, i) => images.set(image, i * PAGE));
  const commit = { lsn: 10, prevLsn: 9, pageCount: 4, pageSize: PAGE, pageIds: Uint32Array.of(0, 1, 3), images };
  const delta = encodeImageRecord(commit, (id) => before.get(id));
  const whole = encodeImageRecord(commit);
  assert.ok(delta.byteLength < whole.byteLength, `${delta.byteLength} bytes with deltas, ${whole.byteLength} without`);
  const redone = new Map(before);
  assert.equal(applyImageRecord(redone, delta), '');
  assert.deepEqual(redone.get(0), after0);
  assert.deepEqual(redone.get(1), after1);
  assert.deepEqual(redone.get(3), after3);
  assert.match(applyImageRecord(new Map(), delta), /a delta without the page it applies to/);
});
