// serveDatabase: the worker side. Call it once at the top of a module worker;
// it opens a Database in the worker when the WorkerClient asks, and answers
// its calls in order (the Database's queue keeps them ordered). Messages:
// protocol.js; calls, errors and events: web/rpc.js.
//
//   // my-worker.js, started with new Worker(url, { type: 'module' })
//   import { serveDatabase } from 'pocketdynamo/worker';
//   serveDatabase();
//   // or, with open() options that cannot cross postMessage (functions, stores):
//   serveDatabase(self, { options: { clock: () => Date.now() + skew } });
//
// dist/worker/worker.js in the package is exactly the first form.

import { Database } from '../database.js';
import { CALLS, EVENTS, errorToWire, eventToWire } from '../rpc.js';
import { TAG } from './protocol.js';

function info(db) {
  return {
    name: db.name, storage: db.storage, persistent: db.persistent, persisted: db.persisted,
    role: db.role, recovery: eventToWire(db.recovery),
  };
}

/**
 * Answers WorkerClient calls on `scope` (default: the worker's global scope).
 * settings.options: open() options for the database, under those the client
 * sends (the client's win); the place for a clock or PageStores.
 */
export function serveDatabase(scope = globalThis, { options: serverOptions = {} } = {}) {
  let db = null;
  const listening = new Map();      // event name -> unsubscribe
  const subscribed = new Map();     // table name -> unsubscribe
  const post = (message) => scope.postMessage({ tag: TAG, ...message });
  const stopRelays = () => {
    for (const off of [...listening.values(), ...subscribed.values()]) off();
    listening.clear();
    subscribed.clear();
  };
  const own = {
    async open({ options }) {
      if (db !== null) throw new Error('This worker already serves a database');
      db = await Database.open({ ...serverOptions, ...options });
      db.on('role', () => post({ type: 'state', info: info(db) }));
      return info(db);
    },
    async close() {
      stopRelays();
      if (db !== null) await db.close();
    },
    listen({ name, on }) {
      if (!EVENTS.includes(name)) throw new TypeError(`Unknown event ${JSON.stringify(name)}; events: ${EVENTS.join(', ')}`);
      if (on && !listening.has(name)) {
        listening.set(name, db.on(name, (detail) => post({ type: 'event', name, detail: eventToWire(detail) })));
      } else if (!on) {
        listening.get(name)?.();
        listening.delete(name);
      }
    },
    subscribe({ tableName, on }) {
      if (on && !subscribed.has(tableName)) {
        subscribed.set(tableName, db.subscribe(tableName, (records) => post({
          type: 'event', name: 'changes', detail: records.map((Record) => ({ TableName: tableName, Record })),
        })));
      } else if (!on) {
        subscribed.get(tableName)?.();
        subscribed.delete(tableName);
      }
    },
  };
  scope.addEventListener('message', async (event) => {
    const message = event.data;
    if (message === null || typeof message !== 'object' || message.tag !== TAG || message.type !== 'request') return;
    const { id, call, args = {} } = message;
    try {
      let result;
      if (typeof call === 'string' && Object.hasOwn(own, call)) {
        if (call !== 'open' && call !== 'close' && db === null) throw new Error('No database is open in this worker');
        result = await own[call](args);
      } else if (typeof call === 'string' && Object.hasOwn(CALLS, call)) {
        if (db === null) throw new Error('No database is open in this worker');
        result = await CALLS[call](db, args);
      } else {
        throw new Error(`Unknown call ${JSON.stringify(call)}`);
      }
      post({ type: 'reply', id, result });
    } catch (error) {
      post({ type: 'reply', id, error: errorToWire(error) });
    }
  });
}
