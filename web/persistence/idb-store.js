// IdbStore: one replica in the browser's IndexedDB, a PageStore
// (page-store.js). Replica i of database `name` is the IndexedDB database
// `<name>#<i>`, version 1, with two object stores:
//
//   pages   key: page id (number, >= 1)  value: the page image (Uint8Array, page size bytes)
//   meta    key: 'head'                  value: the meta page image (page 0) of the last commit:
//                                               LSN, page size, page count, roots and CRC in
//                                               the core's format (core/pager/format.h)
//
// Every write is ONE readwrite transaction over both stores with
// { durability: 'strict' } (the browser flushes it to disk before it reports
// completion). writeCommit reads the head first inside that transaction and
// aborts it when the LSN is not the expected one, so a stale replica is never
// written. A transaction that aborts writes nothing (outcome 'none').
//
// QuotaExceededError (the origin is out of storage space) is reported as
// StoreError kind 'quota' with a message naming the quota. Test hook:
// options.quotaBytes makes the store refuse (abort, kind 'quota') any write
// whose database would exceed that many bytes of pages, as a full disk would.
//
// Chromium reports that it found the origin's IndexedDB store corrupt and
// deleted it (ALL of the origin's databases) as the non-standard
// event.dataLoss / dataLossMessage of upgradeneeded, once, to the first open
// on the origin; the store keeps it as `dataLoss` for recovery (recovery.js).
//
// If another context deletes the database (indexedDB.deleteDatabase, the
// playground's "damage" button), this connection closes itself so the delete
// can proceed; the next operation reconnects and finds an empty store.

import {
  StoreError, batchBytes, batchMeta, headFromMeta, missingHead, ownedCopy,
} from './page-store.js';

const VERSION = 1;

export class IdbStore {
  #name;                  // IndexedDB database name, '<db>#<i>'
  #factory;               // the IDBFactory (globalThis.indexedDB)
  #quotaBytes;            // test hook: refuse states larger than this (bytes)
  #db = null;             // open IDBDatabase, or null
  #connecting = null;     // Promise<IDBDatabase> while opening
  #closed = false;        // close() was called
  #dataLoss = null;       // { kind, message } when the browser reported it discarded the data

  /** options: { quotaBytes (test hook), indexedDB (an IDBFactory; default globalThis.indexedDB) }. */
  constructor(name, { quotaBytes = Infinity, indexedDB: factory = globalThis.indexedDB } = {}) {
    this.#name = name;
    this.#factory = factory;
    this.#quotaBytes = quotaBytes;
  }

  describe() { return `IndexedDB "${this.#name}"`; }

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
        if (!db.objectStoreNames.contains('pages')) db.createObjectStore('pages');
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
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
      request.onerror = () => reject(storeError(this, request.error, 'open'));
      request.onblocked = () => reject(new StoreError('io', `${this.describe()} cannot be opened: ` +
          'another connection with an older version blocks it'));
    }).finally(() => { this.#connecting = null; });
    return this.#connecting;
  }

  // Runs body(tx, fail, setResult) in one transaction; resolves with the
  // result once the transaction completed, rejects with the StoreError given
  // to fail() (which aborts the transaction) or the one the abort carries.
  async #transact(mode, body) {
    const db = await this.#connect();
    return new Promise((resolve, reject) => {
      let failure = null;
      let result;
      let tx;
      try {
        tx = db.transaction(['pages', 'meta'], mode, mode === 'readwrite' ? { durability: 'strict' } : undefined);
      } catch (error) {
        if (this.#db === db && error?.name === 'InvalidStateError') this.#db = null;  // closing: reconnect next time
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
      tx.oncomplete = () => resolve(result);
      tx.onabort = () => reject(failure ?? storeError(this, tx.error, mode));
      try {
        body(tx, fail, (value) => { result = value; });
      } catch (error) {
        fail(storeError(this, error, mode));
      }
    });
  }

  // Calls then(lsn, pageCount) with the store's head inside tx: lsn 0 and
  // pageCount NaN when it has none (page-store.js: a write from LSN 0
  // rewrites every page), lsn null when the head is unreadable. Requests
  // issued after this one run after it, so a caller may issue its writes at
  // once and abort the transaction from then() if the head is wrong.
  #withHead(tx, then) {
    tx.objectStore('meta').get('head').onsuccess = (event) => {
      const image = event.target.result;
      if (!(image instanceof Uint8Array)) {
        then(0, NaN);
        return;
      }
      const head = headFromMeta(image);
      then(Number.isFinite(head.lsn) ? head.lsn : null, head.pageCount);
    };
  }

  #checkQuota(batch) {
    if (batchBytes(batch) > this.#quotaBytes) {
      return new StoreError('quota', `${this.describe()}: quota exceeded: the store refused more space ` +
          `(${batchBytes(batch)} bytes needed, test quota ${this.#quotaBytes} bytes)`);
    }
    return null;
  }

  readHead() {
    return this.#transact('readonly', (tx, fail, setResult) => {
      tx.objectStore('meta').get('head').onsuccess = (event) => {
        const image = event.target.result;
        if (image !== undefined) {
          setResult(headFromMeta(image instanceof Uint8Array ? image : null));
          return;
        }
        tx.objectStore('pages').count().onsuccess = (counted) => {
          setResult(counted.target.result === 0 ? null : missingHead());
        };
      };
    });
  }

  readPages(ids) {
    return this.#transact('readonly', (tx, fail, setResult) => {
      const out = new Map();
      setResult(out);
      const pages = tx.objectStore('pages');
      const keep = (id, value) => { if (value instanceof Uint8Array) out.set(id, value); };
      const wantHead = ids === undefined || ids.includes(0);
      if (wantHead) tx.objectStore('meta').get('head').onsuccess = (event) => keep(0, event.target.result);
      if (ids === undefined) {
        const keys = pages.getAllKeys();
        const values = pages.getAll();
        values.onsuccess = () => {
          for (let i = 0; i < keys.result.length; i++) keep(keys.result[i], values.result[i]);
        };
      } else {
        for (const id of ids) {
          if (id !== 0) pages.get(id).onsuccess = (event) => keep(id, event.target.result);
        }
      }
    });
  }

  // The head is read first and the writes are issued right behind it in the
  // same transaction (saving a round trip); if the head is not the expected
  // one the transaction aborts before it can commit, undoing them all.
  writeCommit(batch, expectedPrevLsn) {
    return this.#transact('readwrite', (tx, fail) => {
      const quota = this.#checkQuota(batch);
      if (quota) {
        fail(quota);
        return;
      }
      const pages = tx.objectStore('pages');
      this.#withHead(tx, (lsn, pageCount) => {
        if (lsn !== expectedPrevLsn) {
          fail(new StoreError('stale', `${this.describe()} is at LSN ${lsn}, not ${expectedPrevLsn}`, { head: lsn }));
          return;
        }
        if (!(pageCount <= batch.pageCount)) pages.delete(IDBKeyRange.lowerBound(batch.pageCount));
      });
      for (const [id, image] of batch.pages) if (id !== 0) pages.put(ownedCopy(image), id);
      tx.objectStore('meta').put(ownedCopy(batchMeta(batch)), 'head');
    });
  }

  writeFull(batch) {
    return this.#transact('readwrite', (tx, fail) => {
      const quota = this.#checkQuota(batch);
      if (quota) {
        fail(quota);
        return;
      }
      const pages = tx.objectStore('pages');
      const meta = tx.objectStore('meta');
      pages.clear();
      meta.clear();
      for (const [id, image] of batch.pages) if (id !== 0) pages.put(ownedCopy(image), id);
      meta.put(ownedCopy(batchMeta(batch)), 'head');
    });
  }

  clear() {
    return this.#transact('readwrite', (tx) => {
      tx.objectStore('meta').clear();
      tx.objectStore('pages').clear();
    });
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
