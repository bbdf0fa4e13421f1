// db.sync() pushing in batches (docs/sync.md "Push"): conditional Puts in
// TransactWriteItems of up to batchSize keys, against a pocketdynamo server
// (which has transactions) as the remote; a cancelled transaction (a
// conflict, an item the remote refuses) goes key by key; a remote without
// transactions (dynalite) gets one PutItem per key from its first answer on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startServer } from 'pocketdynamo/server';
import { content, localDb, localItems, remoteItems, startRemote, syncTableSpec } from './sync-support.js';

let server;
let dynalite;
before(async () => {
  server = await startServer({ port: 0 });
  dynalite = await startRemote();
});
after(async () => {
  await server?.close();
  await dynalite?.close();
});

const item = (pk, sk, extra = {}) => ({ pk: { S: pk }, sk: { S: sk }, ...extra });
const sk = (i) => `s${String(i).padStart(3, '0')}`;

// A client of `endpoint` that counts the commands it sends by name.
function countingClient(endpoint) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const counts = {};
  const send = client.send.bind(client);
  client.send = (command, ...rest) => {
    const name = command.constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
    return send(command, ...rest);
  };
  return { client, counts };
}

let tables = 0;
async function pair(endpoint, options = {}, spec = (name) => syncTableSpec(name)) {
  const { client, counts } = countingClient(endpoint);
  const table = `batch${++tables}`;
  await client.send(new CreateTableCommand(spec(table)));
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000, ...options });
  const conflicts = [];
  const errors = [];
  sync.on('conflict', (c) => conflicts.push(c));
  sync.on('error', (e) => errors.push(e));
  await sync.ready;
  for (const name of Object.keys(counts)) delete counts[name];
  return { client, counts, table, db, sync, conflicts, errors };
}

test('batched push: 60 writes in transactions of 25; a conflict cancels one, which goes key by key', async () => {
  const { client, counts, table, db, sync, conflicts } = await pair(server.endpoint, { batchSize: 25, overlapMs: 0 });
  sync.pause();   // the 60 writes in one push round
  for (let i = 0; i < 60; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u', sk(i), { n: { N: String(i) } }) });
  sync.resume();
  await sync.syncNow();
  let remote = await remoteItems(client, table);
  assert.equal(remote.length, 60);
  assert.ok(remote.every((r) => r._v.N === '1' && r._w.S === sync.writer));
  assert.equal(counts.TransactWriteItems, 3);
  assert.equal(counts.PutItem, undefined);
  await sync.syncNow();   // the pull sees the pushed items: its watermark is their _t

  // The remote changes s005 behind the pull's back (an old _t: the pull does not see it); the push finds it.
  sync.pause();
  await client.send(new PutItemCommand({ TableName: table, Item: item('u', sk(5),
    { n: { N: '500' }, _v: { N: '2' }, _w: { S: '~high' }, _t: { N: '1' } }) }));
  for (let i = 0; i < 30; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u', sk(i), { n: { N: String(1000 + i) } }) });
  for (const name of Object.keys(counts)) delete counts[name];
  sync.resume();
  await sync.syncNow();
  assert.equal(counts.TransactWriteItems, 2);   // 25 keys (cancelled), then 5
  assert.equal(counts.PutItem, 25);            // the cancelled 25 one by one (s005's fails: the remote wins)
  assert.equal(counts.GetItem, 1);
  assert.deepEqual(conflicts.map((c) => [c.key.sk, c.winner]), [[sk(5), 'remote']]);   // a tie at v2: '~high' wins
  remote = await remoteItems(client, table);
  const expected = Array.from({ length: 60 }, (_, i) => item('u', sk(i), { n: { N: String(i === 5 ? 500 : i < 30 ? 1000 + i : i) } }));
  assert.deepEqual(remote.map(content), expected);
  assert.deepEqual(remote.map((r) => r._v.N), expected.map((_, i) => (i < 30 ? '2' : '1')));
  const local = (await localItems(db, 'Notes')).sort((a, b) => (a.sk.S < b.sk.S ? -1 : 1));
  assert.deepEqual(local, expected);
  assert.equal(sync.pending, 0);
  await sync.stop();
  await db.close();
});

test('an item the remote refuses cancels its transaction; the others go key by key, it is reported', async () => {
  // The remote indexes g as a number: a local item with g a string passes locally, not there.
  const spec = (name) => ({ ...syncTableSpec(name),
    AttributeDefinitions: [...syncTableSpec(name).AttributeDefinitions, { AttributeName: 'g', AttributeType: 'N' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' } }] });
  const { client, counts, table, db, sync, errors } = await pair(server.endpoint, {}, spec);
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a', { g: { N: '1' } }) });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'bad', { g: { S: 'not a number' } }) });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'c', { g: { N: '3' } }) });
  await sync.syncNow();
  assert.deepEqual((await remoteItems(client, table)).map((i) => i.sk.S), ['a', 'c']);
  assert.equal(counts.TransactWriteItems, 1);
  assert.equal(counts.PutItem, 3);
  assert.deepEqual(errors.map((e) => [e.key, e.error.name]), [[{ pk: 'u1', sk: 'bad' }, 'ValidationException']]);
  assert.equal(sync.state, 'idle');
  assert.equal(sync.pending, 1);   // the refused item, until it changes and goes
  await sync.stop();
  await db.close();
});

test('a remote without TransactWriteItems (dynalite): PutItems from its first answer on', async () => {
  const { client, counts, table, db, sync } = await pair(dynalite.endpoint, { batchSize: 10 });
  for (let i = 0; i < 30; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u', sk(i)) });
  await sync.syncNow();
  for (let i = 30; i < 40; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u', sk(i)) });
  await sync.syncNow();
  assert.equal((await remoteItems(client, table)).length, 40);
  assert.equal(counts.TransactWriteItems, 1);   // tried once
  assert.equal(counts.PutItem, 40);
  await sync.stop();
  await db.close();
});

test('exactly once: a transaction that reached the remote but whose answer was lost is not written again', async () => {
  const { client, counts, table, db, sync } = await pair(server.endpoint, { batchSize: 25 });
  let lose = 1;
  const send = client.send;
  client.send = async (command, ...rest) => {
    const out = await send(command, ...rest);
    if (command.constructor.name === 'TransactWriteItemsCommand' && lose > 0) {
      lose--;
      throw Object.assign(new Error('socket hang up (the answer was lost)'), { code: 'ECONNRESET' });
    }
    return out;
  };
  sync.pause();
  for (let i = 0; i < 10; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u', sk(i), { n: { N: String(i) } }) });
  sync.resume();
  await sync.syncNow();
  assert.equal(lose, 0);
  const remote = await remoteItems(client, table);
  assert.deepEqual(remote.map((r) => [r.sk.S, r._v.N, r._w.S]), Array.from({ length: 10 }, (_, i) => [sk(i), '1', sync.writer]));
  // The retried round's pull finds the items on the remote with this sync's content: recorded as reconciled, and
  // nothing is written again.
  assert.equal(counts.TransactWriteItems, 1);
  assert.equal(counts.PutItem, undefined);
  assert.equal(sync.pending, 0);
  await sync.stop();
  await db.close();
});
