// pocketdynamo: DynamoDB in the browser (and Node), one import.
//
//   import { open } from 'pocketdynamo';
//   const db = await open('shop');                 // storage 'memory' in this version
//   await db.send('CreateTable', {...});           // DynamoDB JSON
//   const orders = db.table('Orders');             // document API
//   const client = new DynamoDBClient(db.clientConfig());   // AWS SDK v3
//
// Re-exports only; each module's header says what it holds.

import { Database } from './database.js';

/**
 * Opens a database: open(), open(name), open(options) or open(name, options).
 * See Database.open for the options. In this version every database lives in
 * memory (db.persistent === false).
 */
export function open(nameOrOptions, options) {
  if (typeof nameOrOptions === 'string') return Database.open({ ...options, name: nameOrOptions });
  return Database.open({ ...nameOrOptions });
}

export { Database } from './database.js';
export { DatabaseBase } from './database-base.js';
export { Table } from './document/table.js';
export { NumberValue, marshall, unmarshall, convertToAttr, convertToNative } from './document/marshall.js';
export * from './errors.js';
