// Storage 'memory' (web/persistence/memory-engine.js): one copy of the pages,
// no replicas; and the engine's execute() boundary (web/core/engine.js:
// request and response text through wasm memory) gives the core the bytes
// embind gave it before the C boundary replaced it.
// (A lone surrogate in a raw request string is encoded as embind's encoder did.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'pocketdynamo';
import { Engine } from '../../dist/core/engine.js';
import { tableSpec } from './support/db.js';

const TABLE = 'Mem';
const item = (i, extra = {}) => ({ pk: { S: `k${i}` }, n: { N: String(i) }, ...extra });

describe("storage 'memory'", () => {
  test('has no replicas, commits in memory, groups the operations of one task', async () => {
    const db = await open('mem', { storage: 'memory' });
    assert.equal(db.storage, 'memory');
    assert.equal(db.persistent, false);
    assert.equal(db.persisted, null);
    assert.equal(db.recovery.fresh, true);
    assert.deepEqual(await db.replicas(), []);
    assert.deepEqual(await db.verifyReplicas(), []);
    assert.deepEqual(await db.whenHealthy(1000), []);
    await db.send('CreateTable', tableSpec(TABLE));
    const commits = [];
    db.on('commit', (c) => commits.push(c));
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.send('PutItem', { TableName: TABLE, Item: item(i) })));
    assert.equal(commits.length, 1, JSON.stringify(commits));
    assert.equal(commits[0].operations, 50);
    assert.equal(commits[0].pages, 0);
    for (let i = 50; i < 53; i++) await db.send('PutItem', { TableName: TABLE, Item: item(i) });
    assert.equal(commits.length, 4);
    assert.ok(commits.every((c, k) => k === 0 || c.lsn === commits[k - 1].lsn + 1));
    assert.equal(db.stats().rollbacks, 0);
    assert.equal((await db.send('Scan', { TableName: TABLE, Select: 'COUNT' })).Count, 53);
    assert.equal(await db.check(), '');
    await db.close();
    await assert.rejects(db.send('GetItem', { TableName: TABLE, Key: { pk: { S: 'k1' } } }));
  });

  test('an awaited write commits at once (no macrotask); a burst shares one commit, results and events in order', async () => {
    const db = await open('mem-now', { storage: 'memory' });
    await db.send('CreateTable', tableSpec(TABLE));
    const events = [];
    db.on('commit', (c) => events.push(`commit ${c.operations}`));
    db.subscribe(TABLE, (records) => events.push(`changes ${records.map((r) => r.dynamodb.Keys.pk.S).join(',')}`));
    let macrotasks = 0;
    const tick = setImmediate(() => { macrotasks++; });
    const timer = setTimeout(() => { macrotasks++; }, 0);
    await db.send('PutItem', { TableName: TABLE, Item: item(0) });
    await db.send('DeleteItem', { TableName: TABLE, Key: { pk: { S: 'k0' } } });
    assert.equal((await db.send('GetItem', { TableName: TABLE, Key: { pk: { S: 'k0' } } })).Item, undefined);
    assert.equal(macrotasks, 0, 'two awaited writes and a read resolved before any macrotask');
    clearImmediate(tick);
    clearTimeout(timer);
    assert.deepEqual(events, ['commit 1', 'changes k0', 'commit 1', 'changes k0']);
    assert.equal(db.stats().commits, 3);  // CreateTable, PutItem, DeleteItem

    // A burst: the operations queued together commit once, after the last; each result and
    // each subscriber call comes in call order.
    events.length = 0;
    const order = [];
    const calls = [1, 2, 3].map((i) => db.send('PutItem', { TableName: TABLE, Item: item(i) }).then(() => order.push(`put ${i}`)));
    calls.push(db.send('GetItem', { TableName: TABLE, Key: { pk: { S: 'k2' } } }).then((r) => order.push(`get ${r.Item.pk.S}`)));
    calls.push(db.send('PutItem', { TableName: TABLE, Item: item(1), ConditionExpression: 'attribute_not_exists(pk)' })
        .catch((e) => order.push(e.name)));
    await Promise.all(calls);
    assert.deepEqual(order, ['put 1', 'put 2', 'put 3', 'get k2', 'ConditionalCheckFailedException']);
    assert.deepEqual(events, ['commit 5', 'changes k1', 'changes k2', 'changes k3']);
    assert.equal(db.stats().commits, 4);
    await db.close();
  });

  test('a failed write changes nothing; a snapshot opens in another in-memory database', async () => {
    const db = await open('mem2', { storage: 'memory' });
    await db.send('CreateTable', tableSpec(TABLE));
    for (let i = 0; i < 20; i++) await db.send('PutItem', { TableName: TABLE, Item: item(i) });
    await assert.rejects(db.send('PutItem', {
      TableName: TABLE, Item: item(1, { x: { S: 'new' } }), ConditionExpression: 'attribute_not_exists(pk)',
    }), (e) => e.name === 'ConditionalCheckFailedException');
    assert.equal((await db.send('GetItem', { TableName: TABLE, Key: { pk: { S: 'k1' } } })).Item.x, undefined);
    const snapshot = await db.snapshot();
    await db.close();
    const copy = await open('mem3', { storage: 'memory', snapshot });
    assert.equal((await copy.send('Scan', { TableName: TABLE, Select: 'COUNT' })).Count, 20);
    assert.deepEqual((await copy.send('GetItem', { TableName: TABLE, Key: { pk: { S: 'k7' } } })).Item, item(7));
    assert.equal(await copy.check(), '');
    await copy.close();
  });
});

describe('engine.execute() through wasm memory', () => {
  test('multi-byte text, escapes and large requests round-trip; a lone surrogate is folded as embind folded it', async () => {
    const engine = await Engine.create({});
    const run = (op, request) => JSON.parse(engine.execute(op, typeof request === 'string' ? request : JSON.stringify(request)));
    run('CreateTable', tableSpec(TABLE));
    const text = 'é€😀\u0000\u0001"\\\n\t~ ü';
    const put = run('PutItem', { TableName: TABLE, Item: { pk: { S: text }, v: { S: text.repeat(3) } } });
    assert.deepEqual(put, {});
    const got = run('GetItem', { TableName: TABLE, Key: { pk: { S: text } } });
    assert.deepEqual(got.Item, { pk: { S: text }, v: { S: text.repeat(3) } });
    // A request of more than 1 MiB (a buffer for the call only) and then a small one again (the kept buffer).
    const big = 'x'.repeat(390 * 1024);
    const puts = Array.from({ length: 3 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `big${i}` }, v: { S: big } } } }));
    assert.deepEqual(run('BatchWriteItem', { RequestItems: { [TABLE]: puts } }).UnprocessedItems, {});
    assert.equal(run('GetItem', { TableName: TABLE, Key: { pk: { S: 'big2' } } }).Item.v.S.length, big.length);
    assert.deepEqual(run('GetItem', { TableName: TABLE, Key: { pk: { S: text } } }).Item.pk, { S: text });
    // A lone surrogate in the raw text is encoded as embind's UTF-8 encoder did
    // (the surrogate and the next unit folded into one code point), never by
    // encodeInto, which would store U+FFFD in its place.
    run('CreateTable', tableSpec('Lone'));
    const lone = '{"TableName":"Lone","Item":{"pk":{"S":"a\uD800b"}}}';
    assert.deepEqual(run('PutItem', lone), {});
    const keys = run('Scan', { TableName: 'Lone' }).Items.map((i) => i.pk.S);
    assert.equal(keys.length, 1);
    assert.ok(!keys.includes('a\uFFFDb'), JSON.stringify(keys));
    // Escaped in the JSON (what JSON.stringify writes for it) it is the parser's to judge, on both paths.
    const escaped = JSON.stringify({ TableName: TABLE, Key: { pk: { S: 'a\uD800b' } } });
    assert.match(escaped, /\\ud800/);
    assert.equal(typeof run('GetItem', escaped), 'object');
    engine.close();
  });
});
