// Table export: a table's items as DynamoDB JSON lines, the format of
// DynamoDB's export to S3 (ExportFormat DYNAMODB_JSON): one
// {"Item": {<attribute name>: <attribute value>, ...}} per line, each line
// ending in "\n", values in DynamoDB's wire JSON (B and BS as base64).
//
//   const exp = await db.exportTable('Orders');    // one point in time (below)
//   exp.itemCount;                                 // items in it
//   exp.stream();                                  // ReadableStream<Uint8Array> (UTF-8)
//   exp.stream({ gzip: true });                    // the same, gzip-compressed (.json.gz)
//   await exp.blob();                              // Blob, type application/x-ndjson (or application/gzip)
//   await exp.text();                              // one string
//   for await (const line of exp) ...              // each line, without its "\n"
//   for (const item of exp.items()) ...            // each item as DynamoDB JSON
//
// Consistency: db.exportTable() reads every Scan page of the table inside
// ONE turn of the database's operation queue (database.js, call
// 'scanTable'), so no write lands between the first page and the last: the
// export is the table as of one moment, the moment between the operations
// called before exportTable() and those called after it. Between two pages
// the queue stays held but the event loop is given back (pages of at most
// 1,000 items, so the page stays responsive); operations called meanwhile
// wait until the read is done (2.3 s for 100,000 items of 300 bytes in
// Node, 3 s in Chromium, on a loaded 2-core machine; bench/transfer.mjs). It
// resolves once what it read is durable. The Scan responses are kept as
// their JSON text, and are turned into lines only as a consumer reads them
// (stream(), blob(), ...), outside the queue; a TableExport can be read any
// number of times. Memory: about the size of the exported JSON, until the
// TableExport is dropped.

/** Items per Scan page of an export: the event loop runs between pages, so this bounds a stall. */
export const EXPORT_PAGE_ITEMS = 1000;

const LINE_TYPE = 'application/x-ndjson';
const GZIP_TYPE = 'application/gzip';

/**
 * The LastEvaluatedKey of a Scan response text, or undefined on the last
 * page. The core writes members in name order ({"Count","Items",
 * "LastEvaluatedKey","ScannedCount"}), so the key follows the Items array:
 * '],"LastEvaluatedKey":' can occur nowhere else (inside items every ']'
 * closes an L/SS/NS/BS value and is followed by '}'). Any other shape is
 * parsed whole.
 */
export function lastEvaluatedKey(text) {
  const at = text.lastIndexOf('],"LastEvaluatedKey":');
  if (at >= 0) return JSON.parse(`{${text.slice(at + 2)}`).LastEvaluatedKey;
  if (/\],"ScannedCount":\d+\}$/.test(text)) return undefined;
  return JSON.parse(text).LastEvaluatedKey;
}

// The Count of a Scan response text (the first member; see lastEvaluatedKey).
function pageCount(text) {
  const match = /^\{"Count":(\d+),/.exec(text);
  return match ? Number(match[1]) : JSON.parse(text).Count;
}

function pageLines(text) {
  const { Items } = JSON.parse(text);
  let out = '';
  for (const item of Items) out += `${JSON.stringify({ Item: item })}\n`;
  return out;
}

// Gives the event loop a turn between pages of work.
function nextTurn() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function checkOptions(options, method) {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') throw new TypeError(`${method}(options): options must be an object`);
  for (const key of Object.keys(options)) {
    if (key !== 'gzip') throw new TypeError(`${method}(options): unknown option ${JSON.stringify(key)} (known: gzip)`);
  }
  if (options.gzip && typeof globalThis.CompressionStream !== 'function') {
    throw new TypeError(`${method}({ gzip: true }): this runtime has no CompressionStream`);
  }
  return Boolean(options.gzip);
}

export class TableExport {
  #pages;  // Scan response texts, in order

  /** REQUIRES: pages are the Scan response texts of every page of the table, in order (db.scanTableJson). */
  constructor(tableName, pages) {
    this.#pages = pages;
    /** The exported table's name. */
    this.tableName = tableName;
    /** How many items the export holds. */
    this.itemCount = pages.reduce((sum, text) => sum + pageCount(text), 0);
    /** DynamoDB's name for the format. */
    this.format = 'DYNAMODB_JSON';
  }

  /** The lines as a ReadableStream of UTF-8 bytes; { gzip: true } compresses them (gzip). */
  stream(options) {
    const gzip = checkOptions(options, 'stream');
    const pages = this.#pages;
    const encoder = new TextEncoder();
    let next = 0;
    const lines = new ReadableStream({
      pull(controller) {
        // Pages of no items give no bytes: go on to one that does, or the end.
        while (next < pages.length) {
          const text = pageLines(pages[next++]);
          if (text.length > 0) {
            controller.enqueue(encoder.encode(text));
            return;
          }
        }
        controller.close();
      },
    });
    return gzip ? lines.pipeThrough(new CompressionStream('gzip')) : lines;
  }

  /** The lines as a Blob (type application/x-ndjson, or application/gzip with { gzip: true }). */
  async blob(options) {
    const gzip = checkOptions(options, 'blob');
    if (gzip) {
      const compressed = await new Response(this.stream({ gzip: true })).arrayBuffer();
      return new Blob([compressed], { type: GZIP_TYPE });
    }
    const parts = [];
    for (const text of this.#pages) {
      parts.push(pageLines(text));
      await nextTurn();
    }
    return new Blob(parts, { type: LINE_TYPE });
  }

  /** The lines as one string. */
  async text() {
    let out = '';
    for (const text of this.#pages) {
      out += pageLines(text);
      await nextTurn();
    }
    return out;
  }

  /** Each item, as DynamoDB JSON ({ attr: { S: '...' }, ... }). */
  *items() {
    for (const text of this.#pages) yield* JSON.parse(text).Items;
  }

  /** Each line, without its "\n". */
  async *[Symbol.asyncIterator]() {
    for (const text of this.#pages) {
      for (const item of JSON.parse(text).Items) yield JSON.stringify({ Item: item });
      await nextTurn();
    }
  }
}
