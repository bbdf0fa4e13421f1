// Scrubber: the background check of every checkpoint page of every replica,
// a little at a time, for a core with a page cache (open reads no page, so
// nothing else would read a page that is never used). It replaces the whole-
// replica scan after open (repair.js) in that mode.
//
// Each step reads `chunkPages` page ids of one replica from where its last
// step stopped (readPages(ids): one read), checks each (verifyPageImage:
// size, CRC, id, type, LSN <= the replica's checkpoint) and repairs a bad or
// missing one in place (store.repairPage) with a peer's copy that is
// provably the same page: a sound copy from a peer whose checkpoint has the
// same LSN, or one whose header (id, page LSN, CRC) is the damaged image's.
// A page nothing can repair marks the replica damaged (ReplicaSet.pageDamaged:
// rebuilt from a peer). The position is saved in the replica after each step
// (store.writeScrub({ id })), so a scrub resumes where it stopped after a
// reload; at the end of a replica's pages it starts again at page 1 and the
// next replica's turn comes. One step every `intervalMs`, only while the
// committer is idle (no commit in flight or pending), so commits keep the
// stores' bandwidth. Events: emit('scan', { index, lsn, badPages, repaired,
// scrub: { from, to } }) for a step that found damage.

import { samePageImage, StoreError } from './page-store.js';

export const SCRUB_CHUNK_PAGES = 32;
export const SCRUB_INTERVAL_MS = 200;

export class Scrubber {
  #stores;
  #tools;
  #replicas;
  #idle;
  #emit;
  #timers;
  #chunk;
  #interval;
  #turn = 0;              // the replica whose turn it is
  #timer = null;
  #running = null;        // Promise of the step under way
  #closed = false;
  pagesChecked = 0;
  pagesRepaired = 0;

  /**
   * stores: PageStore[3]; tools: { verifyPageImage }; replicas: { pageDamaged(index, id, problem) };
   * idle() -> true when a step may run now; options: chunkPages, intervalMs, emit, timers
   * ({ setTimeout, clearTimeout }).
   */
  constructor({ stores, tools, replicas, idle = () => true, emit = () => {}, chunkPages = SCRUB_CHUNK_PAGES,
    intervalMs = SCRUB_INTERVAL_MS, timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) } }) {
    this.#stores = stores;
    this.#tools = tools;
    this.#replicas = replicas;
    this.#idle = idle;
    this.#emit = emit;
    this.#chunk = Math.max(1, chunkPages);
    this.#interval = intervalMs;
    this.#timers = timers;
  }

  /** Starts the periodic steps. */
  start() {
    this.#schedule();
  }

  #schedule() {
    if (this.#closed || this.#timer !== null) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      if (!this.#idle()) {
        this.#schedule();
        return;
      }
      this.#running = this.step().catch((error) => this.#emit('error', { error })).finally(() => {
        this.#running = null;
        this.#schedule();
      });
    }, this.#interval);
    this.#timer?.unref?.();
  }

  /**
   * One step on the replica whose turn it is. Resolves to { index, from, to,
   * bad: [ids], repaired: [ids] } or null when the replica cannot be read now.
   */
  async step() {
    const index = this.#turn;
    const store = this.#stores[index];
    if (typeof store.readScrub !== 'function' || typeof store.repairPage !== 'function') {
      this.#turn = (index + 1) % this.#stores.length;
      return null;
    }
    let read;
    let from;
    try {
      from = Math.max(1, (await store.readScrub())?.id ?? 1);
      const ids = Array.from({ length: this.#chunk }, (_, i) => from + i);
      read = await store.readPages(ids);
    } catch (error) {
      if (error instanceof StoreError) {
        this.#turn = (index + 1) % this.#stores.length;
        return null;
      }
      throw error;
    }
    const ckpt = read.ckptLsn;
    if (!(ckpt >= 0) || !(read.pageCount >= 1)) {   // empty or no head: nothing to scrub here
      this.#turn = (index + 1) % this.#stores.length;
      return null;
    }
    const to = Math.min(from + this.#chunk, read.pageCount);
    const bad = [];
    const repaired = [];
    for (let id = from; id < to; id++) {
      const image = read.get(id);
      const pageSize = this.#pageSize(read);
      const problem = image === undefined ? `page ${id}: missing` : this.#tools.verifyPageImage(id, image, pageSize, ckpt);
      this.pagesChecked++;
      if (problem === '') continue;
      bad.push(id);
      const fix = await this.#copyFromPeer(index, id, image, ckpt, pageSize);
      if (fix !== null) {
        try {
          await store.repairPage(id, fix, ckpt);
          repaired.push(id);
          this.pagesRepaired++;
          continue;
        } catch {
          // its checkpoint moved or it cannot be written: the replica is rebuilt instead
        }
      }
      this.#replicas.pageDamaged(index, id, problem);
    }
    const done = to >= read.pageCount;
    try {
      await store.writeScrub({ id: done ? 1 : to });
    } catch {
      // a position not saved only repeats a step after a reload
    }
    if (done) this.#turn = (index + 1) % this.#stores.length;
    if (bad.length > 0) this.#emit('scan', { index, lsn: ckpt, badPages: bad, repaired, scrub: { from, to } });
    return { index, from, to, bad, repaired };
  }

  #pageSize(read) {
    const meta = read.get(0);
    if (meta) return new DataView(meta.buffer, meta.byteOffset, meta.byteLength).getUint32(36, true);
    for (const image of read.values()) return image.byteLength;
    return 0;
  }

  // A sound copy of page id from another replica that is provably the page the replica should hold.
  async #copyFromPeer(index, id, bad, ckpt, pageSize) {
    for (let k = 1; k < this.#stores.length; k++) {
      const peer = (index + k) % this.#stores.length;
      let read;
      try {
        read = await this.#stores[peer].readPages([id]);
      } catch {
        continue;
      }
      const image = read.get(id);
      if (image === undefined || this.#tools.verifyPageImage(id, image, pageSize, read.ckptLsn) !== '') continue;
      if (samePageImage(id, image, read.ckptLsn, bad, ckpt)) return image;
    }
    return null;
  }

  /** Stops the steps (waits for the one under way). */
  async close() {
    this.#closed = true;
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
