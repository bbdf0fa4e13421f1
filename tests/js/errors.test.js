// errors.js: the classes, fromWire (the one place a wire error becomes an
// Error) and toWire. The errors the core really produces are checked in
// send.test.js and aws-sdk.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromWire, toWire, errorClasses, exceptionName, isWireError, DynamoDBError, PocketDynamoError,
  ConditionalCheckFailedException, ValidationException, TransactionCanceledException,
  ResourceNotFoundException, SerializationException,
} from 'pocketdynamo';

test('each class has its exception name, a default message and its wire type', () => {
  assert.ok(Object.keys(errorClasses).length >= 30);
  for (const [name, cls] of Object.entries(errorClasses)) {
    const error = new cls();
    assert.equal(cls.name, name);
    assert.equal(error.name, name);
    assert.ok(error instanceof DynamoDBError && error instanceof Error);
    assert.ok(error.message.length > 0, `${name} has a default message`);
    assert.equal(exceptionName(error.__type), name);
    assert.match(String(error), new RegExp(`^${name}: `));
  }
  assert.equal(new ValidationException().__type, 'com.amazon.coral.validate#ValidationException');
  assert.equal(new SerializationException().__type, 'com.amazon.coral.service#SerializationException');
  assert.equal(new ResourceNotFoundException().__type,
    'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
});

test('fromWire keeps name, message, __type and the other fields', () => {
  const body = {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
    CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }],
  };
  const error = fromWire(body);
  assert.ok(error instanceof TransactionCanceledException);
  assert.equal(error.name, 'TransactionCanceledException');
  assert.equal(error.message, body.message);
  assert.equal(error.__type, body.__type);
  assert.deepEqual(error.CancellationReasons, body.CancellationReasons);
  assert.deepEqual(toWire(error), body);
});

test('fromWire: an unknown exception keeps its name; Message is read too', () => {
  const error = fromWire({ __type: 'com.amazonaws.dynamodb.v20120810#BrandNewException', Message: 'new' });
  assert.ok(error instanceof DynamoDBError);
  assert.equal(error.name, 'BrandNewException');
  assert.equal(error.message, 'new');
  const bare = fromWire({ __type: 'ConditionalCheckFailedException' });
  assert.ok(bare instanceof ConditionalCheckFailedException);
  assert.equal(bare.message, 'The conditional request failed');
});

test('fromWire: field names cannot reach a prototype', () => {
  const body = JSON.parse('{"__type":"x#ValidationException","message":"m","__proto__":{"polluted":1},"constructor":"c"}');
  const error = fromWire(body);
  assert.ok(error instanceof ValidationException);
  assert.deepEqual(Object.getOwnPropertyDescriptor(error, '__proto__').value, { polluted: 1 });
  assert.equal(error.constructor, 'c');
  assert.equal(Object.getPrototypeOf(error), ValidationException.prototype);
  assert.equal({}.polluted, undefined);
  assert.equal(fromWire({ __type: 'x#__proto__' }).name, '__proto__');
  assert.equal(fromWire({ __type: 'x#toString' }).name, 'toString');
  assert.equal({}.polluted, undefined);
});

test('isWireError and toWire for non-DynamoDB errors', () => {
  assert.equal(isWireError({ __type: 'a#B' }), true);
  assert.equal(isWireError({ Item: {} }), false);
  assert.equal(isWireError(null), false);
  assert.deepEqual(toWire(new Error('boom')),
    { __type: 'com.amazon.coral.service#InternalFailure', message: 'boom' });
  assert.ok(new PocketDynamoError('x') instanceof Error);
  assert.equal(new PocketDynamoError('x').name, 'PocketDynamoError');
  const conditional = new ConditionalCheckFailedException('custom');
  assert.equal(conditional.message, 'custom');
});
