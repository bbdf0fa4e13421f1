// MemoryStore: a PageStore (page-store.js, layout version 2) in this
// process's memory. Storage 'memory' keeps its three replicas in three of
// these (the data lives as long as the database object), and tests use them
// to inject failures: the protocol is exactly the IndexedDB store's (atomic
// writes, the end-LSN check, quota errors), so the replica set cannot tell
// the difference.
//
//   const store = new MemoryStore({ label: 'memory #1' });
//   store.faults.failWrites = 2;              // the next two writes fail ('io')
//   store.faults.error = 'quota';             // ... as quota errors instead
//   store.faults.quotaBytes = 64 * 1024;      // refuse a write leaving a database larger than this
//                                             //   (page count x page size after it, as IdbStore's hook)
//   store.faults.delayMs = 5;                 // every operation takes 5 ms
//   store.faults.applyThenFail = 1;           // the next write applies, then reports failure
//                                             //   (outcome 'unknown', as a lost reply)
//   store.faults.tornAppends = 1;             // the next append leaves a torn last record (its
//                                             //   check fails on read) and reports 'unknown'
//   store.faults.failClears = 1;              // the next clear() fails
//   store.faults.failTruncates = 1;           // the next truncateLog() fails
//   store.writes / store.failedWrites         // counters
//
// The data lives in a `disk` object ({ head, versions, log }) that may be
// shared: new MemoryStore({ disk: old.disk }) is the same replica after a
// restart, and crash() makes this instance drop every operation not yet
// applied (as a killed process would) and refuse further ones. The
// simulation (tests/js/persistence-sim.test.js) passes options.io, a
// function (op) => Promise that resolves when the operation may apply, to
// decide the order and timing of every operation.
//
// Operations run one at a time in call order (as IndexedDB runs transactions
// on one database), asynchronously. Stored images are the caller's bytes
// (never modified by anyone); reads return copies.

import { STORE_FORMAT, StoreError, formatError, headFromMeta, headWithLog, missingHead, pageLsn } from './page-store.js';
import { crc32c } from './record.js';

/** An empty disk: what a MemoryStore holds. format: the layout version (tests write 1 or 3 to check them). */
export function emptyDisk() {
  return { format: STORE_FORMAT, head: null, versions: new Map(), log: [] };
}

export class MemoryStore {
  #label;
  #disk;
  #tail = Promise.resolve();
  #closed = false;
  #crashed = false;
  #io;

  /** Fault injection knobs (see the header); all off by default. */
  faults = {
    failWrites: 0, error: 'io', quotaBytes: Infinity, delayMs: 0, applyThenFail: 0, failClears: 0, tornAppends: 0,
    failTruncates: 0,
  };
  /** Writes attempted and how many failed. */
  writes = 0;
  failedWrites = 0;

  constructor({ label = 'memory store', disk = emptyDisk(), io = null } = {}) {
    this.#label = label;
    this.#disk = disk;
    this.#io = io;
  }

  describe() { return this.#label; }

  /** The replica's data (see the header). */
  get disk() { return this.#disk; }

  #run(kind, fn) {
    const run = this.#tail.then(async () => {
      if (this.faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.delayMs));
      if (this.#io) await this.#io({ store: this, kind });
      if (this.#crashed) return new Promise(() => {});   // never settles: the process is gone
      if (this.#closed) throw new StoreError('closed', `${this.#label} is closed`);
      if (this.#disk.format > STORE_FORMAT) throw formatError(this.#label, this.#disk.format);
      return fn();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Simulated kill: operations not applied yet never will be; this instance answers nothing more. */
  crash() {
    this.#crashed = true;
  }

  async open() {
    this.#closed = false;
    return this.#run('open', () => {
      if (this.#disk.format === 1) this.#disk.format = STORE_FORMAT;   // v1: head + pages, no log: nothing to move
    });
  }

  // The end of the sound log (a torn or damaged record ends it, as a file's torn tail would).
  #end() {
    const sound = this.#soundLog();
    if (sound.length > 0) return sound[sound.length - 1].lsn;
    return this.#ckptLsn();
  }

  #ckptLsn() {
    return this.#disk.head === null ? 0 : pageLsn(this.#disk.head);
  }

  // The sound prefix of the log: records that pass their CRC and follow each other.
  // Called on every append and read, so a record's CRC is computed once (recordCrc).
  #soundLog() {
    const out = [];
    let expect = this.#ckptLsn();
    for (const entry of this.#disk.log) {
      if (entry.prevLsn !== expect || recordCrc(entry.record) !== entry.crc) break;
      out.push(entry);
      expect = entry.lsn;
    }
    return out;
  }

  readHead() {
    return this.#run('read', () => {
      const { head, versions, log } = this.#disk;
      if (head === null) return versions.size === 0 && log.length === 0 ? null : missingHead();
      const sound = this.#soundLog();
      return headWithLog(head.slice(), sound.length ? sound[sound.length - 1].lsn : 0, sound.length);
    });
  }

  #image(id, ckpt) {
    if (id === 0) return this.#disk.head;
    const byLsn = this.#disk.versions.get(id);
    if (!byLsn) return undefined;
    let best = -1;
    for (const lsn of byLsn.keys()) if (lsn <= ckpt && lsn > best) best = lsn;
    return best < 0 ? undefined : byLsn.get(best);
  }

  readPages(ids) {
    return this.#run('read', () => {
      const out = new Map();
      out.ckptLsn = -1;
      if (this.#disk.head === null) return out;
      const ckpt = this.#ckptLsn();
      out.ckptLsn = ckpt;
      out.pageCount = headFromMeta(this.#disk.head).pageCount;
      const wanted = ids ?? [0, ...[...this.#disk.versions.keys()].sort((a, b) => a - b)];
      for (const id of wanted) {
        const image = this.#image(id, ckpt);
        if (image) out.set(id, image.slice());
      }
      return out;
    });
  }

  readLog(afterLsn) {
    return this.#run('read', () => {
      const after = afterLsn ?? this.#ckptLsn();
      return this.#soundLog().filter((e) => e.lsn > after)
        .map(({ lsn, prevLsn, record }) => ({ lsn, prevLsn, record: record.slice() }));
    });
  }

  // Throws the injected failure for this write, if any. databaseBytes: page count x page size after it.
  #inject(databaseBytes) {
    this.writes++;
    if (this.faults.failWrites > 0) {
      this.faults.failWrites--;
      this.failedWrites++;
      throw this.faults.error === 'quota'
        ? new StoreError('quota', `${this.#label}: quota exceeded (injected): the store refused more space`)
        : new StoreError('io', `${this.#label}: write failed (injected)`);
    }
    if (this.faults.quotaBytes !== Infinity) {
      const needed = databaseBytes;
      if (needed > this.faults.quotaBytes) {
        this.failedWrites++;
        throw new StoreError('quota', `${this.#label}: quota exceeded: ${needed} bytes needed, ` +
            `${this.faults.quotaBytes} allowed`);
      }
    }
  }

  #afterApply() {
    if (this.faults.applyThenFail > 0) {
      this.faults.applyThenFail--;
      this.failedWrites++;
      throw new StoreError('io', `${this.#label}: the write's reply was lost (injected)`, { outcome: 'unknown' });
    }
  }

  appendRecords(entries, expectedEnd, base = null) {
    return this.#run('write', () => {
      const end = this.#end();
      if (end !== expectedEnd) {
        throw new StoreError('stale', `${this.#label} is at LSN ${end}, not ${expectedEnd}`, { head: end });
      }
      if (this.#disk.head === null && (base === null || this.#disk.versions.size > 0 || this.#disk.log.length > 0)) {
        throw new StoreError('stale', `${this.#label} has no head to append to`, { head: null });
      }
      this.#inject(recordDatabaseBytes(entries[entries.length - 1].record));
      if (this.#disk.head === null) this.#disk.head = base;
      this.#disk.log = this.#soundLog();   // an append overwrites a torn tail, as in a file
      if (this.faults.tornAppends > 0) {
        this.faults.tornAppends--;
        this.failedWrites++;
        const last = entries[entries.length - 1];
        for (const e of entries.slice(0, -1)) this.#disk.log.push({ ...e, crc: crc32c(e.record) });
        const torn = last.record.slice(0, Math.max(1, last.record.byteLength >> 1));
        this.#disk.log.push({ lsn: last.lsn, prevLsn: last.prevLsn, record: torn, crc: crc32c(last.record) });
        throw new StoreError('io', `${this.#label}: the append was torn (injected)`, { outcome: 'unknown' });
      }
      for (const { lsn, prevLsn, record } of entries) {
        const kept = record.slice();   // the store's own bytes: no view into the caller's buffer
        this.#disk.log.push({ lsn, prevLsn, record: kept, crc: recordCrc(kept) });
      }
      this.#afterApply();
    });
  }

  truncateLog(toLsn) {
    return this.#run('write', () => {
      this.writes++;
      if (this.faults.failTruncates > 0) {
        this.faults.failTruncates--;
        this.failedWrites++;
        throw new StoreError('io', `${this.#label}: truncating the log failed (injected)`);
      }
      this.#disk.log = this.#disk.log.filter((e) => e.lsn <= toLsn);
      // A torn or damaged record at the end is gone with it; one before toLsn stays (readLog stops there).
    });
  }

  writePages(pages) {
    return this.#run('write', () => {
      this.#inject(0);
      for (const [id, image] of pages) {
        let byLsn = this.#disk.versions.get(id);
        if (!byLsn) this.#disk.versions.set(id, (byLsn = new Map()));
        byLsn.set(pageLsn(image), image);
      }
      this.#afterApply();
    });
  }

  flipHead(meta, written) {
    return this.#run('write', () => {
      const lsn = pageLsn(meta);
      const sound = this.#soundLog();
      const end = sound.length ? sound[sound.length - 1].lsn : this.#ckptLsn();
      if (this.#disk.head === null || end < lsn || this.#ckptLsn() > lsn) {
        throw new StoreError('stale', `${this.#label} is at LSN ${end} (checkpoint ${this.#ckptLsn()}): ` +
            `cannot take a checkpoint at ${lsn}`, { head: this.#disk.head === null ? 0 : end });
      }
      this.#inject(0);
      const pageCount = new DataView(meta.buffer, meta.byteOffset, meta.byteLength).getUint32(40, true);
      for (const [id, versionLsn] of written) {
        const byLsn = this.#disk.versions.get(id);
        if (byLsn) for (const v of [...byLsn.keys()]) if (v < versionLsn) byLsn.delete(v);
      }
      for (const id of [...this.#disk.versions.keys()]) if (id >= pageCount) this.#disk.versions.delete(id);
      this.#disk.head = meta;
      this.#disk.log = this.#disk.log.filter((e) => e.lsn > lsn);
      this.#afterApply();
    });
  }

  writeFull(meta, pages, records = []) {
    return this.#run('write', () => {
      this.#inject(metaDatabaseBytes(meta));
      this.#disk.versions = new Map(pages.filter(([id]) => id !== 0)
        .map(([id, image]) => [id, new Map([[pageLsn(image), image]])]));
      this.#disk.head = meta;
      this.#disk.log = records.map(({ lsn, prevLsn, record }) => {
        const kept = record.slice();
        return { lsn, prevLsn, record: kept, crc: recordCrc(kept) };
      });
      this.#afterApply();
    });
  }

  repairPage(id, image, expectCkptLsn) {
    return this.#run('write', () => {
      if (this.#ckptLsn() !== expectCkptLsn || this.#disk.head === null) {
        throw new StoreError('stale', `${this.#label}: its checkpoint moved (LSN ${this.#ckptLsn()}, not ${expectCkptLsn})`);
      }
      this.#inject(0);
      let byLsn = this.#disk.versions.get(id);
      if (!byLsn) this.#disk.versions.set(id, (byLsn = new Map()));
      byLsn.set(pageLsn(image), image.slice());
      this.#afterApply();
    });
  }

  readScrub() {
    return this.#run('read', () => (this.#disk.scrub ? { ...this.#disk.scrub } : null));
  }

  writeScrub(position) {
    return this.#run('write', () => {
      this.#disk.scrub = { ...position };
    });
  }

  clear() {
    return this.#run('write', () => {
      if (this.faults.failClears > 0) {
        this.faults.failClears--;
        throw new StoreError('io', `${this.#label}: clear failed (injected)`);
      }
      this.#disk.head = null;
      this.#disk.versions = new Map();
      this.#disk.log = [];
    });
  }

  async close() {
    await this.#tail;
    this.#closed = true;
  }

  async destroy() {
    await this.close();
    this.#disk.head = null;
    this.#disk.versions = new Map();
    this.#disk.log = [];
  }

  // --- test helpers: damage the store as a failing disk would ---

  /** Overwrites `count` bytes at `offset` of page `id`'s current checkpoint image (page 0: the head) with `value`. */
  damagePage(id, offset = 100, count = 16, value = 0xa5) {
    const ckpt = this.#ckptLsn();
    const image = this.#image(id, ckpt);
    if (!image) return false;
    const copy = image.slice();
    copy.fill(value, offset, offset + count);
    if (id === 0) this.#disk.head = copy;
    else this.#disk.versions.get(id).set(pageLsn(image), copy);
    return true;
  }

  /** Flips bit `bit` of byte `offset` of the log record with this LSN. */
  damageRecord(lsn, offset = 60, bit = 0) {
    const entry = this.#disk.log.find((e) => e.lsn === lsn);
    if (!entry) return false;
    const copy = entry.record.slice();
    copy[offset % copy.byteLength] ^= 1 << bit;
    entry.record = copy;
    return true;
  }

  /** Removes page `id` (page 0: the head). */
  dropPage(id) {
    if (id === 0) {
      const had = this.#disk.head !== null;
      this.#disk.head = null;
      return had;
    }
    return this.#disk.versions.delete(id);
  }

  /** Ids of the pages held (page 0 when there is a head). */
  pageIds() {
    return [...(this.#disk.head ? [0] : []), ...[...this.#disk.versions.keys()].sort((a, b) => a - b)];
  }

  /** LSNs of the log records held (sound or not). */
  logLsns() {
    return this.#disk.log.map((e) => e.lsn);
  }
}

// CRC32C of a stored record, computed once per record object. Records are
// never changed in place: damage (damageRecord, the simulation's bit flips)
// and torn appends store a new copy, which is checked afresh. Without this,
// every append re-checked the whole log: O(log) per commit (43 ms of CPU per
// PutItem at a few MiB of log).
const crcOfRecord = new WeakMap();
function recordCrc(record) {
  let crc = crcOfRecord.get(record);
  if (crc === undefined) {
    crc = crc32c(record);
    crcOfRecord.set(record, crc);
  }
  return crc;
}

function recordDatabaseBytes(record) {
  if (record.byteLength < 40) return 0;
  const v = new DataView(record.buffer, record.byteOffset, record.byteLength);
  return v.getUint32(32, true) * v.getUint32(36, true);
}

function metaDatabaseBytes(meta) {
  const v = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
  return v.getUint32(36, true) * v.getUint32(40, true);
}

/** A deep copy of a disk (a replica "restored from an old copy" in tests). */
export function copyDisk(disk) {
  return {
    format: disk.format,
    head: disk.head,
    versions: new Map([...disk.versions].map(([id, byLsn]) => [id, new Map(byLsn)])),
    log: disk.log.map((e) => ({ ...e })),
    scrub: disk.scrub ? { ...disk.scrub } : undefined,
  };
}
