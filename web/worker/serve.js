// serveDatabase: the worker side. Call it once at the top of a module worker;
// it opens a Database in the worker when the WorkerClient asks, and answers
// its calls in order (the Database's queue keeps them ordered).
//
//   // my-worker.js, started with new Worker(url, { type: 'module' })
//   import { serveDatabase } from 'pocketdynamo/worker';
//   serveDatabase();
//
// dist/worker/worker.js in the package is exactly that, ready to start.
// A DataLossError (open found the data discarded) reaches the client as one.

import { Database } from '../database.js';
import { DataLossError } from '../errors.js';
import { TAG } from './protocol.js';

/** Answers WorkerClient calls on `scope` (default: the worker's global scope). */
export function serveDatabase(scope = globalThis) {
  let db = null;
  const calls = {
    async open(message) {
      if (db !== null) throw new Error('This worker already serves a database');
      db = await Database.open(message.options ?? {});
      return { name: db.name, storage: db.storage, persistent: db.persistent };
    },
    sendJson(message) { return db.sendJson(message.operation, message.json); },
    scanTable(message) { return db.scanTableJson(message.tableName); },
    sendJsonSequence(message) { return db.sendJsonSequence(message.calls, { stopKey: message.stopKey ?? undefined }); },
    snapshot() { return db.snapshot(); },
    check() { return db.check(); },
    async close() {
      if (db !== null) await db.close();
    },
  };
  scope.addEventListener('message', async (event) => {
    const message = event.data;
    if (message === null || typeof message !== 'object' || message.tag !== TAG) return;
    const { id, call } = message;
    try {
      if (!Object.hasOwn(calls, call)) throw new Error(`Unknown call ${String(call)}`);
      if (call !== 'open' && db === null) throw new Error('No database is open in this worker');
      const result = await calls[call](message);
      scope.postMessage({ tag: TAG, id, result });
    } catch (error) {
      scope.postMessage({
        tag: TAG, id, error: { name: error?.name ?? 'Error', message: error?.message ?? String(error),
          ...(error instanceof DataLossError ? { details: {
            database: error.database, lastLsn: error.lastLsn, markedAt: error.markedAt,
            dataLoss: error.dataLoss, dataLossMessage: error.dataLossMessage,
          } } : {}) },
      });
    }
  });
}
