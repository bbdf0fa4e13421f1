// pocketdynamo: DynamoDB in the browser (and Node), one import.
//
//   import { open } from 'pocketdynamo';
//   const db = await open('shop');                 // browsers: IndexedDB, three replicas
//   const db = await open({ path: './data' });     // Node: three file replicas under ./data
//   await db.send('CreateTable', {...});           // DynamoDB JSON
//   const orders = db.table('Orders');             // document API
//   const client = new DynamoDBClient(db.clientConfig());   // AWS SDK v3
//
// Re-exports only; each module's header says what it holds.

import { Database } from './database.js';

/**
 * Opens a database: open(), open(name), open(options) or open(name, options).
 * See Database.open for the options. In a browser (or worker) the database is
 * kept in IndexedDB (three replicas, '<name>#0..2') unless storage: 'memory';
 * in Node it lives in memory unless a path is given (three file replicas).
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
export { MemoryStore } from './persistence/memory-store.js';
export { StoreError } from './persistence/page-store.js';
