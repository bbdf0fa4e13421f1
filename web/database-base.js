// DatabaseBase: the whole public API of a database, written once over three
// abstract transport calls: sendJsonOutcome(operation, requestJson) ->
// { text, failed } (the response or error JSON text, and whether the core
// said it is an error), scanTableJson and sendJsonSequence. Database (in-page
// owner, database.js) and WorkerClient (worker/client.js) implement them;
// sendJson(), send(), table(), requestHandler(), clientConfig(),
// exportTable() and importTable() live here only. No part of it searches a
// response text to tell an error: the transports carry `failed` (rpc.js).
//
//   await db.send('PutItem', { TableName: 'T', Item: { pk: { S: 'a' } } })  // DynamoDB JSON
//   await db.table('T').get({ pk: 'a' })                                     // plain JS values
//   new DynamoDBClient(db.clientConfig())                                     // AWS SDK v3
//   (await db.exportTable('T')).stream()                                      // DynamoDB JSON lines
//   await db.importTable('T', source)                                         // ... and back

import { createRequestHandler } from './aws-sdk/request-handler.js';
import { Table } from './document/table.js';
import { convertToAttr, unmarshall } from './document/marshall.js';
import { startLive } from './live.js';
import { PocketDynamoError, fromWire } from './errors.js';
import { TableExport } from './transfer/export.js';
import { encodeRequest } from './wire.js';

/** Adds a stopped sequence key (sendJsonSequence), keeping the most recent 1,000. */
export function rememberStopped(set, key) {
  set.add(key);
  if (set.size > 1000) set.delete(set.values().next().value);
}

export class DatabaseBase {
  #handler = null;
  #stoppedSequences = new Set();  // stop keys of sequences that hit an error (default sendJsonSequence)

  /**
   * The transport: runs one operation given as wire JSON text and resolves
   * to { text, failed }: the response (or error) JSON text, and whether it
   * is a DynamoDB error (as the core reported it beside the text). Rejects
   * only for failures of the database itself (closed, ...), never for
   * DynamoDB errors.
   * REQUIRES: implemented by every subclass.
   */
  async sendJsonOutcome(operation, requestJson) {
    throw new PocketDynamoError(`${this.constructor.name} does not implement sendJsonOutcome`);
  }

  /**
   * Runs one operation given as wire JSON text; resolves to the response or
   * error JSON text (sendJsonOutcome's text).
   */
  async sendJson(operation, requestJson) {
    return (await this.sendJsonOutcome(operation, requestJson)).text;
  }

  /**
   * The transport for exports: every page of a full Scan of the table, as
   * response JSON texts, read in one turn of the operation queue so that no
   * write lands between them; resolves once what they show is durable, to
   * { pages, failed }. On an error (failed) the last text is the error JSON
   * (the first, for a table that does not exist).
   * REQUIRES: implemented by every subclass.
   */
  async scanTableJson(tableName) {
    throw new PocketDynamoError(`${this.constructor.name} does not implement scanTableJson`);
  }

  /**
   * The transport for imports: runs the calls ([{ operation, json }]) in
   * order, stops after the first one whose response is an error, and
   * resolves to { texts, failed }, the response texts of those that ran
   * (failed: the last is an error), once they are durable. options.stopKey (a string) ties sequences together: once one
   * sequence with that key stopped at an error, later ones with the key run
   * nothing (texts []). This default sends the calls one by one;
   * Database and WorkerClient run them in one turn of the queue (one commit
   * for all).
   */
  async sendJsonSequence(calls, options = {}) {
    const key = options.stopKey ?? null;
    const texts = [];
    if (key !== null && this.#stoppedSequences.has(key)) return { texts, failed: false };
    for (const { operation, json } of calls) {
      const { text, failed } = await this.sendJsonOutcome(operation, json);
      texts.push(text);
      if (failed) {
        if (key !== null) rememberStopped(this.#stoppedSequences, key);
        return { texts, failed };
      }
    }
    return { texts, failed: false };
  }

  /**
   * Runs one DynamoDB operation: input and output are DynamoDB JSON as
   * objects (binary values may be given as Uint8Array; they come back as
   * base64 strings, as on the wire). Rejects with the DynamoDB error class
   * named by the response (errors.js).
   */
  async send(operation, input = {}) {
    if (typeof operation !== 'string' || operation.length === 0) {
      throw new TypeError('send(operation, input): operation is a DynamoDB operation name such as "PutItem"');
    }
    const { text, failed } = await this.sendJsonOutcome(operation, encodeRequest(input));
    const body = JSON.parse(text);
    if (failed) throw fromWire(body);
    return body;
  }

  /**
   * The table as DynamoDB JSON lines ({"Item": {...}} per line, DynamoDB's
   * export format), as of one moment: resolves to a TableExport
   * (transfer/export.js: stream(), blob(), text(), items(), async iteration
   * over lines). Rejects with ResourceNotFoundException when there is no
   * such table.
   */
  async exportTable(name, options) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('exportTable(name): name is a table name');
    if (options !== undefined) {
      throw new TypeError('exportTable(name) takes no options: the format is chosen when reading, e.g. ' +
          'exp.stream({ gzip: true }) or exp.blob({ gzip: true })');
    }
    const { pages, failed } = await this.scanTableJson(name);
    const last = pages[pages.length - 1];
    if (last === undefined) throw new PocketDynamoError(`exportTable: the transport returned no Scan page for "${name}"`);
    if (failed) throw fromWire(JSON.parse(last));
    return new TableExport(name, pages);
  }

  /**
   * Writes the items of `source` (DynamoDB JSON lines, or the JSON of
   * `aws dynamodb scan`) into table `name`, in atomic batches
   * (transfer/import.js). options: createTable, onProgress. Resolves to
   * { tableName, items, batches, bytes, created }.
   */
  importTable(name, source, options = {}) {
    // Loaded on first use, as db.sync's module is (package-size.mjs).
    return import('./transfer/import.js').then(({ importTable }) => importTable(this, name, source, options));
  }

  /**
   * Calls fn(records) with the committed changes of table `tableName`
   * (stream record shape, database.js); returns the unsubscribe function.
   * Implemented by Database; other transports say they lack it.
   */
  subscribe(tableName, fn) {
    throw new PocketDynamoError(`${this.constructor.name} does not deliver changes: subscribe() and live() ` +
        'work on a Database from open() (in this page or tab), not through this transport');
  }

  /**
   * Syncs a table with a remote DynamoDB table (docs/sync.md). Implemented
   * by Database, in the context that owns the database.
   */
  async sync(options) {
    throw new PocketDynamoError(`${this.constructor.name} cannot run db.sync(): the sync runs on a Database from ` +
        'open() in the context that owns it (the AWS SDK client it needs cannot cross to a worker)');
  }

  /**
   * A live Query or Scan (live.js): calls callback(response) now and after
   * every committed change that could change the response. Returns
   * { stop(), refresh(), ready, result }.
   */
  live(input, callback, options) {
    return startLive(this, input, callback, options);
  }

  /**
   * One PartiQL statement (ExecuteStatement) with native values: `parameters`
   * are marshalled as the document API does (one per `?`), the items come
   * back unmarshalled. options: limit, nextToken, consistentRead,
   * marshallOptions, unmarshallOptions. Resolves to { items, nextToken }
   * (nextToken undefined on the last page).
   */
  async executeStatement(statement, parameters = [], options = {}) {
    if (typeof statement !== 'string') throw new TypeError('executeStatement(statement, parameters): statement is a PartiQL string');
    if (!Array.isArray(parameters)) throw new TypeError('executeStatement(statement, parameters): parameters is an array');
    const input = { Statement: statement };
    if (parameters.length) input.Parameters = parameters.map((v) => convertToAttr(v, options.marshallOptions));
    if (options.limit !== undefined) input.Limit = options.limit;
    if (options.nextToken !== undefined) input.NextToken = options.nextToken;
    if (options.consistentRead) input.ConsistentRead = true;
    const out = await this.send('ExecuteStatement', input);
    return { items: out.Items.map((item) => unmarshall(item, options.unmarshallOptions)), nextToken: out.NextToken };
  }

  /** The document API for one table (document/table.js). */
  table(name, options) {
    return new Table(this, name, options);
  }

  /** An AWS SDK v3 request handler answering from this database (aws-sdk/request-handler.js). */
  requestHandler() {
    this.#handler ??= createRequestHandler((op, json) => this.sendJsonOutcome(op, json));
    return this.#handler;
  }

  /**
   * A DynamoDBClient / DynamoDBDocumentClient configuration using this
   * database: region, placeholder credentials (requests are not signed for
   * anyone), and requestHandler(). Fields in `overrides` win.
   */
  clientConfig(overrides = {}) {
    return {
      region: 'local',
      credentials: { accessKeyId: 'pocketdynamo', secretAccessKey: 'pocketdynamo' },
      maxAttempts: 1,
      requestHandler: this.requestHandler(),
      ...overrides,
    };
  }
}
