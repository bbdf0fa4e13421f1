// The real @aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb, pointed at a
// pocketdynamo database through db.requestHandler() / db.clientConfig(): every
// operation the core supports, and the SDK's own error classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, ListTablesCommand, UpdateTableCommand,
  DeleteTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, DeleteItemCommand,
  ConditionalCheckFailedException, ResourceNotFoundException, ResourceInUseException, paginateListTables,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, DeleteCommand, NumberValue,
} from '@aws-sdk/lib-dynamodb';
import { openDb, tableSpec } from './support/db.js';

async function setup() {
  const db = await openDb();
  const client = new DynamoDBClient(db.clientConfig());
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { db, client, doc };
}

test('client-dynamodb: table operations', async () => {
  const { db, client } = await setup();
  const created = await client.send(new CreateTableCommand(tableSpec('Orders', { sk: 'sk', skType: 'N' })));
  assert.equal(created.TableDescription.TableName, 'Orders');
  assert.ok(created.TableDescription.CreationDateTime instanceof Date);
  assert.equal(created.$metadata.httpStatusCode, 200);
  const described = await client.send(new DescribeTableCommand({ TableName: 'Orders' }));
  assert.deepEqual(described.Table.KeySchema.map((k) => k.KeyType), ['HASH', 'RANGE']);
  for (const name of ['Bb1', 'Bb2', 'Bb3']) await client.send(new CreateTableCommand(tableSpec(name)));
  assert.deepEqual((await client.send(new ListTablesCommand({}))).TableNames, ['Bb1', 'Bb2', 'Bb3', 'Orders']);
  const names = [];
  for await (const page of paginateListTables({ client, pageSize: 2 }, {})) names.push(...page.TableNames);
  assert.deepEqual(names, ['Bb1', 'Bb2', 'Bb3', 'Orders']);
  const updated = await client.send(new UpdateTableCommand({
    TableName: 'Bb1', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 3 },
  }));
  assert.equal(updated.TableDescription.TableName, 'Bb1');
  await client.send(new DeleteTableCommand({ TableName: 'Bb1' }));
  await assert.rejects(client.send(new DescribeTableCommand({ TableName: 'Bb1' })), (error) => {
    assert.ok(error instanceof ResourceNotFoundException);
    assert.match(error.message, /^Requested resource not found/);
    return true;
  });
  await assert.rejects(client.send(new CreateTableCommand(tableSpec('Bb2'))), ResourceInUseException);
  await db.close();
});

test('client-dynamodb: item operations and ConditionalCheckFailedException', async () => {
  const { client } = await setup();
  await client.send(new CreateTableCommand(tableSpec('Tbl')));
  const item = { pk: { S: 'a' }, b: { B: new Uint8Array([1, 2, 3]) }, n: { N: '1' }, bs: { BS: [new Uint8Array([9])] } };
  await client.send(new PutItemCommand({ TableName: 'Tbl', Item: item }));
  const got = await client.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'a' } }, ConsistentRead: true }));
  assert.deepEqual(got.Item, item);
  const updated = await client.send(new UpdateItemCommand({
    TableName: 'Tbl', Key: { pk: { S: 'a' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    ReturnValues: 'UPDATED_NEW',
  }));
  assert.deepEqual(updated.Attributes, { n: { N: '2' } });
  await assert.rejects(client.send(new PutItemCommand({
    TableName: 'Tbl', Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)',
  })), (error) => {
    assert.ok(error instanceof ConditionalCheckFailedException);
    assert.equal(error.name, 'ConditionalCheckFailedException');
    assert.equal(error.message, 'The conditional request failed');
    assert.equal(error.$metadata.httpStatusCode, 400);
    return true;
  });
  await assert.rejects(client.send(new PutItemCommand({ TableName: 'Tbl', Item: { nope: { S: 'a' } } })), (error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'One or more parameter values were invalid: Missing the key pk in the item');
    return true;
  });
  const deleted = await client.send(new DeleteItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'a' } }, ReturnValues: 'ALL_OLD' }));
  assert.deepEqual(deleted.Attributes.n, { N: '2' });
});

test('lib-dynamodb: the document client over the handler, NumberValue included', async () => {
  const { db, doc } = await setup();
  await doc.send(new CreateTableCommand(tableSpec('Docs')));
  const item = { pk: 'x', list: [1, 'a', { m: true }], set: new Set(['p', 'q']), bin: new Uint8Array([7]), gone: undefined,
    exact: NumberValue.from('1.0000000000000000000000000000000000001') };
  await doc.send(new PutCommand({ TableName: 'Docs', Item: item }));
  const { Item } = await doc.send(new GetCommand({ TableName: 'Docs', Key: { pk: 'x' } }));
  assert.deepEqual({ ...Item, exact: undefined }, { pk: 'x', list: [1, 'a', { m: true }], set: new Set(['p', 'q']), bin: new Uint8Array([7]), exact: undefined });
  const wrapped = DynamoDBDocumentClient.from(new DynamoDBClient(db.clientConfig()), { unmarshallOptions: { wrapNumbers: true } });
  const exact = await wrapped.send(new GetCommand({ TableName: 'Docs', Key: { pk: 'x' } }));
  assert.equal(exact.Item.exact.toString(), '1.0000000000000000000000000000000000001');
  const { Attributes } = await doc.send(new UpdateCommand({
    TableName: 'Docs', Key: { pk: 'x' }, UpdateExpression: 'SET #c = :c', ExpressionAttributeNames: { '#c': 'count' },
    ExpressionAttributeValues: { ':c': 5 }, ReturnValues: 'ALL_NEW',
  }));
  assert.equal(Attributes.count, 5);
  await assert.rejects(doc.send(new DeleteCommand({ TableName: 'Docs', Key: { pk: 'x' }, ConditionExpression: '#c = :six',
    ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':six': 6 } })), ConditionalCheckFailedException);
  await doc.send(new DeleteCommand({ TableName: 'Docs', Key: { pk: 'x' } }));
  assert.equal((await doc.send(new GetCommand({ TableName: 'Docs', Key: { pk: 'x' } }))).Item, undefined);
});

test('the SDK and the document API see the same database', async () => {
  const { db, doc } = await setup();
  await db.send('CreateTable', tableSpec('Shared'));
  await db.table('Shared').put({ pk: 'from-table', v: 1 });
  await doc.send(new PutCommand({ TableName: 'Shared', Item: { pk: 'from-sdk', v: 2 } }));
  assert.deepEqual(await db.table('Shared').get({ pk: 'from-sdk' }), { pk: 'from-sdk', v: 2 });
  assert.deepEqual((await doc.send(new GetCommand({ TableName: 'Shared', Key: { pk: 'from-table' } }))).Item, { pk: 'from-table', v: 1 });
});
