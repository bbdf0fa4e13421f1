// Table import: items from DynamoDB JSON lines (DynamoDB's export to S3:
// {"Item": {...}} per line) or from `aws dynamodb scan --output json` output
// ({"Items": [...], "Count": ..., ...}, several pages may follow each other)
// are written into a table, in batches that each land whole or not at all.
//
//   const result = await db.importTable('Orders', source, {
//     createTable: { KeySchema, AttributeDefinitions },   // create it first (else it must exist)
//     onProgress: ({ items, bytes, batches }) => ...,      // after every durable group of batches
//   });
//   // result: { tableName, items, batches, bytes, created }
//
// Sources: see source.js (string, Blob, ReadableStream, bytes, async
// iterables of strings or bytes such as Node streams; gzip is undone).
//
// Batches: the items, in source order, are cut into batches of at most 25
// items (DynamoDB's BatchWriteItem limit) and 8 MiB of JSON; a batch is also
// cut before an item whose key is already in it, so a key that appears twice
// ends as its later line, as a run of PutItems would leave it. Each batch is
// one BatchWriteItem, which the core applies as one unit (all of its puts or
// none: api/ops/batch_write_item.cc). Up to 40 batches (1,000 items, at most
// 16 MiB) go to the database in one call (db.sendJsonSequence), which runs
// them in order in one turn of the operation queue, stops at the first one
// refused, and resolves once they are durable; then onProgress is called.
// The next group is read and sent while one commits (two in flight); the
// groups carry a stop key, and the database skips every group of an import
// after one of its batches was refused, so nothing after it is written.
// Operations of other callers may run between two groups.
//
// Failure: at the first bad item (not JSON, not an item the table accepts,
// bad UTF-8, a broken envelope) the import stops and rejects with the error
// class the core gave (ValidationException for anything malformed) and a
// message naming the line, e.g.
//   Import into table "T" stopped at line 1007: One or more parameter values were invalid: ...
//   The 1000 items before line 1001 (40 batches) were written and stay; nothing from line 1001 on was written.
// with error.line, error.itemsWritten, error.batchesWritten. Every batch
// before the one holding the bad line is written (and durable); that batch
// and everything after it are not. A failure of the database itself (closed,
// a commit that reached too few replicas) rejects as it does for any write;
// the items of the groups already acknowledged stay.
//
// The table: without options.createTable it must exist (else
// ResourceNotFoundException, nothing written). With it, the table is created
// first, as DynamoDB's ImportTable does from TableCreationParameters
// (CreateTable's input without TableName; BillingMode defaults to
// PAY_PER_REQUEST), and an existing table makes CreateTable's
// ResourceInUseException; a table created by an import that then fails
// stays, with the batches written.

import { PocketDynamoError, errorClasses, fromWire, ValidationException } from '../errors.js';
import { RecordError, RecordReader } from './records.js';
import { SourceError, textChunks } from './source.js';

const BATCH_ITEMS = 25;                 // BatchWriteItem's limit
const BATCH_CHARS = 8 * 1024 * 1024;    // JSON text per batch (BatchWriteItem requests are at most 16 MB)
const GROUP_BATCHES = 40;               // batches per sendJsonSequence call
const GROUP_CHARS = 16 * 1024 * 1024;   // JSON text per call
const IN_FLIGHT = 2;                    // groups sent and not yet durable
const OPTIONS = ['createTable', 'onProgress'];

function randomKey() {
  return `import-${globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`}`;
}

/** Canonical text of a DynamoDB number, so that 1, 1.0 and 10e-1 name the same key. */
export function canonicalNumber(text) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return text;
  const fraction = m[3] ?? '';
  let digits = (m[2] + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  let exponent = Number(m[4] ?? 0) - fraction.length;
  const significant = digits.replace(/0+$/, '');
  exponent += digits.length - significant.length;
  digits = significant;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}

// The identity of an item's primary key, or null when the item has no usable
// key (the core then refuses the batch and says why).
function keyIdentity(item, keyNames) {
  const parts = [];
  for (const name of keyNames) {
    const value = Object.hasOwn(item, name) ? item[name] : undefined;
    if (value === null || typeof value !== 'object') return null;
    const types = Object.keys(value);
    if (types.length !== 1 || typeof value[types[0]] !== 'string') return null;
    const type = types[0];
    parts.push(type, type === 'N' ? canonicalNumber(value.N) : value[type]);
  }
  return JSON.stringify(parts);
}

function checkOptions(options) {
  if (options === null || typeof options !== 'object') throw new TypeError('importTable(name, source, options): options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`importTable: unknown option ${JSON.stringify(key)} (known: ${OPTIONS.join(', ')})`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new TypeError('importTable: onProgress must be a function');
  }
  const create = options.createTable;
  if (create !== undefined && (create === null || typeof create !== 'object' || Array.isArray(create))) {
    throw new TypeError('importTable: createTable must be CreateTable\'s input without TableName ({ KeySchema, AttributeDefinitions, ... })');
  }
}

// Creates the table if asked; resolves to its key attribute names.
async function prepareTable(db, name, create) {
  if (create !== undefined) {
    if (create.TableName !== undefined && create.TableName !== name) {
      throw new TypeError(`importTable: createTable.TableName "${create.TableName}" is not the table imported into ("${name}")`);
    }
    const billing = create.BillingMode === undefined && create.ProvisionedThroughput === undefined
      ? { BillingMode: 'PAY_PER_REQUEST' } : {};
    await db.send('CreateTable', { ...billing, ...create, TableName: name });
  }
  let description;
  try {
    description = (await db.send('DescribeTable', { TableName: name })).Table;
  } catch (error) {
    if (error.name === 'ResourceNotFoundException') {
      throw new errorClasses.ResourceNotFoundException(`${error.message} (importTable writes into an existing table; ` +
          'give options.createTable ({ KeySchema, AttributeDefinitions, ... }) to create it)', { cause: error });
    }
    throw error;
  }
  return description.KeySchema.map((k) => k.AttributeName);
}

function putRequestsJson(name, records) {
  let out = `{"RequestItems":{${JSON.stringify(name)}:[`;
  for (let i = 0; i < records.length; i++) out += `${i ? ',' : ''}{"PutRequest":{"Item":${records[i].text}}}`;
  return `${out}]}}`;
}

class Import {
  #db;
  #name;
  #keyNames;
  #onProgress;
  #batch = { records: [], keys: new Set(), chars: 0 };  // the batch being filled
  #group = [];           // complete batches not sent yet
  #groupChars = 0;
  #inflight = [];        // groups sent, oldest first: { group, pending: Promise<response texts> }
  #stopKey = randomKey();  // names this import's groups to the database (sendJsonSequence)
  #reported = null;      // what onProgress was last given
  items = 0;             // items written (durable)
  batches = 0;           // batches written (durable)
  bytes = 0;             // bytes of the source read

  constructor(db, name, keyNames, onProgress) {
    this.#db = db;
    this.#name = name;
    this.#keyNames = keyNames;
    this.#onProgress = onProgress;
  }

  /** Adds one record ({ line, text }); sends a group when one is full. */
  async add(record) {
    let item;
    try {
      item = JSON.parse(record.text);
    } catch (error) {
      await this.#fail(record.line, `the item is not JSON (${error.message})`);
    }
    const key = keyIdentity(item, this.#keyNames);
    const batch = this.#batch;
    if (batch.records.length > 0 && ((key !== null && batch.keys.has(key)) || batch.chars + record.text.length > BATCH_CHARS)) {
      this.#closeBatch();
    }
    this.#batch.records.push(record);
    if (key !== null) this.#batch.keys.add(key);
    this.#batch.chars += record.text.length;
    if (this.#batch.records.length === BATCH_ITEMS) this.#closeBatch();
    if (this.#group.length >= GROUP_BATCHES || this.#groupChars >= GROUP_CHARS) await this.#sendGroup();
  }

  /** The source ended: writes what is left. */
  async finish() {
    if (this.#batch.records.length > 0) this.#closeBatch();
    await this.#sendGroup();
    await this.#drain();
  }

  #closeBatch() {
    this.#group.push(this.#batch);
    this.#groupChars += this.#batch.chars;
    this.#batch = { records: [], keys: new Set(), chars: 0 };
  }

  // Sends the complete batches as one group. While it runs and commits, the next group is read
  // and sent (at most IN_FLIGHT groups at once); the stop key makes the database skip a group
  // sent after one that was refused, so nothing after a refused batch is ever written.
  async #sendGroup() {
    const group = this.#group;
    if (group.length === 0) return;
    this.#group = [];
    this.#groupChars = 0;
    const calls = group.map((b) => ({ operation: 'BatchWriteItem', json: putRequestsJson(this.#name, b.records) }));
    const pending = this.#db.sendJsonSequence(calls, { stopKey: this.#stopKey });
    pending.catch(() => {});  // awaited in order by #settleOldest; this only keeps an abandoned one quiet
    this.#inflight.push({ group, pending });
    if (this.#inflight.length >= IN_FLIGHT) await this.#settleOldest();
  }

  async #drain() {
    while (this.#inflight.length > 0) await this.#settleOldest();
  }

  // Waits for the oldest group sent: counts what it wrote, or stops at its refused batch.
  async #settleOldest() {
    const { group, pending } = this.#inflight.shift();
    let texts;
    let failed;
    try {
      ({ texts, failed } = await pending);
    } catch (error) {
      // The database failed (closed, a commit that reached too few replicas): what was
      // acknowledged before stays, this group and those after it are undone.
      this.progress();
      if (error && typeof error === 'object') {
        Object.assign(error, { tableName: this.#name, itemsWritten: this.items, batchesWritten: this.batches });
      }
      throw error;
    }
    for (let i = 0; i < texts.length; i++) {
      if (failed && i === texts.length - 1) {  // the sequence stops at its error
        this.#count(group.slice(0, i));
        await this.#refused(group[i], fromWire(JSON.parse(texts[i])));
      }
      if (!texts[i].startsWith('{"UnprocessedItems":{}')) {
        const unprocessed = JSON.parse(texts[i]).UnprocessedItems;
        if (Object.keys(unprocessed ?? {}).length > 0) {
          this.#count(group.slice(0, i));
          await this.#stop(group[i].records[0].line, errorClasses.InternalServerError,
              'the database left some of this batch unprocessed');
        }
      }
    }
    if (texts.length !== group.length) {
      // Only a group sent after a refused one is skipped, and that refusal stopped the import first.
      throw new PocketDynamoError(`importTable: the database ran ${texts.length} of ${group.length} batches without an error`);
    }
    this.#count(group);
    this.progress();
  }

  #count(batches) {
    for (const b of batches) {
      this.items += b.records.length;
      this.batches++;
    }
  }

  /** Calls onProgress unless nothing changed since the last call. */
  progress() {
    const now = { items: this.items, bytes: this.bytes, batches: this.batches };
    const last = this.#reported;
    if (last !== null && last.items === now.items && last.bytes === now.bytes && last.batches === now.batches) return;
    this.#reported = now;
    this.#onProgress?.({ ...now });
  }

  // A batch the core refused: find its first item the table does not accept (PutItem with a
  // condition that is never true: it checks the item like any PutItem, and writes nothing).
  async #refused(batch, batchError) {
    for (const record of batch.records) {
      const probe = `{"TableName":${JSON.stringify(this.#name)},"Item":${record.text},` +
          '"ConditionExpression":"attribute_exists(#k) AND attribute_not_exists(#k)",' +
          `"ExpressionAttributeNames":{"#k":${JSON.stringify(this.#keyNames[0])}}}`;
      const { text, failed } = await this.#db.sendJsonOutcome('PutItem', probe);
      if (!failed) continue;  // cannot happen: the condition is never true
      const error = fromWire(JSON.parse(text));
      if (error.name !== 'ConditionalCheckFailedException') {
        await this.#stop(record.line, errorClasses[error.name] ?? ValidationException, error.message, error, batch);
      }
    }
    // No single item is refused: the batch as a whole was (its table went away, say).
    const first = batch.records[0].line;
    const last = batch.records[batch.records.length - 1].line;
    await this.#stop(first, errorClasses[batchError.name] ?? ValidationException,
        `the batch of lines ${first} to ${last} was refused: ${batchError.message}`, batchError, batch);
  }

  /** A bad line found before anything of its batch was sent: writes the complete batches before it, then stops. */
  async #fail(line, reason) {
    const pending = this.#batch;
    this.#batch = { records: [], keys: new Set(), chars: 0 };
    await this.#sendGroup();
    await this.#drain();
    await this.#stop(line, ValidationException, reason, undefined, pending);
  }

  /** Stops for a source problem at `line` (bad UTF-8, broken envelope). */
  failSource(line, reason) {
    return this.#fail(line, reason);
  }

  // Throws the import's error. `batch`: the unwritten batch holding the line, if any.
  async #stop(line, cls, reason, cause, batch) {
    this.progress();  // what was written before the stop, if not reported yet
    const from = batch?.records.length ? Math.min(batch.records[0].line, line) : line;
    const written = this.items === 0
      ? `Nothing was written (the batch of up to ${BATCH_ITEMS} items holding that line is written whole or not at all).`
      : `The ${this.items} items before line ${from} (${this.batches} ${this.batches === 1 ? 'batch' : 'batches'}) ` +
        `were written and stay; nothing from line ${from} on was written.`;
    const error = new cls(`Import into table "${this.#name}" stopped at line ${line}: ${reason}. ${written}`,
      cause ? { cause } : undefined);
    Object.assign(error, { tableName: this.#name, line, itemsWritten: this.items, batchesWritten: this.batches });
    throw error;
  }
}

/** db.importTable (database-base.js): see the header. */
export async function importTable(db, name, source, options = {}) {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('importTable(name, source): name is a table name');
  if (source === undefined || source === null) throw new TypeError('importTable(name, source): source is missing');
  checkOptions(options);
  const created = options.createTable !== undefined;
  const keyNames = await prepareTable(db, name, options.createTable);
  const job = new Import(db, name, keyNames, options.onProgress);
  const reader = new RecordReader();
  try {
    for await (const { text, bytes } of textChunks(source)) {
      job.bytes += bytes;
      for (const record of reader.push(text)) await job.add(record);
    }
    for (const record of reader.end()) await job.add(record);
  } catch (error) {
    if (error instanceof RecordError) await job.failSource(error.line, error.reason);
    if (error instanceof SourceError) await job.failSource(reader.line, error.message);
    throw error;
  }
  await job.finish();
  job.progress();
  return { tableName: name, items: job.items, batches: job.batches, bytes: job.bytes, created };
}
