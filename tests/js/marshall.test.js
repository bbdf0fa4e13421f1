// document/marshall.js against @aws-sdk/util-dynamodb itself: the same JS
// values give the same attribute values and back, with every option; plus
// what pocketdynamo does on purpose differently (own keys only, any name
// round-trips, nothing reaches Object.prototype).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from '@aws-sdk/util-dynamodb';
import { marshall, unmarshall, convertToAttr, convertToNative, NumberValue } from 'pocketdynamo';

const bytes = (...b) => new Uint8Array(b);

// Values util-dynamodb and pocketdynamo must marshall identically.
const cases = [
  ['strings', { a: 'x', e: 'é€😀', empty: '' }],
  ['numbers', { i: 1, neg: -42, f: 1.5, tiny: 1e-7, big: 9007199254740991, min: -9007199254740991 }],
  ['bigint', { b: 12345678901234567890n, n: -98765432109876543210n }],
  ['boolean and null', { t: true, f: false, n: null }],
  ['boxed', { s: new String('s'), n: new Number(3), b: new Boolean(false) }],
  ['binary', { b: bytes(0, 1, 255), empty: bytes() }],
  ['list', { l: [1, 'two', [3, [4]], { five: 5 }, null, true] }],
  ['nested map', { m: { a: { b: { c: 'deep' } } } }],
  ['string set', { ss: new Set(['a', 'b']) }],
  ['number set', { ns: new Set([1, 2.5, -3]) }],
  ['bigint set', { ns: new Set([1n, 2n]) }],
  ['binary set', { bs: new Set([bytes(1), bytes(2, 3)]) }],
  ['Map', { m: new Map([['k', 1], ['j', 'v']]) }],
  ['null prototype', { m: Object.assign(Object.create(null), { k: 'v' }) }],
  ['NumberValue', { n: NumberValue.from('3.14159265358979323846264338327950288') }],
  ['NumberValue set', { ns: new Set([NumberValue.from('1.0000000000000000000001'), NumberValue.from('2')]) }],
];

for (const [name, value] of cases) {
  test(`marshall matches util-dynamodb: ${name}`, () => {
    const sdkValue = structuredClone(value, { transfer: [] });
    // NumberValue instances are ours; give util-dynamodb its own kind.
    const convert = (v) => (v instanceof NumberValue ? sdk.NumberValueImpl.from(v.toString())
      : v instanceof Set ? new Set([...v].map(convert)) : v);
    for (const key of Object.keys(value)) sdkValue[key] = convert(value[key]);
    assert.deepEqual(marshall(value), sdk.marshall(sdkValue));
  });
}

test('marshall options match util-dynamodb', () => {
  const value = { s: '', b: bytes(), set: new Set(), u: undefined, l: [1, undefined], m: { u: undefined } };
  const options = { convertEmptyValues: true, removeUndefinedValues: true };
  assert.deepEqual(marshall(value, options), sdk.marshall(value, options));
  class Point { constructor() { this.x = 1; this.y = 2; } }
  const withClass = { p: new Point() };
  assert.throws(() => marshall(withClass), /convertClassInstanceToMap/);
  assert.deepEqual(marshall(withClass, { convertClassInstanceToMap: true }),
    sdk.marshall(withClass, { convertClassInstanceToMap: true }));
  assert.deepEqual(marshall({ a: 1 }, { convertTopLevelContainer: true }), { M: { a: { N: '1' } } });
  assert.deepEqual(marshall([1, 'a']), sdk.marshall([1, 'a']));
  assert.deepEqual(marshall('x'), sdk.marshall('x'));
  assert.deepEqual(marshall({ x: 2 ** 60 }, { allowImpreciseNumbers: true }),
    sdk.marshall({ x: 2 ** 60 }, { allowImpreciseNumbers: true }));
});

test('marshall errors match util-dynamodb', () => {
  const bad = [
    [{ u: undefined }, undefined],
    [{ s: new Set() }, undefined],
    [{ n: NaN }, undefined],
    [{ n: Infinity }, undefined],
    [{ n: 2 ** 60 }, undefined],
    [{ n: -(2 ** 60) }, undefined],
    [{ s: new Set([{}]) }, undefined],
  ];
  for (const [value, options] of bad) {
    let expected;
    try { sdk.marshall(value, options); } catch (e) { expected = e.message; }
    assert.ok(expected, `util-dynamodb accepts ${String(Object.keys(value))}?`);
    assert.throws(() => marshall(value, options), (e) => e.message === expected, expected);
  }
  assert.throws(() => new NumberValue(2 ** 60), /imprecise number/);
  assert.throws(() => marshall({ f: Symbol('x') }), /Unsupported type passed/);
});

test('unmarshall matches util-dynamodb', () => {
  const item = {
    s: { S: 'x' }, n: { N: '-1.5' }, big: { N: '12345678901234567890' }, b: { B: bytes(1, 2) },
    t: { BOOL: true }, z: { NULL: true }, l: { L: [{ N: '1' }, { S: 'a' }, { L: [] }] },
    m: { M: { k: { SS: ['a', 'b'] }, n: { NS: ['1', '2'] }, bs: { BS: [bytes(9)] } } },
  };
  assert.deepEqual(unmarshall(item), sdk.unmarshall(item));
  assert.deepEqual(unmarshall(item, { wrapNumbers: true }).n, NumberValue.from('-1.5'));
  assert.equal(unmarshall(item, { wrapNumbers: (text) => `n:${text}` }).big, 'n:12345678901234567890');
  assert.deepEqual(convertToNative({ N: '7' }), 7);
  assert.deepEqual(convertToAttr(7), { N: '7' });
  assert.equal(unmarshall({ n: { N: '1.5' } }, { convertWithoutMapWrapper: false }).n, 1.5);
  assert.throws(() => unmarshall({ n: { N: '1.5e30' } }), /can't be converted to BigInt/);
  assert.throws(() => unmarshall({ x: { Q: 1 } }), /Unsupported type passed: Q/);
});

test('exact decimals survive with NumberValue and wrapNumbers', () => {
  const text = '0.1000000000000000000000000000000000001';
  const attr = marshall({ n: NumberValue.from(text) });
  assert.deepEqual(attr, { n: { N: text } });
  const back = unmarshall(attr, { wrapNumbers: true });
  assert.ok(back.n instanceof NumberValue);
  assert.equal(back.n.toString(), text);
  assert.equal(NumberValue.from('12345678901234567890123').toBigInt(), 12345678901234567890123n);
  // util-dynamodb's own NumberValue is accepted too.
  assert.deepEqual(marshall({ n: sdk.NumberValueImpl.from(text) }), { n: { N: text } });
});

test('binary arrives as bytes whether given as bytes or base64 text', () => {
  assert.deepEqual(unmarshall({ b: { B: 'AQL/' } }).b, bytes(1, 2, 255));
  assert.deepEqual(unmarshall({ b: { BS: ['AQ==', 'AgM='] } }).b, new Set([bytes(1), bytes(2, 3)]));
  assert.deepEqual(marshall({ b: new Uint16Array([1]) }).b.B, bytes(1, 0));
  assert.deepEqual(marshall({ b: bytes(5).buffer }).b.B, bytes(5));
});

test('any attribute name round-trips as an own property, and Object.prototype stays clean', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype',
    '__defineGetter__', 'isPrototypeOf', ''];
  const item = JSON.parse(`{${names.map((n, i) => `${JSON.stringify(n)}: {"polluted": ${i}}`).join(',')}}`);
  item.nested = JSON.parse('{"__proto__": {"polluted": "deep"}, "list": [{"__proto__": {"polluted": 1}}]}');
  const attrs = marshall(item);
  assert.deepEqual(Object.keys(attrs), [...names, 'nested']);
  assert.deepEqual(attrs.__proto__, { M: { polluted: { N: '0' } } });
  const back = unmarshall(attrs);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual(Object.keys(back), [...names, 'nested']);
  for (const [i, name] of names.entries()) {
    assert.ok(Object.hasOwn(back, name), name);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, name).value, { polluted: i });
  }
  assert.equal(Object.getPrototypeOf(back.nested), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(back.nested, '__proto__').value, { polluted: 'deep' });
  assert.deepEqual(Object.getOwnPropertyDescriptor(back.nested.list[0], '__proto__').value, { polluted: 1 });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  // An own property named 'constructor' does not change how an object marshalls.
  assert.deepEqual(marshall({ constructor: 'x' }), { constructor: { S: 'x' } });
  assert.deepEqual(marshall({ constructor: { name: 'Set' } }), { constructor: { M: { name: { S: 'Set' } } } });
});

test('inherited enumerable properties are not attributes', () => {
  const proto = { inherited: 1 };
  const item = Object.create(proto);
  item.own = 2;
  // util-dynamodb takes an Object.create(proto) object for a class instance.
  assert.deepEqual(marshall({ m: Object.assign(Object.create(null), { own: 2 }) }).m, { M: { own: { N: '2' } } });
  assert.deepEqual(marshall({ m: item }, { convertClassInstanceToMap: true }).m, { M: { own: { N: '2' } } });
});
