// Base64 (RFC 4648, with padding) for B and BS values: DynamoDB's wire JSON
// carries binary attribute values as base64 text. Works in browsers, workers
// and Node without Buffer.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Base64 text of the bytes. */
export function base64FromBytes(bytes) {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
  }
  if (i < n) {
    const v = (bytes[i] << 16) | (i + 1 < n ? bytes[i + 1] << 8 : 0);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63];
    out += i + 1 < n ? ALPHABET[(v >> 6) & 63] + '=' : '==';
  }
  return out;
}

/**
 * The bytes of base64 text. Throws on characters outside the alphabet or a
 * length that is not a whole number of 4-character groups (the core checks
 * what it receives the same way, with DynamoDB's message; this side only
 * decodes what the core produced).
 */
export function bytesFromBase64(text) {
  if (text.length % 4 !== 0) throw new Error(`Invalid base64: length ${text.length}`);
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let d;
      if (c === 61 && i + j >= text.length - pad) d = 0;  // '=' padding
      else d = c < 128 ? DECODE[c] : -1;
      if (d < 0) throw new Error(`Invalid base64 character at ${i + j}`);
      v = (v << 6) | d;
    }
    out[o++] = (v >> 16) & 255;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}
