// Items as the sync compares and carries them (docs/sync.md): canonical
// text and hashes of DynamoDB JSON items, the sync's own attributes, and
// the two binary forms (base64 text locally, Uint8Array for the AWS SDK).

import { base64FromBytes, bytesFromBase64 } from '../base64.js';

/** The attributes the sync keeps on remote items: version, writer, change time, tombstone, its expiry. */
export const VERSION = '_v';
export const WRITER = '_w';
export const TIME = '_t';
export const DELETED = '_del';
/** On tombstones: when the remote's TTL may remove them (epoch seconds). */
export const EXPIRES = '_exp';
const OWN = new Set([VERSION, WRITER, TIME, DELETED, EXPIRES]);

// One attribute value as canonical text: map members and set members sorted.
function canonicalValue(value) {
  const [type] = Object.keys(value);
  const v = value[type];
  switch (type) {
    case 'M': return `{"M":${canonicalItem(v)}}`;
    case 'L': return `{"L":[${v.map(canonicalValue).join(',')}]}`;
    case 'SS': case 'NS': case 'BS': return `{"${type}":${JSON.stringify([...v].sort())}}`;
    default: return `{"${type}":${JSON.stringify(v)}}`;
  }
}

/** An item (DynamoDB JSON, binary as base64) as canonical text: members in name order. */
export function canonicalItem(item) {
  const names = Object.keys(item).sort();
  return `{${names.map((n) => `${JSON.stringify(n)}:${canonicalValue(item[n])}`).join(',')}}`;
}

/** The hash of an item's content ('-' for no item): 53 bits of cyrb53 over the canonical text, hex. */
export function hashItem(item) {
  if (item === null || item === undefined) return '-';
  const text = canonicalItem(item);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/** The item without the sync's attributes; null for a tombstone or no item. */
export function userContent(item) {
  if (item === null || item === undefined || item[DELETED]?.BOOL === true) return null;
  const out = {};
  for (const [name, value] of Object.entries(item)) if (!OWN.has(name)) out[name] = value;
  return out;
}

/** The key attributes of an item, in the key schema's order. */
export function keyOf(item, keyNames) {
  const key = {};
  for (const name of keyNames) key[name] = item[name];
  return key;
}

// Deep copy of a value with binary converted by `bin` (B and BS members).
function convertValue(value, bin) {
  const [type] = Object.keys(value);
  const v = value[type];
  switch (type) {
    case 'B': return { B: bin(v) };
    case 'BS': return { BS: v.map(bin) };
    case 'M': return { M: convertItem(v, bin) };
    case 'L': return { L: v.map((x) => convertValue(x, bin)) };
    default: return value;
  }
}

function convertItem(item, bin) {
  const out = {};
  for (const [name, value] of Object.entries(item)) out[name] = convertValue(value, bin);
  return out;
}

/** An item from the AWS SDK (binary as Uint8Array) in wire form (binary as base64 text). */
export function fromSdk(item) {
  if (item === null || item === undefined) return null;
  return convertItem(item, (b) => (typeof b === 'string' ? b : base64FromBytes(b)));
}

/** An item in wire form as the AWS SDK takes it (binary as Uint8Array). */
export function toSdk(item) {
  return convertItem(item, (b) => (typeof b === 'string' ? bytesFromBase64(b) : b));
}
