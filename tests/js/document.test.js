// The document API (db.table) over the real core: plain JS values in and
// out, all types, number precision options, odd attribute names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumberValue, ConditionalCheckFailedException } from 'pocketdynamo';
import { dbWithTable } from './support/db.js';

test('every type round-trips as plain JS', async () => {
  const db = await dbWithTable('Tbl');
  const t = db.table('Tbl');
  const item = {
    pk: 'all', s: 'héllo', n: 42, f: -0.125, big: 12345678901234567890n, yes: true, no: false, nil: null,
    bin: new Uint8Array([0, 1, 2, 255]), list: [1, 'two', [3], { four: 4 }], map: { a: { b: { c: 'deep' } } },
    ss: new Set(['a', 'b']), ns: new Set([1, 2, 3]), bs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
  };
  assert.equal(await t.put(item), undefined);
  const back = await t.get({ pk: 'all' });
  assert.deepEqual(back, item);
  assert.equal(await t.get({ pk: 'missing' }), undefined);
});

test('number precision: NumberValue and wrapNumbers keep 38 digits; plain numbers refuse to lose them', async () => {
  const db = await dbWithTable('Tbl');
  const exact = '3.1415926535897932384626433832795028841';
  const plain = db.table('Tbl');
  await plain.put({ pk: 'pi', v: NumberValue.from(exact), i: 2 ** 53 - 1 });
  const wrapped = db.table('Tbl', { unmarshallOptions: { wrapNumbers: true } });
  const got = await wrapped.get({ pk: 'pi' });
  assert.ok(got.v instanceof NumberValue);
  assert.equal(got.v.toString(), exact);
  assert.equal(got.i.toString(), String(2 ** 53 - 1));
  assert.equal((await plain.get({ pk: 'pi' })).v, Number(exact));
  await assert.rejects(plain.put({ pk: 'x', v: 2 ** 60 }), /greater than Number.MAX_SAFE_INTEGER/);
  const imprecise = db.table('Tbl', { marshallOptions: { allowImpreciseNumbers: true } });
  // Stored as JS prints it (util-dynamodb's rule): 2 ** 60 prints as 1152921504606847000.
  await imprecise.put({ pk: 'x', v: 2 ** 60 });
  assert.equal((await plain.get({ pk: 'x' })).v, 1152921504606847000n);
  const custom = db.table('Tbl', { unmarshallOptions: { wrapNumbers: (text) => `#${text}` } });
  assert.equal((await custom.get({ pk: 'x' })).v, '#1152921504606847000');
});

test('marshall options: convertEmptyValues and removeUndefinedValues', async () => {
  const db = await dbWithTable('Tbl');
  const t = db.table('Tbl', { marshallOptions: { convertEmptyValues: true, removeUndefinedValues: true } });
  await t.put({ pk: 'e', empty: '', gone: undefined, set: new Set(), list: [1, undefined] });
  assert.deepEqual(await t.get({ pk: 'e' }), { pk: 'e', empty: null, set: null, list: [1] });
  await assert.rejects(db.table('Tbl').put({ pk: 'e', gone: undefined }), /removeUndefinedValues/);
});

test('update spec, conditions and returned items', async () => {
  const db = await dbWithTable('Orders', { sk: 'sk' });
  const orders = db.table('Orders');
  await orders.put({ pk: 'u#1', sk: 'o#1', status: 'new', count: 1, tmp: 'x', tags: new Set(['a', 'b']), log: ['created'] });
  const after = await orders.update({ pk: 'u#1', sk: 'o#1' },
    { set: { status: 'shipped' }, add: { count: 1 }, remove: ['tmp'], delete: { tags: new Set(['a']) }, append: { log: 'shipped' } });
  assert.deepEqual(after, { pk: 'u#1', sk: 'o#1', status: 'shipped', count: 2, tags: new Set(['b']), log: ['created', 'shipped'] });
  const nested = await orders.update({ pk: 'u#1', sk: 'o#1' }, {
    set: [[['address', 'city'], 'Paris']],
  }, { returnValues: 'UPDATED_NEW' }).catch((e) => e);
  // address does not exist: DynamoDB refuses a path into a missing map.
  assert.equal(nested.name, 'ValidationException');
  await orders.update({ pk: 'u#1', sk: 'o#1' }, { set: { address: { city: 'Lyon' } } });
  const moved = await orders.update({ pk: 'u#1', sk: 'o#1' }, { set: [[['address', 'city'], 'Paris']] },
    { returnValues: 'UPDATED_NEW' });
  assert.deepEqual(moved, { address: { city: 'Paris' } });
  await assert.rejects(orders.update({ pk: 'u#1', sk: 'o#1' }, { set: { status: 'lost' } },
    { condition: { status: 'new' } }), ConditionalCheckFailedException);
  await assert.rejects(orders.update({ pk: 'u#2', sk: 'o#1' }, { set: { status: 'x' } }, { ifExists: true }),
    ConditionalCheckFailedException);
  assert.equal(await orders.get({ pk: 'u#2', sk: 'o#1' }), undefined);
  await assert.rejects(orders.put({ pk: 'u#1', sk: 'o#1' }, { ifNotExists: true }), ConditionalCheckFailedException);
  const old = await orders.put({ pk: 'u#1', sk: 'o#1', status: 'replaced' }, { returnValues: 'ALL_OLD' });
  assert.equal(old.status, 'shipped');
  const counter = await orders.update({ pk: 'u#3', sk: 'c' }, { add: { hits: 1 }, setIfNotExists: { first: 'yes' } });
  assert.deepEqual(counter, { pk: 'u#3', sk: 'c', hits: 1, first: 'yes' });
  const projected = await orders.get({ pk: 'u#1', sk: 'o#1' }, { attributes: ['status'], consistent: true });
  assert.deepEqual(projected, { status: 'replaced' });
  assert.deepEqual(await orders.delete({ pk: 'u#1', sk: 'o#1' }, { returnValues: 'ALL_OLD', condition: { status: 'replaced' } }),
    { pk: 'u#1', sk: 'o#1', status: 'replaced' });
  assert.equal(await orders.delete({ pk: 'u#1', sk: 'o#1' }), undefined);
});

test('reserved words and odd attribute names work as names, and nothing pollutes Object.prototype', async () => {
  const db = await dbWithTable('Tbl');
  const t = db.table('Tbl');
  const odd = JSON.parse('{"pk":"odd","__proto__":{"polluted":"yes"},"constructor":"c","toString":"t",' +
    '"status":"s","count":1,"a.b":"dots","with space":"sp","#hash":"h",":colon":"c2","hasOwnProperty":1}');
  await t.put(odd);
  const back = await t.get({ pk: 'odd' });
  assert.deepEqual(Object.keys(back).sort(), Object.keys(odd).sort());
  assert.deepEqual(Object.getOwnPropertyDescriptor(back, '__proto__').value, { polluted: 'yes' });
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.equal(back.constructor, 'c');
  const updated = await t.update({ pk: 'odd' }, { set: JSON.parse('{"__proto__":{"polluted":"again"},"status":"t2"}'), add: { count: 2 } },
    { condition: JSON.parse('{"__proto__":{"polluted":"yes"},"a.b":"dots"}') });
  assert.deepEqual(Object.getOwnPropertyDescriptor(updated, '__proto__').value, { polluted: 'again' });
  assert.equal(updated.count, 3);
  assert.equal(updated.status, 't2');
  // The same names through send(): the response JSON.parse'd, never assigned.
  const raw = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'odd' } } });
  assert.deepEqual(Object.getOwnPropertyDescriptor(raw.Item, '__proto__').value, { M: { polluted: { S: 'again' } } });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});
