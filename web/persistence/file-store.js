// FileStore: one replica in a directory of files, a PageStore
// (page-store.js) for Node: open({ path: './data' }) keeps its three replicas
// in three directories under `path`. Node-only (node:fs); select-store.js
// imports this file lazily and package.json "browser" maps it to false.
//
// Layout of `path`:
//   LOCK          the pid of the process that has the database open (created exclusively;
//                 a LOCK whose process is gone is taken over)
//   replica-<i>/  replica i, holding:
//     head        the meta page image (page 0) of the last commit, pageSize bytes in the
//                 core's format (core/pager/format.h): LSN, page size, page count, CRC
//     pages       page id at byte offset id * pageSize, for 1 <= id < pageCount
//                 (the first pageSize bytes are unused)
//     wal         the page images of the last commit (below)
//     *.tmp       files being written; never read
//
// wal:
//   OFFSET  SIZE              DESCRIPTION
//   0       8                 magic "PDWAL\0\0\1"
//   8       4                 LSN of the commit, low 32 bits (u32 LE)
//   12      4                 LSN of the commit, high 32 bits (u32 LE)
//   16      4                 page size in bytes (u32 LE)
//   20      4                 n: number of page images that follow (u32 LE)
//   24      4                 page count of the database after the commit (u32 LE)
//   28      4                 reserved, zero
//   32      n * (4+pageSize)  per page: page id (u32 LE), then its image
//
// A commit (writeCommit) is: write `wal` and fsync it; write head.tmp, fsync,
// rename it over `head` and fsync the directory (THE commit point: the new
// head is there or the old one is); then copy the wal's images into `pages`,
// truncate `pages` to the page count and fsync it. The head names its LSN, so
// a wal whose LSN equals the head's belongs to the head and is copied into
// `pages` again whenever the store opens (a crash may have cut the copy
// short); a wal with another LSN is left over from a commit that never
// reached its commit point and is ignored. writeFull removes the head first
// (the replica is then damaged, never half-new), writes pages.tmp, renames it
// over `pages`, then writes the head.
//
// ENOSPC / EDQUOT are reported as kind 'quota' (the disk or the user's quota
// is full); other errors as 'io'. A failure after the commit point is
// reported with outcome 'unknown'.

import fsp from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { PocketDynamoError } from '../errors.js';
import { StoreError, batchMeta, headFromMeta, missingHead } from './page-store.js';

const WAL_MAGIC = Uint8Array.from([0x50, 0x44, 0x57, 0x41, 0x4c, 0, 0, 1]);  // "PDWAL\0\0\1"
const WAL_HEADER = 32;

export class FileStore {
  #dir;
  #tail = Promise.resolve();
  #closed = false;
  #replayed = false;   // the wal has been checked against the head since open

  constructor(dir) {
    this.#dir = dir;
  }

  describe() { return `directory ${this.#dir}`; }

  #file(name) { return path.join(this.#dir, name); }

  #run(fn) {
    const run = this.#tail.then(() => {
      if (this.#closed) throw new StoreError('closed', `${this.describe()} is closed`);
      return fn();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  open() {
    this.#closed = false;
    return this.#run(async () => {
      await fsp.mkdir(this.#dir, { recursive: true });
      for (const name of ['head.tmp', 'pages.tmp']) await fsp.rm(this.#file(name), { force: true });
      await this.#replay();
    });
  }

  async #readHeadImage() {
    try {
      return new Uint8Array(await fsp.readFile(this.#file('head')));
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw ioError(this, error, 'reading the head');
    }
  }

  async #pagesSize() {
    try {
      return (await fsp.stat(this.#file('pages'))).size;
    } catch (error) {
      if (error.code === 'ENOENT') return 0;
      throw ioError(this, error, 'reading the pages');
    }
  }

  // The store's LSN for the head check: 0 without a head (page-store.js), null when it is unreadable.
  async #lsn() {
    const image = await this.#readHeadImage();
    if (image === null) return 0;
    const { lsn } = headFromMeta(image);
    return Number.isFinite(lsn) ? lsn : null;
  }

  // Copies the wal into `pages` if it belongs to the current head.
  async #replay() {
    if (this.#replayed) return;
    const image = await this.#readHeadImage();
    let wal = null;
    try {
      wal = new Uint8Array(await fsp.readFile(this.#file('wal')));
    } catch (error) {
      if (error.code !== 'ENOENT') throw ioError(this, error, 'reading the wal');
    }
    if (image !== null && wal !== null) {
      const parsed = parseWal(wal);
      if (parsed !== null && parsed.lsn === headFromMeta(image).lsn) await this.#apply(parsed);
    }
    this.#replayed = true;
  }

  async #apply({ pageSize, pageCount, pages }) {
    const fh = await fsp.open(this.#file('pages'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      for (const [id, image] of pages) if (id !== 0) await fh.write(image, 0, pageSize, id * pageSize);
      const size = (await fh.stat()).size;
      if (size > pageCount * pageSize) await fh.truncate(pageCount * pageSize);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async #syncDir() {
    const fh = await fsp.open(this.#dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async #writeDurably(name, buffers) {
    const fh = await fsp.open(this.#file(name), 'w', 0o644);
    try {
      await fh.writev(buffers);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async #replaceHead(meta) {
    await this.#writeDurably('head.tmp', [meta]);
    await fsp.rename(this.#file('head.tmp'), this.#file('head'));
    await this.#syncDir();
  }

  readHead() {
    return this.#run(async () => {
      const image = await this.#readHeadImage();
      if (image !== null) return headFromMeta(image);
      return (await this.#pagesSize()) === 0 ? null : missingHead();
    });
  }

  readPages(ids) {
    return this.#run(async () => {
      await this.#replay();
      const out = new Map();
      const image = await this.#readHeadImage();
      if (image === null) return out;
      if (ids === undefined || ids.includes(0)) out.set(0, image);
      const { pageSize } = headFromMeta(image);
      if (!(pageSize > 0)) return out;
      let bytes;
      try {
        bytes = new Uint8Array(await fsp.readFile(this.#file('pages')));
      } catch (error) {
        if (error.code === 'ENOENT') return out;
        throw ioError(this, error, 'reading the pages');
      }
      const held = Math.floor(bytes.byteLength / pageSize);
      const wanted = ids ?? Array.from({ length: Math.max(0, held - 1) }, (_, i) => i + 1);
      for (const id of wanted) {
        if (id > 0 && id < held) out.set(id, bytes.slice(id * pageSize, (id + 1) * pageSize));
      }
      return out;
    });
  }

  writeCommit(batch, expectedPrevLsn) {
    return this.#run(async () => {
      let committed = false;
      try {
        await this.#replay();
        const lsn = await this.#lsn();
        if (lsn !== expectedPrevLsn) {
          throw new StoreError('stale', `${this.describe()} is at LSN ${lsn}, not ${expectedPrevLsn}`, { head: lsn });
        }
        await this.#writeDurably('wal', walBuffers(batch));
        await this.#replaceHead(batchMeta(batch));
        committed = true;
        await this.#apply(batch);
      } catch (error) {
        if (error instanceof StoreError) throw error;
        if (committed) this.#replayed = false;  // copy the wal into pages again before the next read
        throw ioError(this, error, 'writing a commit', committed ? 'unknown' : 'none');
      }
    });
  }

  writeFull(batch) {
    return this.#run(async () => {
      try {
        await fsp.rm(this.#file('head'), { force: true });
        await this.#syncDir();
        await fsp.rm(this.#file('wal'), { force: true });
        const buffers = [new Uint8Array(batch.pageSize)];
        for (const [id, image] of batch.pages) if (id !== 0) buffers[id] = image;
        for (let id = 1; id < batch.pageCount; id++) buffers[id] ??= new Uint8Array(batch.pageSize);
        await this.#writeDurably('pages.tmp', buffers);
        await fsp.rename(this.#file('pages.tmp'), this.#file('pages'));
        await this.#replaceHead(batchMeta(batch));
        this.#replayed = true;
      } catch (error) {
        throw ioError(this, error, 'rebuilding the replica', 'unknown');
      }
    });
  }

  clear() {
    return this.#run(async () => {
      try {
        for (const name of ['head', 'wal', 'pages', 'head.tmp', 'pages.tmp']) await fsp.rm(this.#file(name), { force: true });
        await this.#syncDir();
        this.#replayed = true;
      } catch (error) {
        throw ioError(this, error, 'clearing the replica', 'unknown');
      }
    });
  }

  async close() {
    await this.#tail;
    this.#closed = true;
  }

  async destroy() {
    await this.close();
    await fsp.rm(this.#dir, { recursive: true, force: true });
  }
}

function walBuffers(batch) {
  const header = new Uint8Array(WAL_HEADER);
  const v = new DataView(header.buffer);
  header.set(WAL_MAGIC, 0);
  v.setUint32(8, batch.lsn % 2 ** 32, true);
  v.setUint32(12, Math.floor(batch.lsn / 2 ** 32), true);
  v.setUint32(16, batch.pageSize, true);
  v.setUint32(20, batch.pages.length, true);
  v.setUint32(24, batch.pageCount, true);
  const buffers = [header];
  for (const [id, image] of batch.pages) {
    const idBytes = new Uint8Array(4);
    new DataView(idBytes.buffer).setUint32(0, id, true);
    buffers.push(idBytes, image);
  }
  return buffers;
}

// { lsn, pageSize, pageCount, pages } of a complete wal, or null.
function parseWal(bytes) {
  if (bytes.byteLength < WAL_HEADER) return null;
  for (let i = 0; i < WAL_MAGIC.length; i++) if (bytes[i] !== WAL_MAGIC[i]) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lsn = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
  const pageSize = v.getUint32(16, true);
  const n = v.getUint32(20, true);
  const pageCount = v.getUint32(24, true);
  if (pageSize === 0 || bytes.byteLength !== WAL_HEADER + n * (4 + pageSize)) return null;
  const pages = [];
  for (let i = 0, at = WAL_HEADER; i < n; i++, at += 4 + pageSize) {
    pages.push([v.getUint32(at, true), bytes.subarray(at + 4, at + 4 + pageSize)]);
  }
  return { lsn, pageSize, pageCount, pages };
}

function ioError(store, error, doing, outcome = 'none') {
  if (error instanceof StoreError) return error;
  const code = error?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreError('quota', `${store.describe()}: quota exceeded / no space left on the device while ` +
        `${doing} (${code})`, { outcome, cause: error });
  }
  return new StoreError('io', `${store.describe()}: ${doing} failed (${code ?? error?.message ?? error})`,
    { outcome, cause: error });
}

/**
 * Opens the three file replicas under `dir` and takes its LOCK. Resolves to
 * { stores: FileStore[3], release() }; release() removes the LOCK.
 * Rejects with PocketDynamoError when another live process (or this one)
 * has the database open.
 */
export async function openFileStores(dir, count = 3) {
  const root = path.resolve(dir);
  await fsp.mkdir(root, { recursive: true });
  const lock = path.join(root, 'LOCK');
  await takeLock(lock, root);
  const stores = [];
  try {
    for (let i = 0; i < count; i++) {
      const store = new FileStore(path.join(root, `replica-${i}`));
      await store.open();
      stores.push(store);
    }
  } catch (error) {
    await fsp.rm(lock, { force: true });
    throw error;
  }
  return {
    stores,
    release: () => fsp.rm(lock, { force: true }),
  };
}

async function takeLock(lock, root) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await fsp.open(lock, 'wx', 0o644);
      try {
        await fh.writeFile(`${process.pid}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw ioError({ describe: () => `directory ${root}` }, error, 'locking');
    }
    const pid = Number.parseInt(await fsp.readFile(lock, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new PocketDynamoError(`The database in ${root} is already open ${pid === process.pid
        ? 'in this process' : `in process ${pid}`} (${lock}); one writer at a time: close it first`);
    }
    await fsp.rm(lock, { force: true });  // its process is gone: take it over
  }
  throw new PocketDynamoError(`Cannot lock the database in ${root} (${lock})`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
