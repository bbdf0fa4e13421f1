// BatchWriteItem / BatchGetItem / TransactWriteItems / TransactGetItems via
// db.send and the AWS SDK (client-dynamodb + lib-dynamodb), including
// TransactionCanceledException with its CancellationReasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, TransactWriteItemsCommand, TransactionCanceledException as SdkTransactionCanceled,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, BatchWriteCommand, BatchGetCommand, TransactWriteCommand, TransactGetCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException, ValidationException } from 'pocketdynamo';
import { openDb, tableSpec } from './support/db.js';

async function twoTables() {
  const db = await openDb();
  await db.send('CreateTable', tableSpec('Users'));
  await db.send('CreateTable', tableSpec('Orders', { sk: 'sk', skType: 'N' }));
  return db;
}

test('send: BatchWriteItem then BatchGetItem across two tables', async () => {
  const db = await twoTables();
  const out = await db.send('BatchWriteItem', {
    RequestItems: {
      Users: [{ PutRequest: { Item: { pk: { S: 'a' }, name: { S: 'Ann' } } } }, { PutRequest: { Item: { pk: { S: 'b' } } } }],
      Orders: [{ PutRequest: { Item: { pk: { S: 'a' }, sk: { N: '1' } } } }],
    },
  });
  assert.deepEqual(out.UnprocessedItems, {});
  await db.send('BatchWriteItem', { RequestItems: { Users: [{ DeleteRequest: { Key: { pk: { S: 'b' } } } }] } });
  const got = await db.send('BatchGetItem', {
    RequestItems: {
      Users: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }] },
      Orders: { Keys: [{ pk: { S: 'a' }, sk: { N: '1' } }], ProjectionExpression: 'sk' },
    },
  });
  assert.deepEqual(got.Responses.Users, [{ pk: { S: 'a' }, name: { S: 'Ann' } }]);
  assert.deepEqual(got.Responses.Orders, [{ sk: { N: '1' } }]);
  assert.deepEqual(got.UnprocessedKeys, {});
  await assert.rejects(db.send('BatchWriteItem', { RequestItems: { Users: Array.from({ length: 26 }, (_, i) => ({
    PutRequest: { Item: { pk: { S: `k${i}` } } } })) } }), ValidationException);
});

test('send: TransactWriteItems applies all or nothing; cancellation reasons', async () => {
  const db = await twoTables();
  await db.send('TransactWriteItems', {
    TransactItems: [
      { Put: { TableName: 'Users', Item: { pk: { S: 'a' }, balance: { N: '10' } } } },
      { Put: { TableName: 'Users', Item: { pk: { S: 'b' }, balance: { N: '0' } } } },
    ],
  });
  await assert.rejects(db.send('TransactWriteItems', {
    TransactItems: [
      { Update: { TableName: 'Users', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET balance = balance - :x',
        ConditionExpression: 'balance >= :x', ExpressionAttributeValues: { ':x': { N: '50' } } } },
      { Update: { TableName: 'Users', Key: { pk: { S: 'b' } }, UpdateExpression: 'SET balance = balance + :x',
        ExpressionAttributeValues: { ':x': { N: '50' } } } },
    ],
  }), (error) => {
    assert.ok(error instanceof TransactionCanceledException);
    assert.match(error.message, /^Transaction cancelled, please refer cancellation reasons for specific reasons \[ConditionalCheckFailed, None\]/);
    assert.deepEqual(error.CancellationReasons.map((r) => r.Code), ['ConditionalCheckFailed', 'None']);
    return true;
  });
  const got = await db.send('TransactGetItems', {
    TransactItems: [{ Get: { TableName: 'Users', Key: { pk: { S: 'a' } } } }, { Get: { TableName: 'Users', Key: { pk: { S: 'b' } } } }],
  });
  assert.deepEqual(got.Responses.map((r) => r.Item.balance.N), ['10', '0']);
  assert.equal(await db.check(), '');
});

test('AWS SDK: batches and transactions through lib-dynamodb; the SDK\'s TransactionCanceledException', async () => {
  const db = await twoTables();
  const client = new DynamoDBClient(db.clientConfig());
  const doc = DynamoDBDocumentClient.from(client);
  await doc.send(new BatchWriteCommand({ RequestItems: { Users: [{ PutRequest: { Item: { pk: 'x', tags: new Set(['t']) } } }] } }));
  const batch = await doc.send(new BatchGetCommand({ RequestItems: { Users: { Keys: [{ pk: 'x' }] } } }));
  assert.deepEqual(batch.Responses.Users, [{ pk: 'x', tags: new Set(['t']) }]);
  await doc.send(new TransactWriteCommand({ TransactItems: [
    { Put: { TableName: 'Orders', Item: { pk: 'x', sk: 1, total: 5 } } },
    { ConditionCheck: { TableName: 'Users', Key: { pk: 'x' }, ConditionExpression: 'attribute_exists(pk)' } },
  ] }));
  const txGet = await doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: 'Orders', Key: { pk: 'x', sk: 1 } } }] }));
  assert.deepEqual(txGet.Responses[0].Item, { pk: 'x', sk: 1, total: 5 });
  await assert.rejects(client.send(new TransactWriteItemsCommand({ TransactItems: [
    { ConditionCheck: { TableName: 'Users', Key: { pk: { S: 'nobody' } }, ConditionExpression: 'attribute_exists(pk)' } },
  ] })), (error) => {
    assert.ok(error instanceof SdkTransactionCanceled);
    assert.deepEqual(error.CancellationReasons.map((r) => r.Code), ['ConditionalCheckFailed']);
    return true;
  });
});
