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
