// db.sync() pulling from the remote table's stream (docs/sync.md "Pull from
// the remote's stream") through @aws-sdk/client-dynamodb-streams, against a
// pocketdynamo server (which serves DynamoDB Streams) whose clock the tests
// move: hydrate by Scan then TRIM_HORIZON, shard iterators kept between
// rounds, the position kept in the database across a restart, an expired
// iterator, trimmed records (a full pull), a closed shard and a new stream,
// KEYS_ONLY streams, conflicts by the same rules, and Scan/Query when the
// table has no stream. Plus the shard order and record folding on their own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DeleteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand,
  UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import * as streamsSdk from '@aws-sdk/client-dynamodb-streams';
import { open } from 'pocketdynamo';
import { startServer } from 'pocketdynamo/server';
import { SHARD_DONE, recordChanges, shardPlan } from '../../dist/sync/remote-stream.js';
import { localDb, localItems, syncTableSpec } from './sync-support.js';

let serverDb;
let server;
let serverOffsetMs = 0;   // the server's clock: Date.now() + this
before(async () => {
  serverDb = await open(`sync-stream-remote-${Math.random()}`, { storage: 'memory', ttlSweepIntervalMs: 0,
    clock: () => Date.now() + serverOffsetMs });
  server = await startServer({ db: serverDb, port: 0 });
});
after(async () => {
  await server?.close();
  await serverDb?.close();
});

const MINUTE = 60_000;
const item = (sk, extra = {}) => ({ pk: { S: 'u' }, sk: { S: sk }, ...extra });
// A remote write by another sync-aware writer: version v, change time now.
const other = (sk, n, v) => item(sk, { n: { N: String(n) }, _v: { N: String(v) }, _w: { S: 'other' },
  _t: { N: String(Date.now()) } });
const SECRET = 'secret-the-sync-never-stores';
const config = { endpoint: '', region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDSYNCSTREAMTEST', secretAccessKey: SECRET } };

// A client (DynamoDB or DynamoDB Streams) that records the commands it sends: calls[name] = [input, ...].
function recording(Client) {
  const client = new Client({ ...config, endpoint: server.endpoint });
  const calls = {};
  const send = client.send.bind(client);
  client.send = (command, ...rest) => {
    const name = command.constructor.name.replace(/Command$/, '');
    (calls[name] ??= []).push(command.input);
    return send(command, ...rest);
  };
  return { client, calls, reset() { for (const name of Object.keys(calls)) delete calls[name]; } };
}

let tables = 0;
async function remoteTableWithStream(client, viewType = 'NEW_AND_OLD_IMAGES', spec = syncTableSpec) {
  const name = `stream${++tables}`;
  const input = spec(name);
  if (viewType !== null) input.StreamSpecification = { StreamEnabled: true, StreamViewType: viewType };
  await client.send(new CreateTableCommand(input));
  return name;
}

async function start(db, remote, table, streams, options = {}) {
  const sync = await db.sync({ table: 'Notes', remote: remote.client, remoteTable: table, pullIntervalMs: 60 * MINUTE,
    ...(streams ? { remoteStreams: streams.client, streamsSdk } : {}), ...options });
  const events = { conflict: [], error: [] };
  sync.on('conflict', (c) => events.conflict.push(c));
  sync.on('error', (e) => events.error.push(e));
  await sync.ready;
  return { sync, events };
}

const localN = async (db) => Object.fromEntries((await localItems(db, 'Notes')).map((i) => [i.sk.S, Number(i.n.N)]));
const streamRow = async (db) => (await db.send('GetItem', { TableName: '_pocketdynamo_sync',
  Key: { pk: { S: 'Notes' }, sk: { S: 'rstream' } } })).Item;

test('pulls from the stream: hydrate by Scan, then TRIM_HORIZON, iterators kept, conflicts by the same rules', async () => {
  const remote = recording(DynamoDBClient);
  const streams = recording(streamsSdk.DynamoDBStreamsClient);
  const table = await remoteTableWithStream(remote.client);
  for (let i = 1; i <= 3; i++) await remote.client.send(new PutItemCommand({ TableName: table, Item: other(`k${i}`, i, 1) }));
  const db = await localDb();
  const { sync, events } = await start(db, remote, table, streams);
  assert.equal(sync.pullSource, 'stream');
  assert.equal(remote.calls.Scan.length, 1);   // the hydrate
  assert.deepEqual(await localN(db), { k1: 1, k2: 2, k3: 3 });

  remote.reset();
  streams.reset();
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k1', 10, 2) }));
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k4', 4, 1) }));
  await remote.client.send(new DeleteItemCommand({ TableName: table, Key: item('k2') }));   // deleted outright
  await sync.syncNow();
  assert.deepEqual(await localN(db), { k1: 10, k3: 3, k4: 4 });
  assert.equal(remote.calls.Scan, undefined);
  assert.equal(remote.calls.Query, undefined);
  assert.deepEqual(streams.calls.GetShardIterator.map((i) => i.ShardIteratorType), ['TRIM_HORIZON']);
  const seq = JSON.parse((await streamRow(db)).shards.S);
  assert.equal(Object.keys(seq).length, 1);
  assert.match(Object.values(seq)[0], /^\d+$/);

  // A local write goes up; the stream brings it back and it changes nothing. The iterator is kept between rounds.
  await db.send('PutItem', { TableName: 'Notes', Item: item('k5', { n: { N: '5' } }) });
  await sync.syncNow();
  await sync.syncNow();
  assert.equal(streams.calls.GetShardIterator.length, 1);
  assert.equal(streams.calls.DescribeStream.length, 1);   // the shard list too (described again after a minute)
  assert.ok(streams.calls.GetRecords.length >= 3);

  // A conflict met in the stream: the remote's v5 beats the local change (v2), by the default rule.
  sync.pause();
  await db.send('PutItem', { TableName: 'Notes', Item: item('k3', { n: { N: '33' } }) });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k3', 300, 5) }));
  sync.resume();
  await sync.syncNow();
  assert.deepEqual(events.conflict.map((c) => [c.key.sk, c.winner]), [['k3', 'remote']]);
  assert.deepEqual(await localN(db), { k1: 10, k3: 300, k4: 4, k5: 5 });
  assert.equal(remote.calls.Scan, undefined);
  assert.deepEqual(events.error, []);
  assert.equal(sync.pending, 0);

  // Restart: a new sync reads on from the sequence number kept in the database, no hydrate.
  const kept = Object.values(JSON.parse((await streamRow(db)).shards.S))[0];
  await sync.stop();
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k6', 6, 1) }));
  remote.reset();
  streams.reset();
  const again = await start(db, remote, table, streams);
  assert.equal(remote.calls.Scan, undefined);
  assert.deepEqual(streams.calls.GetShardIterator.map((i) => [i.ShardIteratorType, i.SequenceNumber]),
      [['AFTER_SEQUENCE_NUMBER', kept]]);
  assert.equal((await localN(db)).k6, 6);

  // An iterator older than 15 minutes (the server's clock moves on): a new one from the position kept.
  await again.sync.syncNow();
  streams.reset();
  serverOffsetMs += 16 * MINUTE;
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k7', 7, 1) }));
  await again.sync.syncNow();
  assert.equal((await localN(db)).k7, 7);
  assert.equal(streams.calls.GetShardIterator.length, 1);
  assert.equal(streams.calls.GetShardIterator[0].ShardIteratorType, 'AFTER_SEQUENCE_NUMBER');
  assert.ok(streams.calls.GetRecords.length >= 2);   // the expired one, then the new one
  assert.deepEqual(again.events.error, []);
  // The state the sync keeps names neither the credentials nor the endpoint.
  const state = JSON.stringify((await db.send('Scan', { TableName: '_pocketdynamo_sync' })).Items);
  for (const secret of [SECRET, 'AKIDSYNCSTREAMTEST', server.endpoint]) assert.ok(!state.includes(secret), secret);
  await again.sync.stop();
  await db.close();
});

test('records trimmed while away (over 24 hours): a full pull, then the stream from its oldest record', async () => {
  const remote = recording(DynamoDBClient);
  const streams = recording(streamsSdk.DynamoDBStreamsClient);
  const table = await remoteTableWithStream(remote.client);
  for (let i = 1; i <= 3; i++) await remote.client.send(new PutItemCommand({ TableName: table, Item: other(`k${i}`, i, 1) }));
  const db = await localDb();
  const first = await start(db, remote, table, streams);
  await first.sync.syncNow();   // a position kept
  await first.sync.stop();
  await remote.client.send(new DeleteItemCommand({ TableName: table, Key: item('k1') }));   // its REMOVE gets trimmed
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k2', 20, 2) }));
  serverOffsetMs += 25 * 60 * MINUTE;
  const swept = await serverDb.sweepExpired();
  assert.ok(swept.trimmed > 0);
  remote.reset();
  streams.reset();
  const { sync, events } = await start(db, remote, table, streams);
  assert.equal(remote.calls.Scan.length, 1);
  assert.equal(remote.calls.Scan[0].ConsistentRead, true);   // a full pull: k1, gone, is dropped
  assert.deepEqual(await localN(db), { k2: 20, k3: 3 });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('k4', 4, 1) }));
  streams.reset();
  await sync.syncNow();
  assert.deepEqual(streams.calls.GetShardIterator.map((i) => i.ShardIteratorType), ['TRIM_HORIZON']);
  assert.deepEqual(await localN(db), { k2: 20, k3: 3, k4: 4 });
  assert.deepEqual(events.error, []);
  await sync.stop();
  await db.close();
});

test('a closed shard is read to its end; no stream: Scan/Query; a new stream: a full pull, then its shard', async () => {
  const remote = recording(DynamoDBClient);
  const streams = recording(streamsSdk.DynamoDBStreamsClient);
  const table = await remoteTableWithStream(remote.client, 'NEW_IMAGE');
  let clockOffset = 0;   // the sync's clock: the remote table is described again a minute later
  const db = await localDb();
  const { sync, events } = await start(db, remote, table, streams, { clock: () => Date.now() + clockOffset, overlapMs: 0 });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('a', 1, 1) }));
  await remote.client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
  await sync.syncNow();   // the shard, closed, is read to its end: a arrives, the shard is done
  assert.equal((await localN(db)).a, 1);
  const oldArn = (await streamRow(db)).arn.S;
  assert.deepEqual(Object.values(JSON.parse((await streamRow(db)).shards.S)), [SHARD_DONE]);
  remote.reset();
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('b', 2, 1) }));
  await sync.syncNow();   // described again: no stream, a Scan for changes since the last one seen
  assert.equal(sync.pullSource, 'query');
  assert.equal((await localN(db)).b, 2);
  assert.equal(remote.calls.Scan.length, 1);
  assert.notEqual(remote.calls.Scan[0].FilterExpression, undefined);

  await remote.client.send(new UpdateTableCommand({ TableName: table,
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }));
  const newArn = (await remote.client.send(new DescribeTableCommand({ TableName: table }))).Table.LatestStreamArn;
  assert.notEqual(newArn, oldArn);
  clockOffset += 2 * MINUTE;
  remote.reset();
  streams.reset();
  await sync.syncNow();   // a new stream: what happened between the two is not in either, so a full pull
  assert.equal(sync.pullSource, 'stream');
  assert.equal(remote.calls.Scan[0].ConsistentRead, true);
  assert.equal((await streamRow(db)).arn.S, newArn);
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('c', 3, 1) }));
  await sync.syncNow();
  assert.deepEqual(await localN(db), { a: 1, b: 2, c: 3 });
  assert.deepEqual(streams.calls.GetShardIterator.map((i) => [i.StreamArn, i.ShardIteratorType]), [[newArn, 'TRIM_HORIZON']]);
  assert.deepEqual(events.error, []);
  await sync.stop();
  await db.close();
});

test('a KEYS_ONLY stream (client made from the remote\'s configuration): items read back; a resolver merges', async () => {
  const remote = recording(DynamoDBClient);
  const table = await remoteTableWithStream(remote.client, 'KEYS_ONLY');
  const db = await localDb();
  const { sync, events } = await start(db, remote, table, null,
      { resolve: (local, theirs) => ({ ...theirs, n: (local?.n ?? 0) + (theirs?.n ?? 0) }) });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('a', 1, 1) }));
  remote.reset();
  await sync.syncNow();
  assert.equal(sync.pullSource, 'stream');
  assert.deepEqual(await localN(db), { a: 1 });
  assert.equal(remote.calls.GetItem.length, 1);   // the record has keys only
  assert.equal(remote.calls.Scan, undefined);
  sync.pause();
  await db.send('PutItem', { TableName: 'Notes', Item: item('a', { n: { N: '10' } }) });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('a', 100, 2) }));
  sync.resume();
  await sync.syncNow();
  assert.deepEqual(events.conflict.map((c) => [c.key.sk, c.winner]), [['a', 'merged']]);
  assert.deepEqual(await localN(db), { a: 110 });
  await sync.syncNow();   // the merged item goes up as v3
  const back = (await remote.client.send(new GetItemCommand({ TableName: table, Key: item('a') }))).Item;
  assert.deepEqual([back.n.N, back._v.N, back._w.S], ['110', '3', sync.writer]);
  assert.deepEqual(events.error, []);
  await sync.stop();
  await db.close();
});

test('no stream on the remote table: Scan, or the change index Query; a scope keeps to Query', async () => {
  const remote = recording(DynamoDBClient);
  const streams = recording(streamsSdk.DynamoDBStreamsClient);
  const table = await remoteTableWithStream(remote.client, null, (name) => syncTableSpec(name, { lsi: true }));
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('a', 1, 1) }));
  const db = await localDb();
  const whole = await start(db, remote, table, streams, { overlapMs: 0 });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: other('b', 2, 1) }));
  remote.reset();
  await whole.sync.syncNow();
  assert.equal(whole.sync.pullSource, 'query');
  assert.deepEqual(await localN(db), { a: 1, b: 2 });
  assert.equal(remote.calls.Scan.length, 1);
  assert.deepEqual(streams.calls, {});   // the table was described: no stream to read
  await whole.sync.stop();

  // With a scope, 'auto' reads by Query even when the table has a stream (it carries every partition's changes).
  const withStream = await remoteTableWithStream(remote.client, 'NEW_IMAGE', (name) => syncTableSpec(name, { lsi: true }));
  await remote.client.send(new PutItemCommand({ TableName: withStream, Item: other('c', 3, 1) }));
  const scoped = await localDb();
  const { sync } = await start(scoped, remote, withStream, streams, { scope: { partitionKeys: ['u'] }, changeIndex: 'byTime' });
  await remote.client.send(new PutItemCommand({ TableName: withStream, Item: other('d', 4, 1) }));
  remote.reset();
  await sync.syncNow();
  assert.equal(sync.pullSource, 'query');
  assert.deepEqual(await localN(scoped), { c: 3, d: 4 });
  assert.deepEqual(remote.calls.Query.map((q) => q.IndexName), ['byTime']);
  assert.deepEqual(streams.calls, {});
  await sync.stop();
  await scoped.close();

  const strict = await db.sync({ table: 'Notes', remote: remote.client, remoteTable: table, pullFrom: 'stream' });
  const failed = new Promise((resolve) => strict.on('error', resolve));
  const { error } = await failed;
  assert.match(error.message, /pullFrom 'stream', but the remote table stream\d+ has no stream enabled/);
  assert.equal(strict.state, 'error');
  await strict.stop();
  await assert.rejects(db.sync({ table: 'Notes', remote: remote.client, pullFrom: 'kinesis' }), /pullFrom is one of/);
  await db.close();
});

test('a scope on a GSI, pulled from the stream (pullFrom "stream"): only items that match it come and go', async () => {
  const remote = recording(DynamoDBClient);
  const spec = (name) => ({ ...syncTableSpec(name),
    AttributeDefinitions: [...syncTableSpec(name).AttributeDefinitions, { AttributeName: 'owner', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byOwner', Projection: { ProjectionType: 'ALL' },
      KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }] }] });
  const table = await remoteTableWithStream(remote.client, 'NEW_IMAGE', spec);
  const owned = (sk, owner, n, v) => ({ ...other(sk, n, v), owner: { S: owner } });
  await remote.client.send(new PutItemCommand({ TableName: table, Item: owned('a', 'alice', 1, 1) }));
  await remote.client.send(new PutItemCommand({ TableName: table, Item: owned('b', 'bob', 2, 1) }));
  const db = await localDb('Other');
  await db.send('CreateTable', spec('Notes'));
  const { sync, events } = await start(db, remote, table, null, { pullFrom: 'stream', scope: { query: { IndexName: 'byOwner',
    KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'alice' } } } } });
  assert.deepEqual(remote.calls.Query.map((q) => [q.IndexName, q.ConsistentRead]), [['byOwner', undefined]]);
  assert.deepEqual(await localN(db), { a: 1 });
  await db.send('PutItem', { TableName: 'Notes', Item: item('c', { n: { N: '3' }, owner: { S: 'alice' } }) });   // pushed
  await db.send('PutItem', { TableName: 'Notes', Item: item('d', { n: { N: '4' }, owner: { S: 'carol' } }) });   // stays local
  await remote.client.send(new PutItemCommand({ TableName: table, Item: owned('e', 'alice', 5, 1) }));          // comes
  await remote.client.send(new PutItemCommand({ TableName: table, Item: owned('f', 'bob', 6, 1) }));            // does not
  await sync.syncNow();
  assert.equal(sync.pullSource, 'stream');
  assert.deepEqual(await localN(db), { a: 1, c: 3, d: 4, e: 5 });
  const { Items } = await remote.client.send(new ScanCommand({ TableName: table }));
  assert.deepEqual(Items.map((i) => i.sk.S).sort(), ['a', 'b', 'c', 'e', 'f']);
  assert.deepEqual(events.error, []);
  await sync.stop();
  await db.close();
});

test('shard order: parents before children, trimmed parents, lost positions; records folded per key', () => {
  const shards = [
    { ShardId: 'c', ParentShardId: 'b' },
    { ShardId: 'b', ParentShardId: 'a' },
    { ShardId: 'a', ParentShardId: 'gone' },
    { ShardId: 'd', ParentShardId: 'trimmed' },
  ];
  const plan = shardPlan(shards, { a: SHARD_DONE, b: '00042', trimmed: SHARD_DONE });
  assert.deepEqual(plan.order.map((s) => s.ShardId), ['b', 'c', 'd']);
  assert.deepEqual(plan.positions, { a: SHARD_DONE, b: '00042' });
  assert.equal(plan.lost, false);
  assert.equal(shardPlan(shards, { e: '00007' }).lost, true);   // a shard with records left is no longer listed
  assert.deepEqual(shardPlan([], {}), { order: [], positions: {}, lost: false });

  const k = (sk) => ({ pk: { S: 'u' }, sk: { S: sk } });
  const record = (eventName, sk, NewImage) => ({ eventName, dynamodb: { Keys: k(sk), NewImage } });
  const changes = recordChanges([
    record('INSERT', 'x', { ...k('x'), n: { N: '1' } }), record('REMOVE', 'x'),
    record('REMOVE', 'y'), record('INSERT', 'y', { ...k('y'), n: { N: '2' } }),
    record('MODIFY', 'z'),
  ], (key) => key.sk.S);
  assert.deepEqual(changes, [
    { key: k('x'), removed: true, image: undefined },
    { key: k('y'), removed: true, image: { ...k('y'), n: { N: '2' } } },
    { key: k('z'), removed: false, image: null },
  ]);
});
