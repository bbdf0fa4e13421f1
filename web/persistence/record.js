// Commit records in JS: what persistence needs of the core's record format
// (core/pager/log_record.h, "PDRC" version 1) without an engine.
//
//   crc32c(bytes)                  CRC32C (Castagnoli), as core/util/crc32c.h
//   readRecordHeader(bytes)        { lsn, prevLsn, pageSize, pageCount, pageIds, byteLength } | { error }
//                                  (checks magic, version, flags, length, CRC and the page directory;
//                                  not the entries: the core checks those when it redoes the record)
//   encodeImageRecord(commit, base?) a PDRC record from a commit's sealed page images (engines that
//                                  hand out images only): a page whose image as of prev_lsn base(id)
//                                  gives is a DELTA entry (the changed byte runs) when that is smaller,
//                                  every other page an IMAGE entry
//   applyImageRecord(pages, rec)   JS redo of a record onto a Map of page images (IMAGE and DELTA
//                                  entries; a DELTA entry's page must be in the map as of prev_lsn)
//   sealPage(image, id, lsn)       writes id, LSN and CRC as core/pager/page.cc Seal does
//
// Records are opaque to the stores; these helpers let the replica set learn
// a record's LSNs and pages, and let recovery run when the engine cannot redo.

const MAGIC = [0x50, 0x44, 0x52, 0x43];   // "PDRC"
export const RECORD_VERSION = 1;
export const RECORD_HEADER = 48;
const KIND_DELTA = 1;
const KIND_IMAGE = 2;
const PAGE_LSN_OFFSET = 8;
const PAGE_CRC_OFFSET = 16;

const TABLE = (() => {
  const table = new Uint32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let t = 1; t < 8; t++) table[t * 256 + i] = (table[(t - 1) * 256 + i] >>> 8) ^ table[table[(t - 1) * 256 + i] & 0xff];
  }
  return table;
})();

/** CRC32C of bytes (continuing `crc`, the value of the bytes before). crc32c('123456789') = 0xe3069283. */
export function crc32c(bytes, crc = 0) {
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  // slicing-by-8
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c = TABLE[7 * 256 + (a & 0xff)] ^ TABLE[6 * 256 + ((a >>> 8) & 0xff)] ^ TABLE[5 * 256 + ((a >>> 16) & 0xff)] ^
      TABLE[4 * 256 + (a >>> 24)] ^ TABLE[3 * 256 + bytes[i + 4]] ^ TABLE[2 * 256 + bytes[i + 5]] ^
      TABLE[256 + bytes[i + 6]] ^ TABLE[bytes[i + 7]];
  }
  for (; i < n; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function u64(v, offset) {
  return v.getUint32(offset, true) + v.getUint32(offset + 4, true) * 2 ** 32;
}

function putU64(v, offset, value) {
  v.setUint32(offset, value % 2 ** 32, true);
  v.setUint32(offset + 4, Math.floor(value / 2 ** 32), true);
}

// CRC32C of a whole record with its CRC field (bytes 12..15) taken as zero.
function recordCrc(bytes) {
  let c = crc32c(bytes.subarray(0, 12));
  c = crc32c(new Uint8Array(4), c);
  return crc32c(bytes.subarray(16), c);
}

/** The checked header of a record (see the file header), or { error }. */
export function readRecordHeader(bytes) {
  if (!(bytes instanceof Uint8Array)) return { error: 'record: not bytes' };
  if (bytes.byteLength < RECORD_HEADER) return { error: `record: ${bytes.byteLength} bytes, shorter than its header` };
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) return { error: 'record: bad magic' };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint16(4, true);
  if (version !== RECORD_VERSION) return { error: `record: unsupported record format version ${version}` };
  if (v.getUint16(6, true) !== 0) return { error: 'record: unknown flags' };
  const byteLength = v.getUint32(8, true);
  if (byteLength !== bytes.byteLength) return { error: `record: length field ${byteLength}, ${bytes.byteLength} bytes held` };
  if (recordCrc(bytes) !== v.getUint32(12, true)) return { error: 'record: checksum mismatch' };
  const lsn = u64(v, 16);
  const prevLsn = u64(v, 24);
  const pageSize = v.getUint32(32, true);
  const pageCount = v.getUint32(36, true);
  const n = v.getUint32(40, true);
  if (lsn !== prevLsn + 1) return { error: `record: lsn ${lsn} does not follow prev_lsn ${prevLsn}` };
  if (n < 1 || RECORD_HEADER + 4 * n > byteLength) return { error: `record: bad page count ${n}` };
  const pageIds = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    pageIds[i] = v.getUint32(RECORD_HEADER + 4 * i, true);
    if (i === 0 ? pageIds[0] !== 0 : pageIds[i] <= pageIds[i - 1]) return { error: 'record: page ids not ascending from 0' };
    if (pageIds[i] >= pageCount) return { error: `record: page ${pageIds[i]} beyond the page count ${pageCount}` };
  }
  return { lsn, prevLsn, pageSize, pageCount, pageIds, byteLength };
}

function varintSize(x) {
  let n = 1;
  while (x >= 0x80) { x >>>= 7; n++; }
  return n;
}

function putVarint(out, at, x) {
  while (x >= 0x80) {
    out[at++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  out[at++] = x;
  return at;
}

// The runs of an entry turning `before` (null: a page of zeros) into `after`,
// bytes 8..19 (LSN, CRC) left out: [[start, end], ...]. Gaps shorter than
// MERGE_GAP bytes are bridged (a new run costs at least two varint bytes).
const MERGE_GAP = 8;
function diffRuns(before, after) {
  const runs = [];
  const n = after.length;
  let i = 0;
  while (i < n) {
    if (i >= 8 && i < 20) { i = 20; continue; }
    if ((before === null ? 0 : before[i]) === after[i]) { i++; continue; }
    let end = i + 1;
    let same = 0;
    for (let j = end; j < n; j++) {
      if (j >= 8 && j < 20) break;
      if ((before === null ? 0 : before[j]) === after[j]) {
        if (++same >= MERGE_GAP) break;
      } else {
        same = 0;
        end = j + 1;
      }
    }
    runs.push([i, end]);
    i = end;
  }
  return runs;
}

function runsSize(runs) {
  let size = varintSize(runs.length);
  let pos = 0;
  for (const [start, end] of runs) {
    size += varintSize(start - pos) + varintSize(end - start) + (end - start);
    pos = end;
  }
  return size;
}

/**
 * A record for a commit { lsn, prevLsn, pageCount, pageSize, pageIds, images }
 * (images: pageIds.length sealed pages of pageSize bytes). base(id), when
 * given, returns page id's image as of prevLsn (or undefined): such a page
 * becomes a DELTA entry when that is smaller than an IMAGE entry.
 */
export function encodeImageRecord({ lsn, prevLsn, pageCount, pageSize, pageIds, images }, base = () => undefined) {
  const n = pageIds.length;
  const entries = [];
  let total = RECORD_HEADER + 4 * n;
  for (let i = 0; i < n; i++) {
    const after = images.subarray(i * pageSize, (i + 1) * pageSize);
    const image = diffRuns(null, after);
    let kind = KIND_IMAGE;
    let runs = image;
    const before = base(pageIds[i]);
    if (before instanceof Uint8Array && before.byteLength === pageSize) {
      const delta = diffRuns(before, after);
      if (runsSize(delta) < runsSize(image)) {
        kind = KIND_DELTA;
        runs = delta;
      }
    }
    entries.push({ kind, runs, after });
    total += 1 + runsSize(runs);
  }
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint16(4, RECORD_VERSION, true);
  v.setUint32(8, total, true);
  putU64(v, 16, lsn);
  putU64(v, 24, prevLsn);
  v.setUint32(32, pageSize, true);
  v.setUint32(36, pageCount, true);
  v.setUint32(40, n, true);
  let at = RECORD_HEADER;
  for (let i = 0; i < n; i++, at += 4) v.setUint32(at, pageIds[i], true);
  for (const { kind, runs, after } of entries) {
    out[at++] = kind;
    at = putVarint(out, at, runs.length);
    let pos = 0;
    for (const [start, end] of runs) {
      at = putVarint(out, at, start - pos);
      at = putVarint(out, at, end - start);
      out.set(after.subarray(start, end), at);
      at += end - start;
      pos = end;
    }
  }
  v.setUint32(12, recordCrc(out), true);
  return out;
}

/** Writes id, LSN and CRC into a page image (core/pager/page.cc Seal). */
export function sealPage(image, id, lsn) {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  v.setUint32(0, id, true);
  putU64(v, PAGE_LSN_OFFSET, lsn);
  v.setUint32(PAGE_CRC_OFFSET, 0, true);
  v.setUint32(PAGE_CRC_OFFSET, crc32c(image), true);
  return image;
}

function getVarint(bytes, at, limit) {
  let result = 0;
  for (let shift = 0; shift <= 28 && at < limit; shift += 7) {
    const byte = bytes[at++];
    if (shift === 28 && (byte & 0xf0) !== 0) return null;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result >>> 0, at];
  }
  return null;
}

/**
 * Applies a record to `pages` (Map id -> Uint8Array, replaced, never
 * modified in place; a DELTA entry applies to the page the map holds, which
 * must be the page as of the record's prev_lsn). Returns '' when applied, or
 * the problem found (nothing changed then). Pages beyond the record's page
 * count are dropped.
 */
export function applyImageRecord(pages, bytes) {
  const header = readRecordHeader(bytes);
  if (header.error !== undefined) return header.error;
  const { pageSize, pageIds, lsn, pageCount } = header;
  let at = RECORD_HEADER + 4 * pageIds.length;
  const limit = bytes.byteLength;
  const built = [];
  for (const id of pageIds) {
    const kind = bytes[at++];
    if (kind !== KIND_IMAGE && kind !== KIND_DELTA) return `record ${lsn}: page ${id}: unknown entry kind ${kind}`;
    const base = pages.get(id);
    if (kind === KIND_DELTA && !(base instanceof Uint8Array && base.byteLength === pageSize)) {
      return `record ${lsn}: page ${id}: a delta without the page it applies to`;
    }
    let read = getVarint(bytes, at, limit);
    if (read === null) return `record ${lsn}: page ${id}: bad run count`;
    let runs;
    [runs, at] = read;
    const image = kind === KIND_DELTA ? base.slice() : new Uint8Array(pageSize);
    let pos = 0;
    for (let r = 0; r < runs; r++) {
      let skip;
      let length;
      read = getVarint(bytes, at, limit);
      if (read === null) return `record ${lsn}: page ${id}: bad run`;
      [skip, at] = read;
      read = getVarint(bytes, at, limit);
      if (read === null) return `record ${lsn}: page ${id}: bad run`;
      [length, at] = read;
      const start = pos + skip;
      if (length < 1 || start + length > pageSize || at + length > limit) return `record ${lsn}: page ${id}: run out of bounds`;
      if (start < 20 && start + length > 8) return `record ${lsn}: page ${id}: a run over the LSN or CRC`;
      image.set(bytes.subarray(at, at + length), start);
      at += length;
      pos = start + length;
    }
    built.push([id, sealPage(image, id, lsn)]);
  }
  if (at !== limit) return `record ${lsn}: trailing bytes`;
  for (const [id, image] of built) pages.set(id, image);
  for (const id of [...pages.keys()]) if (id >= pageCount) pages.delete(id);
  return '';
}

/** The LSN and prev LSN of a record without checking it (stores use this to key it), or null. */
export function recordLsns(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < RECORD_HEADER) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { lsn: u64(v, 16), prevLsn: u64(v, 24) };
}
