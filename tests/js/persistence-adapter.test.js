// CoreAdapter (web/persistence/core-adapter.js) with an engine of each kind:
// one that hands out page images only (the records are encoded in JS and
// must redo to the same pages), and one with the records API
// (takeCommit({ images: false }).record, durableImages(ids)), here a small
// stand-in that keeps pages in JS, as storage-core's engine does in wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreAdapter } from '../../web/persistence/core-adapter.js';
import { applyImageRecord, encodeImageRecord, readRecordHeader, sealPage } from '../../web/persistence/record.js';

const PAGE = 256;

function meta(lsn, pageCount) {
  const image = new Uint8Array(PAGE);
  const v = new DataView(image.buffer);
  image[4] = 1;
  v.setUint32(36, PAGE, true);
  v.setUint32(40, pageCount, true);
  return sealPage(image, 0, lsn);
}

// An engine with pages in JS: write(id, byte) changes a page; takeCommit seals.
class StandIn {
  pages = [meta(0, 1)];
  durable = [meta(0, 1)];
  inflight = [];
  dirty = new Set();
  lsn = 0;
  durableLsn = 0;
  closed = false;
  constructor(records) { this.records = records; if (records) this.durableImages = this.#durableImages; }
  get pageSize() { return PAGE; }
  get pageCount() { return this.pages.length; }
  hasPendingCommit() { return this.dirty.size > 0; }
  write(id, byte) {
    while (this.pages.length <= id) this.pages.push(new Uint8Array(PAGE));
    const image = this.pages[id].slice();
    image.fill(byte, 30, 60);
    this.pages[id] = image;
    this.dirty.add(id);
    this.dirty.add(0);
  }
  takeCommit(options = {}) {
    const lsn = ++this.lsn;
    this.pages[0] = meta(lsn, this.pages.length);
    const pageIds = Uint32Array.from([...this.dirty].sort((a, b) => a - b));
    this.dirty.clear();
    const images = new Uint8Array(pageIds.length * PAGE);
    pageIds.forEach((id, i) => {
      if (id !== 0) this.pages[id] = sealPage(this.pages[id].slice(), id, lsn);
      images.set(this.pages[id], i * PAGE);
    });
    this.inflight.push({ lsn, pages: this.pages.slice() });
    const commit = { lsn, prevLsn: lsn - 1, pageCount: this.pages.length, pageSize: PAGE, pageIds };
    if (!this.records || options.images !== false) commit.images = images;
    if (this.records && options.record !== false) commit.record = encodeImageRecord({ ...commit, images });
    return commit;
  }
  markDurable(lsn) {
    while (this.inflight.length && this.inflight[0].lsn <= lsn) this.durable = this.inflight.shift().pages;
    this.durableLsn = lsn;
  }
  rollbackToDurable() { this.inflight = []; this.dirty.clear(); this.pages = this.durable.slice(); this.lsn = this.durableLsn; }
  snapshot() {
    const pages = new Uint8Array(this.pages.length * PAGE);
    this.pages.forEach((p, i) => pages.set(p, i * PAGE));
    return { pageSize: PAGE, lsn: this.lsn, pages };
  }
  #durableImages(ids) {
    const out = new Uint8Array(ids.length * PAGE);
    ids.forEach((id, i) => out.set(this.durable[id], i * PAGE));
    return out;
  }
}

for (const records of [false, true]) {
  test(`CoreAdapter, engine with ${records ? 'records' : 'images only'}`, () => {
    const engine = new StandIn(records);
    const core = new CoreAdapter(engine, { fresh: true });
    assert.equal(core.baseMeta.byteLength, PAGE, 'the LSN-0 meta page for empty replicas');
    const replay = new Map([[0, core.baseMeta]]);
    engine.write(1, 7);
    engine.write(2, 8);
    const c1 = core.takeCommit();
    assert.equal(readRecordHeader(c1.record).lsn, 1);
    assert.equal(applyImageRecord(replay, c1.record), '');
    core.markDurable(1);
    assert.equal(core.durablePageCount, 3);
    engine.write(2, 9);
    const c2 = core.takeCommit();   // in flight, then rolled back
    assert.equal(c2.lsn, 2);
    assert.deepEqual([...core.durableImages([2]).get(2).subarray(30, 32)], [8, 8], 'durable, not in flight');
    core.rollbackToDurable();
    engine.write(3, 10);
    const c3 = core.takeCommit();
    // Page 0 existed at the durable LSN: a delta, not a whole page (the core's records are deltas too).
    assert.ok(c3.record.byteLength < 48 + 8 + 2 * PAGE, `${c3.record.byteLength} bytes`);
    assert.equal(applyImageRecord(replay, c3.record), '');
    core.markDurable(2);
    const images = core.durableImages([1, 2, 3]);
    for (const id of [1, 2, 3]) assert.deepEqual(images.get(id), replay.get(id), `page ${id} redone = durable image`);
    const all = core.allDurableImages();
    assert.deepEqual([...all.keys()], [0, 1, 2, 3]);
    assert.deepEqual(all.get(0), replay.get(0));
  });
}
