// Streams, change feed, live queries and time to live from JavaScript:
// db.send and the real @aws-sdk/client-dynamodb-streams through
// db.requestHandler(); db.subscribe / db.live in Node (memory storage);
// UpdateTimeToLive and the sweep with a controllable clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBStreamsClient, ListStreamsCommand, DescribeStreamCommand, GetShardIteratorCommand,
  GetRecordsCommand, ExpiredIteratorException,
} from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient, UpdateTimeToLiveCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { open, ValidationException } from 'pocketdynamo';
import { tableSpec } from './support/db.js';
import { Engine } from '../../dist/core/engine.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

async function clockDb() {
  const clock = { now: T0 };
  const db = await open('streams', { storage: 'memory', clock: () => clock.now, ttlSweepIntervalMs: 0 });
  return { db, clock };
}

// Resolves after every pending macrotask (durable deliveries included).
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

test('streams through db.send: records of each write, in order', async () => {
  const { db } = await clockDb();
  const created = await db.send('CreateTable', {
    ...tableSpec('Orders', { sk: 'sk', skType: 'N' }),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  const arn = created.TableDescription.LatestStreamArn;
  assert.equal(arn, 'arn:aws:dynamodb:local:000000000000:table/Orders/stream/2026-01-02T03:04:05.678');
  await db.send('PutItem', { TableName: 'Orders', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'x' } } });
  await db.send('UpdateItem', {
    TableName: 'Orders', Key: { pk: { S: 'a' }, sk: { N: '1' } }, UpdateExpression: 'SET v = :v',
    ExpressionAttributeValues: { ':v': { S: 'y' } },
  });
  await db.send('DeleteItem', { TableName: 'Orders', Key: { pk: { S: 'a' }, sk: { N: '1' } } });
  const { StreamDescription: d } = await db.send('DescribeStream', { StreamArn: arn });
  assert.equal(d.StreamStatus, 'ENABLED');
  const { ShardIterator } = await db.send('GetShardIterator', {
    StreamArn: arn, ShardId: d.Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON',
  });
  const { Records, NextShardIterator } = await db.send('GetRecords', { ShardIterator });
  assert.deepEqual(Records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
  assert.deepEqual(Records[1].dynamodb.OldImage.v, { S: 'x' });
  assert.deepEqual(Records[1].dynamodb.NewImage.v, { S: 'y' });
  assert.ok(NextShardIterator);
  await assert.rejects(db.send('UpdateTable', {
    TableName: 'Orders', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
  }), (e) => e instanceof ValidationException && e.message === 'Table already has an enabled stream: TableName: Orders');
  await db.close();
});

test('@aws-sdk/client-dynamodb-streams reads the stream through db.requestHandler()', async () => {
  const { db, clock } = await clockDb();
  await db.send('CreateTable', {
    ...tableSpec('Events'), StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
  });
  for (let i = 0; i < 5; i++) await db.send('PutItem', { TableName: 'Events', Item: { pk: { S: `k${i}` } } });
  const streams = new DynamoDBStreamsClient(db.clientConfig());
  const listed = await streams.send(new ListStreamsCommand({ TableName: 'Events' }));
  assert.equal(listed.Streams.length, 1);
  const arn = listed.Streams[0].StreamArn;
  const described = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  assert.equal(described.StreamDescription.StreamViewType, 'KEYS_ONLY');
  assert.ok(described.StreamDescription.CreationRequestDateTime instanceof Date);
  const shard = described.StreamDescription.Shards[0];
  let iterator = (await streams.send(new GetShardIteratorCommand({
    StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
  }))).ShardIterator;
  const keys = [];
  for (let round = 0; round < 4; round++) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 2 }));
    for (const r of page.Records) {
      assert.equal(r.eventSource, 'aws:dynamodb');
      assert.ok(r.dynamodb.ApproximateCreationDateTime instanceof Date);
      keys.push(r.dynamodb.Keys.pk.S);
    }
    iterator = page.NextShardIterator;
  }
  assert.deepEqual(keys, ['k0', 'k1', 'k2', 'k3', 'k4']);
  clock.now += 16 * 60 * 1000;
  await assert.rejects(streams.send(new GetRecordsCommand({ ShardIterator: iterator })), ExpiredIteratorException);
  await db.close();
});

test('subscribe: committed changes of one table, in order, any table, unsubscribe', async () => {
  const { db } = await clockDb();
  await db.send('CreateTable', tableSpec('Plain'));
  await db.send('CreateTable', tableSpec('Other'));
  const seen = [];
  const other = [];
  const unsubscribe = db.subscribe('Plain', (records) => seen.push(...records));
  db.subscribe('Other', (records) => other.push(...records));
  const items = db.table('Plain');
  // Un-awaited writes share a commit; delivery keeps their order.
  await Promise.all([items.put({ pk: 'a', n: 1 }), items.put({ pk: 'b', n: 2 }), items.update({ pk: 'a' }, { add: { n: 1 } })]);
  await items.put({ pk: 'a', n: 2 });  // identical: no change
  await assert.rejects(items.put({ pk: 'a' }, { ifNotExists: true }));  // failed: nothing
  await items.delete({ pk: 'b' });
  await settle();
  assert.deepEqual(seen.map((r) => [r.eventName, r.dynamodb.Keys.pk.S]),
    [['INSERT', 'a'], ['INSERT', 'b'], ['MODIFY', 'a'], ['REMOVE', 'b']]);
  assert.deepEqual(seen[2].dynamodb.OldImage.n, { N: '1' });
  assert.deepEqual(seen[2].dynamodb.NewImage.n, { N: '2' });
  assert.equal(other.length, 0);
  unsubscribe();
  await items.put({ pk: 'c' });
  await settle();
  assert.equal(seen.length, 4);
  assert.throws(() => db.subscribe('', () => {}), TypeError);
  await db.close();
});

test('the core change feed: nothing collected while off, nothing left over from before it went off', async () => {
  const engine = await Engine.create({});
  const put = (pk) => {
    assert.equal(engine.execute('PutItem', JSON.stringify({ TableName: 'Feed', Item: { pk: { S: pk } } })), '{}');
    engine.commitInMemory();
  };
  engine.execute('CreateTable', JSON.stringify(tableSpec('Feed')));
  engine.commitInMemory();
  const keys = () => engine.takeChanges().map((c) => c.Record.dynamodb.Keys.pk.S);
  put('off');
  assert.deepEqual(keys(), []);
  engine.setChangeFeed(true);
  put('a');
  put('b');
  assert.deepEqual(keys(), ['a', 'b']);
  put('dropped');
  engine.setChangeFeed(false);   // drops what was not taken
  put('off again');
  engine.setChangeFeed(true);
  put('c');
  assert.deepEqual(keys(), ['c']);
  engine.close();
});

test('live: re-runs on relevant writes only (same partition), stops', async () => {
  const { db } = await clockDb();
  await db.send('CreateTable', tableSpec('Msgs', { sk: 'sk', skType: 'N' }));
  await db.send('CreateTable', tableSpec('Elsewhere'));
  const results = [];
  let notify = null;
  const live = db.live({
    TableName: 'Msgs', KeyConditionExpression: '#p = :room', ExpressionAttributeNames: { '#p': 'pk' },
    ExpressionAttributeValues: { ':room': { S: 'r1' } },
  }, (result) => { results.push(result.Items.map((i) => Number(i.sk.N))); notify?.(); });
  await live.ready;
  assert.deepEqual(results, [[]]);
  const next = () => new Promise((resolve) => { notify = resolve; });

  let fired = next();
  await db.send('PutItem', { TableName: 'Msgs', Item: { pk: { S: 'r1' }, sk: { N: '1' } } });
  await fired;
  assert.deepEqual(results.at(-1), [1]);

  // Another partition, another table, a write that fails: no re-run.
  await db.send('PutItem', { TableName: 'Msgs', Item: { pk: { S: 'r2' }, sk: { N: '1' } } });
  await db.send('PutItem', { TableName: 'Elsewhere', Item: { pk: { S: 'r1' } } });
  await db.send('PutItem', { TableName: 'Msgs', Item: { pk: { S: 'r1' }, sk: { N: '1' } } });  // unchanged
  await settle();
  assert.equal(results.length, 2);

  fired = next();
  await db.send('DeleteItem', { TableName: 'Msgs', Key: { pk: { S: 'r1' }, sk: { N: '1' } } });
  await fired;
  assert.deepEqual(results.at(-1), []);
  live.stop();
  await db.send('PutItem', { TableName: 'Msgs', Item: { pk: { S: 'r1' }, sk: { N: '2' } } });
  await settle();
  assert.equal(results.length, 3);

  // A Scan re-runs on any change of its table.
  const scans = [];
  const scan = db.live({ TableName: 'Elsewhere' }, (r) => scans.push(r.Count));
  await scan.ready;
  await db.send('PutItem', { TableName: 'Elsewhere', Item: { pk: { S: 'z' } } });
  await settle();
  assert.deepEqual(scans, [1, 2]);
  scan.stop();
  await db.close();
});

test('live on a global index: re-runs for changes whose old or new image has the index key value', async () => {
  const { db } = await clockDb();
  await db.send('CreateTable', {
    TableName: 'Tasks', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'owner', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [{
      IndexName: 'byOwner', KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' },
    }],
  });
  const runs = [];
  const live = db.live({
    TableName: 'Tasks', IndexName: 'byOwner', KeyConditionExpression: '#o = :o',
    ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'ann' } },
  }, (r) => runs.push(r.Items.map((i) => i.pk.S).sort()));
  await live.ready;
  await db.send('PutItem', { TableName: 'Tasks', Item: { pk: { S: 't1' }, owner: { S: 'ann' } } });
  await settle();
  await db.send('PutItem', { TableName: 'Tasks', Item: { pk: { S: 't2' }, owner: { S: 'bob' } } });  // unrelated
  await db.send('PutItem', { TableName: 'Tasks', Item: { pk: { S: 't3' } } });                        // not in the index
  await settle();
  assert.deepEqual(runs, [[], ['t1']]);
  // Moving t1 to bob: its old image had 'ann', so the query runs again.
  await db.send('PutItem', { TableName: 'Tasks', Item: { pk: { S: 't1' }, owner: { S: 'bob' } } });
  await settle();
  assert.deepEqual(runs, [[], ['t1'], []]);
  live.stop();
  await db.close();
});

test('time to live: UpdateTimeToLive through the SDK, expiry by the clock, sweep, service deletions', async () => {
  const { db, clock } = await clockDb();
  const client = new DynamoDBClient(db.clientConfig());
  await db.send('CreateTable', {
    ...tableSpec('Sessions'), StreamSpecification: { StreamEnabled: true, StreamViewType: 'OLD_IMAGE' },
  });
  const updated = await client.send(new UpdateTimeToLiveCommand({
    TableName: 'Sessions', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true },
  }));
  assert.deepEqual(updated.TimeToLiveSpecification, { AttributeName: 'exp', Enabled: true });
  const described = await client.send(new DescribeTimeToLiveCommand({ TableName: 'Sessions' }));
  assert.equal(described.TimeToLiveDescription.TimeToLiveStatus, 'ENABLED');
  await assert.rejects(client.send(new UpdateTimeToLiveCommand({
    TableName: 'Sessions', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true },
  })), (e) => e.name === 'ValidationException' && e.message === 'TimeToLive is already enabled');

  const sessions = db.table('Sessions');
  const nowS = Math.floor(T0 / 1000);
  await sessions.put({ pk: 'old', exp: nowS - 1 });
  await sessions.put({ pk: 'new', exp: nowS + 60 });
  const removed = [];
  db.subscribe('Sessions', (records) => removed.push(...records.filter((r) => r.eventName === 'REMOVE')));
  assert.ok(await sessions.get({ pk: 'old' }), 'expired items read until the sweep deletes them');
  assert.deepEqual(await db.sweepExpired(), { deleted: 1, trimmed: 0 });
  assert.equal(await sessions.get({ pk: 'old' }), undefined);
  assert.ok(await sessions.get({ pk: 'new' }));
  clock.now += 61_000;
  assert.equal((await db.sweepExpired()).deleted, 1);
  assert.equal(await sessions.get({ pk: 'new' }), undefined);
  await settle();
  assert.deepEqual(removed.map((r) => r.dynamodb.Keys.pk.S), ['old', 'new']);
  for (const r of removed) assert.deepEqual(r.userIdentity, { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' });
  assert.equal(await db.check(), '');
  await db.close();
});

test('the background sweep runs on its interval', { timeout: 60_000 }, async () => {
  const db = await open('bg', { storage: 'memory', ttlSweepIntervalMs: 20 });
  await db.send('CreateTable', tableSpec('Tmp'));
  await db.send('UpdateTimeToLive', { TableName: 'Tmp', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  // Subscribed before the put: a sweep may remove the item as soon as it is written.
  const gone = new Promise((resolve) => db.subscribe('Tmp', (records) => {
    if (records.some((r) => r.eventName === 'REMOVE')) resolve();
  }));
  await db.table('Tmp').put({ pk: 'x', exp: Math.floor(Date.now() / 1000) - 5 });
  const keepAlive = setInterval(() => {}, 1000);  // the sweep's timer is unref'd: it never holds the process
  await gone;
  clearInterval(keepAlive);
  assert.equal(await db.table('Tmp').get({ pk: 'x' }), undefined);
  await db.close();
});
