// DatabaseBase: the whole public API of a database, written once over one
// abstract transport call, sendJson(operation, requestJson) -> responseJson.
// Database (in-page owner, database.js) and WorkerClient (worker/client.js)
// implement sendJson; send(), table(), requestHandler() and clientConfig()
// live here only.
//
//   await db.send('PutItem', { TableName: 'T', Item: { pk: { S: 'a' } } })  // DynamoDB JSON
//   await db.table('T').get({ pk: 'a' })                                     // plain JS values
//   new DynamoDBClient(db.clientConfig())                                     // AWS SDK v3

import { createRequestHandler } from './aws-sdk/request-handler.js';
import { Table } from './document/table.js';
import { PocketDynamoError, fromWire, isWireError } from './errors.js';
import { encodeRequest, isErrorText } from './wire.js';

export class DatabaseBase {
  #handler = null;

  /**
   * The transport: runs one operation given as wire JSON text and resolves
   * to the response (or error) JSON text. Rejects only for failures of the
   * database itself (closed, ...), never for DynamoDB errors.
   * REQUIRES: implemented by every subclass.
   */
  // eslint-disable-next-line no-unused-vars
  async sendJson(operation, requestJson) {
    throw new PocketDynamoError(`${this.constructor.name} does not implement sendJson`);
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
    const body = JSON.parse(await this.sendJson(operation, encodeRequest(input)));
    if (isWireError(body)) throw fromWire(body);
    return body;
  }

  /** The document API for one table (document/table.js). */
  table(name, options) {
    return new Table(this, name, options);
  }

  /** An AWS SDK v3 request handler answering from this database (aws-sdk/request-handler.js). */
  requestHandler() {
    this.#handler ??= createRequestHandler((op, json) => this.sendJson(op, json), isErrorText);
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
