// The sources importTable reads, turned into one shape: an async iterator of
// { text, bytes } chunks (bytes: how many bytes of the source the chunk
// took, for progress).
//
// Accepted: a string; a Blob (or File); a ReadableStream; an ArrayBuffer or
// ArrayBuffer view (Uint8Array, Node Buffer); any async iterable or iterable
// of strings and byte chunks (a Node Readable is one). Bytes are UTF-8 (a
// byte order mark is dropped); bytes that start with gzip's magic number
// (DynamoDB's S3 export writes .json.gz files) are decompressed first, where
// DecompressionStream exists (Node 18+, browsers since 2023).
//
// Errors: TypeError for a source or chunk of another kind; SourceError for
// bytes that are not UTF-8 (the reader turns it into an error naming the
// line).

export class SourceError extends Error {}

const STRING_SLICE = 1 << 20;  // a string source is read 1 Mi characters at a time

function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(text) {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) { bytes += 2; i++; }  // a pair: 4 bytes for 2 units
    else bytes += 2;
  }
  return bytes;
}

function isBlob(value) {
  return typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;
}

// The raw chunks of a source (strings or Uint8Arrays), as an async iterator.
async function* rawChunks(source) {
  if (typeof source === 'string') {
    let i = 0;
    while (i < source.length) {
      let end = Math.min(i + STRING_SLICE, source.length);
      const last = source.charCodeAt(end - 1);
      if (last >= 0xd800 && last < 0xdc00 && end < source.length) end++;  // keep a surrogate pair together
      yield source.slice(i, end);
      i = end;
    }
    return;
  }
  const bytes = toBytes(source);
  if (bytes !== null) {
    yield bytes;
    return;
  }
  if (isBlob(source)) {
    yield* streamChunks(source.stream());
    return;
  }
  if (source !== null && typeof source === 'object' && typeof source.getReader === 'function') {
    yield* streamChunks(source);
    return;
  }
  if (source !== null && typeof source === 'object' &&
      (typeof source[Symbol.asyncIterator] === 'function' || typeof source[Symbol.iterator] === 'function')) {
    for await (const chunk of source) yield chunk;
    return;
  }
  throw new TypeError('importTable(name, source): source must be a string, Blob, ReadableStream, ArrayBuffer, ' +
      `Uint8Array, or an (async) iterable of strings or bytes (such as a Node stream); got ${kindOf(source)}`);
}

async function* streamChunks(stream) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function kindOf(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'an object';
}

// Bytes starting with gzip's magic number go through a DecompressionStream.
async function* gunzipIfNeeded(chunks) {
  const first = await chunks.next();
  if (first.done) return;
  const bytes = typeof first.value === 'string' ? null : toBytes(first.value);
  if (bytes === null || bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    yield first.value;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (typeof globalThis.DecompressionStream !== 'function') {
    throw new SourceError('the source is gzip-compressed and this runtime has no DecompressionStream; decompress it first');
  }
  // Compressed bytes read so far, reported with the decompressed chunks.
  let compressed = 0;
  const input = new ReadableStream({
    start(controller) {
      compressed += bytes.length;
      controller.enqueue(bytes);
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) {
        controller.close();
        return;
      }
      const b = toBytes(next.value);
      if (b === null) {
        controller.error(new TypeError('importTable: a gzip source must be all bytes, not strings'));
        return;
      }
      compressed += b.length;
      controller.enqueue(b);
    },
  });
  let reported = 0;
  try {
    for await (const out of streamChunks(input.pipeThrough(new DecompressionStream('gzip')))) {
      yield { gunzipped: out, bytes: compressed - reported };
      reported = compressed;
    }
  } catch (error) {
    if (error instanceof TypeError && /gzip/.test(error.message)) throw error;
    throw new SourceError(`the gzip data is damaged (${error?.message ?? error})`);
  }
}

/** The source as an async iterator of { text, bytes }. */
export async function* textChunks(source) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of gunzipIfNeeded(rawChunks(source))) {
    if (typeof chunk === 'string') {
      yield { text: chunk, bytes: utf8Length(chunk) };
      continue;
    }
    const gunzipped = chunk?.gunzipped;
    const bytes = gunzipped ?? toBytes(chunk);
    if (bytes === null) {
      throw new TypeError(`importTable: the source gave a chunk of type ${kindOf(chunk)}; chunks must be strings or bytes`);
    }
    let text;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      // Give the reader the text before the first bad byte, so the error names its line.
      const lossy = new TextDecoder('utf-8').decode(bytes);
      const bad = lossy.indexOf('\ufffd');
      if (bad > 0) yield { text: lossy.slice(0, bad), bytes: 0 };
      throw new SourceError('the source is not valid UTF-8');
    }
    yield { text, bytes: gunzipped ? chunk.bytes : bytes.length };
  }
  let tail;
  try {
    tail = decoder.decode();
  } catch {
    throw new SourceError('the source ends inside a UTF-8 character');
  }
  if (tail.length > 0) yield { text: tail, bytes: 0 };
}
