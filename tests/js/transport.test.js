// The one transport protocol (web/rpc.js) as both transports carry it: a
// WorkerClient talking to serveDatabase over a MessageChannel (in this
// thread: the worker's side is the same code as in a Web Worker), and the
// tabs' ForwardingClient talking to a ForwardingServer over a
// BroadcastChannel. Every call of rpc.js CALLS through both, errors with
// their fields (storage quota: quotaExceeded, reason, replicaErrors), change
// subscriptions, live queries, events and the clock through the worker, and
// the core's ok/error flag (`failed`) carried beside every response text, so
// that an item holding "__type" is never taken for an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  open, DatabaseBase, MemoryStore, PocketDynamoError, DataLossError, TransactionCanceledException, DynamoDBError,
} from 'pocketdynamo';
import { WorkerClient, serveDatabase } from 'pocketdynamo/worker';
import { CALLS, runCall, errorToWire, errorFromWire } from '../../dist/rpc.js';
import { ForwardingClient, ForwardingServer } from '../../dist/tabs/forwarding.js';
import { lockName } from '../../dist/tabs/owner-lock.js';
import { tableSpec } from './support/db.js';

const cross = (value) => structuredClone(value);   // what postMessage / BroadcastChannel do to it

// A WorkerClient on a database served in this thread; options: serveDatabase's.
async function workerDb(name, clientOptions = {}, serveOptions = {}) {
  const { port1, port2 } = new MessageChannel();
  serveDatabase(port1, serveOptions);
  port1.start();
  const db = await WorkerClient.open(port2, name, clientOptions);
  const done = async () => {
    if (!db.closed) await db.close();
    port1.close();
    port2.close();
  };
  return { db, done };
}

// Waits until check() holds, polling between macrotasks (no time limit of its own: the test's).
async function until(check) {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

test('errorToWire / errorFromWire: DynamoDB classes, DataLossError, storage fields, other errors', () => {
  const reasons = [{ Code: 'ConditionalCheckFailed', Item: { a: { M: { b: { L: [{ N: '1' }] } } } } }, { Code: 'None' }];
  const ddb = errorFromWire(cross(errorToWire(new TransactionCanceledException('cancelled', {}))));
  assert.ok(ddb instanceof TransactionCanceledException && ddb instanceof DynamoDBError);
  const withFields = new TransactionCanceledException('Transaction cancelled');
  withFields.CancellationReasons = reasons;
  const back = errorFromWire(cross(errorToWire(withFields)));
  assert.ok(back instanceof TransactionCanceledException);
  assert.equal(back.name, 'TransactionCanceledException');
  assert.equal(back.message, 'Transaction cancelled');
  assert.equal(back.__type, withFields.__type);
  assert.deepEqual(back.CancellationReasons, reasons);

  const quota = new PocketDynamoError('Storage quota exceeded: the write was not saved');
  Object.assign(quota, { reason: 'quota', quotaExceeded: true, replicaErrors: [{ index: 0, kind: 'quota', message: 'full' }],
    callback: () => {}, cause: new Error('inner') });
  const q = errorFromWire(cross(errorToWire(quota)));
  assert.ok(q instanceof PocketDynamoError);
  assert.equal(q.name, 'PocketDynamoError');
  assert.equal(q.message, quota.message);
  assert.equal(q.reason, 'quota');
  assert.equal(q.quotaExceeded, true);
  assert.deepEqual(q.replicaErrors, quota.replicaErrors);
  assert.equal(q.callback, undefined, 'a function field does not cross');
  assert.equal(q.remoteName, undefined);

  const loss = new DataLossError('gone', { database: 'shop', lastLsn: 7, markedAt: 'then', dataLoss: 'total', dataLossMessage: 'x' });
  const l = errorFromWire(cross(errorToWire(loss)));
  assert.ok(l instanceof DataLossError);
  assert.deepEqual({ ...l }, { ...loss });
  assert.equal(l.message, 'gone');

  const other = errorFromWire(cross(errorToWire(new TypeError('bad argument'))));
  assert.ok(other instanceof PocketDynamoError);
  assert.equal(other.remoteName, 'TypeError');
  assert.equal(other.message, 'bad argument');
});

// Three memory replicas that refuse to hold more than `bytes` of pages, as a full disk would.
function fullStores(bytes) {
  return [0, 1, 2].map((i) => {
    const store = new MemoryStore({ label: `quota #${i}` });
    store.faults.quotaBytes = bytes;
    return store;
  });
}

// Puts items of 20 KB until one is refused; resolves to { error, written }.
async function fillUp(db) {
  await db.send('CreateTable', tableSpec('Full'));
  const filler = 'x'.repeat(20_000);
  for (let i = 0; i < 1000; i++) {
    try {
      await db.send('PutItem', { TableName: 'Full', Item: { pk: { S: `k${i}` }, v: { S: filler } } });
    } catch (error) {
      return { error, written: i };
    }
  }
  throw new Error('the quota was never reached');
}

function storageFields(error) {
  return {
    cls: error instanceof PocketDynamoError, name: error.name, reason: error.reason, quotaExceeded: error.quotaExceeded,
    quotaText: error.message.startsWith('Storage quota exceeded'),
    replicaKinds: error.replicaErrors?.map((r) => r.kind),
  };
}

test('a storage error keeps quotaExceeded, reason and replicaErrors through the worker, as in the page', async () => {
  const page = await open('quota-page', { stores: fullStores(200_000) });
  const inPage = await fillUp(page);
  await page.close();
  const { db, done } = await workerDb('quota-worker', {}, { options: { stores: fullStores(200_000) } });
  try {
    const inWorker = await fillUp(db);
    assert.deepEqual(storageFields(inPage.error), {
      cls: true, name: 'PocketDynamoError', reason: 'quota', quotaExceeded: true, quotaText: true,
      replicaKinds: ['quota', 'quota', 'quota'],
    });
    assert.deepEqual(storageFields(inWorker.error), storageFields(inPage.error));
    assert.equal(inWorker.written, inPage.written);
    // What was acknowledged before is still there; the refused write is not.
    const first = await db.send('GetItem', { TableName: 'Full', Key: { pk: { S: 'k0' } } });
    assert.equal(first.Item.pk.S, 'k0');
    const refused = await db.send('GetItem', { TableName: 'Full', Key: { pk: { S: `k${inWorker.written}` } } });
    assert.equal(refused.Item, undefined);
  } finally {
    await done();
  }
});

// One run of every call in CALLS, given a way to make it; returns comparable summaries.
async function everyCall(call) {
  const spec = JSON.stringify(tableSpec('Calls'));
  const put = (k) => ({ operation: 'PutItem', json: JSON.stringify({ TableName: 'Calls', Item: { pk: { S: k } } }) });
  const out = {};
  const created = await call('sendJson', { operation: 'CreateTable', json: spec });
  const refused = await call('sendJson', { operation: 'CreateTable', json: spec });
  out.sendJson = [JSON.parse(created.text).TableDescription.TableName, created.failed,
    JSON.parse(refused.text).__type.split('#')[1], refused.failed];
  const sequence = await call('sendJsonSequence', { calls: [put('a'), put('b')], stopKey: null });
  const stopped = await call('sendJsonSequence', { calls: [put('c'), { operation: 'GetItem', json: '{}' }, put('d')], stopKey: null });
  out.sendJsonSequence = [sequence.texts.length, sequence.failed, stopped.texts.length, stopped.failed];
  const scan = await call('scanTable', { tableName: 'Calls' });
  const missing = await call('scanTable', { tableName: 'Nope' });
  out.scanTable = [JSON.parse(scan.pages[0]).Count, scan.failed, missing.pages.length, missing.failed];
  out.sweepExpired = await call('sweepExpired', {});
  out.check = await call('check', {});
  const snapshot = await call('snapshot', {});
  out.snapshot = snapshot.pages instanceof Uint8Array && snapshot.pages.length > 0 && snapshot.pages.length % snapshot.pageSize === 0;
  out.replicas = (await call('replicas', {})).map((r) => r.status);
  out.verifyReplicas = (await call('verifyReplicas', {})).length;
  out.whenHealthy = (await call('whenHealthy', { timeoutMs: 10_000 })).map((r) => r.status);
  assert.deepEqual(Object.keys(out).sort(), Object.keys(CALLS).sort(), 'every call of CALLS is exercised');
  return out;
}

const expectedCalls = {
  sendJson: ['Calls', false, 'ResourceInUseException', true], sendJsonSequence: [2, false, 2, true],
  scanTable: [3, false, 1, true], sweepExpired: { deleted: 0, trimmed: 0 }, check: '',
  snapshot: true, replicas: ['healthy', 'healthy', 'healthy'], verifyReplicas: 3,
  whenHealthy: ['healthy', 'healthy', 'healthy'],
};

// Three memory replicas run by the replica set (storage 'custom'), whatever storage 'memory' runs.
const replicaStores = () => [0, 1, 2].map((i) => new MemoryStore({ label: `replica #${i}` }));

test('every call of the protocol answers the same in the owner, through a forwarding channel and through a worker', async () => {
  const owner = await open('calls-owner', { stores: replicaStores(), ttlSweepIntervalMs: 0 });
  assert.deepEqual(await everyCall((name, args) => runCall(owner, name, args)), expectedCalls);
  await owner.close();

  const served = await open('calls-tabs', { stores: replicaStores(), ttlSweepIntervalMs: 0 });
  const server = new ForwardingServer('calls-tabs', (name, args) => runCall(served, name, args));
  const client = new ForwardingClient('calls-tabs');
  try {
    await client.connect(10_000);
    assert.deepEqual(await everyCall((name, args) => client.call(name, cross(args))), expectedCalls);
    await assert.rejects(client.call('dropEverything', {}), (e) => e instanceof PocketDynamoError && /Unknown call "dropEverything"/.test(e.message));
  } finally {
    client.close();
    await server.close();
    await served.close();
  }

  const { db, done } = await workerDb('calls-worker', { ttlSweepIntervalMs: 0 }, { options: { stores: replicaStores() } });
  try {
    const methods = {
      sendJson: ({ operation, json }) => db.sendJsonOutcome(operation, json),
      sendJsonSequence: ({ calls }) => db.sendJsonSequence(calls),
      scanTable: ({ tableName }) => db.scanTableJson(tableName),
      sweepExpired: () => db.sweepExpired(),
      check: () => db.check(),
      snapshot: () => db.snapshot(),
      replicas: () => db.replicas(),
      verifyReplicas: () => db.verifyReplicas(),
      whenHealthy: ({ timeoutMs }) => db.whenHealthy(timeoutMs),
    };
    assert.deepEqual(await everyCall((name, args) => methods[name](args)), expectedCalls);
    assert.equal(db.role, 'owner');
    assert.equal(db.storage, 'custom');
    assert.equal(db.recovery.fresh, true);
  } finally {
    await done();
  }
});

// Events cross to other tabs only once a client is known (forwarding.js: a BroadcastChannel post
// costs the owner's main thread in every commit's path): none before, each one after a client
// connected (it says 'hello'), from the start on a takeover (clients: true).
test('a forwarding owner posts events only once a client is known', async () => {
  const name = 'events-tabs';
  const seen = [];
  const listener = new BroadcastChannel(lockName(name));
  listener.onmessage = (event) => { if (event.data?.type === 'event') seen.push(event.data.name); };
  const server = new ForwardingServer(name, async () => null);
  const client = new ForwardingClient(name, { onEvent: (n) => seen.push(`client ${n}`) });
  const taken = new ForwardingServer(`${name}-2`, async () => null, { clients: true });
  const listener2 = new BroadcastChannel(lockName(`${name}-2`));
  listener2.onmessage = (event) => { if (event.data?.type === 'event') seen.push(`2 ${event.data.name}`); };
  try {
    server.event('commit', { lsn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(seen, [], 'no event is posted while no client is known');
    await client.connect(10_000);
    server.event('commit', { lsn: 2 });
    taken.event('replica', { index: 0 });
    await until(() => seen.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 20));   // anything posted before the client came has arrived too
    assert.deepEqual(seen.sort(), ['2 replica', 'client commit', 'commit']);
  } finally {
    client.close();
    listener.close();
    listener2.close();
    await server.close();
    await taken.close();
  }
});

test('through a worker: subscribe, live queries, events, and the clock given to serveDatabase', async () => {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const { db, done } = await workerDb('changes-worker', { storage: 'memory', ttlSweepIntervalMs: 0 },
    { options: { clock: () => now } });
  try {
    const created = await db.send('CreateTable', tableSpec('Feed', { sk: 'sk' }));
    assert.equal(created.TableDescription.CreationDateTime, now / 1000, 'the worker-side clock is the database clock');

    const commits = [];
    const offCommit = db.on('commit', (c) => commits.push(c.lsn));
    const received = [];
    const unsubscribe = db.subscribe('Feed', (records) => received.push(...records));
    const results = [];
    const live = db.live({ TableName: 'Feed', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'u1' } } },
      (result) => results.push(result.Count));
    await live.ready;
    await db.send('PutItem', { TableName: 'Feed', Item: { pk: { S: 'u1' }, sk: { S: 'a' } } });
    await db.send('PutItem', { TableName: 'Feed', Item: { pk: { S: 'u2' }, sk: { S: 'a' } } });
    await until(() => received.length === 2 && results.at(-1) === 1);
    assert.deepEqual(received.map((r) => [r.eventName, r.dynamodb.Keys.pk.S]), [['INSERT', 'u1'], ['INSERT', 'u2']]);
    assert.equal(received[0].dynamodb.ApproximateCreationDateTime, Math.floor(now / 1000));
    assert.deepEqual(results, [0, 1], 'the live query ran again for its partition only');
    assert.ok(commits.length >= 2 && commits.every((lsn) => typeof lsn === 'number'));

    live.stop();
    unsubscribe();
    offCommit();
    await db.send('PutItem', { TableName: 'Feed', Item: { pk: { S: 'u1' }, sk: { S: 'b' } } });
    await db.check();   // one more round trip: a change delivered after unsubscribing would have arrived by now
    assert.equal(received.length, 2);
    assert.deepEqual(results, [0, 1]);
  } finally {
    await done();
  }
});

test('WorkerClient.open refuses options that cannot cross to a worker, saying where they go', async () => {
  const { port1, port2 } = new MessageChannel();
  try {
    for (const options of [{ clock: () => 0 }, { stores: fullStores(1e9) }]) {
      await assert.rejects(WorkerClient.open(port2, 'nope', options),
        (e) => e instanceof PocketDynamoError && /cannot be sent to a worker/.test(e.message) && /serveDatabase/.test(e.message));
    }
  } finally {
    port1.close();
    port2.close();
  }
});

// Items that hold the text "__type" (an attribute of that name, string values quoting an error
// body): answers whose text contains it, read through every consumer of the transports.
const typeItem = {
  pk: { S: '__type' }, __type: { S: '{"__type":"com.amazon.coral.validate#ValidationException","message":"x"}' },
  nested: { M: { __type: { S: '"__type":"' }, message: { S: 'ValidationException' } } },
};

async function readsTypeItems(db) {
  await db.send('CreateTable', tableSpec('Typed'));
  await db.send('PutItem', { TableName: 'Typed', Item: typeItem });
  const got = await db.send('GetItem', { TableName: 'Typed', Key: { pk: { S: '__type' } } });
  assert.deepEqual(got.Item, typeItem);
  const outcome = await db.sendJsonOutcome('GetItem', JSON.stringify({ TableName: 'Typed', Key: { pk: { S: '__type' } } }));
  assert.equal(outcome.failed, false);
  assert.match(outcome.text, /__type/);
  const handled = await db.requestHandler().handle({
    headers: { 'x-amz-target': 'DynamoDB_20120810.Scan' }, body: JSON.stringify({ TableName: 'Typed' }),
  });
  assert.equal(handled.response.statusCode, 200);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(handled.response.body)).Items, [typeItem]);
  const missing = await db.requestHandler().handle({
    headers: { 'x-amz-target': 'DynamoDB_20120810.Scan' }, body: JSON.stringify({ TableName: 'Nope' }),
  });
  assert.equal(missing.response.statusCode, 400);
  const lines = await (await db.exportTable('Typed')).text();
  assert.deepEqual(JSON.parse(lines.trim()), { Item: typeItem });
  await assert.rejects(db.exportTable('Nope'), { name: 'ResourceNotFoundException' });
  const imported = await db.importTable('Typed', `${JSON.stringify({ Item: { ...typeItem, pk: { S: 'second' } } })}\n`);
  assert.equal(imported.items, 1);
  await assert.rejects(db.importTable('Typed', `${JSON.stringify({ Item: { __type: { S: 'no key' } } })}\n`),
    { name: 'ValidationException', line: 1 });
}

test('an item holding "__type" is no error: in the owner, through a forwarding channel and through a worker', async () => {
  const owner = await open('typed-owner', { stores: replicaStores(), ttlSweepIntervalMs: 0 });
  try {
    await readsTypeItems(owner);
  } finally {
    await owner.close();
  }
  // A forwarding Database's transport is its ForwardingClient's call (database.js #run).
  class Forwarded extends DatabaseBase {
    constructor(client) {
      super();
      this.client = client;
    }
    sendJsonOutcome(operation, json) { return this.client.call('sendJson', cross({ operation, json })); }
    scanTableJson(tableName) { return this.client.call('scanTable', cross({ tableName })); }
    sendJsonSequence(calls, options = {}) {
      return this.client.call('sendJsonSequence', cross({ calls, stopKey: options.stopKey ?? null }));
    }
  }
  const served = await open('typed-tabs', { stores: replicaStores(), ttlSweepIntervalMs: 0 });
  const server = new ForwardingServer('typed-tabs', (name, args) => runCall(served, name, args));
  const client = new ForwardingClient('typed-tabs');
  try {
    await client.connect(10_000);
    await readsTypeItems(new Forwarded(client));
  } finally {
    client.close();
    await server.close();
    await served.close();
  }
  const { db, done } = await workerDb('typed-worker', { ttlSweepIntervalMs: 0 }, { options: { stores: replicaStores() } });
  try {
    await readsTypeItems(db);
  } finally {
    await done();
  }
});
