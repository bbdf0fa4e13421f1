// The JSON text that crosses to the core (and to a worker): DynamoDB's wire
// JSON, where B and BS values are base64 text.
//
// encodeRequest accepts what the AWS SDK's low-level client accepts: binary
// values may be Uint8Array (or any ArrayBuffer view, ArrayBuffer, Buffer) and
// are written as base64; base64 strings pass through unchanged. A bigint has
// no JSON form (numbers in attribute values are strings on the wire,
// {"N": "123"}), so one is rejected with a TypeError.

import { base64FromBytes } from './base64.js';

function replacer(key, value) {
  const original = this[key];  // before toJSON(): Buffer turns itself into {type, data}
  if (original !== null && typeof original === 'object') {
    if (original instanceof ArrayBuffer) return base64FromBytes(new Uint8Array(original));
    if (ArrayBuffer.isView(original)) {
      return base64FromBytes(new Uint8Array(original.buffer, original.byteOffset, original.byteLength));
    }
  }
  if (typeof value === 'bigint') {
    throw new TypeError(`A bigint cannot be sent as such (at '${key}'): numbers in ` +
        'attribute values are strings, e.g. {"N": "12345678901234567890"}');
  }
  return value;
}

// True if `value` holds, at any depth, bytes (an ArrayBuffer or a view of one) or a bigint, which
// plain JSON.stringify writes wrongly or refuses; also past MAX_WALK levels (a cycle, say: the
// replacer's path then reports it as JSON.stringify does). A replacer function takes
// JSON.stringify off V8's fast path (an encoded GetItem request took ~2 us of a 22 us in-memory
// db.send in Node); a walk of a request's few objects costs a fraction of that.
const MAX_WALK = 64;
function needsReplacer(value, depth) {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_WALK || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsReplacer(value[i], depth + 1)) return true;
    return false;
  }
  for (const key in value) if (needsReplacer(value[key], depth + 1)) return true;
  return false;
}

/** Request object -> wire JSON text. */
export function encodeRequest(input) {
  const request = input ?? {};
  return needsReplacer(request, 0) ? JSON.stringify(request, replacer) : JSON.stringify(request);
}
