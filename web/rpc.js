// The one protocol between a database and the contexts that reach it from
// elsewhere. Two transports carry it:
//   - a forwarding tab (tabs/forwarding.js): BroadcastChannel to the tab (or
//     worker) that owns the database (storage 'idb');
//   - a WorkerClient (worker/client.js): postMessage to a worker running
//     serveDatabase (worker/serve.js), which holds a Database.
// Both send the same calls with the same arguments, get the same results,
// and carry errors and events in the same form, so a page sees the same
// database through either.
//
// Calls: CALLS[name](db, args) runs on the serving side's Database.
//   call              args                      result
//   sendJson          { operation, json }       { text, failed }: the response or error JSON text (DynamoDB
//                                               errors are results) and whether it is an error
//   scanTable         { tableName }             { pages, failed }: every Scan page's text, in one turn of the
//                                               queue (exportTable); failed: the last page is an error
//   sendJsonSequence  { calls, stopKey }        { texts, failed }: response texts up to the first error
//                                               (importTable); failed: the last text is that error
//   sweepExpired      {}                        { deleted, trimmed }
//   check             {}                        '' or the problem found
//   snapshot          {}                        { pageSize, lsn, pages }
//   replicas          {}                        ReplicaStatus[]
//   verifyReplicas    {}                        ReplicaStatus[]
//   whenHealthy       { timeoutMs }             ReplicaStatus[]
// `failed` is what the core reported beside the text (core/engine.js
// lastFailed), carried to the caller so that no side searches a response
// text for "__type" to tell an error (an item may hold that text).
//
// Events: { name, detail } from the serving side, for db.on(name) ('replica',
// 'commit', 'rollback', 'scan', 'repair', 'error', 'checkpoint') and 'changes' (committed
// changes [{ TableName, Record }], delivered to db.subscribe / db.live).
// Details pass through eventToWire (Errors become wire errors).
//
// Errors: a call that fails rejects on the calling side with the error
// errorFromWire(errorToWire(error)) rebuilds: the same class for DynamoDB
// exceptions (with their fields), DataLossError with its fields, and a
// PocketDynamoError otherwise, carrying the original's data fields
// (quotaExceeded, reason, replicaErrors, ...) and its name as remoteName.
//
// What the transports add: the tabs' channel has hello/owner/closing for
// ownership (tabs/forwarding.js); a worker has open/close and the
// subscriptions it relays (worker/serve.js).

import { DataLossError, DynamoDBError, PocketDynamoError, fromWire, toWire } from './errors.js';

/** The events db.on() offers (Database and WorkerClient alike). */
export const EVENTS = Object.freeze(['replica', 'commit', 'rollback', 'scan', 'repair', 'error', 'role', 'checkpoint']);

/** Each call a transport may carry, run on the serving Database. */
export const CALLS = Object.freeze({
  sendJson: (db, { operation, json }) => db.sendJsonOutcome(operation, json),
  scanTable: (db, { tableName }) => db.scanTableJson(tableName),
  sendJsonSequence: (db, { calls, stopKey }) => db.sendJsonSequence(calls, { stopKey: stopKey ?? undefined }),
  sweepExpired: (db) => db.sweepExpired(),
  check: (db) => db.check(),
  snapshot: (db) => db.snapshot(),
  replicas: (db) => db.replicas(),
  verifyReplicas: (db) => db.verifyReplicas(),
  whenHealthy: (db, { timeoutMs }) => db.whenHealthy(timeoutMs),
});

/** Runs `call` on `db`; rejects with PocketDynamoError for a call that is not in CALLS. */
export async function runCall(db, call, args) {
  if (typeof call !== 'string' || !Object.hasOwn(CALLS, call)) {
    throw new PocketDynamoError(`Unknown call ${JSON.stringify(call)}`);
  }
  return CALLS[call](db, args ?? {});
}

// A field value as it can cross postMessage: Errors as wire errors, values
// structured clone cannot copy (functions, class instances holding them,
// ...) left out (undefined).
function cloneable(value) {
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Error) return errorToWire(value);
  if (value === null || typeof value !== 'object') return value;
  try {
    structuredClone(value);
    return value;
  } catch {
    return undefined;
  }
}

/**
 * An Error as plain data: { name, message, kind, fields } where kind is
 * 'dynamodb' (fields: the wire body, errors.js toWire), 'dataLoss' or
 * 'error', and fields holds the error's own data properties.
 */
export function errorToWire(error) {
  if (error instanceof DynamoDBError) {
    return { name: error.name, message: error.message, kind: 'dynamodb', fields: toWire(error) };
  }
  const fields = {};
  if (error !== null && typeof error === 'object') {
    for (const key of Object.keys(error)) {
      if (key === 'cause') continue;
      const v = cloneable(error[key]);
      if (v !== undefined) fields[key] = v;
    }
  }
  return {
    name: String(error?.name ?? 'Error'),
    message: String(error?.message ?? error),
    kind: error instanceof DataLossError ? 'dataLoss' : 'error',
    fields,
  };
}

/** The Error for a wire error (errorToWire), raised on the calling side. */
export function errorFromWire(wire) {
  const fields = wire?.fields && typeof wire.fields === 'object' ? wire.fields : {};
  if (wire?.kind === 'dynamodb' && typeof fields.__type === 'string') return fromWire(fields);
  if (wire?.kind === 'dataLoss') return new DataLossError(String(wire.message), fields);
  const error = new PocketDynamoError(String(wire?.message ?? 'Unknown error'));
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: true });
  }
  const name = String(wire?.name ?? 'Error');
  if (name !== 'PocketDynamoError') error.remoteName = name;
  return error;
}

/** An event's detail as it crosses (its `error`, if an Error, becomes a wire error). */
export function eventToWire(detail) {
  if (detail?.error instanceof Error) return { ...detail, error: errorToWire(detail.error) };
  return detail;
}

/** The detail of an event from the wire (wire errors in it become Errors again). */
export function eventFromWire(detail) {
  if (detail !== null && typeof detail === 'object' && !Array.isArray(detail) && isWireErrorObject(detail.error)) {
    return { ...detail, error: errorFromWire(detail.error) };
  }
  return detail;
}

function isWireErrorObject(value) {
  return value !== null && typeof value === 'object' && typeof value.kind === 'string' &&
      typeof value.message === 'string' && 'fields' in value;
}

/**
 * Open options as they can cross to a worker: throws PocketDynamoError
 * naming any option that cannot (a function, such as clock, or PageStore
 * objects), with where to give it instead.
 */
export function cloneableOpenOptions(options) {
  const out = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    if (typeof value === 'function' || (key === 'stores' && value !== null)) {
      throw new PocketDynamoError(`WorkerClient.open(): option "${key}" cannot be sent to a worker ` +
          `(${typeof value === 'function' ? 'a function' : 'objects with methods'} do not cross postMessage); ` +
          `give it to serveDatabase({ options: { ${key} } }) in the worker instead`);
    }
    out[key] = value instanceof URL ? value.href : value;
  }
  return out;
}
