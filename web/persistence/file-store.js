// FileStore: one replica in a directory of files, a PageStore
// (page-store.js, layout version 2) for Node: open({ path: './data' }) keeps
// its three replicas in three directories under `path`. Node-only (node:fs);
// select-store.js imports this file lazily and package.json "browser" maps
// it to false.
//
// Layout of `path`:
//   LOCK          the pid of the process that has the database open (created exclusively;
//                 a LOCK whose process is gone is taken over)
//   replica-<i>/  replica i, holding:
//     FORMAT      "pocketdynamo replica layout 2\n" (absent in layout 1, the release before)
//     head        the meta page image (page 0) of the checkpoint, pageSize bytes in the core's
//                 format (core/pager/format.h): LSN (= ckptLsn), page size, page count, CRC
//     pages       checkpoint page id at byte offset id * pageSize, for 1 <= id < pageCount
//                 (the first pageSize bytes are unused)
//     log         the commit records after the checkpoint, appended, one frame each (below)
//     next        page versions written for the checkpoint under way (frames: page id u32 LE,
//                 then the image); invisible until the head flips
//     ckpt-<D>    `next` renamed when the head flips to LSN D: copied into `pages` (again at
//                 open, if a crash cut the copy short), then removed
//     *.tmp       files being written; never read
//
// Log frame (28 bytes + the record):
//   OFFSET  SIZE  DESCRIPTION
//   0       4     magic "PDLG"
//   4       8     lsn (u64 LE)
//   12      8     prev lsn (u64 LE)
//   20      4     n: byte length of the record (u32 LE)
//   24      4     CRC32C of the record (u32 LE)
//   28      n     the record (core/pager/log_record.h)
// A frame that is cut short or fails its CRC ends the log: it and everything
// after it are cut off when the store opens (a torn append).
//
// appendRecords writes the frames at the log's end and fdatasyncs the log:
// the commit point. flipHead: fsync `next`, rename it to ckpt-<D>, replace
// `head` (write head.tmp, fsync, rename, fsync the directory: THE checkpoint's
// commit point), copy ckpt-<D> into `pages`, remove it, and rewrite the log
// without the records <= D. writeFull removes the head first (the replica is
// then damaged, never half-new), writes pages.tmp, renames it over `pages`,
// then writes the head.
//
// Layout 1 (head + pages + wal, no FORMAT): open() copies a wal that belongs
// to the head into `pages` (layout 1's own recovery), removes it and writes
// FORMAT: the replica is then a layout-2 replica with an empty log. A FORMAT
// naming a newer layout fails every operation with StoreError 'format'.
//
// ENOSPC / EDQUOT are reported as kind 'quota' (the disk or the user's quota
// is full); other errors as 'io'. A failure after a commit point is
// reported with outcome 'unknown'.

import fsp from 'node:fs/promises';
import fs from 'node:fs';
import path from 'node:path';
import { PocketDynamoError } from '../errors.js';
import { STORE_FORMAT, StoreError, formatError, headFromMeta, headWithLog, missingHead, pageLsn } from './page-store.js';
import { crc32c } from './record.js';

const FORMAT_TEXT = `pocketdynamo replica layout ${STORE_FORMAT}\n`;
const WAL_MAGIC = Uint8Array.from([0x50, 0x44, 0x57, 0x41, 0x4c, 0, 0, 1]);  // "PDWAL\0\0\1" (layout 1)
const WAL_HEADER = 32;
const FRAME_MAGIC = 0x474c4450;   // "PDLG" as u32 LE
const FRAME_HEADER = 28;

// Log frames (see the header) for records [{ lsn, prevLsn, record }] written at byte `at` of the log:
// { buffers, added: [{ lsn, prevLsn, offset, length, crc }], size }.
function logFrames(entries, at) {
  const buffers = [];
  const added = [];
  let size = 0;
  for (const { lsn, prevLsn, record } of entries) {
    const header = new Uint8Array(FRAME_HEADER);
    const v = new DataView(header.buffer);
    v.setUint32(0, FRAME_MAGIC, true);
    v.setUint32(4, lsn % 2 ** 32, true);
    v.setUint32(8, Math.floor(lsn / 2 ** 32), true);
    v.setUint32(12, prevLsn % 2 ** 32, true);
    v.setUint32(16, Math.floor(prevLsn / 2 ** 32), true);
    v.setUint32(20, record.byteLength, true);
    v.setUint32(24, crc32c(record), true);
    buffers.push(header, record);
    added.push({ lsn, prevLsn, offset: at + size, length: record.byteLength, crc: v.getUint32(24, true) });
    size += FRAME_HEADER + record.byteLength;
  }
  return { buffers, added, size };
}

function u64(v, offset) {
  return v.getUint32(offset, true) + v.getUint32(offset + 4, true) * 2 ** 32;
}

export class FileStore {
  #dir;
  #tail = Promise.resolve();
  #closed = false;
  #format = null;      // layout version found at open (2 once upgraded)
  #log = null;         // [{ lsn, prevLsn, offset, length }] of the sound log frames, read at open
  #logSize = 0;        // bytes of the sound log
  #head = undefined;   // cached head image (null: none), undefined: not read

  constructor(dir) {
    this.#dir = dir;
  }

  describe() { return `directory ${this.#dir}`; }

  #file(name) { return path.join(this.#dir, name); }

  #run(fn) {
    const run = this.#tail.then(() => {
      if (this.#closed) throw new StoreError('closed', `${this.describe()} is closed`);
      if (this.#format !== null && this.#format > STORE_FORMAT) throw formatError(this.describe(), this.#format);
      return fn();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  open() {
    this.#closed = false;
    return this.#run(async () => {
      try {
        await fsp.mkdir(this.#dir, { recursive: true });
        await this.#readFormat();
        if (this.#format > STORE_FORMAT) throw formatError(this.describe(), this.#format);
        for (const name of ['head.tmp', 'pages.tmp', 'log.tmp', 'scrub.tmp', 'next']) await fsp.rm(this.#file(name), { force: true });
        if (this.#format === 1) await this.#upgradeFromLayout1();
        this.#head = undefined;
        await this.#finishCheckpoint();
        await this.#scanLog();
      } catch (error) {
        throw ioError(this, error, 'opening the replica');
      }
    });
  }

  async #readFormat() {
    let text = null;
    try {
      text = await fsp.readFile(this.#file('FORMAT'), 'utf8');
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    if (text !== null) {
      const m = /^pocketdynamo replica layout (\d+)\n?$/.exec(text);
      this.#format = m ? Number(m[1]) : 99;   // unreadable: treated as a layout this version does not know
      return;
    }
    const names = await fsp.readdir(this.#dir);
    if (names.some((n) => n === 'head' || n === 'pages' || n === 'wal')) {
      this.#format = 1;
      return;
    }
    await this.#writeDurably('FORMAT', [new TextEncoder().encode(FORMAT_TEXT)]);
    await this.#syncDir();
    this.#format = STORE_FORMAT;
  }

  // Layout 1: the wal of the head's commit is copied into pages (again), then the replica is layout 2.
  async #upgradeFromLayout1() {
    const image = await this.#readHeadImage();
    let wal = null;
    try {
      wal = new Uint8Array(await fsp.readFile(this.#file('wal')));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    if (image !== null && wal !== null) {
      const parsed = parseLayout1Wal(wal);
      if (parsed !== null && parsed.lsn === headFromMeta(image).lsn) await this.#applyToPages(parsed.pages, parsed.pageSize, parsed.pageCount);
    }
    await fsp.rm(this.#file('wal'), { force: true });
    await this.#writeDurably('FORMAT', [new TextEncoder().encode(FORMAT_TEXT)]);
    await this.#syncDir();
    this.#format = STORE_FORMAT;
  }

  async #readHeadImage() {
    if (this.#head !== undefined) return this.#head;
    try {
      this.#head = new Uint8Array(await fsp.readFile(this.#file('head')));
    } catch (error) {
      if (error.code !== 'ENOENT') throw ioError(this, error, 'reading the head');
      this.#head = null;
    }
    return this.#head;
  }

  // A ckpt-<D> whose D is the head's LSN is copied into pages; any other is left over and removed.
  async #finishCheckpoint() {
    const image = await this.#readHeadImage();
    const names = (await fsp.readdir(this.#dir)).filter((n) => /^ckpt-\d+$/.test(n));
    for (const name of names) {
      const lsn = Number(name.slice(5));
      if (image !== null && lsn === pageLsn(image)) {
        const { pageSize, pageCount } = headFromMeta(image);
        const bytes = new Uint8Array(await fsp.readFile(this.#file(name)));
        await this.#applyToPages(framesOf(bytes, pageSize), pageSize, pageCount);
      }
      await fsp.rm(this.#file(name), { force: true });
    }
  }

  async #applyToPages(pages, pageSize, pageCount) {
    const fh = await fsp.open(this.#file('pages'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      for (const [id, image] of pages) if (id !== 0 && id < pageCount) await fh.write(image, 0, pageSize, id * pageSize);
      const size = (await fh.stat()).size;
      if (size > pageCount * pageSize) await fh.truncate(pageCount * pageSize);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  // Reads the log's frames; cuts off a torn or damaged tail.
  async #scanLog() {
    let bytes;
    try {
      bytes = new Uint8Array(await fsp.readFile(this.#file('log')));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      bytes = new Uint8Array(0);
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const frames = [];
    let at = 0;
    while (at + FRAME_HEADER <= bytes.byteLength) {
      if (v.getUint32(at, true) !== FRAME_MAGIC) break;
      const length = v.getUint32(at + 20, true);
      if (at + FRAME_HEADER + length > bytes.byteLength) break;
      if (crc32c(bytes.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length)) !== v.getUint32(at + 24, true)) break;
      frames.push({ lsn: u64(v, at + 4), prevLsn: u64(v, at + 12), offset: at, length, crc: v.getUint32(at + 24, true) });
      at += FRAME_HEADER + length;
    }
    if (at < bytes.byteLength) {
      const fh = await fsp.open(this.#file('log'), 'r+');
      try {
        await fh.truncate(at);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    this.#log = frames;
    this.#logSize = at;
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
    this.#head = meta.slice();
  }

  #ckptLsn(image) {
    return image === null ? 0 : pageLsn(image);
  }

  // The records of the log that follow the checkpoint (frames <= ckptLsn are left over from before a flip).
  #chain(image) {
    const out = [];
    let expect = this.#ckptLsn(image);
    for (const f of this.#log) {
      if (f.lsn <= expect && out.length === 0) continue;
      if (f.prevLsn !== expect) break;
      out.push(f);
      expect = f.lsn;
    }
    return out;
  }

  #end(image) {
    const chain = this.#chain(image);
    return chain.length ? chain[chain.length - 1].lsn : this.#ckptLsn(image);
  }

  readHead() {
    return this.#run(async () => {
      const image = await this.#readHeadImage();
      if (image !== null) {
        const chain = this.#chain(image);
        return headWithLog(image.slice(), chain.length ? chain[chain.length - 1].lsn : 0, chain.length);
      }
      let size = 0;
      try {
        size = (await fsp.stat(this.#file('pages'))).size;
      } catch (error) {
        if (error.code !== 'ENOENT') throw ioError(this, error, 'reading the pages');
      }
      return size === 0 && this.#log.length === 0 ? null : missingHead();
    });
  }

  readPages(ids) {
    return this.#run(async () => {
      const out = new Map();
      out.ckptLsn = -1;
      const image = await this.#readHeadImage();
      if (image === null) return out;
      out.ckptLsn = pageLsn(image);
      if (ids === undefined || ids.includes(0)) out.set(0, image.slice());
      const { pageSize, pageCount } = headFromMeta(image);
      out.pageCount = pageCount;
      if (!(pageSize > 0)) return out;
      if (ids !== undefined) {
        // A few pages (a page fault): positional reads, not the whole file.
        let fh;
        try {
          fh = await fsp.open(this.#file('pages'), 'r');
        } catch (error) {
          if (error.code === 'ENOENT') return out;
          throw ioError(this, error, 'reading the pages');
        }
        try {
          for (const id of ids) {
            if (!(id > 0) || id >= pageCount || out.has(id)) continue;
            const page = new Uint8Array(pageSize);
            const { bytesRead } = await fh.read(page, 0, pageSize, id * pageSize);
            if (bytesRead === pageSize) out.set(id, page);
          }
        } catch (error) {
          throw ioError(this, error, 'reading the pages');
        } finally {
          await fh.close();
        }
        return out;
      }
      let bytes;
      try {
        bytes = new Uint8Array(await fsp.readFile(this.#file('pages')));
      } catch (error) {
        if (error.code === 'ENOENT') return out;
        throw ioError(this, error, 'reading the pages');
      }
      const held = Math.floor(bytes.byteLength / pageSize);
      for (let id = 1; id < held; id++) out.set(id, bytes.slice(id * pageSize, (id + 1) * pageSize));
      return out;
    });
  }

  readLog(afterLsn) {
    return this.#run(async () => {
      const image = await this.#readHeadImage();
      const chain = this.#chain(image);
      const after = afterLsn ?? this.#ckptLsn(image);
      const wanted = chain.filter((f) => f.lsn > after);
      if (wanted.length === 0) return [];
      const fh = await fsp.open(this.#file('log'), 'r');
      try {
        const out = [];
        for (const f of wanted) {
          const record = new Uint8Array(f.length);
          await fh.read(record, 0, f.length, f.offset + FRAME_HEADER);
          if (crc32c(record) !== f.crc) break;   // damaged since it was written
          out.push({ lsn: f.lsn, prevLsn: f.prevLsn, record });
        }
        return out;
      } finally {
        await fh.close();
      }
    });
  }

  appendRecords(entries, expectedEnd, base = null) {
    return this.#run(async () => {
      try {
        let image = await this.#readHeadImage();
        const end = image === null && this.#log.length === 0 ? 0 : this.#end(image);
        if (end !== expectedEnd) {
          throw new StoreError('stale', `${this.describe()} is at LSN ${end}, not ${expectedEnd}`, { head: end });
        }
        if (image === null) {
          const pagesHeld = await fsp.stat(this.#file('pages')).then((st) => st.size > 0, () => false);
          if (base === null || pagesHeld || this.#log.length > 0) {
            throw new StoreError('stale', `${this.describe()} has no head to append to`, { head: null });
          }
          await this.#replaceHead(base);
          image = base;
        }
        const { buffers, added, size } = logFrames(entries, this.#logSize);
        const fh = await fsp.open(this.#file('log'), fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644);
        try {
          await fh.writev(buffers, this.#logSize);
          await fh.datasync();
        } finally {
          await fh.close();
        }
        this.#log.push(...added);
        this.#logSize += size;
      } catch (error) {
        if (error instanceof StoreError) throw error;
        throw ioError(this, error, 'appending a record', 'unknown');
      }
    });
  }

  truncateLog(toLsn) {
    return this.#run(async () => {
      try {
        const cut = this.#log.findIndex((f) => f.lsn > toLsn);
        if (cut < 0) return;
        const at = this.#log[cut].offset;
        const fh = await fsp.open(this.#file('log'), 'r+');
        try {
          await fh.truncate(at);
          await fh.sync();
        } finally {
          await fh.close();
        }
        this.#log = this.#log.slice(0, cut);
        this.#logSize = at;
      } catch (error) {
        throw ioError(this, error, 'truncating the log', 'unknown');
      }
    });
  }

  writePages(pages) {
    return this.#run(async () => {
      try {
        const buffers = [];
        for (const [id, image] of pages) {
          const idBytes = new Uint8Array(4);
          new DataView(idBytes.buffer).setUint32(0, id, true);
          buffers.push(idBytes, image);
        }
        const fh = await fsp.open(this.#file('next'), 'a', 0o644);
        try {
          await fh.writev(buffers);
        } finally {
          await fh.close();
        }
      } catch (error) {
        throw ioError(this, error, 'writing checkpoint pages', 'none');
      }
    });
  }

  repairPage(id, image, expectCkptLsn) {
    return this.#run(async () => {
      const head = await this.#readHeadImage();
      if (head === null || pageLsn(head) !== expectCkptLsn) {
        throw new StoreError('stale', `${this.describe()}: its checkpoint moved (LSN ${head === null ? null : pageLsn(head)}, ` +
            `not ${expectCkptLsn})`);
      }
      const { pageSize, pageCount } = headFromMeta(head);
      if (!(id > 0 && id < pageCount) || image.byteLength !== pageSize) {
        throw new StoreError('io', `${this.describe()}: page ${id} cannot be repaired (outside the checkpoint)`);
      }
      try {
        const fh = await fsp.open(this.#file('pages'), 'r+');
        try {
          await fh.write(image, 0, pageSize, id * pageSize);
          await fh.datasync();
        } finally {
          await fh.close();
        }
      } catch (error) {
        throw ioError(this, error, 'repairing a page', 'unknown');
      }
    });
  }

  readScrub() {
    return this.#run(async () => {
      try {
        const value = JSON.parse(await fsp.readFile(this.#file('scrub'), 'utf8'));
        return Number.isSafeInteger(value?.id) ? { id: value.id } : null;
      } catch {
        return null;   // none yet, or unreadable: start from the beginning
      }
    });
  }

  writeScrub(position) {
    return this.#run(async () => {
      try {
        await fsp.writeFile(this.#file('scrub.tmp'), JSON.stringify({ id: position.id }));
        await fsp.rename(this.#file('scrub.tmp'), this.#file('scrub'));
      } catch (error) {
        throw ioError(this, error, 'saving the scrub position', 'none');
      }
    });
  }

  flipHead(meta, written) {
    return this.#run(async () => {
      const lsn = pageLsn(meta);
      const image = await this.#readHeadImage();
      const end = this.#end(image);
      if (image === null || end < lsn || this.#ckptLsn(image) > lsn) {
        throw new StoreError('stale', `${this.describe()} is at LSN ${end} (checkpoint ${this.#ckptLsn(image)}): ` +
            `cannot take a checkpoint at ${lsn}`, { head: image === null ? 0 : end });
      }
      let committed = false;
      try {
        const name = `ckpt-${lsn}`;
        const fh = await fsp.open(this.#file('next'), 'a', 0o644);
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fsp.rename(this.#file('next'), this.#file(name));
        await this.#syncDir();
        await this.#replaceHead(meta);
        committed = true;
        await this.#finishCheckpoint();
        // The log without the records the checkpoint holds.
        const keep = this.#log.filter((f) => f.lsn > lsn);
        if (keep.length !== this.#log.length) {
          const rf = await fsp.open(this.#file('log'), 'r');
          const buffers = [];
          try {
            for (const f of keep) {
              const frame = new Uint8Array(FRAME_HEADER + f.length);
              await rf.read(frame, 0, frame.byteLength, f.offset);
              buffers.push(frame);
            }
          } finally {
            await rf.close();
          }
          await this.#writeDurably('log.tmp', buffers);
          await fsp.rename(this.#file('log.tmp'), this.#file('log'));
          await this.#syncDir();
          let offset = 0;
          this.#log = keep.map((f) => {
            const moved = { ...f, offset };
            offset += FRAME_HEADER + f.length;
            return moved;
          });
          this.#logSize = offset;
        }
        void written;   // pages holds one image per page: nothing older to drop
      } catch (error) {
        if (error instanceof StoreError) throw error;
        throw ioError(this, error, 'writing a checkpoint', committed ? 'unknown' : 'none');
      }
    });
  }

  writeFull(meta, pages, records = []) {
    return this.#run(async () => {
      try {
        await fsp.rm(this.#file('head'), { force: true });
        this.#head = null;
        await this.#syncDir();
        for (const name of ['log', 'next']) await fsp.rm(this.#file(name), { force: true });
        this.#log = [];
        this.#logSize = 0;
        const { pageSize, pageCount } = headFromMeta(meta);
        const buffers = [new Uint8Array(pageSize)];
        for (const [id, image] of pages) if (id !== 0) buffers[id] = image;
        for (let id = 1; id < pageCount; id++) buffers[id] ??= new Uint8Array(pageSize);
        await this.#writeDurably('pages.tmp', buffers.slice(0, pageCount));
        await fsp.rename(this.#file('pages.tmp'), this.#file('pages'));
        if (records.length > 0) {
          // The records after the checkpoint, before the head: until the head is back the replica is
          // headless (damaged), never at a state short of them.
          const frames = logFrames(records, 0);
          await this.#writeDurably('log', frames.buffers);
          this.#log = frames.added;
          this.#logSize = frames.size;
        }
        await this.#replaceHead(meta);
      } catch (error) {
        throw ioError(this, error, 'rebuilding the replica', 'unknown');
      }
    });
  }

  clear() {
    return this.#run(async () => {
      try {
        const names = (await fsp.readdir(this.#dir)).filter((n) => n !== 'FORMAT');
        for (const name of names) await fsp.rm(this.#file(name), { force: true, recursive: true });
        await this.#syncDir();
        this.#head = null;
        this.#log = [];
        this.#logSize = 0;
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

// [[id, image]] of `next` / ckpt-<D> frames (a cut-short last frame is ignored).
function framesOf(bytes, pageSize) {
  const out = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 4 + pageSize <= bytes.byteLength; at += 4 + pageSize) {
    out.push([v.getUint32(at, true), bytes.subarray(at + 4, at + 4 + pageSize)]);
  }
  return out;
}

// { lsn, pageSize, pageCount, pages } of a complete layout-1 wal, or null:
//   0 magic "PDWAL\0\0\1", 8 lsn lo, 12 lsn hi, 16 page size, 20 n, 24 page count, 28 reserved,
//   32 n * (page id u32 + image).
function parseLayout1Wal(bytes) {
  if (bytes.byteLength < WAL_HEADER) return null;
  for (let i = 0; i < WAL_MAGIC.length; i++) if (bytes[i] !== WAL_MAGIC[i]) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lsn = u64(v, 8);
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
 * has the database open, or a replica was written by a newer pocketdynamo.
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
    if (error instanceof StoreError && error.kind === 'format') {
      throw new PocketDynamoError(`Cannot open the database in ${root}: ${error.message}`, { cause: error });
    }
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
