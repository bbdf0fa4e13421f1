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

/** Request object -> wire JSON text. */
export function encodeRequest(input) {
  return JSON.stringify(input ?? {}, replacer);
}

/**
 * True if a response text from the core is an error. The core answers either
 * a response object, which never has a top-level "__type" member, or an error
 * object, which always has "__type" with a string value. Inside a response,
 * '"__type":"' cannot occur: an attribute named __type is followed by an
 * attribute value object ('{'), and quotes inside strings are escaped.
 */
export function isErrorText(text) {
  return text.includes('"__type":"');
}
