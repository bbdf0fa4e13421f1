// Secondary indexes through the real AWS SDK (db.requestHandler()) and the
// document API: CreateTable with a GSI and an LSI, QueryCommand and
// ScanCommand with IndexName, paginateQuery over a GSI (LastEvaluatedKey
// with the index and table keys), UpdateTable creating a GSI over existing
// items and deleting it, and DynamoDB's errors as the SDK's classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, UpdateTableCommand, QueryCommand,
  ScanCommand, BatchWriteItemCommand, paginateQuery,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand as DocQueryCommand } from '@aws-sdk/lib-dynamodb';
import { openDb } from './support/db.js';

const ordersSpec = {
  TableName: 'Orders',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'order', KeyType: 'RANGE' }],
  AttributeDefinitions: [
    { AttributeName: 'customer', AttributeType: 'S' }, { AttributeName: 'order', AttributeType: 'N' },
    { AttributeName: 'status', AttributeType: 'S' }, { AttributeName: 'total', AttributeType: 'N' },
  ],
  GlobalSecondaryIndexes: [{
    IndexName: 'byStatus',
    KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'total', KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['note'] },
  }],
  LocalSecondaryIndexes: [{
    IndexName: 'byTotal',
    KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'total', KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  }],
};

async function setup() {
  const db = await openDb();
  const client = new DynamoDBClient(db.clientConfig());
  await client.send(new CreateTableCommand(ordersSpec));
  const puts = [];
  for (let i = 0; i < 20; i++) {
    const item = {
      customer: { S: `c${i % 4}` }, order: { N: String(i) }, total: { N: String(100 - i) },
      note: { S: `n${i}` }, secret: { S: 's' },
    };
    if (i % 5 !== 0) item.status = { S: i % 2 ? 'open' : 'shipped' };  // sparse: every 5th has none
    puts.push({ PutRequest: { Item: item } });
  }
  for (let i = 0; i < puts.length; i += 10) {
    await client.send(new BatchWriteItemCommand({ RequestItems: { Orders: puts.slice(i, i + 10) } }));
  }
  return { db, client };
}

test('SDK: QueryCommand and paginateQuery on a GSI, ScanCommand on an index', async () => {
  const { client } = await setup();
  const described = await client.send(new DescribeTableCommand({ TableName: 'Orders' }));
  assert.equal(described.Table.GlobalSecondaryIndexes[0].IndexStatus, 'ACTIVE');
  assert.equal(described.Table.GlobalSecondaryIndexes[0].ItemCount, 16);
  assert.equal(described.Table.LocalSecondaryIndexes[0].ItemCount, 20);

  const open = await client.send(new QueryCommand({
    TableName: 'Orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'open' } },
  }));
  assert.equal(open.Count, 8);  // odd i not divisible by 5: 1 3 7 9 11 13 17 19
  assert.deepEqual(open.Items.map((x) => Number(x.total.N)), [81, 83, 87, 89, 91, 93, 97, 99]);
  assert.equal(open.Items[0].note.S, 'n19');
  assert.equal(open.Items[0].secret, undefined);  // not projected

  const totals = [];
  let pages = 0;
  for await (const page of paginateQuery({ client, pageSize: 3 }, {
    TableName: 'Orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'open' } },
    ScanIndexForward: false,
  })) {
    pages++;
    totals.push(...page.Items.map((x) => Number(x.total.N)));
    if (page.LastEvaluatedKey) {
      assert.deepEqual(Object.keys(page.LastEvaluatedKey).sort(), ['customer', 'order', 'status', 'total']);
    }
  }
  assert.equal(pages, 3);
  assert.deepEqual(totals, [99, 97, 93, 91, 89, 87, 83, 81]);

  const local = await client.send(new QueryCommand({
    TableName: 'Orders', IndexName: 'byTotal', KeyConditionExpression: 'customer = :c AND #t < :t',
    ExpressionAttributeNames: { '#t': 'total' },
    ExpressionAttributeValues: { ':c': { S: 'c1' }, ':t': { N: '90' } },
    ProjectionExpression: 'note, #t', ConsistentRead: true,  // note: fetched from the table
  }));
  assert.deepEqual(local.Items.map((x) => [x.total.N, x.note.S]), [['83', 'n17'], ['87', 'n13']]);

  const scanned = await client.send(new ScanCommand({ TableName: 'Orders', IndexName: 'byStatus' }));
  assert.equal(scanned.Count, 16);

  await assert.rejects(client.send(new QueryCommand({
    TableName: 'Orders', IndexName: 'byStatus', ConsistentRead: true, KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'open' } },
  })), (e) => e.name === 'ValidationException'
    && e.message === 'Consistent reads are not supported on global secondary indexes');
  await assert.rejects(client.send(new QueryCommand({
    TableName: 'Orders', IndexName: 'nope', KeyConditionExpression: 'customer = :c',
    ExpressionAttributeValues: { ':c': { S: 'c1' } },
  })), (e) => e.name === 'ValidationException' && e.message === 'The table does not have the specified index: nope');
});

test('SDK: UpdateTable creates a GSI over existing items, then deletes it', async () => {
  const { client } = await setup();
  const created = await client.send(new UpdateTableCommand({
    TableName: 'Orders',
    AttributeDefinitions: [{ AttributeName: 'note', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: {
      IndexName: 'byNote', KeySchema: [{ AttributeName: 'note', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    } }],
  }));
  const gsi = created.TableDescription.GlobalSecondaryIndexes.find((x) => x.IndexName === 'byNote');
  assert.equal(gsi.IndexStatus, 'ACTIVE');
  assert.equal(gsi.ItemCount, 20);
  const found = await client.send(new QueryCommand({
    TableName: 'Orders', IndexName: 'byNote', KeyConditionExpression: 'note = :n',
    ExpressionAttributeValues: { ':n': { S: 'n7' } },
  }));
  assert.deepEqual(found.Items.map((x) => x.secret.S), ['s']);
  await client.send(new UpdateTableCommand({
    TableName: 'Orders', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byNote' } }],
  }));
  const after = await client.send(new DescribeTableCommand({ TableName: 'Orders' }));
  assert.deepEqual(after.Table.GlobalSecondaryIndexes.map((x) => x.IndexName), ['byStatus']);
});

test('document API and lib-dynamodb: queries on an index', async () => {
  const { db, client } = await setup();
  const orders = db.table('Orders');
  const page = await orders.query({ status: 'shipped' }, { index: 'byStatus', limit: 2 });
  assert.deepEqual(page.items.map((x) => x.order), [18, 16]);  // total ascending: 82, 84
  assert.deepEqual(page.lastKey, { customer: 'c0', order: 16, status: 'shipped', total: 84 });
  const all = [];
  for await (const o of orders.queryAll({ status: 'shipped', total: { ge: 90 } }, { index: 'byStatus' })) {
    all.push(o.total);
  }
  assert.deepEqual(all, [92, 94, 96, 98]);
  const doc = DynamoDBDocumentClient.from(client);
  const out = await doc.send(new DocQueryCommand({
    TableName: 'Orders', IndexName: 'byTotal', KeyConditionExpression: 'customer = :c',
    ExpressionAttributeValues: { ':c': 'c2' }, ScanIndexForward: false, Limit: 1,
  }));
  assert.deepEqual(out.Items, [{ customer: 'c2', order: 2, total: 98 }]);
});
