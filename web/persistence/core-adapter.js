// CoreAdapter: the engine (core/engine.js) as the committer and the replica
// set use it (committer.js header): commits as records, durable page images
// for checkpoints and rebuilds, the LSN-0 meta page for empty replicas.
//
// Two kinds of engine:
//   records   the core hands out each commit as one record of page deltas
//             (takeCommit().record, core/pager/log_record.h) and the durable
//             image of any page (durableImages): used as they are.
//   images    a core that hands out sealed page images only: the adapter
//             encodes them as a record (record.js): a page whose durable image
//             it holds (the page as of the commit's prev LSN: one commit is in
//             flight at a time) becomes a DELTA entry of the bytes that
//             changed, any other an IMAGE entry. It keeps the durable image of
//             every page changed since the oldest checkpoint (what a
//             checkpoint writes), and of others up to RETAIN_BYTES; a rebuild
//             needs the whole database and waits until nothing is in flight
//             (snapshot()).
// Either way the records in the logs are the core's format, so a database
// written by one kind opens with the other (given a core that redoes them).

import { encodeImageRecord } from './record.js';

const RETAIN_BYTES = 32 * 1024 * 1024;   // images mode: durable images kept beyond what checkpoints need

export function engineHasRecords(engine) {
  return typeof engine.durableImages === 'function';
}

export class CoreAdapter {
  #engine;
  #records;               // the engine hands out records itself
  #inflight = [];         // images mode: [{ lsn, pageCount, pageIds, images, pageSize }] taken, not yet durable
  #pages = new Map();     // images mode: id -> durable image of pages changed since the oldest checkpoint
  #durablePageCount;
  baseMeta = null;        // the meta page at LSN 0 of a new database (empty replicas start from it)

  /** seedPages: Map id -> image of pages at the opened state (images mode: pages the log changed). */
  constructor(engine, { seedPages = null, fresh = false } = {}) {
    this.#engine = engine;
    this.#records = engineHasRecords(engine);
    this.#durablePageCount = engine.pageCount;
    if (seedPages) for (const [id, image] of seedPages) this.#pages.set(id, image);
    if (fresh) this.baseMeta = this.durableImages([0]).get(0) ?? null;
  }

  get engine() { return this.#engine; }
  get closed() { return this.#engine.closed; }
  get durableLsn() { return this.#engine.durableLsn; }
  get pageSize() { return this.#engine.pageSize; }
  get durablePageCount() { return this.#durablePageCount; }
  hasPendingCommit() { return this.#engine.hasPendingCommit(); }
  /** The resident roots and interior pages, for the replicas' 'hot' hint (engine.js hotPages); none without it. */
  hotPages(maxPages) {
    return typeof this.#engine.hotPages === 'function' ? this.#engine.hotPages(maxPages) : new Uint32Array(0);
  }

  takeCommit() {
    if (this.#records) {
      const commit = this.#engine.takeCommit({ images: false, record: true });
      this.#inflight.push({ lsn: commit.lsn, pageCount: commit.pageCount });
      return commit;
    }
    const commit = this.#engine.takeCommit();
    this.#inflight.push({ lsn: commit.lsn, pageCount: commit.pageCount, pageIds: commit.pageIds, images: commit.images,
      pageSize: commit.pageSize });
    // The base of a delta must be the page as of prevLsn: only when nothing else is in flight.
    const base = this.#inflight.length === 1 && this.#engine.durableLsn === commit.prevLsn
      ? (id) => this.#pages.get(id) : undefined;
    return { lsn: commit.lsn, prevLsn: commit.prevLsn, pageCount: commit.pageCount, pageSize: commit.pageSize,
      pageIds: commit.pageIds, record: encodeImageRecord(commit, base) };
  }

  markDurable(lsn) {
    this.#engine.markDurable(lsn);
    while (this.#inflight.length && this.#inflight[0].lsn <= lsn) {
      const c = this.#inflight.shift();
      this.#durablePageCount = c.pageCount;
      if (c.images) {
        for (let i = 0; i < c.pageIds.length; i++) {
          this.#pages.set(c.pageIds[i], c.images.subarray(i * c.pageSize, (i + 1) * c.pageSize));
        }
        for (const id of this.#pages.keys()) if (id >= c.pageCount) this.#pages.delete(id);
      }
    }
  }

  rollbackToDurable() {
    this.#engine.rollbackToDurable();
    this.#inflight = [];
  }

  /** Map id -> durable image of each id (< durablePageCount). */
  durableImages(ids) {
    const out = new Map();
    if (this.#records) {
      const list = Uint32Array.from(ids);
      if (list.length === 0) return out;
      const bytes = this.#engine.durableImages(list);
      const size = this.pageSize;
      for (let i = 0; i < list.length; i++) out.set(list[i], bytes.subarray(i * size, (i + 1) * size));
      return out;
    }
    for (const id of ids) {
      let image = this.#pages.get(id);
      if (image === undefined) {
        // Not changed since the oldest checkpoint in this session's knowledge: only a quiet engine can say.
        if (this.#inflight.length === 0 && !this.#engine.hasPendingCommit()) {
          const snap = this.#engine.snapshot();
          image = snap.pages.slice(id * snap.pageSize, (id + 1) * snap.pageSize);
        } else {
          throw new Error(`page ${id}: no durable image known while commits are in flight`);
        }
      }
      out.set(id, image);
    }
    return out;
  }

  /** Map of every page at the durable LSN, or null when the engine cannot give it now. */
  allDurableImages() {
    if (this.#records) {
      return this.durableImages(Array.from({ length: this.durablePageCount }, (_, i) => i));
    }
    if (this.#inflight.length > 0 || this.#engine.hasPendingCommit()) return null;
    const snap = this.#engine.snapshot();
    const out = new Map();
    for (let id = 0; id < snap.pages.byteLength / snap.pageSize; id++) {
      out.set(id, snap.pages.subarray(id * snap.pageSize, (id + 1) * snap.pageSize));
    }
    return out;
  }

  /**
   * A core with a page cache: the records up to `lsn` are no longer needed to
   * bring a page read from a replica forward (every replica pages are read
   * from has its checkpoint at or after it). Absent otherwise.
   */
  get releaseRecordsThrough() {
    if (typeof this.#engine.releaseRecordsThrough !== 'function') return undefined;
    return (lsn) => this.#engine.releaseRecordsThrough(lsn);
  }

  /** Images mode: forget pages no checkpoint needs any more (ids not in keep). */
  retain(keep) {
    if (this.#records || this.#pages.size * this.pageSize <= RETAIN_BYTES) return;
    for (const id of [...this.#pages.keys()]) if (!keep.has(id)) this.#pages.delete(id);
  }
}
