// IdbStore: one replica in the browser's IndexedDB, a PageStore
// (page-store.js, layout version 2). Replica i of database `name` is the
// IndexedDB database `<name>#<i>`, version 2, with three object stores:
//
//   meta    key: 'head'          value: the meta page image (page 0) of the checkpoint:
//                                       LSN (= ckptLsn), page size, page count, roots and CRC
//                                       in the core's format (core/pager/format.h)
//           key: 'hot'           value (optional): Uint32Array of page ids, the hint readStart
//                                       reads with the head (flipHead's `hot`; a hint, no format
//                                       change: a release without it never reads it)
//   ckpt    key: [id, lsn]       value: a checkpoint page version: page `id`'s image whose
//                                       header LSN is `lsn` (Uint8Array, page size bytes); the
//                                       checkpoint holds, per id, the newest version <= ckptLsn
//   log     key: [lsn, chunk]    value: { lsn, prevLsn, chunk, count, crc, bytes }: chunk `chunk`
//                                       of `count` of the commit record with that LSN (chunks of
//                                       <= 60,000 bytes: Chromium stores values over 64 KiB as
//                                       separate files, at about twice the cost, see
//                                       bench/results/idb_micro.md); crc: CRC32C of the record
//
// Version 1 (the release before: meta 'head' + pages keyed by page id) is
// upgraded in the versionchange transaction: every page moves to ckpt under
// [id, its LSN], the log starts empty. A database of a version above 2 fails
// to open with StoreError kind 'format' and is left alone.
//
// Every write is ONE readwrite transaction with { durability: 'strict' } (the
// browser flushes it to disk before it reports completion). A transaction
// that aborts writes nothing (outcome 'none').
//
// The end check of appendRecords: the store knows the end its own last write
// left (`#known`: the end after the last settled append or writeFull of THIS
// connection; a head flip leaves the end as it was, truncateLog and clear
// forget it) as long as nothing else could have moved it: the
// connection is the same one (a delete or upgrade from another context closes
// it, and the next write opens a new one), no write that moves the end is still
// under way, and no write failed since (a failure forgets it). Then the check
// is that known end against expectedEnd, and the append is blind puts with
// tx.commit(): one round trip less than reading the end, ~1 ms of each awaited
// commit in Chromium (the raw quorum micro, session 7: 4.4 ms with the reads,
// 3.0 ms blind with commit()). Otherwise (the first append of a connection, an
// append behind another one still under way, any append after a failure) it
// reads the head and the log's last key first inside the transaction and
// aborts it when the end is not the expected one, so a stale replica is never
// written; its puts are issued right behind those reads (saving a round trip)
// and undone by the abort. Only the holder of the database's Web Lock writes
// (web/db), so no other connection appends behind this one's back.
//
// QuotaExceededError (the origin is out of storage space) is reported as
// StoreError kind 'quota' with a message naming the quota. Test hook:
// options.quotaBytes makes the store refuse (abort, kind 'quota') any write
// whose database would exceed that many bytes of pages (page count x page
// size after it), as a full disk would.
//
// Chromium reports that it found the origin's IndexedDB store corrupt and
// deleted it (ALL of the origin's databases) as the non-standard
// event.dataLoss / dataLossMessage of upgradeneeded, once, to the first open
// on the origin; the store keeps it as `dataLoss` for recovery (recovery.js).
//
// If another context deletes the database (indexedDB.deleteDatabase, the
// playground's "damage" button), this connection closes itself so the delete
// can proceed; the next operation reconnects and finds an empty store.

import { StoreError, formatError, headFromMeta, headWithLog, hotPageIds, missingHead, ownedCopy, pageLsn, rootPageIds } from './page-store.js';
import { crc32c } from './record.js';

const VERSION = 2;
const CHUNK_BYTES = 60_000;
const STORES = ['meta', 'ckpt', 'log'];

export class IdbStore {
  #name;                  // IndexedDB database name, '<db>#<i>'
  #factory;               // the IDBFactory (globalThis.indexedDB)
  #quotaBytes;            // test hook: refuse states larger than this (bytes)
  #db = null;             // open IDBDatabase, or null
  #connecting = null;     // Promise<IDBDatabase> while opening
  #closed = false;        // close() was called
  #dataLoss = null;       // { kind, message } when the browser reported it discarded the data
  #known = null;          // { db, end }: the end the last settled write of connection db left (header)
  #moving = 0;            // writes under way that move the end (appends, writeFull, truncateLog, clear)
  #endReads = 0;          // appends that read the end in their transaction (diagnostics, tests)

  /** options: { quotaBytes (test hook), indexedDB (an IDBFactory; default globalThis.indexedDB) }. */
  constructor(name, { quotaBytes = Infinity, indexedDB: factory = globalThis.indexedDB } = {}) {
    this.#name = name;
    this.#factory = factory;
    this.#quotaBytes = quotaBytes;
  }

  describe() { return `IndexedDB "${this.#name}"`; }

  /** How many appends read the store's end in their transaction (the rest checked the known end). */
  get endReads() { return this.#endReads; }

  /**
   * { kind, message } when opening found that the browser had discarded this
   * origin's IndexedDB data (Chromium's event.dataLoss, e.g. 'total', and
   * event.dataLossMessage on upgradeneeded), else null.
   */
  get dataLoss() { return this.#dataLoss; }

  async open() {
    this.#closed = false;
    await this.#connect();
  }

  #connect() {
    if (this.#closed) return Promise.reject(new StoreError('closed', `${this.describe()} is closed`));
    if (this.#db) return Promise.resolve(this.#db);
    if (!this.#factory) {
      return Promise.reject(new StoreError('io', 'IndexedDB is not available in this environment'));
    }
    this.#connecting ??= new Promise((resolve, reject) => {
      let request;
      try {
        request = this.#factory.open(this.#name, VERSION);
      } catch (error) {
        reject(storeError(this, error, 'open'));
        return;
      }
      request.onupgradeneeded = (event) => {
        // Chromium (non-standard): the origin's store was found corrupt and deleted; said
        // only to the first open on the origin after it. Recovery must know (recovery.js).
        if (event?.dataLoss && event.dataLoss !== 'none') {
          this.#dataLoss = { kind: String(event.dataLoss), message: String(event.dataLossMessage ?? '') };
        }
        const db = request.result;
        if (event.oldVersion > VERSION) return;   // cannot happen (open() with a lower version fails)
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
        if (!db.objectStoreNames.contains('ckpt')) db.createObjectStore('ckpt');
        if (!db.objectStoreNames.contains('log')) db.createObjectStore('log');
        if (db.objectStoreNames.contains('pages')) {
          // Layout 1: pages keyed by id become checkpoint versions [id, LSN]; the head stays.
          const tx = request.transaction;
          const ckpt = tx.objectStore('ckpt');
          tx.objectStore('pages').openCursor().onsuccess = (e) => {
            const cursor = e.target.result;
            if (cursor) {
              const image = cursor.value;
              if (image instanceof Uint8Array && image.byteLength >= 24) ckpt.put(image, [cursor.key, pageLsn(image)]);
              cursor.continue();
            } else {
              db.deleteObjectStore('pages');
            }
          };
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {   // someone deletes or upgrades it: let them
          db.close();
          if (this.#db === db) this.#db = null;
        };
        db.onclose = () => {           // closed by the browser (storage cleared, ...)
          if (this.#db === db) this.#db = null;
        };
        this.#db = db;
        resolve(db);
      };
      request.onerror = () => {
        const error = request.error;
        if (error?.name === 'VersionError') {
          reject(formatError(this.describe(), 'newer than 2'));
          return;
        }
        reject(storeError(this, error, 'open'));
      };
      request.onblocked = () => reject(new StoreError('io', `${this.describe()} cannot be opened: ` +
          'another connection with an older version blocks it'));
    }).finally(() => { this.#connecting = null; });
    return this.#connecting;
  }

  // Runs body(tx, fail, setResult, { db, known }) in one transaction; resolves with the
  // result once the transaction completed, rejects with the StoreError given
  // to fail() (which aborts the transaction) or the one the abort carries.
  // A readwrite transaction that fails forgets the known end. moves: the
  // write may move the end (it counts in #moving while under way); then
  // `known(end)` given to body sets the end it leaves once it completed
  // (null: unknown; not called: unknown).
  async #transact(mode, body, { moves = false } = {}) {
    const db = await this.#connect();
    return new Promise((resolve, reject) => {
      let failure = null;
      let result;
      let tx;
      try {
        tx = db.transaction(STORES, mode, mode === 'readwrite' ? { durability: 'strict' } : undefined);
      } catch (error) {
        if (this.#db === db && error?.name === 'InvalidStateError') this.#db = null;  // closing: reconnect next time
        if (mode === 'readwrite') this.#known = null;
        reject(storeError(this, error, mode));
        return;
      }
      const fail = (error) => {
        failure = error;
        try {
          tx.abort();
        } catch {
          // already finished
        }
      };
      let leaves = null;
      if (moves) this.#moving++;
      tx.oncomplete = () => {
        if (moves) {
          this.#moving--;
          this.#known = leaves === null ? null : { db, end: leaves };
        }
        resolve(result);
      };
      tx.onabort = () => {
        if (moves) this.#moving--;
        if (mode === 'readwrite') this.#known = null;
        reject(failure ?? storeError(this, tx.error, mode));
      };
      try {
        body(tx, fail, (value) => { result = value; }, { db, known: (end) => { leaves = end; } });
      } catch (error) {
        fail(storeError(this, error, mode));
      }
    });
  }

  // Calls then(head, end) inside tx: head the meta image (null: none), end
  // the store's end (0 for an empty store; null when the head is unreadable).
  // Requests issued after this one run after it, so a caller may issue its
  // writes at once and abort the transaction from then() if the end is wrong.
  #withEnd(tx, then) {
    let head = null;
    let last = null;
    tx.objectStore('meta').get('head').onsuccess = (event) => {
      head = event.target.result instanceof Uint8Array ? event.target.result : null;
    };
    tx.objectStore('log').openKeyCursor(null, 'prev').onsuccess = (event) => {
      last = event.target.result ? event.target.result.key[0] : null;
      if (head === null) {
        then(null, last === null ? 0 : null);
        return;
      }
      const ckpt = headFromMeta(head).lsn;
      if (!Number.isFinite(ckpt)) then(head, null);
      else then(head, last !== null && last > ckpt ? last : ckpt);
    };
  }

  #quota(bytes) {
    if (bytes > this.#quotaBytes) {
      return new StoreError('quota', `${this.describe()}: quota exceeded: the store refused more space ` +
          `(${bytes} bytes needed, test quota ${this.#quotaBytes} bytes)`);
    }
    return null;
  }

  readHead() {
    return this.#readStart(false).then(({ head }) => head);
  }

  readPages(ids) {
    return this.#transact('readonly', (tx, fail, setResult) => {
      const out = new Map();
      out.ckptLsn = -1;
      setResult(out);
      const ckpt = tx.objectStore('ckpt');
      tx.objectStore('meta').get('head').onsuccess = (event) => {
        const head = event.target.result;
        if (!(head instanceof Uint8Array)) return;
        const lsn = headFromMeta(head).lsn;
        out.ckptLsn = lsn;
        out.pageCount = headFromMeta(head).pageCount;
        if (ids === undefined || ids.includes(0)) out.set(0, head);
        if (ids === undefined) {
          const keys = ckpt.getAllKeys();
          const values = ckpt.getAll();
          values.onsuccess = () => {
            // Keys ascend by [id, lsn]: the last version <= lsn of each id wins.
            for (let i = 0; i < keys.result.length; i++) {
              const [id, version] = keys.result[i];
              if (id !== 0 && version <= lsn && values.result[i] instanceof Uint8Array) out.set(id, values.result[i]);
            }
          };
        } else {
          for (const id of ids) {
            if (id === 0) continue;
            ckpt.openCursor(IDBKeyRange.bound([id, 0], [id, lsn]), 'prev').onsuccess = (e) => {
              const cursor = e.target.result;
              if (cursor && cursor.value instanceof Uint8Array) out.set(id, cursor.value);
            };
          }
        }
      };
    });
  }

  readLog(afterLsn) {
    return this.#transact('readonly', (tx, fail, setResult) => {
      setResult([]);
      tx.objectStore('meta').get('head').onsuccess = (event) => {
        const head = event.target.result;
        const ckpt = head instanceof Uint8Array ? headFromMeta(head).lsn : 0;
        const after = afterLsn ?? ckpt;
        tx.objectStore('log').getAll(IDBKeyRange.lowerBound([after + 1])).onsuccess = (e) => {
          setResult(soundRecords(e.target.result, after));
        };
      };
    });
  }

  // readHead(), readLog() and the root and hot pages in one transaction (what open needs first).
  readStart() {
    return this.#readStart(true);
  }

  // { head, log, roots }: the head as readHead() gives it and, when full, the
  // log after the head's checkpoint as readLog() gives it and the pages the root
  // slots and the 'hot' hint name as readPages() gives them (else [] and an
  // empty Map). The hint is asked for first: requests complete in order, so its
  // result is there when the head's arrives.
  #readStart(full) {
    return this.#transact('readonly', (tx, fail, setResult) => {
      const log = tx.objectStore('log');
      const hot = full ? tx.objectStore('meta').get('hot') : null;
      tx.objectStore('meta').get('head').onsuccess = (event) => {
        const image = event.target.result;
        if (image === undefined) {
          tx.objectStore('ckpt').count().onsuccess = (pages) => {
            log.count().onsuccess = (records) => {
              const empty = pages.target.result === 0 && records.target.result === 0;
              setResult({ head: empty ? null : missingHead(), log: [], roots: new Map() });
            };
          };
          return;
        }
        if (!(image instanceof Uint8Array)) {
          setResult({ head: headFromMeta(null), log: [], roots: new Map() });
          return;
        }
        const ckpt = headFromMeta(image).lsn;
        const roots = new Map();
        if (full && Number.isFinite(ckpt)) {
          const pages = tx.objectStore('ckpt');
          for (const id of new Set([...rootPageIds(image), ...hotPageIds(hot.result, image)])) {
            pages.openCursor(IDBKeyRange.bound([id, 0], [id, ckpt]), 'prev').onsuccess = (e) => {
              const cursor = e.target.result;
              if (cursor && cursor.value instanceof Uint8Array) roots.set(id, cursor.value);
            };
          }
        }
        const range = IDBKeyRange.lowerBound([ckpt + 1]);
        const values = full ? log.getAll(range) : null;
        log.getAllKeys(range).onsuccess = (e) => {
          const keys = e.target.result;
          const lsns = new Set(keys.map((k) => k[0]));
          setResult({ head: headWithLog(image, keys.length ? keys[keys.length - 1][0] : 0, lsns.size),
            log: full ? soundRecords(values.result, ckpt) : [], roots });
        };
      };
    });
  }

  appendRecords(entries, expectedEnd, base = null) {
    return this.#transact('readwrite', (tx, fail, setResult, { db, known }) => {
      known(entries[entries.length - 1].lsn);
      const last = entries[entries.length - 1].record;
      const bytes = last.byteLength >= 40
        ? new DataView(last.buffer, last.byteOffset, last.byteLength).getUint32(32, true) *
          new DataView(last.buffer, last.byteOffset, last.byteLength).getUint32(36, true)
        : 0;
      const quota = this.#quota(bytes);
      if (quota) {
        fail(quota);
        return;
      }
      // #moving counts this append itself: 1 means no other write that moves the end is under way.
      if (this.#moving === 1 && this.#known?.db === db && this.#known.end === expectedEnd) {
        putRecords(tx.objectStore('log'), entries);
        tx.commit?.();
        return;
      }
      this.#endReads++;
      const meta = tx.objectStore('meta');
      this.#withEnd(tx, (head, end) => {
        if (end !== expectedEnd) {
          fail(new StoreError('stale', `${this.describe()} is at LSN ${end}, not ${expectedEnd}`, { head: end }));
          return;
        }
        if (head === null) {
          if (base === null) {
            fail(new StoreError('stale', `${this.describe()} has no head to append to`, { head: null }));
            return;
          }
          tx.objectStore('ckpt').count().onsuccess = (e) => {
            if (e.target.result > 0) fail(new StoreError('stale', `${this.describe()} holds pages but no head`, { head: null }));
          };
          meta.put(ownedCopy(base), 'head');
        }
      });
      putRecords(tx.objectStore('log'), entries);
    }, { moves: true });
  }

  truncateLog(toLsn) {
    return this.#transact('readwrite', (tx) => {
      tx.objectStore('log').delete(IDBKeyRange.lowerBound([toLsn + 1]));
    }, { moves: true });
  }

  writePages(pages) {
    return this.#transact('readwrite', (tx) => {
      const ckpt = tx.objectStore('ckpt');
      for (const [id, image] of pages) ckpt.put(sharedCopy(image), [id, pageLsn(image)]);
      tx.commit?.();
    });
  }

  repairPage(id, image, expectCkptLsn) {
    return this.#transact('readwrite', (tx, fail) => {
      tx.objectStore('meta').get('head').onsuccess = (event) => {
        const head = event.target.result;
        const ckpt = head instanceof Uint8Array ? headFromMeta(head).lsn : null;
        if (ckpt !== expectCkptLsn) {
          fail(new StoreError('stale', `${this.describe()}: its checkpoint moved (LSN ${ckpt}, not ${expectCkptLsn})`));
          return;
        }
        tx.objectStore('ckpt').put(ownedCopy(image), [id, pageLsn(image)]);
      };
    });
  }

  readScrub() {
    return this.#transact('readonly', (tx, fail, setResult) => {
      setResult(null);
      tx.objectStore('meta').get('scrub').onsuccess = (event) => {
        const value = event.target.result;
        if (value && typeof value === 'object' && Number.isSafeInteger(value.id)) setResult({ id: value.id });
      };
    });
  }

  writeScrub(position) {
    return this.#transact('readwrite', (tx) => {
      tx.objectStore('meta').put({ id: position.id }, 'scrub');
    });
  }

  flipHead(meta, written, hot = null) {
    return this.#transact('readwrite', (tx, fail) => {
      const lsn = pageLsn(meta);
      const pageCount = headFromMeta(meta).pageCount;
      this.#withEnd(tx, (head, end) => {
        const ckptLsn = head === null ? null : headFromMeta(head).lsn;
        if (head === null || end === null || end < lsn || !(ckptLsn <= lsn)) {
          fail(new StoreError('stale', `${this.describe()} is at LSN ${end} (checkpoint ${ckptLsn}): ` +
              `cannot take a checkpoint at ${lsn}`, { head: end }));
        }
      });
      const ckpt = tx.objectStore('ckpt');
      for (const [id, version] of written) ckpt.delete(IDBKeyRange.bound([id, 0], [id, version], false, true));
      ckpt.delete(IDBKeyRange.lowerBound([pageCount]));
      tx.objectStore('log').delete(IDBKeyRange.upperBound([lsn + 1], true));
      tx.objectStore('meta').put(ownedCopy(meta), 'head');
      if (hot instanceof Uint32Array && hot.length > 0) tx.objectStore('meta').put(hot.slice(), 'hot');
      else tx.objectStore('meta').delete('hot');
    });
  }

  /** writeFull takes `pages` as any iterable and puts each page as it comes (replica-set.js streams a rebuild). */
  get streamsWriteFull() { return true; }

  writeFull(meta, pages, records = []) {
    return this.#transact('readwrite', (tx, fail, setResult, { known }) => {
      known(records.length ? records[records.length - 1].lsn : pageLsn(meta));
      const { pageCount, pageSize } = headFromMeta(meta);
      const quota = this.#quota(pageCount * pageSize);
      if (quota) {
        fail(quota);
        return;
      }
      const ckpt = tx.objectStore('ckpt');
      ckpt.clear();
      tx.objectStore('log').clear();
      tx.objectStore('meta').clear();
      for (const [id, image] of pages) if (id !== 0) ckpt.put(ownedCopy(image), [id, pageLsn(image)]);
      tx.objectStore('meta').put(ownedCopy(meta), 'head');
      putRecords(tx.objectStore('log'), records);
    }, { moves: true });
  }

  clear() {
    return this.#transact('readwrite', (tx) => {
      for (const name of STORES) tx.objectStore(name).clear();
    }, { moves: true });
  }

  async close() {
    this.#closed = true;
    if (this.#connecting) await this.#connecting.catch(() => {});
    this.#db?.close();
    this.#db = null;
  }

  async destroy() {
    await this.close();
    if (!this.#factory) return;
    await new Promise((resolve, reject) => {
      const request = this.#factory.deleteDatabase(this.#name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(storeError(this, request.error, 'delete'));
    });
  }
}

// A StoreError for a DOMException (or anything) IndexedDB raised.
function storeError(store, error, doing) {
  const name = error?.name ?? 'Error';
  const detail = error?.message ? `${name}: ${error.message}` : name;
  if (name === 'QuotaExceededError') {
    return new StoreError('quota', `${store.describe()}: quota exceeded: the browser refused storage space ` +
        `for this origin (${detail})`, { cause: error });
  }
  if (name === 'InvalidStateError') {
    return new StoreError('closed', `${store.describe()} is closing or closed (${detail})`, { cause: error });
  }
  return new StoreError('io', `${store.describe()}: ${doing} failed (${detail})`, { cause: error });
}

// Puts records [{ lsn, prevLsn, record }] into the log object store, in chunks (see the header).
function putRecords(log, entries) {
  for (const { lsn, prevLsn, record } of entries) {
    const { crc, chunks } = logValues(record);
    const count = chunks.length;
    for (let chunk = 0; chunk < count; chunk++) log.put({ lsn, prevLsn, chunk, count, crc, bytes: chunks[chunk] }, [lsn, chunk]);
  }
}

// A record's CRC32C and its chunks, each a Uint8Array with a buffer of its own (put() clones a
// view's whole buffer), and the own copy of a checkpoint page image: made once for the three
// replicas, which get the same record and [id, image] objects (replica-set.js commit,
// writeCheckpointPages); put() clones the value, so they can share them. When each replica made
// its own, CRC32C took 0.6 s and the page copies 0.9 s of the page's time in a 100,000-item bulk
// load (bench/persistence-bulk-profile.mjs --profile, session 7).
const recordValues = new WeakMap();   // record (Uint8Array) -> { crc, chunks }
const pageCopies = new WeakMap();     // checkpoint page image (a view) -> its own copy

function logValues(record) {
  let values = recordValues.get(record);
  if (values === undefined) {
    const count = Math.max(1, Math.ceil(record.byteLength / CHUNK_BYTES));
    const chunks = [];
    for (let chunk = 0; chunk < count; chunk++) {
      chunks.push(ownedCopy(record.subarray(chunk * CHUNK_BYTES, Math.min(record.byteLength, (chunk + 1) * CHUNK_BYTES))));
    }
    values = { crc: crc32c(record), chunks };
    recordValues.set(record, values);
  }
  return values;
}

function sharedCopy(image) {
  let copy = pageCopies.get(image);
  if (copy === undefined) {
    copy = ownedCopy(image);
    pageCopies.set(image, copy);
  }
  return copy;
}

// The records in `values` (the log's values in key order, from the record
// after `after` on) as far as they are whole, follow each other and pass
// their CRC: [{ lsn, prevLsn, record }].
function soundRecords(values, after) {
  const out = [];
  let expect = after;
  let parts = [];
  for (const value of values) {
    if (!value || typeof value !== 'object' || !(value.bytes instanceof Uint8Array)) break;
    if (value.chunk !== parts.length || (parts.length > 0 && value.lsn !== parts[0].lsn)) break;
    parts.push(value);
    if (parts.length < value.count) continue;
    const first = parts[0];
    if (first.prevLsn !== expect) break;
    const record = parts.length === 1 ? first.bytes : concat(parts.map((p) => p.bytes));
    if (crc32c(record) !== first.crc) break;
    out.push({ lsn: first.lsn, prevLsn: first.prevLsn, record });
    expect = first.lsn;
    parts = [];
  }
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
