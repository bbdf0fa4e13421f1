// db.sync() against dynalite on 127.0.0.1 (docs/sync.md): push, pull,
// hydrate with paging and progress, deletes as tombstones, conflicts with
// the default rule and a resolver, scope by partition keys, the remote
// stopped and started again, exactly-once after a lost state update.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, GetItemCommand, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { content, putAll, localDb, localItems, remoteItems, remoteTable, startRemote, syncTableSpec, until } from './sync-support.js';

let remote;
before(async () => { remote = await startRemote(); });
after(async () => { await remote?.close(); });

const item = (pk, sk, extra = {}) => ({ pk: { S: pk }, sk: { S: sk }, ...extra });

test('push: local writes reach the remote with versions; a delete becomes a tombstone', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  await sync.ready;
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a', { text: { S: 'hello' } }) });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'b', { n: { N: '1' } }) });
  await sync.syncNow();
  let items = await remoteItems(client, table);
  assert.deepEqual(items.map(content), [item('u1', 'a', { text: { S: 'hello' } }), item('u1', 'b', { n: { N: '1' } })]);
  assert.deepEqual(items.map((i) => i._v.N), ['1', '1']);
  assert.ok(items.every((i) => i._w.S === sync.writer && Number(i._t.N) > 0));
  await db.send('UpdateItem', { TableName: 'Notes', Key: item('u1', 'a'), UpdateExpression: 'SET #t = :t',
    ExpressionAttributeNames: { '#t': 'text' }, ExpressionAttributeValues: { ':t': { S: 'again' } } });
  await db.send('DeleteItem', { TableName: 'Notes', Key: item('u1', 'b') });
  await sync.syncNow();
  items = await remoteItems(client, table);
  assert.deepEqual(items.map((i) => [i.sk.S, i._v.N, i._del?.BOOL ?? false, i.text?.S]),
    [['a', '2', false, 'again'], ['b', '2', true, undefined]]);
  assert.equal(sync.state, 'idle');
  assert.equal(sync.pending, 0);
  assert.ok(sync.lastSyncedAt > 0);
  await sync.stop();
  assert.equal(sync.state, 'stopped');
  await db.close();
});

test('pull: remote changes and tombstones arrive; the sync state is not in the user table', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  await sync.ready;
  const now = Date.now();
  await client.send(new PutItemCommand({ TableName: table,
    Item: item('u1', 'x', { v: { S: 'remote' }, _v: { N: '1' }, _w: { S: 'other' }, _t: { N: String(now) } }) }));
  await client.send(new PutItemCommand({ TableName: table,
    Item: item('u1', 'y', { _v: { N: '3' }, _w: { S: 'other' }, _t: { N: String(now) }, _del: { BOOL: true } }) }));
  await sync.syncNow();
  assert.deepEqual(await localItems(db, 'Notes'), [item('u1', 'x', { v: { S: 'remote' } })]);
  // A remote change to x, then its deletion.
  await client.send(new PutItemCommand({ TableName: table,
    Item: item('u1', 'x', { v: { S: 'changed' }, _v: { N: '2' }, _w: { S: 'other' }, _t: { N: String(now + 1) } }) }));
  await sync.syncNow();
  assert.deepEqual(await localItems(db, 'Notes'), [item('u1', 'x', { v: { S: 'changed' } })]);
  await client.send(new PutItemCommand({ TableName: table,
    Item: item('u1', 'x', { _v: { N: '3' }, _w: { S: 'other' }, _t: { N: String(now + 2) }, _del: { BOOL: true } }) }));
  await sync.syncNow();
  assert.deepEqual(await localItems(db, 'Notes'), []);
  // Nothing was pushed back: the remote still has the other writer's versions.
  assert.deepEqual((await remoteItems(client, table)).map((i) => [i.sk.S, i._v.N, i._w.S]), [['x', '3', 'other'], ['y', '3', 'other']]);
  await sync.stop();
  await db.close();
});

test('hydrate: a remote table of 617 items in pages of 50, with progress events', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const seed = Array.from({ length: 617 }, (_, i) => item(`p${i % 7}`, `s${i}`,
    { i: { N: String(i) }, _v: { N: '1' }, _w: { S: 'seed' }, _t: { N: '1000' } }));
  await putAll(client, table, seed);
  const db = await localDb();
  const progress = [];
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pageSize: 50, pullIntervalMs: 60_000 });
  sync.on('progress', (p) => progress.push(p));
  await sync.ready;
  assert.equal((await localItems(db, 'Notes')).length, 617);
  assert.ok(progress.length >= 13, `${progress.length} progress events`);
  assert.deepEqual(progress.at(-1), { loaded: 617, pages: progress.length - 1, done: true });
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].loaded >= progress[i - 1].loaded);
  // Hydrated items are clean: nothing is pushed back.
  const pushes = [];
  sync.on('push', (p) => pushes.push(p));
  await sync.syncNow();
  assert.deepEqual(pushes, []);
  assert.ok((await remoteItems(client, table)).every((i) => i._w.S === 'seed'));
  await sync.stop();
  await db.close();
});

// A remote write by another writer, as the sync protocol has it: version + 1, conditional.
async function remoteWrite(client, table, key, attrs, { writer = 'other', del = false } = {}) {
  const current = (await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const base = Number(current?._v?.N ?? 0);
  const stamp = { _v: { N: String(base + 1) }, _w: { S: writer }, _t: { N: String(Date.now()) } };
  await client.send(new PutItemCommand({ TableName: table, Item: del ? { ...key, ...stamp, _del: { BOOL: true } } : { ...key, ...attrs, ...stamp },
    ConditionExpression: base === 0 ? 'attribute_not_exists(#v)' : '#v = :b', ExpressionAttributeNames: { '#v': '_v' },
    ...(base === 0 ? {} : { ExpressionAttributeValues: { ':b': { N: String(base) } } }) }));
  return base + 1;
}

async function syncedPair(options = {}) {
  const client = remote.client();
  const table = await remoteTable(remote);
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000, ...options });
  const conflicts = [];
  sync.on('conflict', (c) => conflicts.push(c));
  await sync.ready;
  return { client, table, db, sync, conflicts };
}

test('conflicts, default rule: the higher version wins; a tie goes to the higher writer id', async () => {
  const { client, table, db, sync, conflicts } = await syncedPair();
  const a = item('u1', 'a');
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, text: { S: 'v1' } } });
  await sync.syncNow();                                              // remote a: v1
  sync.pause();
  await remoteWrite(client, table, a, { text: { S: 'remote v2' } }, { writer: '~high' });
  await remoteWrite(client, table, a, { text: { S: 'remote v3' } }, { writer: '~high' });
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, text: { S: 'local' } } });   // would be v2 < v3
  sync.resume();
  await sync.syncNow();
  assert.deepEqual((await localItems(db, 'Notes')).map((i) => i.text.S), ['remote v3']);
  assert.deepEqual(conflicts.map((c) => [c.key.sk, c.local.text, c.remote.text, c.winner]), [['a', 'local', 'remote v3', 'remote']]);
  // A tie (both at v4): the higher writer id wins. '!' sorts below every writer id the sync makes.
  sync.pause();
  await remoteWrite(client, table, a, { text: { S: 'low writer' } }, { writer: '!low' });
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, text: { S: 'mine' } } });
  sync.resume();
  await sync.syncNow();
  assert.equal(conflicts.at(-1).winner, 'local');
  const [r] = await remoteItems(client, table);
  assert.deepEqual([r.text.S, r._v.N, r._w.S], ['mine', '5', sync.writer]);
  assert.deepEqual((await localItems(db, 'Notes')).map((i) => i.text.S), ['mine']);
  await sync.stop();
  await db.close();
});

test('the same change on both sides is no conflict: recorded as reconciled, not pushed again', async () => {
  const { client, table, db, sync, conflicts } = await syncedPair();
  const a = item('u1', 'a');
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, text: { S: 'v1' } } });
  await sync.syncNow();                                              // remote a: v1
  sync.pause();
  await remoteWrite(client, table, a, { text: { S: 'same' } }, { writer: '~high' });       // remote v2
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, text: { S: 'same' } } });   // local, dirty
  sync.resume();
  await sync.syncNow();
  assert.deepEqual(conflicts, []);
  const [r] = await remoteItems(client, table);
  assert.deepEqual([r.text.S, r._v.N, r._w.S], ['same', '2', '~high']);   // not written again
  assert.deepEqual((await localItems(db, 'Notes')).map((i) => i.text.S), ['same']);
  await sync.stop();
  await db.close();
});

test('versions past 2^53 compare and step exactly (DynamoDB numbers, not JS numbers)', async () => {
  const { client, table, db, sync, conflicts } = await syncedPair();
  const a = item('u1', 'a');
  const now = String(Date.now());
  await client.send(new PutItemCommand({ TableName: table,
    Item: { ...a, text: { S: 'one' }, _v: { N: '9007199254740992' }, _w: { S: 'other' }, _t: { N: now } } }));
  await sync.syncNow();
  await client.send(new PutItemCommand({ TableName: table,   // 2^53 + 1: as a JS number, equal to 2^53
    Item: { ...a, text: { S: 'two' }, _v: { N: '9007199254740993' }, _w: { S: 'other' }, _t: { N: now } } }));
  await sync.syncNow();
  assert.deepEqual((await localItems(db, 'Notes')).map((i) => i.text.S), ['two']);
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, text: { S: 'three' } } });
  await sync.syncNow();
  const [r] = await remoteItems(client, table);
  assert.deepEqual([r.text.S, r._v.N, r._w.S], ['three', '9007199254740994', sync.writer]);
  assert.deepEqual(conflicts, []);
  await sync.stop();
  await db.close();
});

test('pending counts distinct keys with local changes, not records; pulled items do not count', async () => {
  const { client, table, db, sync } = await syncedPair();
  sync.pause();
  for (let i = 0; i < 10; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a', { n: { N: String(i) } }) });
  for (const k of ['b', 'c', 'd']) await db.send('PutItem', { TableName: 'Notes', Item: item('u1', k) });
  await db.send('DeleteItem', { TableName: 'Notes', Key: item('u1', 'b') });
  assert.equal(sync.pending, 4);
  sync.resume();
  await sync.syncNow();
  assert.equal(sync.pending, 0);
  // Remote items applied locally are the sync's own writes: pending stays 0 while the pull applies them.
  const now = String(Date.now());
  for (const k of ['x', 'y']) {
    await client.send(new PutItemCommand({ TableName: table, Item: { ...item('u2', k), _v: { N: '1' }, _w: { S: 'other' }, _t: { N: now } } }));
  }
  const seen = [];
  sync.on('pull', () => seen.push(sync.pending));
  await sync.syncNow();
  assert.deepEqual(seen, [0]);   // x and y were written locally by the pull: nothing to push
  assert.equal((await localItems(db, 'Notes')).length, 5);   // a, c, d, x, y
  await sync.stop();
  await db.close();
});

test('conflicts found by a push (the remote changed after the last pull) and a custom resolver', async () => {
  const merges = [];
  const { client, table, db, sync, conflicts } = await syncedPair({
    resolve: async (local, remoteItem) => {
      merges.push([local, remoteItem]);
      return { ...remoteItem, ...local, tags: [...new Set([...(remoteItem?.tags ?? []), ...(local?.tags ?? [])])].sort() };
    },
  });
  const a = item('u1', 'a');
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, tags: { L: [{ S: 'x' }] } } });
  await sync.syncNow();
  // The remote moves on while the sync is idle (no pull until the interval); the next local write's push fails its
  // condition, reads the remote item and resolves.
  await remoteWrite(client, table, a, { tags: { L: [{ S: 'y' }] }, seen: { BOOL: true } });
  const pushed = new Promise((resolve) => sync.on('push', resolve));
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, tags: { L: [{ S: 'x' }, { S: 'z' }] } } });
  await pushed;
  assert.equal(merges.length, 1);
  assert.deepEqual(conflicts.map((c) => c.winner), ['merged']);
  const [r] = await remoteItems(client, table);
  assert.deepEqual([r.tags.L.map((t) => t.S), r.seen.BOOL, r._v.N], [['x', 'y', 'z'], true, '3']);
  assert.deepEqual(content(r), (await localItems(db, 'Notes'))[0]);
  await sync.stop();
  await db.close();
});

test('scope by partition keys: only those items are pulled and pushed (incremental pull on an LSI of _t)', async () => {
  const client = remote.client();
  const table = await remoteTable(remote, { lsi: true });
  for (const pk of ['u1', 'u2', 'u3']) await remoteWrite(client, table, item(pk, 'a'), { who: { S: pk } });
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000,
    scope: { partitionKeys: ['u1', 'u3'] }, changeIndex: 'byTime' });
  await sync.ready;
  assert.deepEqual((await localItems(db, 'Notes')).map((i) => i.pk.S), ['u1', 'u3']);
  await remoteWrite(client, table, item('u2', 'b'), { who: { S: 'u2' } });
  await remoteWrite(client, table, item('u3', 'b'), { who: { S: 'u3' } });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u2', 'local') });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'local') });
  await sync.syncNow();
  assert.deepEqual((await localItems(db, 'Notes')).map((i) => `${i.pk.S}/${i.sk.S}`), ['u1/a', 'u1/local', 'u2/local', 'u3/a', 'u3/b']);
  assert.deepEqual((await remoteItems(client, table)).map((i) => `${i.pk.S}/${i.sk.S}`), ['u1/a', 'u1/local', 'u2/a', 'u2/b', 'u3/a', 'u3/b']);
  await sync.stop();
  await db.close();
  await assert.rejects(db.sync({ table: 'Notes', remote: client }), /closed/);
});

test('options are checked; a query scope on an index the local table lacks is refused', async () => {
  const db = await localDb();
  const client = remote.client();
  await assert.rejects(db.sync({ table: 'Notes' }), (e) => e instanceof TypeError && /remote is an AWS SDK v3/.test(e.message));
  await assert.rejects(db.sync({ table: 'Notes', remote: client, bogus: 1 }), /unknown option "bogus"/);
  await assert.rejects(db.sync({ table: 'Notes', remote: client,
    scope: { query: { IndexName: 'byTime', KeyConditionExpression: 'pk = :p' } } }), /the local table Notes has no index of that name/);
  await assert.rejects(db.sync({ table: 'Notes', remote: client, scope: { query: { KeyConditionExpression: 'sk = :s',
    ExpressionAttributeValues: { ':s': { S: 'x' } } } } }), /the key condition must be pk = :value/);
  await assert.rejects(db.sync({ table: 'Notes', remote: client, scope: { query: { KeyConditionExpression: 'pk = :p OR sk = :s',
    ExpressionAttributeValues: { ':p': { S: 'x' }, ':s': { S: 'x' } } } } }), /expected AND at "OR sk = :s"/);
  await assert.rejects(db.sync({ table: 'Missing', remote: client }), (e) => e.name === 'ResourceNotFoundException');
  await db.close();
});

test('offline: the remote stopped, writes wait in the outbox; back online they are pushed', async () => {
  const { client, table, db, sync } = await syncedPair();
  const states = [];
  sync.on('state', ({ state }) => states.push(state));
  await remote.stop();
  try {
    for (let i = 0; i < 5; i++) await db.send('PutItem', { TableName: 'Notes', Item: item('u1', `k${i}`, { i: { N: String(i) } }) });
    await until(() => sync.state === 'offline', 'state offline');
    assert.equal(sync.pending, 5);
  } finally {
    await remote.start();
  }
  await until(async () => (await remoteItems(client, table)).length === 5, 'the 5 items on the remote', 10_000);
  await until(() => sync.state === 'idle', 'state idle');
  assert.ok(states.includes('offline') && states.indexOf('offline') < states.lastIndexOf('idle'), states.join(' '));
  assert.ok((await remoteItems(client, table)).every((i) => i._v.N === '1'));
  await sync.stop();
  await db.close();
});

test('exactly once: a push that reached the remote but whose state update was lost is not written again', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const db = await localDb();
  let sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  await sync.ready;
  await sync.stop();
  const writer = sync.writer;
  const a = item('u1', 'a', { x: { N: '1' } });
  await db.send('PutItem', { TableName: 'Notes', Item: a });
  // What the stopped sync would have written, as if a crash came between the remote's answer and the state update.
  await client.send(new PutItemCommand({ TableName: table, Item: { ...a, _v: { N: '1' }, _w: { S: writer }, _t: { N: '12345' } } }));
  sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  const events = [];
  sync.on('conflict', (c) => events.push(c));
  sync.on('push', (p) => events.push(p));
  await sync.ready;
  assert.equal(sync.writer, writer);
  let [r] = await remoteItems(client, table);
  assert.deepEqual([r._v.N, r._t.N], ['1', '12345']);
  assert.deepEqual(events, []);
  await db.send('UpdateItem', { TableName: 'Notes', Key: item('u1', 'a'), UpdateExpression: 'SET x = :x',
    ExpressionAttributeValues: { ':x': { N: '2' } } });
  await sync.syncNow();
  [r] = await remoteItems(client, table);
  assert.deepEqual([r._v.N, r.x.N], ['2', '2']);
  await sync.stop();
  await db.close();
});

test('a remote item deleted outright (not by a sync) is written anew by the next local change', async () => {
  const { client, table, db, sync } = await syncedPair();
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a', { x: { N: '1' } }) });
  await sync.syncNow();
  await client.send(new DeleteItemCommand({ TableName: table, Key: item('u1', 'a') }));
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a', { x: { N: '2' } }) });
  await sync.syncNow();
  const [r] = await remoteItems(client, table);
  assert.deepEqual([r.x.N, r._v.N], ['2', '2']);
  await sync.stop();
  await db.close();
});

test('closing the database stops its sync; a state format it does not know is refused', async () => {
  const { db, sync } = await syncedPair();
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a') });
  await db.close();
  await until(() => sync.state === 'stopped', 'state stopped');
  await assert.rejects(sync.syncNow(), /sync: stopped/);
  const db2 = await localDb();
  const first = await db2.sync({ table: 'Notes', remote: remote.client(), remoteTable: await remoteTable(remote) });
  await first.stop();
  await db2.send('UpdateItem', { TableName: '_pocketdynamo_sync', Key: { pk: { S: 'Notes' }, sk: { S: 'writer' } },
    UpdateExpression: 'SET f = :f', ExpressionAttributeValues: { ':f': { N: '2' } } });
  await assert.rejects(db2.sync({ table: 'Notes', remote: remote.client() }),
    /the sync state of table Notes has format 2; this version reads format 1/);
  await db2.close();
});

test('an item the remote refuses is reported with its key and does not stall the others', async () => {
  const client = remote.client();
  const table = `sync${process.pid}_refuse`;
  const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  // The remote indexes g as a number: a local item with g a string passes locally, not there.
  await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'g', AttributeType: 'N' }],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }] }));
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  await sync.ready;
  const errors = [];
  sync.on('error', (e) => errors.push(e));
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'a', { g: { N: '1' } }) });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'bad', { g: { S: 'not a number' } }) });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'c', { g: { N: '3' } }) });
  await sync.syncNow();
  assert.deepEqual((await remoteItems(client, table)).map((i) => i.sk.S), ['a', 'c']);
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0].key, { pk: 'u1', sk: 'bad' });
  assert.equal(errors[0].error.name, 'ValidationException');
  assert.equal(sync.state, 'idle');
  // Fixed locally, it goes.
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'bad', { g: { N: '2' } }) });
  await sync.syncNow();
  assert.deepEqual((await remoteItems(client, table)).map((i) => i.sk.S), ['a', 'bad', 'c']);
  await sync.stop();
  await db.close();
});

test('an item at 400 KB locally, over it with the sync\'s attributes, is reported; the others go', async () => {
  const { client, table, db, sync } = await syncedPair();
  const errors = [];
  sync.on('error', (e) => errors.push(e));
  // pk u1 (2 + 2 bytes), sk big (2 + 3), t (1 + text): 409,600 bytes, DynamoDB's limit, which the local table takes.
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'big', { t: { S: 'x'.repeat(409_600 - 10) } }) });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'small', { t: { S: 'x' } }) });
  await sync.syncNow();
  assert.deepEqual((await remoteItems(client, table)).map((i) => i.sk.S), ['small']);
  assert.deepEqual(errors.map((e) => [e.key, e.error.name]), [[{ pk: 'u1', sk: 'big' }, 'ValidationException']]);
  assert.match(errors[0].error.message, /size/i);
  assert.deepEqual([sync.state, sync.pending], ['idle', 1]);
  await sync.stop();
  await db.close();
});

test('a resolver that returns null deletes on both sides; a transport without the database refuses', async () => {
  const { client, table, db, sync, conflicts } = await syncedPair({ resolve: () => null });
  const a = item('u1', 'a');
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, x: { N: '1' } } });
  await sync.syncNow();
  sync.pause();
  await remoteWrite(client, table, a, { x: { N: '2' } });
  await db.send('PutItem', { TableName: 'Notes', Item: { ...a, x: { N: '3' } } });
  sync.resume();
  await sync.syncNow();
  assert.deepEqual(conflicts.map((c) => [c.local.x, c.remote.x, c.winner]), [[3, 2, 'merged']]);
  assert.deepEqual(await localItems(db, 'Notes'), []);
  const [r] = await remoteItems(client, table);
  assert.deepEqual([r._del?.BOOL, r._v.N, r.x], [true, '3', undefined]);
  await sync.stop();
  await db.close();
  const { DatabaseBase } = await import('pocketdynamo');
  class Elsewhere extends DatabaseBase {}
  await assert.rejects(new Elsewhere().sync({ table: 'Notes', remote: client }),
    /Elsewhere cannot run db.sync\(\): the sync runs on a Database from open\(\) in the context that owns it/);
});

test('a WorkerClient (the database is in a worker) refuses db.sync(): the sync runs in the worker', async () => {
  const { WorkerClient, serveDatabase } = await import('pocketdynamo/worker');
  const { port1, port2 } = new MessageChannel();
  serveDatabase(port1);
  port1.start();
  const db = await WorkerClient.open(port2, `sync-worker-client-${Math.random()}`, { storage: 'memory' });
  await assert.rejects(db.sync({ table: 'Notes', remote: remote.client() }),
    /WorkerClient cannot run db\.sync\(\): the sync runs on a Database from open\(\) in the context that owns it/);
  await db.close();
  port1.close();
  port2.close();
});

test('offline longer than the stream keeps records (24 h): the outbox is found by a full reconcile', async () => {
  const clock = { now: Date.now() };
  const client = remote.client();
  const table = await remoteTable(remote);
  const db = await localDb('Notes', { clock: () => clock.now });
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  await sync.ready;
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'first') });
  await sync.syncNow();                       // the cursor is past 'first'
  sync.pause();
  for (const sk of ['a', 'b', 'c']) await db.send('PutItem', { TableName: 'Notes', Item: item('u1', sk) });
  await db.send('DeleteItem', { TableName: 'Notes', Key: item('u1', 'first') });
  clock.now += 25 * 3600 * 1000;
  const { trimmed } = await db.sweepExpired();
  assert.ok(trimmed >= 5, `${trimmed} stream records trimmed`);
  sync.resume();
  await sync.syncNow();
  assert.deepEqual((await remoteItems(client, table)).map((i) => [i.sk.S, i._v.N, i._del?.BOOL ?? false]),
    [['a', '1', false], ['b', '1', false], ['c', '1', false], ['first', '2', true]]);
  await sync.stop();
  await db.close();
});

test('scope by a Query: pk = :p AND begins_with(sk, :s) on both sides', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  for (const [pk, sk] of [['u1', 'note#1'], ['u1', 'note#2'], ['u1', 'todo#1'], ['u2', 'note#1']]) {
    await remoteWrite(client, table, item(pk, sk), { x: { S: `${pk}/${sk}` } });
  }
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000,
    scope: { query: { KeyConditionExpression: '#p = :p AND begins_with(sk, :s)', ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': { S: 'u1' }, ':s': { S: 'note#' } } } } });
  await sync.ready;
  const keys = async (items) => items.map((i) => `${i.pk.S}/${i.sk.S}`);
  assert.deepEqual(await keys(await localItems(db, 'Notes')), ['u1/note#1', 'u1/note#2']);
  await remoteWrite(client, table, item('u1', 'note#3'), {});
  await remoteWrite(client, table, item('u1', 'todo#2'), {});
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'note#9') });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u1', 'todo#9') });
  await db.send('PutItem', { TableName: 'Notes', Item: item('u3', 'note#1') });
  await sync.syncNow();
  assert.deepEqual(await keys(await localItems(db, 'Notes')),
    ['u1/note#1', 'u1/note#2', 'u1/note#3', 'u1/note#9', 'u1/todo#9', 'u3/note#1']);
  assert.deepEqual(await keys(await remoteItems(client, table)),
    ['u1/note#1', 'u1/note#2', 'u1/note#3', 'u1/note#9', 'u1/todo#1', 'u1/todo#2', 'u2/note#1']);
  await sync.stop();
  await db.close();
});

test('scope by a Query on an index (an LSI): items enter and leave it by their attributes', async () => {
  const client = remote.client();
  const table = `sync${process.pid}_lsi`;
  const spec = (name) => ({ ...syncTableSpec(name),
    AttributeDefinitions: [...syncTableSpec(name).AttributeDefinitions, { AttributeName: 'status', AttributeType: 'S' }],
    LocalSecondaryIndexes: [{ IndexName: 'byStatus', Projection: { ProjectionType: 'ALL' },
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'status', KeyType: 'RANGE' }] }] });
  const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  await client.send(new CreateTableCommand(spec(table)));
  for (const [pk, sk, status] of [['u1', 'a', 'open'], ['u1', 'b', 'done'], ['u1', 'c', 'open'], ['u2', 'd', 'open']]) {
    await remoteWrite(client, table, item(pk, sk), { status: { S: status } });
  }
  const db = await localDb();
  await db.send('CreateTable', spec('Tasks'));
  const clock = { now: Date.now() };
  const DAY = 24 * 3600 * 1000;
  const sync = await db.sync({ table: 'Tasks', remote: client, remoteTable: table, pullIntervalMs: 60_000,
    tombstoneRetentionMs: 10 * DAY, clock: () => clock.now,
    scope: { query: { IndexName: 'byStatus', KeyConditionExpression: 'pk = :p AND #s = :open',
      ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': { S: 'u1' }, ':open': { S: 'open' } } } } });
  await sync.ready;
  const view = (items) => items.map((i) => `${i.pk.S}/${i.sk.S}:${i.status.S}`).sort();
  assert.deepEqual(view(await localItems(db, 'Tasks')), ['u1/a:open', 'u1/c:open']);
  sync.pause();
  await db.send('PutItem', { TableName: 'Tasks', Item: item('u1', 'e', { status: { S: 'open' } }) });   // enters: pushed
  await db.send('PutItem', { TableName: 'Tasks', Item: item('u1', 'f', { status: { S: 'done' } }) });   // never in it
  await db.send('PutItem', { TableName: 'Tasks', Item: item('u1', 'a', { status: { S: 'done' } }) });   // leaves: pushed
  assert.equal(sync.pending, 2);
  sync.resume();
  await sync.syncNow();
  assert.equal(sync.pending, 0);
  assert.deepEqual((await remoteItems(client, table)).map((i) => `${i.sk.S}:${i.status.S}:${i._v.N}`),
    ['a:done:2', 'b:done:1', 'c:open:1', 'e:open:1', 'd:open:1']);
  // c leaves the scope on the remote: an incremental pull does not see it; the full pull after the retention
  // drops it locally, and a, which left it here and is on the remote as it is here.
  await remoteWrite(client, table, item('u1', 'c'), { status: { S: 'done' } });
  await sync.syncNow();
  assert.deepEqual(view(await localItems(db, 'Tasks')), ['u1/a:done', 'u1/c:open', 'u1/e:open', 'u1/f:done']);
  clock.now += 11 * DAY;
  await sync.syncNow();
  assert.deepEqual(view(await localItems(db, 'Tasks')), ['u1/e:open', 'u1/f:done']);
  await sync.stop();
  await db.close();
});

test('tombstones: _exp for the remote TTL; after the retention a full pull drops what the remote forgot', async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const clock = { now: Date.now() };
  const DAY = 24 * 3600 * 1000;
  const options = { table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000,
    tombstoneRetentionMs: 10 * DAY, clock: () => clock.now };
  const a = await localDb();
  const b = await localDb();
  const syncA = await a.sync(options);
  await syncA.ready;
  for (const k of ['x', 'y', 'z']) await a.send('PutItem', { TableName: 'Notes', Item: item('u1', k) });
  await syncA.syncNow();
  let syncB = await b.sync(options);
  await syncB.ready;
  assert.deepEqual((await localItems(b, 'Notes')).map((i) => i.sk.S).sort(), ['x', 'y', 'z']);
  await syncB.stop();   // B goes offline

  await a.send('DeleteItem', { TableName: 'Notes', Key: item('u1', 'x') });
  await syncA.syncNow();
  const tomb = (await remoteItems(client, table)).find((i) => i.sk.S === 'x');
  assert.deepEqual([tomb._del.BOOL, tomb._exp.N], [true, String(Math.ceil((clock.now + 10 * DAY) / 1000))]);
  // The remote's TTL removes the tombstone (simulated); B comes back after the retention with z changed locally.
  await client.send(new DeleteItemCommand({ TableName: table, Key: item('u1', 'x') }));
  clock.now += 11 * DAY;
  await b.send('PutItem', { TableName: 'Notes', Item: item('u1', 'z', { n: { N: '1' } }) });
  const stateRows = async (db) => (await db.send('Query', { TableName: '_pocketdynamo_sync', KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': { S: 'Notes' } } })).Items.map((r) => r.sk.S).filter((s) => s.startsWith('k#'));
  syncB = await b.sync(options);
  await syncB.ready;
  // x: missed deletion, dropped (item and state row); z: changed locally, kept and pushed.
  assert.deepEqual((await localItems(b, 'Notes')).map((i) => i.sk.S).sort(), ['y', 'z']);
  assert.equal((await stateRows(b)).some((s) => s.includes('"x"')), false);
  assert.deepEqual((await remoteItems(client, table)).map((i) => [i.sk.S, i.n?.N]), [['y', undefined], ['z', '1']]);
  // A, online all along: its first pull after the retention is full too, and drops x's state row (a deletion).
  assert.equal((await stateRows(a)).some((s) => s.includes('"x"')), true);
  await syncA.syncNow();
  assert.equal((await stateRows(a)).some((s) => s.includes('"x"')), false);
  assert.deepEqual((await localItems(a, 'Notes')).map((i) => [i.sk.S, i.n?.N]).sort(), [['y', undefined], ['z', '1']]);
  await syncA.stop();
  await syncB.stop();
  await a.close();
  await b.close();
});
