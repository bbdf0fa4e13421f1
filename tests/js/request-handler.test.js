// The AWS SDK v3 request handler on its own (aws-sdk/request-handler.js),
// driven by the real @aws-sdk/client-dynamodb over a recording transport:
// what reaches the transport (sendJsonOutcome), and how the SDK reads 200
// and 400 answers, whose status is the transport's `failed`, never a search of
// the text. The same handler over the real core is in aws-sdk.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, GetItemCommand, PutItemCommand, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DatabaseBase } from 'pocketdynamo';

// A database whose transport answers from a function (a text, an error if it has a top-level
// __type, unless the function gives { text, failed } itself) and records each call.
class Recording extends DatabaseBase {
  constructor(answer) {
    super();
    this.answer = answer;
    this.calls = [];
  }
  async sendJsonOutcome(operation, json) {
    this.calls.push({ operation, request: JSON.parse(json) });
    const answer = this.answer(operation, json);
    if (typeof answer !== 'string') return answer;
    return { text: answer, failed: typeof JSON.parse(answer).__type === 'string' };
  }
}

test('the SDK request arrives as (operation, JSON) and a 200 answer is the SDK output', async () => {
  const db = new Recording(() => JSON.stringify({ Item: { pk: { S: 'a' }, b: { B: 'AQI=' } } }));
  const client = new DynamoDBClient(db.clientConfig());
  const out = await client.send(new GetItemCommand({ TableName: 'T', Key: { pk: { S: 'a' } }, ConsistentRead: true }));
  assert.deepEqual(db.calls, [{ operation: 'GetItem', request: { TableName: 'T', Key: { pk: { S: 'a' } }, ConsistentRead: true } }]);
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.match(out.$metadata.requestId, /^pocketdynamo-\d+$/);
  assert.deepEqual(out.Item.pk, { S: 'a' });
  assert.deepEqual(out.Item.b.B, new Uint8Array([1, 2]));
});

test('a 400 error body becomes the SDK\'s own exception class', async () => {
  const db = new Recording(() => JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
  }));
  const client = new DynamoDBClient(db.clientConfig());
  const put = new PutItemCommand({ TableName: 'T', Item: { pk: { S: 'a' }, b: { B: new Uint8Array([255]) } } });
  await assert.rejects(client.send(put), (error) => {
    assert.ok(error instanceof ConditionalCheckFailedException);
    assert.equal(error.name, 'ConditionalCheckFailedException');
    assert.equal(error.message, 'The conditional request failed');
    assert.equal(error.$metadata.httpStatusCode, 400);
    return true;
  });
  assert.equal(db.calls.length, 1, 'no retries');
  assert.deepEqual(db.calls[0].request.Item.b, { B: '/w==' });
});

test('handle() directly: headers, status codes, unknown targets', async () => {
  const db = new Recording((operation) => (operation === 'Bad'
    ? '{"__type":"com.amazon.coral.validate#ValidationException","message":"nope"}'
    : '{"TableNames":[]}'));
  const handler = db.requestHandler();
  assert.equal(handler, db.requestHandler(), 'one handler per database');
  const ok = await handler.handle({ method: 'POST', headers: { 'X-Amz-Target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
  assert.equal(ok.response.statusCode, 200);
  assert.equal(ok.response.headers['content-type'], 'application/x-amz-json-1.0');
  assert.equal(new TextDecoder().decode(ok.response.body), '{"TableNames":[]}');
  assert.equal(ok.response.headers['content-length'], String(ok.response.body.byteLength));
  const bad = await handler.handle({ headers: { 'x-amz-target': 'DynamoDB_20120810.Bad' }, body: new TextEncoder().encode('{}') });
  assert.equal(bad.response.statusCode, 400);
  const unknown = await handler.handle({ headers: { 'x-amz-target': 'Kinesis_20131202.PutRecord' }, body: '{}' });
  assert.equal(unknown.response.statusCode, 400);
  assert.match(new TextDecoder().decode(unknown.response.body), /UnknownOperationException/);
  assert.equal(db.calls.length, 2);
  handler.updateHttpClientConfig('requestTimeout', 5);
  assert.deepEqual(handler.httpHandlerConfigs(), { requestTimeout: 5 });
  await assert.rejects(handler.handle({ headers: {}, body: '' }, { abortSignal: { aborted: true } }), { name: 'AbortError' });
});

test('an attribute named __type in a response is not taken for an error', async () => {
  const db = new Recording(() => '{"Item":{"__type":{"S":"com.x#\\"__type\\":\\"y"},"message":{"S":"m"}}}');
  const client = new DynamoDBClient(db.clientConfig());
  const out = await client.send(new GetItemCommand({ TableName: 'T', Key: { pk: { S: 'a' } } }));
  assert.deepEqual(out.Item.__type, { S: 'com.x#"__type":"y' });
  const viaSend = await db.send('GetItem', {});
  assert.deepEqual(viaSend.Item.message, { S: 'm' });
});

test('the status is the transport\'s word: a response whose text holds "__type":" is no error', async () => {
  // The text a search for '"__type":"' took for an error (web/wire.js isErrorText, removed): the
  // core never writes such a response today, but whether an answer is an error is what the core
  // said beside it, not a property of the text.
  const text = '{"Item":{"pk":{"S":"a"}},"Note":{"__type":"com.example#NotAnError"}}';
  const db = new Recording(() => ({ text, failed: false }));
  const client = new DynamoDBClient(db.clientConfig());
  const out = await client.send(new GetItemCommand({ TableName: 'T', Key: { pk: { S: 'a' } } }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.deepEqual(out.Item, { pk: { S: 'a' } });
  const handled = await db.requestHandler().handle({ headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: '{}' });
  assert.equal(handled.response.statusCode, 200);
  assert.equal(new TextDecoder().decode(handled.response.body), text);
  assert.deepEqual(await db.send('GetItem', {}), JSON.parse(text));
  assert.equal(await db.sendJson('GetItem', '{}'), text);
  // And an error is one because the transport says so.
  const failing = new Recording(() => ({ text: '{"__type":"com.amazon.coral.validate#ValidationException","message":"no"}', failed: true }));
  const error = await failing.requestHandler().handle({ headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: '{}' });
  assert.equal(error.response.statusCode, 400);
  await assert.rejects(failing.send('GetItem', {}), { name: 'ValidationException', message: 'no' });
});

test('a DatabaseBase without a transport says which method it lacks', async () => {
  class Bare extends DatabaseBase {}
  await assert.rejects(new Bare().send('ListTables', {}), /Bare does not implement sendJsonOutcome/);
  await assert.rejects(new Bare().sendJson('ListTables', '{}'), /Bare does not implement sendJsonOutcome/);
});
