// The key test of a sync's Query scope (web/sync/scope.js): DynamoDB's
// ordering of S (UTF-8 bytes), N (numbers) and B (bytes) for each operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyConditionTest } from '../../web/sync/scope.js';

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
