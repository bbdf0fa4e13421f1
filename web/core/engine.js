// Engine: the one JS owner of a core engine (wasm-bindings/bindings.cc, plain
// C exports), and the only code that calls into the Module. It hides the
// engine's handle (an address in wasm memory) and the bytes it passes: what it
// returns is plain JS data (strings, numbers, typed arrays it owns).
//
//   const engine = await Engine.create({});
//   const text = engine.execute('PutItem', '{"TableName":"T",...}');
//   if (engine.hasPendingCommit()) engine.commitInMemory();
//   engine.close();                 // frees the wasm side; further calls throw
//
// Page bytes (takeCommit().images, .record, snapshot().pages, durableImages())
// are copies owned by JS. Memory (wasm-bindings/README.md "Memory"): what JS
// passes in is copied into blocks it allocates (pd_alloc) and frees after the
// call; what the core returns stays the bindings' (the reply) until JS has
// copied or decoded it; the engine's handle and request buffer are freed by
// close(), so an Engine must be closed to free its wasm memory.
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
const MIN_REQUEST_BUFFER = 1 << 12;
// What the core's last execute/sweepExpired returned (core/engine.h Engine::Outcome),
// reported beside the text by the bindings (wasm-bindings/README.md pd_execute).
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
  #handle;  // the core engine's address (pd_create/pd_open...), 0 once closed
  #module;  // the Module (HEAPU8: wasm memory; a new view after each growth)
  #reply;   // the reply's address (pd_reply)
  #changeFeed = false;  // setChangeFeed's state: off, takeChanges() has nothing to take
  #requestAt = 0;        // address of the request buffer execute() keeps (pd_alloc), 0: none yet
  #requestCapacity = 0;  // its size in bytes
  #lastOutcome = RESPONSE;  // of the last execute or sweepExpired

  constructor(handle, module) {
    this.#handle = handle;
    this.#module = module;
    this.#reply = replyAt(module);
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
    const cacheBytes = Number(options.cacheBytes ?? 0);
    const chaos = options.chaosPaging ? 1 : 0;
    let handle;
    if (options.lazy) {
      const { meta } = options.lazy;
      if (!(meta instanceof Uint8Array)) throw new TypeError('lazy.meta must be a Uint8Array');
      const records = checkedRecords(options.records);
      handle = withCopies(module, [[meta], records, [lengthsOf(records)]], (m, r, l) =>
        module._pd_open_lazy(m, meta.length, r, byteSize(records), l, records.length, cacheBytes, chaos));
    } else if (options.snapshot) {
      const { pageSize, pages } = options.snapshot;
      if (!(pages instanceof Uint8Array)) throw new TypeError('snapshot.pages must be a Uint8Array');
      const records = checkedRecords(options.records);
      handle = withCopies(module, [[pages], records, [lengthsOf(records)]], (p, r, l) =>
        module._pd_open(p, pages.length, pageSize >>> 0, r, byteSize(records), l, records.length));
    } else if (options.records !== undefined) {
      throw new TypeError('records need a snapshot to apply to');
    } else {
      handle = module._pd_create(uint32(options.pageSize ?? 0, 'pageSize'));  // 0: the core's default
    }
    if (handle === 0) throw new PocketDynamoError(`Cannot open the database: ${replyText(module)}`);
    if (!options.lazy && (cacheBytes > 0 || chaos)) module._pd_configure(handle, cacheBytes, chaos);
    return new Engine(handle, module);
  }

  /**
   * Recovery's page checks, usable before any engine exists (free functions
   * of the Module, wasm-bindings/README.md). Resolves to
   * { verifyPageImage(id, image, pageSize, maxLsn = -1) -> '' | the problem,
   *   readMetaHead(image) -> { lsn, pageSize, pageCount, freePageCount } | { error },
   *   readRecordHeader(bytes) -> { lsn, prevLsn, pageCount, pageSize, pageIds, byteLength } | { error } }.
   * options: wasmUrl, wasmBinary as for create().
   */
  static async pageTools(options = {}) {
    const module = await loadModule(options);
    const at = replyAt(module);
    return {
      verifyPageImage: (id, image, pageSize, maxLsn = -1) => withCopies(module, [[image]], (i) =>
        module._pd_verify_page(id >>> 0, i, image.byteLength, pageSize >>> 0, Number(maxLsn))) === 0
        ? '' : replyText(module),
      readMetaHead: (image) => {
        if (withCopies(module, [[image]], (i) => module._pd_read_meta_head(i, image.byteLength)) !== 0) {
          return { error: replyText(module) };
        }
        const [lsn, pageSize, pageCount, freePageCount] = numbers(module, at, 4);
        return { lsn, pageSize, pageCount, freePageCount };
      },
      readRecordHeader: (bytes) => {
        if (withCopies(module, [[bytes]], (b) => module._pd_read_record_header(b, bytes.byteLength)) !== 0) {
          return { error: replyText(module) };
        }
        const [lsn, prevLsn, pageCount, pageSize, byteLength] = numbers(module, at, 5);
        return { lsn, prevLsn, pageCount, pageSize, pageIds: replyIds(module, at), byteLength };
      },
    };
  }

  #get() {
    if (this.#handle === 0) throw new PocketDynamoError('The database is closed');
    return this.#handle;
  }

  /**
   * Runs one operation: response JSON text, or the error JSON text. The
   * operation's name and the request's UTF-8 are written straight into a
   * request buffer in wasm memory (TextEncoder encodeInto) and the response
   * decoded from it (TextDecoder). The buffer (at most 1 MiB) is kept for
   * the next call; a larger request gets one for the call only. A string
   * that is not well-formed UTF-16 (a lone surrogate, which encodeInto would
   * replace by U+FFFD) is encoded as embind encoded it (the surrogate and
   * the next unit folded into one code point), so the core sees the bytes
   * it always saw.
   */
  execute(operation, requestJson) {
    const handle = this.#get();
    const module = this.#module;
    const capacity = (operation.length + requestJson.length) * 3;  // UTF-8 bytes per UTF-16 unit: at most 3
    const once = capacity > MAX_REQUEST_BUFFER;
    let at = this.#requestAt;
    if (once) {
      at = module._pd_alloc(capacity);
    } else if (capacity > this.#requestCapacity) {
      const size = Math.min(MAX_REQUEST_BUFFER, Math.max(capacity, MIN_REQUEST_BUFFER, 2 * this.#requestCapacity));
      module._pd_free(this.#requestAt);
      this.#requestAt = 0;
      this.#requestCapacity = 0;
      at = module._pd_alloc(size);
      this.#requestAt = at;
      this.#requestCapacity = size;
    }
    try {
      const opSize = encode(module, operation, at, capacity);
      const size = encode(module, requestJson, at + opSize, capacity - opSize);
      const outcome = module._pd_execute(handle, at, opSize, at + opSize, size);
      return this.#outcome(outcome, replyText(module));
    } finally {
      if (once) module._pd_free(at);
    }
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
    const handle = this.#get();
    const module = this.#module;
    const list = Uint32Array.from(ids);
    withCopies(module, [[list], [images]], (i, p) => module._pd_install_pages(handle, i, list.length, p, images.byteLength));
    const out = replyParts(module, this.#reply, (bytes) => decoder.decode(bytes));
    module._pd_reply_clear();
    return out;
  }

  /** Commit records with lsn <= this may be dropped (a checkpoint at >= lsn is on every replica read from). */
  releaseRecordsThrough(lsn) { this.#module._pd_release_records_through(this.#get(), Number(lsn)); }

  /**
   * { residentBytes, pinnedBytes, hits, misses, evictions, retainedRecordBytes, undoBytes, slotBytes }:
   * the core's page memory is residentBytes (bounded by cacheBytes between calls, beyond it only by
   * pinned pages) + undoBytes (before-images of pending and in-flight commits) + retainedRecordBytes
   * (records until releaseRecordsThrough) + slotBytes (64 bytes per page, resident or not).
   */
  get cacheStats() {
    this.#module._pd_cache_stats(this.#get());
    const [residentBytes, pinnedBytes, hits, misses, evictions, retainedRecordBytes, undoBytes, slotBytes] =
      numbers(this.#module, this.#reply, 8);
    return { residentBytes, pinnedBytes, hits, misses, evictions, retainedRecordBytes, undoBytes, slotBytes };
  }

  /** Bytes of this engine's wasm memory now (it only grows): what the core costs the tab. */
  get memoryBytes() { return this.#module.HEAPU8.byteLength; }

  /**
   * Bytes of the wasm heap allocated now (malloc's in-use bytes, for every
   * engine of this Module): a leak check's figure. Walks the heap: not for hot paths.
   */
  get heapBytes() {
    this.#get();
    return this.#module._pd_heap_used() >>> 0;
  }

  // Throws PageFault when the last call lacked pages.
  #throwIfFaulted(handle) {
    const module = this.#module;
    if (module._pd_last_fault(handle) === 0) return;
    const ids = [...replyIds(module, this.#reply)];
    module._pd_last_hints(handle);
    throw new PageFault(ids, [...replyIds(module, this.#reply)]);
  }

  hasPendingCommit() { return this.#module._pd_has_pending_commit(this.#get()) !== 0; }

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
    const module = this.#module;
    const images = options.images !== false;
    const record = options.record !== false;
    module._pd_take_commit(this.#get(), images ? 1 : 0, record ? 1 : 0);
    const at = this.#reply;
    const [lsn, prevLsn, pageCount, pageSize] = numbers(module, at, 4);
    const out = { lsn, prevLsn, pageCount, pageSize, pageIds: replyIds(module, at) };
    if (images) out.images = replyPages(module, at);
    if (record) out.record = replyBytes(module, at);
    module._pd_reply_clear();
    return out;
  }

  /** takeCommit() + markDurable() with nothing copied out (storage 'memory'). Returns the LSN. */
  commitInMemory() { return this.#module._pd_commit_in_memory(this.#get()); }

  markDurable(lsn) { this.#module._pd_mark_durable(this.#get(), Number(lsn)); }
  rollbackToDurable() { this.#module._pd_rollback_to_durable(this.#get()); }
  get lsn() { return this.#module._pd_lsn(this.#get()); }
  get durableLsn() { return this.#module._pd_durable_lsn(this.#get()); }
  get pageSize() { return this.#module._pd_page_size(this.#get()) >>> 0; }
  get pageCount() { return this.#module._pd_page_count(this.#get()) >>> 0; }

  /** Every page as of lsn: { pageSize, lsn, pages }. REQUIRES: !hasPendingCommit(). */
  snapshot() {
    const handle = this.#get();
    const module = this.#module;
    module._pd_snapshot(handle);
    const pages = replyPages(module, this.#reply);
    module._pd_reply_clear();
    this.#throwIfFaulted(handle);
    return { pageSize: this.pageSize, lsn: this.lsn, pages };
  }

  /**
   * Sealed images of pages `ids` (Uint32Array or array of page ids) as of
   * durableLsn, whatever is in flight or pending: ids.length pages of
   * pageSize bytes laid end to end, in ids order (what a checkpoint writes).
   * Throws PocketDynamoError when an id is not a page of the durable database.
   */
  durableImages(ids) {
    const handle = this.#get();
    const module = this.#module;
    const list = Uint32Array.from(ids);
    if (withCopies(module, [[list]], (i) => module._pd_durable_images(handle, i, list.length)) !== 0) {
      const problem = replyText(module);
      this.#throwIfFaulted(handle);
      throw new PocketDynamoError(`durableImages: ${problem}`);
    }
    const out = replyPages(module, this.#reply);
    module._pd_reply_clear();
    return out;
  }

  /** Pages in the database as of durableLsn (the page count a checkpoint at durableLsn has). */
  get durablePageCount() { return this.#module._pd_durable_page_count(this.#get()) >>> 0; }

  /** The integrity check: '' when sound, else the problem found. */
  check() {
    const handle = this.#get();
    if (this.#module._pd_check(handle) === 0) return '';
    const problem = replyText(this.#module);
    this.#throwIfFaulted(handle);
    return problem;
  }

  /**
   * Paged core: reads every B+tree's interior pages into the cache, level by
   * level (each PageFault names one level: its ids and hints), up to maxBytes
   * of them; then a point read faults at most on its leaf. '' when done (also
   * when the core has no page cache), else the problem; throws PageFault.
   */
  warmInterior(maxBytes) {
    const handle = this.#get();
    if (this.#module._pd_warm_interior(handle, Math.max(0, Math.floor(maxBytes))) === 0) return '';
    const problem = replyText(this.#module);
    this.#throwIfFaulted(handle);
    return problem;
  }

  /**
   * The ids (Uint32Array) of the resident pages an operation walks through
   * before a leaf: every tree's root and interior levels, breadth first, at
   * most maxPages (core/engine.h HotPages). Never faults. What a checkpoint
   * records for the replicas to read with their head at the next open.
   */
  hotPages(maxPages) {
    this.#module._pd_hot_pages(this.#get(), Math.max(0, Math.floor(maxPages)) >>> 0);
    return replyIds(this.#module, this.#reply);
  }

  /**
   * Turns the core's change feed on or off (core/engine.h). Turning it off
   * drops what it collected and was not taken.
   */
  setChangeFeed(on) {
    const handle = this.#get();
    this.#module._pd_set_change_feed(handle, on ? 1 : 0);
    if (!on && this.#changeFeed) this.#module._pd_take_changes(handle);
    this.#changeFeed = Boolean(on);
  }

  /**
   * The changes of the write operations since the last call: [{ TableName, Record }], oldest first
   * (none without a call into the core while the feed is off: ~4 us of each write otherwise).
   */
  takeChanges() {
    const handle = this.#get();
    if (!this.#changeFeed) return [];
    this.#module._pd_take_changes(handle);
    const text = replyText(this.#module);
    return text === '[]' ? [] : JSON.parse(text);
  }

  /** One bounded TTL sweep step (a write operation): { Deleted, Trimmed, More } or an error object. */
  sweepExpired(maxItems) {
    const module = this.#module;
    const outcome = module._pd_sweep_expired(this.#get(), maxItems >>> 0);
    return JSON.parse(this.#outcome(outcome, replyText(module)));
  }

  /** The core's clock from now on: ms since the epoch, or null for the system clock. */
  setNow(ms) { this.#module._pd_set_now(this.#get(), ms === null || ms === undefined ? -1 : Number(ms)); }

  /** Frees the wasm side (the engine and its request buffer). Idempotent. */
  close() {
    if (this.#handle !== 0) {
      this.#module._pd_free(this.#requestAt);
      this.#module._pd_delete(this.#handle);
      this.#requestAt = 0;
      this.#requestCapacity = 0;
      this.#handle = 0;
    }
  }

  get closed() { return this.#handle === 0; }
}

// ---- the reply (wasm-bindings/bindings.cc struct Reply): six uint32 words
// (text address, text size, ids address, id count, parts address, part
// count), then eight doubles. What it points at is the bindings' until their
// next call: each reader below decodes or copies it out at once.

const replies = new WeakMap();  // Module -> its reply's address

function replyAt(module) {
  let at = replies.get(module);
  if (at === undefined) {
    at = module._pd_reply();
    replies.set(module, at);
  }
  return at;
}

// The reply's text (UTF-8), decoded.
function replyText(module) {
  const word = replyAt(module) >>> 2;
  const heap = module.HEAPU32;
  const at = heap[word];
  return decoder.decode(module.HEAPU8.subarray(at, at + heap[word + 1]));
}

// The reply's text bytes, copied.
function replyBytes(module, reply) {
  const word = reply >>> 2;
  const at = module.HEAPU32[word];
  return module.HEAPU8.slice(at, at + module.HEAPU32[word + 1]);
}

// The reply's ids, copied (a Uint32Array).
function replyIds(module, reply) {
  const word = reply >>> 2;
  const at = module.HEAPU32[word + 2] >>> 2;
  return module.HEAPU32.slice(at, at + module.HEAPU32[word + 3]);
}

// The reply's parts, each mapped by `read` (given a view into wasm memory).
function replyParts(module, reply, read) {
  const word = reply >>> 2;
  const heap = module.HEAPU32;
  const pairs = heap[word + 4] >>> 2;
  const out = [];
  for (let i = 0; i < heap[word + 5]; i++) {
    const at = heap[pairs + 2 * i];
    out.push(read(module.HEAPU8.subarray(at, at + heap[pairs + 2 * i + 1])));
  }
  return out;
}

// The reply's parts (pages) copied end to end into one Uint8Array.
function replyPages(module, reply) {
  const word = reply >>> 2;
  const heap = module.HEAPU32;
  const pairs = heap[word + 4] >>> 2;
  const count = heap[word + 5];
  let size = 0;
  for (let i = 0; i < count; i++) size += heap[pairs + 2 * i + 1];
  const out = new Uint8Array(size);
  let to = 0;
  for (let i = 0; i < count; i++) {
    const at = heap[pairs + 2 * i];
    const length = heap[pairs + 2 * i + 1];
    out.set(module.HEAPU8.subarray(at, at + length), to);
    to += length;
  }
  return out;
}

// The reply's first `count` numbers.
function numbers(module, reply, count) {
  const at = (reply + 24) >>> 3;
  return Array.from(module.HEAPF64.subarray(at, at + count));
}

// ---- what JS passes in

// Copies each group of `groups` (an array of byte arrays: Uint8Array, another
// typed array or an ArrayBuffer) into one block of wasm memory, its arrays end
// to end; calls use(...addresses) and frees the blocks, whatever happens.
function withCopies(module, groups, use) {
  const blocks = [];
  try {
    for (const group of groups) {
      const parts = group.map(bytesOf);
      const at = module._pd_alloc(parts.reduce((n, p) => n + p.length, 0));
      blocks.push(at);
      const heap = module.HEAPU8;  // after pd_alloc: memory may have grown
      let to = at;
      for (const part of parts) {
        heap.set(part, to);
        to += part.length;
      }
    }
    return use(...blocks);
  } finally {
    for (const at of blocks) module._pd_free(at);
  }
}

function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError('pocketdynamo: expected bytes (a Uint8Array)');
}

function uint32(value, name) {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  return value >>> 0;
}

// `text` as UTF-8 at `at` (room: bytes free there, at least 3 per UTF-16
// unit); returns the bytes written.
function encode(module, text, at, room) {
  if (typeof text !== 'string') throw new TypeError('expected a string');
  if (typeof text.isWellFormed === 'function' && text.isWellFormed()) {
    return encoder.encodeInto(text, module.HEAPU8.subarray(at, at + room)).written;
  }
  // Emscripten's stringToUTF8 (what embind used): a surrogate, paired or
  // not, is combined with the next unit into one code point.
  const heap = module.HEAPU8;
  let to = at;
  for (let i = 0; i < text.length; i++) {
    let u = text.charCodeAt(i);
    if (u >= 0xD800 && u <= 0xDFFF) u = (0x10000 + ((u & 0x3FF) << 10)) | (text.charCodeAt(++i) & 0x3FF);
    if (u <= 0x7F) {
      heap[to++] = u;
    } else if (u <= 0x7FF) {
      heap[to++] = 0xC0 | (u >> 6);
      heap[to++] = 0x80 | (u & 63);
    } else if (u <= 0xFFFF) {
      heap[to++] = 0xE0 | (u >> 12);
      heap[to++] = 0x80 | ((u >> 6) & 63);
      heap[to++] = 0x80 | (u & 63);
    } else {
      heap[to++] = 0xF0 | (u >> 18);
      heap[to++] = 0x80 | ((u >> 12) & 63);
      heap[to++] = 0x80 | ((u >> 6) & 63);
      heap[to++] = 0x80 | (u & 63);
    }
  }
  return to - at;
}

function checkedRecords(records = []) {
  if (!Array.isArray(records) || !records.every((r) => r instanceof Uint8Array)) {
    throw new TypeError('records must be an array of Uint8Array');
  }
  return records;
}

function lengthsOf(records) {
  return Uint32Array.from(records, (r) => r.length);
}

function byteSize(parts) {
  return parts.reduce((n, p) => n + p.length, 0);
}
