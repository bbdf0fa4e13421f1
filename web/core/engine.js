// Engine: the one JS owner of a core engine (wasm-bindings/bindings.cc), and
// the only code that calls into the Module. It hides the embind handle: what
// it returns is plain JS data (strings, numbers, Uint8Arrays it owns).
//
//   const engine = await Engine.create({});
//   const text = engine.execute('PutItem', '{"TableName":"T",...}');
//   if (engine.hasPendingCommit()) engine.commitInMemory();
//   engine.close();                 // frees the wasm side; further calls throw
//
// Page bytes (takeCommit().images, .record, snapshot().pages, durableImages())
// are copies owned by JS.
// Errors: create/open reject with an Error whose message is the core's Status
// ("Corruption: page 3: ..."); execute never throws for DynamoDB errors (the
// error JSON is its result, and engine.lastFailed says it is one: the core
// reports it beside the text); any call after close() throws PocketDynamoError.
//
// Bounded cache (options.cacheBytes > 0, or options.lazy; core/engine.h
// "Bounded cache"): a call that needs pages the core does not hold changes
// nothing and throws PageFault { ids, hints }: read those pages (their
// checkpoint images; an all-zero page for an id the checkpoint lacks),
// installPages(ids, images), and call again with the same arguments. The
// calls that can fault: execute, sweepExpired, check, durableImages, snapshot.

import { PocketDynamoError } from '../errors.js';
import { loadModule } from './module.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_REQUEST_BUFFER = 1 << 20;  // bytes of request buffer execute() keeps in wasm memory
// What the core's last execute/sweepExpired returned (core/engine.h Engine::Outcome),
// reported beside the text by the bindings (wasm-bindings/README.md lastOutcome).
const RESPONSE = 0;
const ERROR = 1;
const FAULT = 2;

/** A call lacked pages that are not in the core's cache: install `ids` and call again. */
export class PageFault extends Error {
  constructor(ids, hints = []) {
    super(`pages not in the cache: ${ids.join(', ')}`);
    this.name = 'PageFault';
    this.ids = ids;      // page ids the call needs (number[])
    this.hints = hints;  // pages it will probably need next (read-ahead), may be empty
  }
}

function faultFrom(text) {
  const { ids, hints } = JSON.parse(text);
  return new PageFault(ids, hints);
}

export class Engine {
  #native;  // embind Engine, null once closed
  #module;  // the Module (HEAPU8: wasm memory; a new view after each growth)
  #changeFeed = false;  // setChangeFeed's state: off, takeChanges() has nothing to take
  #requestAt = 0;        // address of the core's request buffer (requestBuffer)
  #requestCapacity = 0;  // its size in bytes
  #replyAt = 0;          // address of the core's reply words (replyAt): response address, size
  #lastOutcome = RESPONSE;  // of the last execute or sweepExpired

  constructor(native, module) {
    this.#native = native;
    this.#module = module;
  }

  /**
   * A new empty database, or (options.snapshot) one opened from page images,
   * then (options.records) redo of the commit records written since them
   * (core/pager/log_record.h): records of an LSN the images already hold are
   * skipped, the others must follow one another.
   * options: pageSize (default: the core's), snapshot { pageSize, pages: Uint8Array },
   * records: [Uint8Array, ...] (with snapshot or lazy), wasmUrl, wasmBinary,
   * lazy { meta: Uint8Array } (open from the checkpoint's meta page + records
   * only: every other page faults in; paged, cacheBytes default 64 MiB),
   * cacheBytes (0: every page resident), chaosPaging (evict every evictable
   * page after every call: for tests).
   */
  static async create(options = {}) {
    const module = await loadModule(options);
    const native = new module.Engine();
    let problem;
    const cacheBytes = Number(options.cacheBytes ?? 0);
    const chaos = Boolean(options.chaosPaging);
    try {
      if (options.lazy) {
        const { meta } = options.lazy;
        if (!(meta instanceof Uint8Array)) throw new TypeError('lazy.meta must be a Uint8Array');
        const records = checkedRecords(options.records);
        const all = records.length === 1 ? records[0] : concat(records);
        problem = native.openLazy(meta, all, uint32Bytes(Uint32Array.from(records, (r) => r.length)), cacheBytes, chaos);
      } else if (options.snapshot) {
        const { pageSize, pages } = options.snapshot;
        if (!(pages instanceof Uint8Array)) throw new TypeError('snapshot.pages must be a Uint8Array');
        const records = checkedRecords(options.records);
        const lengths = Uint32Array.from(records, (r) => r.length);
        const all = records.length === 1 ? records[0] : concat(records);
        problem = native.open(pages, pageSize >>> 0, all, uint32Bytes(lengths));
      } else if (options.records !== undefined) {
        throw new TypeError('records need a snapshot to apply to');
      } else {
        problem = native.create(options.pageSize ?? 0);  // 0: the core's default
      }
    } catch (error) {
      native.delete();
      throw error;
    }
    if (problem !== '') {
      native.delete();
      throw new PocketDynamoError(`Cannot open the database: ${problem}`);
    }
    if (!options.lazy && (cacheBytes > 0 || chaos)) native.configure(cacheBytes, chaos);
    return new Engine(native, module);
  }

  /**
   * Recovery's page checks, usable before any engine exists (free functions
   * of the Module, wasm-bindings/README.md). Resolves to
   * { verifyPageImage(id, image, pageSize, maxLsn = -1) -> '' | the problem,
   *   readMetaHead(image) -> { lsn, pageSize, pageCount, freePageCount } | { error } }.
   * options: wasmUrl, wasmBinary as for create().
   */
  static async pageTools(options = {}) {
    const module = await loadModule(options);
    return {
      verifyPageImage: (id, image, pageSize, maxLsn = -1) => module.verifyPageImage(id >>> 0, image, pageSize >>> 0, maxLsn),
      readMetaHead: (image) => module.readMetaHead(image),
      readRecordHeader: (bytes) => module.readRecordHeader(bytes),
    };
  }

  #get() {
    if (this.#native === null) throw new PocketDynamoError('The database is closed');
    return this.#native;
  }

  /**
   * Runs one operation: response JSON text, or the error JSON text. The
   * request's UTF-8 is written straight into wasm memory (TextEncoder
   * encodeInto) and the response decoded from it (TextDecoder), instead of
   * embind's byte-by-byte string copies. Requests over 1 MiB of UTF-8 (the
   * buffer is kept for the next call), and strings that are not well-formed
   * UTF-16 (a lone surrogate, which encodeInto would replace) or where
   * isWellFormed() is missing take embind's path, so the core sees the same
   * bytes either way.
   */
  execute(operation, requestJson) {
    const native = this.#get();
    const capacity = requestJson.length * 3;  // UTF-8 bytes per UTF-16 unit: at most 3
    if (capacity > MAX_REQUEST_BUFFER || typeof requestJson.isWellFormed !== 'function' || !requestJson.isWellFormed()) {
      const text = native.execute(operation, requestJson);
      return this.#outcome(native.lastOutcome(), text);
    }
    const module = this.#module;
    if (capacity > this.#requestCapacity) {
      this.#requestAt = native.requestBuffer(capacity);
      this.#requestCapacity = capacity;
    }
    if (this.#replyAt === 0) this.#replyAt = native.replyAt();  // fixed for the engine's life
    const at = this.#requestAt;
    const { written } = encoder.encodeInto(requestJson, module.HEAPU8.subarray(at, at + capacity));
    const outcome = native.executeBuffered(operation, written);
    const reply = this.#replyAt >>> 2;
    const response = module.HEAPU32[reply];
    const text = decoder.decode(module.HEAPU8.subarray(response, response + module.HEAPU32[reply + 1]));
    return this.#outcome(outcome, text);
  }

  /**
   * True when the last execute() (or sweepExpired()) returned a DynamoDB
   * error JSON rather than a response: the core says so beside the text, so
   * nothing needs to search the text for "__type".
   */
  get lastFailed() { return this.#lastOutcome === ERROR; }

  // The text of a call whose outcome the core reported; a PageFault is thrown.
  #outcome(outcome, text) {
    if (outcome === FAULT) throw faultFrom(text);
    this.#lastOutcome = outcome;
    return text;
  }

  /**
   * Puts pages in the core's cache: ids (Uint32Array or array), images
   * (ids.length pages of pageSize bytes end to end; an all-zero page = the
   * checkpoint has no such page). Returns one string per id: '' installed
   * (or already resident), else why the image was rejected (read that page
   * from another replica): "Corruption: page 17: ...".
   */
  installPages(ids, images) {
    return this.#get().installPages(uint32Bytes(Uint32Array.from(ids)), images);
  }

  /** Commit records with lsn <= this may be dropped (a checkpoint at >= lsn is on every replica read from). */
  releaseRecordsThrough(lsn) { this.#get().releaseRecordsThrough(lsn); }

  /**
   * { residentBytes, pinnedBytes, hits, misses, evictions, retainedRecordBytes, undoBytes, slotBytes }:
   * the core's page memory is residentBytes (bounded by cacheBytes between calls, beyond it only by
   * pinned pages) + undoBytes (before-images of pending and in-flight commits) + retainedRecordBytes
   * (records until releaseRecordsThrough) + slotBytes (64 bytes per page, resident or not).
   */
  get cacheStats() { return this.#get().cacheStats(); }

  /** Bytes of this engine's wasm memory now (it only grows): what the core costs the tab. */
  get memoryBytes() { return this.#module.HEAPU8.byteLength; }

  // Throws PageFault when the last call lacked pages.
  #throwIfFaulted(native) {
    const ids = native.lastFault();
    if (ids.length > 0) throw new PageFault([...ids], [...native.lastHints()]);
  }

  hasPendingCommit() { return this.#get().hasPendingCommit(); }

  /**
   * Seals the pending changes as the next commit: { lsn, prevLsn, pageCount,
   * pageSize, pageIds: Uint32Array, images: Uint8Array, record: Uint8Array }
   * where images holds pageIds.length pages of pageSize bytes, in pageIds
   * order, and record is the commit record of the same pages' changes
   * (core/pager/log_record.h). options: { images = true, record = true }:
   * false leaves that field out (and its cost).
   * REQUIRES: hasPendingCommit().
   */
  takeCommit(options = {}) {
    return this.#get().takeCommit(options.images !== false, options.record !== false);
  }

  /** takeCommit() + markDurable() with nothing copied out (storage 'memory'). Returns the LSN. */
  commitInMemory() { return this.#get().commitInMemory(); }

  markDurable(lsn) { this.#get().markDurable(lsn); }
  rollbackToDurable() { this.#get().rollbackToDurable(); }
  get lsn() { return this.#get().lsn(); }
  get durableLsn() { return this.#get().durableLsn(); }
  get pageSize() { return this.#get().pageSize(); }
  get pageCount() { return this.#get().pageCount(); }

  /** Every page as of lsn: { pageSize, lsn, pages }. REQUIRES: !hasPendingCommit(). */
  snapshot() {
    const native = this.#get();
    const pages = native.snapshot();
    this.#throwIfFaulted(native);
    return { pageSize: native.pageSize(), lsn: native.lsn(), pages };
  }

  /**
   * Sealed images of pages `ids` (Uint32Array or array of page ids) as of
   * durableLsn, whatever is in flight or pending: ids.length pages of
   * pageSize bytes laid end to end, in ids order (what a checkpoint writes).
   * Throws PocketDynamoError when an id is not a page of the durable database.
   */
  durableImages(ids) {
    const native = this.#get();
    const out = native.durableImages(uint32Bytes(Uint32Array.from(ids)));
    if (typeof out === 'string') {
      this.#throwIfFaulted(native);
      throw new PocketDynamoError(`durableImages: ${out}`);
    }
    return out;
  }

  /** Pages in the database as of durableLsn (the page count a checkpoint at durableLsn has). */
  get durablePageCount() { return this.#get().durablePageCount(); }

  /** The integrity check: '' when sound, else the problem found. */
  check() {
    const native = this.#get();
    const problem = native.check();
    if (problem !== '') this.#throwIfFaulted(native);
    return problem;
  }

  /**
   * Paged core: reads every B+tree's interior pages into the cache, level by
   * level (each PageFault names one level: its ids and hints), up to maxBytes
   * of them; then a point read faults at most on its leaf. '' when done (also
   * when the core has no page cache), else the problem; throws PageFault.
   */
  warmInterior(maxBytes) {
    const native = this.#get();
    const problem = native.warmInterior(Math.max(0, Math.floor(maxBytes)));
    if (problem !== '') this.#throwIfFaulted(native);
    return problem;
  }

  /**
   * The ids (Uint32Array) of the resident pages an operation walks through
   * before a leaf: every tree's root and interior levels, breadth first, at
   * most maxPages (core/engine.h HotPages). Never faults. What a checkpoint
   * records for the replicas to read with their head at the next open.
   */
  hotPages(maxPages) {
    return this.#get().hotPages(Math.max(0, Math.floor(maxPages)) >>> 0);
  }

  /**
   * Turns the core's change feed on or off (core/engine.h). Turning it off
   * drops what it collected and was not taken.
   */
  setChangeFeed(on) {
    const native = this.#get();
    native.setChangeFeed(Boolean(on));
    if (!on && this.#changeFeed) native.takeChanges();
    this.#changeFeed = Boolean(on);
  }

  /**
   * The changes of the write operations since the last call: [{ TableName, Record }], oldest first
   * (none without a call into the core while the feed is off: ~4 us of each write otherwise).
   */
  takeChanges() {
    if (!this.#changeFeed) {
      this.#get();
      return [];
    }
    const text = this.#get().takeChanges();
    return text === '[]' ? [] : JSON.parse(text);
  }

  /** One bounded TTL sweep step (a write operation): { Deleted, Trimmed, More } or an error object. */
  sweepExpired(maxItems) {
    const native = this.#get();
    const text = native.sweepExpired(maxItems >>> 0);
    return JSON.parse(this.#outcome(native.lastOutcome(), text));
  }

  /** The core's clock from now on: ms since the epoch, or null for the system clock. */
  setNow(ms) { this.#get().setNow(ms === null || ms === undefined ? -1 : Number(ms)); }

  /** Frees the wasm side. Idempotent. */
  close() {
    if (this.#native !== null) {
      this.#native.delete();
      this.#native = null;
    }
  }

  get closed() { return this.#native === null; }
}

// The bytes of a Uint32Array (little-endian on every platform wasm runs on).
function uint32Bytes(array) {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function checkedRecords(records = []) {
  if (!Array.isArray(records) || !records.every((r) => r instanceof Uint8Array)) {
    throw new TypeError('records must be an array of Uint8Array');
  }
  return records;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
