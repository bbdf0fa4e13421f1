// The key test of a sync's Query scope (web/sync/scope.js): DynamoDB's
// ordering of S (UTF-8 bytes), N (numbers) and B (bytes) for each operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyConditionTest } from '../../web/sync/scope.js';
import { compareN, maxN, minusMs, nextVersion } from '../../web/sync/numbers.js';

const keys = ['pk', 'sk'];
const k = (sk) => ({ pk: { S: 'u' }, sk });
const scope = (cond, values) => keyConditionTest({ KeyConditionExpression: `pk = :p AND ${cond}`,
  ExpressionAttributeValues: { ':p': { S: 'u' }, ...values } }, keys);

test('sort key conditions: numbers by value, strings and binary by bytes', () => {
  const lt = scope('sk < :v', { ':v': { N: '10' } });
  assert.deepEqual(['9', '10', '-1', '1e1', '10.5'].map((n) => lt(k({ N: n }))), [true, false, true, false, false]);
  const between = scope('sk BETWEEN :a AND :b', { ':a': { S: 'b' }, ':b': { S: 'd' } });
  assert.deepEqual(['a', 'b', 'c', 'd', 'da', 'é'].map((s) => between(k({ S: s }))), [false, true, true, true, false, false]);
  const ge = scope('sk >= :v', { ':v': { S: 'z' } });
  assert.equal(ge(k({ S: 'é' })), true);                      // UTF-8 bytes: é (0xC3..) sorts after z
  const prefix = scope('begins_with(sk, :v)', { ':v': { B: 'AAE=' } });
  assert.deepEqual(['AAEC', 'AAI=', 'AA=='].map((b) => prefix(k({ B: b }))), [true, false, false]);
  assert.equal(scope('sk = :v', { ':v': { S: '1' } })(k({ N: '1' })), false);   // another type never matches
  const onlyPk = keyConditionTest({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'u' } } }, keys);
  assert.deepEqual([onlyPk(k({ S: 'x' })), onlyPk({ pk: { S: 'v' }, sk: { S: 'x' } })], [true, false]);
  assert.throws(() => keyConditionTest({ KeyConditionExpression: 'pk = :p AND sk > :missing',
    ExpressionAttributeValues: { ':p': { S: 'u' } } }, keys), /:missing is not in ExpressionAttributeValues/);
});

test('numbers compare exactly to 38 digits; versions step and times shift as whole numbers', () => {
  const big = '9007199254740993';   // 2^53 + 1: a JS number rounds it to 2^53
  assert.equal(compareN(big, '9007199254740992'), 1);
  assert.equal(compareN('12345678901234567890123456789012345678', '12345678901234567890123456789012345677'), 1);
  assert.equal(compareN('1E+2', '100'), 0);
  assert.equal(compareN('0.5', '.50'), 0);
  assert.equal(compareN('-0', '0'), 0);
  assert.equal(compareN('-2', '-10'), 1);
  assert.equal(compareN('-0.001', '0'), -1);
  assert.equal(compareN('1.000000000000000000000000000000000001', '1'), 1);
  assert.equal(maxN('99', '100'), '100');
  assert.equal(nextVersion(big), '9007199254740994');
  assert.equal(nextVersion('0'), '1');
  assert.equal(nextVersion('2.5'), '3');
  assert.equal(nextVersion('1E+20'), '100000000000000000001');
  assert.equal(minusMs('1765000000000123', 300000), '1764999999700123');
  assert.throws(() => compareN('abc', '1'), TypeError);
  const test2 = keyConditionTest({ KeyConditionExpression: 'pk = :p AND sk > :s',
    ExpressionAttributeValues: { ':p': { S: 'a' }, ':s': { N: '9007199254740992' } } }, ['pk', 'sk']);
  assert.equal(test2({ pk: { S: 'a' }, sk: { N: big } }), true);
});
