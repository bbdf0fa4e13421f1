// MemoryStore: a PageStore (page-store.js) in this process's memory. Storage
// 'memory' keeps its three replicas in three of these (the data lives as long
// as the database object), and tests use them to inject failures: the
// protocol is exactly the IndexedDB store's (atomic writes, the head-LSN
// check, quota errors), so the replica set cannot tell the difference.
//
//   const store = new MemoryStore({ label: 'memory #1' });
//   store.faults.failWrites = 2;              // the next two writes fail ('io')
//   store.faults.error = 'quota';             // ... as quota errors instead
//   store.faults.quotaBytes = 64 * 1024;      // refuse a state larger than this
//   store.faults.delayMs = 5;                 // every write takes 5 ms
//   store.faults.applyThenFail = 1;           // the next write applies, then reports failure
//                                             //   (outcome 'unknown', as a lost reply)
//   store.faults.failClears = 1;              // the next clear() fails
//   store.writes / store.failedWrites         // counters
//
// Operations run one at a time in call order (as IndexedDB runs transactions
// on one database), asynchronously (a later microtask; after faults.delayMs
// when that is set).
// Stored images are the caller's views (never modified by anyone); reads
// return copies.

import { StoreError, batchBytes, batchMeta, headFromMeta, missingHead } from './page-store.js';

export class MemoryStore {
  #label;
  #head = null;         // meta image (Uint8Array) of the last commit, null = none
  #pages = new Map();   // id (>= 1) -> image
  #tail = Promise.resolve();
  #closed = false;

  /** Fault injection knobs (see the header); all off by default. */
  faults = { failWrites: 0, error: 'io', quotaBytes: Infinity, delayMs: 0, applyThenFail: 0, failClears: 0 };
  /** Writes attempted (writeCommit + writeFull) and how many failed. */
  writes = 0;
  failedWrites = 0;

  constructor({ label = 'memory store' } = {}) {
    this.#label = label;
  }

  describe() { return this.#label; }

  #run(fn) {
    const run = this.#tail.then(async () => {
      if (this.faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.delayMs));
      if (this.#closed) throw new StoreError('closed', `${this.#label} is closed`);
      return fn();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  async open() {
    this.#closed = false;
  }

  #lsn() {
    return this.#head === null ? 0 : headFromMeta(this.#head).lsn;   // no head: LSN 0 (page-store.js)
  }

  readHead() {
    return this.#run(() => {
      if (this.#head !== null) return headFromMeta(this.#head.slice());
      return this.#pages.size === 0 ? null : missingHead();
    });
  }

  readPages(ids) {
    return this.#run(() => {
      const out = new Map();
      const wanted = ids ?? [0, ...this.#pages.keys()];
      for (const id of wanted) {
        const image = id === 0 ? this.#head : this.#pages.get(id);
        if (image) out.set(id, image.slice());
      }
      return out;
    });
  }

  // Throws the injected failure for this write, if any.
  #inject(batch) {
    this.writes++;
    if (this.faults.failWrites > 0) {
      this.faults.failWrites--;
      this.failedWrites++;
      throw this.faults.error === 'quota'
        ? new StoreError('quota', `${this.#label}: quota exceeded (injected): the store refused more space`)
        : new StoreError('io', `${this.#label}: write failed (injected)`);
    }
    if (batchBytes(batch) > this.faults.quotaBytes) {
      this.failedWrites++;
      throw new StoreError('quota', `${this.#label}: quota exceeded: ${batchBytes(batch)} bytes needed, ` +
          `${this.faults.quotaBytes} allowed`);
    }
  }

  #afterApply() {
    if (this.faults.applyThenFail > 0) {
      this.faults.applyThenFail--;
      this.failedWrites++;
      throw new StoreError('io', `${this.#label}: the write's reply was lost (injected)`, { outcome: 'unknown' });
    }
  }

  writeCommit(batch, expectedPrevLsn) {
    return this.#run(() => {
      const lsn = this.#lsn();
      if (lsn !== expectedPrevLsn) {
        throw new StoreError('stale', `${this.#label} is at LSN ${lsn}, not ${expectedPrevLsn}`, { head: lsn });
      }
      this.#inject(batch);
      const before = this.#head === null ? Infinity : headFromMeta(this.#head).pageCount;
      for (const [id, image] of batch.pages) if (id !== 0) this.#pages.set(id, image);
      if (before > batch.pageCount) {   // a revert shrank it, or stray pages of a store without a head
        for (const id of [...this.#pages.keys()]) if (id >= batch.pageCount) this.#pages.delete(id);
      }
      this.#head = batchMeta(batch);
      this.#afterApply();
    });
  }

  writeFull(batch) {
    return this.#run(() => {
      this.#inject(batch);
      this.#pages = new Map(batch.pages.filter(([id]) => id !== 0));
      this.#head = batchMeta(batch);
      this.#afterApply();
    });
  }

  clear() {
    return this.#run(() => {
      if (this.faults.failClears > 0) {
        this.faults.failClears--;
        throw new StoreError('io', `${this.#label}: clear failed (injected)`);
      }
      this.#head = null;
      this.#pages = new Map();
    });
  }

  async close() {
    await this.#tail;
    this.#closed = true;
  }

  async destroy() {
    await this.close();
    this.#head = null;
    this.#pages = new Map();
  }

  // --- test helpers: damage the store as a failing disk would ---

  /** Overwrites `count` bytes at `offset` of page `id` (page 0: the head) with `value`. */
  damagePage(id, offset = 100, count = 16, value = 0xa5) {
    const image = id === 0 ? this.#head : this.#pages.get(id);
    if (!image) return false;
    const copy = image.slice();
    copy.fill(value, offset, offset + count);
    if (id === 0) this.#head = copy;
    else this.#pages.set(id, copy);
    return true;
  }

  /** Removes page `id` (page 0: the head). */
  dropPage(id) {
    if (id === 0) this.#head = null;
    return this.#pages.delete(id);
  }

  /** Ids of the pages held (page 0 when there is a head). */
  pageIds() {
    return [...(this.#head ? [0] : []), ...[...this.#pages.keys()].sort((a, b) => a - b)];
  }
}
