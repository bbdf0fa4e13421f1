// Live queries: db.live(input, callback) runs a Query (input with
// KeyConditionExpression or KeyConditions) or a Scan (anything else), calls
// back with the response, and runs it again whenever a committed change
// could change the answer (database.js delivers changes through
// db.subscribe). Runs never overlap: changes arriving during a run mark it
// stale, and one more run follows; results reach the callback in order.
//
// Which changes count (the table's and index's key schemas come from one
// DescribeTable when the live query starts):
//   Query on the table or a local index: changes whose partition key equals
//     the query's partition key value;
//   Query on a global index: changes whose old or new image has the index's
//     partition key attribute equal to the query's value;
//   Scan of a (sparse) index: changes whose old or new image has the index's
//     partition key attribute;
//   Scan of the table, or a key condition this file cannot read: every
//     change to the table.
// Numbers compare by value (Number()): a false match only costs an extra
// run, a missed one cannot happen for equal values in different spellings.

import { encodeRequest } from './wire.js';

function resolveName(token, names) {
  return token.startsWith('#') ? names?.[token] : token;
}

// The partition key value the query pins, or undefined if it cannot be read.
function partitionValue(input, keyName) {
  if (input.KeyConditions && typeof input.KeyConditions === 'object') {
    const c = input.KeyConditions[keyName];
    return c?.ComparisonOperator === 'EQ' ? c.AttributeValueList?.[0] : undefined;
  }
  const text = input.KeyConditionExpression;
  if (typeof text !== 'string') return undefined;
  // Every "<path> = :value" and ":value = <path>" comparison of the expression.
  const pattern = /(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)\s*=\s*(#?[A-Za-z0-9_]+)/g;
  for (const m of text.matchAll(pattern)) {
    const [name, placeholder] = m[1] !== undefined ? [m[1], m[2]] : [m[4], m[3]];
    if (resolveName(name, input.ExpressionAttributeNames) === keyName) {
      return input.ExpressionAttributeValues?.[placeholder];
    }
  }
  return undefined;
}

function sameValue(a, b) {
  if (!a || !b) return false;
  if (a.N !== undefined && b.N !== undefined) return a.N === b.N || Number(a.N) === Number(b.N);
  return JSON.stringify(a) === JSON.stringify(b);
}

function hashKeyOf(keySchema) {
  return keySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
}

// (record) -> boolean for the input, given DescribeTable's Table.
function relevance(operation, input, table) {
  const all = () => true;
  let hashKey = hashKeyOf(table.KeySchema);
  let global = false;
  if (input.IndexName !== undefined) {
    const gsi = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === input.IndexName);
    const lsi = table.LocalSecondaryIndexes?.find((i) => i.IndexName === input.IndexName);
    if (!gsi && !lsi) return all;
    global = Boolean(gsi);
    hashKey = hashKeyOf((gsi ?? lsi).KeySchema);
  }
  if (!hashKey) return all;
  const images = (r) => [r.dynamodb?.NewImage, r.dynamodb?.OldImage, r.dynamodb?.Keys].filter(Boolean);
  if (operation === 'Scan') {
    if (!global) return all;
    return (r) => images(r).some((image) => image[hashKey] !== undefined);
  }
  const value = partitionValue(input, hashKey);
  if (value === undefined) return all;
  return (r) => images(r).some((image) => sameValue(image[hashKey], value));
}

/**
 * Starts a live query on db (a DatabaseBase with subscribe). Returns the
 * handle: { stop(), refresh(), ready: Promise<void> (first result
 * delivered or failed), result (the latest) }.
 */
export function startLive(db, input, callback, { onError } = {}) {
  if (input === null || typeof input !== 'object' || typeof input.TableName !== 'string') {
    throw new TypeError('live(input, callback): input is a Query or Scan input with a TableName');
  }
  if (typeof callback !== 'function') throw new TypeError('live(input, callback): callback must be a function');
  const wire = JSON.parse(encodeRequest(input));  // Uint8Array values as base64, as the core sees them
  const operation = wire.KeyConditionExpression !== undefined || wire.KeyConditions !== undefined ? 'Query' : 'Scan';
  const report = onError ?? ((error) => queueMicrotask(() => { throw error; }));
  let relevant = () => true;     // until DescribeTable answered: every change of the table
  let stopped = false;
  let running = null;            // Promise of the run in progress
  let stale = false;             // a relevant change arrived during a run
  const handle = { result: undefined, stop, refresh };

  function run() {
    if (stopped) return Promise.resolve();
    if (running) {
      stale = true;
      return running;
    }
    stale = false;
    running = (async () => {
      try {
        const result = await db.send(operation, input);
        if (stopped) return;
        handle.result = result;
        try {
          callback(result);
        } catch (error) {
          report(error);
        }
      } catch (error) {
        if (!stopped) report(error);
      } finally {
        running = null;
      }
      if (stale && !stopped) await run();
    })();
    return running;
  }

  const unsubscribe = db.subscribe(input.TableName, (records) => {
    if (!stopped && records.some((r) => relevant(r))) run();
  });

  function stop() {
    if (stopped) return;
    stopped = true;
    unsubscribe();
  }

  function refresh() { return run(); }

  handle.ready = (async () => {
    try {
      const described = await db.send('DescribeTable', { TableName: input.TableName });
      relevant = relevance(operation, wire, described.Table);
    } catch {
      // The run below reports the problem (no such table, ...).
    }
    await run();
  })();
  return handle;
}
