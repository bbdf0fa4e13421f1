// Issue #14 items 2-5 through the real AWS SDK v3 clients and db.send: the
// legacy (pre-expression) parameters, tags, continuous backups, limits and
// endpoints, ItemCollectionMetrics, and paging that stops at Limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand,
  QueryCommand, ScanCommand, TagResourceCommand, UntagResourceCommand, ListTagsOfResourceCommand,
  DescribeContinuousBackupsCommand, UpdateContinuousBackupsCommand, DescribeLimitsCommand,
  DescribeEndpointsCommand, ConditionalCheckFailedException, paginateQuery,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand, QueryCommand as DocQuery } from '@aws-sdk/lib-dynamodb';
import { openDb, tableSpec } from './support/db.js';

async function setup() {
  const db = await openDb();
  const client = new DynamoDBClient(db.clientConfig());
  await client.send(new CreateTableCommand(tableSpec('Tbl', { sk: 'sk', skType: 'N' })));
  for (let i = 1; i <= 4; i++) {
    await client.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'a' }, sk: { N: String(i) }, n: { N: String(i * 10) } } }));
  }
  return { db, client, doc: DynamoDBDocumentClient.from(client) };
}

test('legacy parameters through the SDK: Expected, AttributeUpdates, AttributesToGet, KeyConditions, filters', async () => {
  const { client } = await setup();
  await assert.rejects(client.send(new PutItemCommand({
    TableName: 'Tbl', Item: { pk: { S: 'a' }, sk: { N: '1' } }, Expected: { n: { Value: { N: '99' } } },
  })), ConditionalCheckFailedException);
  const updated = await client.send(new UpdateItemCommand({
    TableName: 'Tbl', Key: { pk: { S: 'a' }, sk: { N: '1' } },
    AttributeUpdates: { n: { Action: 'ADD', Value: { N: '5' } }, tags: { Action: 'PUT', Value: { SS: ['x'] } } },
    Expected: { n: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '10' }] } },
    ReturnValues: 'UPDATED_NEW',
  }));
  assert.deepEqual(updated.Attributes, { n: { N: '15' }, tags: { SS: ['x'] } });
  const got = await client.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'a' }, sk: { N: '1' } }, AttributesToGet: ['n'] }));
  assert.deepEqual(got.Item, { n: { N: '15' } });
  const q = await client.send(new QueryCommand({
    TableName: 'Tbl',
    KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] }, sk: { ComparisonOperator: 'GE', AttributeValueList: [{ N: '2' }] } },
    QueryFilter: { n: { ComparisonOperator: 'LT', AttributeValueList: [{ N: '40' }] } },
  }));
  assert.deepEqual(q.Items.map((i) => i.sk.N), ['2', '3']);
  const s = await client.send(new ScanCommand({
    TableName: 'Tbl', ScanFilter: { n: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '20' }, { N: '40' }] } },
  }));
  assert.equal(s.Count, 2);
  await assert.rejects(client.send(new ScanCommand({ TableName: 'Tbl', ScanFilter: { n: { ComparisonOperator: 'NULL' } }, FilterExpression: 'attribute_exists(n)' })),
    { name: 'ValidationException', message: 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}' });
});

test('legacy parameters through lib-dynamodb with native values', async () => {
  const { doc } = await setup();
  await doc.send(new PutCommand({ TableName: 'Tbl', Item: { pk: 'b', sk: 1, n: 1 }, Expected: { pk: { Exists: false } } }));
  await assert.rejects(doc.send(new PutCommand({ TableName: 'Tbl', Item: { pk: 'b', sk: 1 }, Expected: { pk: { Exists: false } } })),
    ConditionalCheckFailedException);
  const u = await doc.send(new UpdateCommand({
    TableName: 'Tbl', Key: { pk: 'b', sk: 1 }, AttributeUpdates: { n: { Action: 'ADD', Value: 41 } }, ReturnValues: 'ALL_NEW',
  }));
  assert.deepEqual(u.Attributes, { pk: 'b', sk: 1, n: 42 });
  const q = await doc.send(new DocQuery({ TableName: 'Tbl', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: ['b'] } } }));
  assert.deepEqual(q.Items, [{ pk: 'b', sk: 1, n: 42 }]);
});

test('tags, continuous backups, limits and endpoints through the SDK', async () => {
  const { db, client } = await setup();
  const arn = (await db.send('DescribeTable', { TableName: 'Tbl' })).Table.TableArn;
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'data' }, { Key: 'env', Value: 'dev' }] }));
  await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['env'] }));
  assert.deepEqual((await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: 'team', Value: 'data' }]);
  await assert.rejects(client.send(new ListTagsOfResourceCommand({ ResourceArn: 'T' })),
    { name: 'ValidationException', message: "One or more parameter values were invalid: ARNs must start with 'arn:': T" });
  // An ARN of another account (or service) is AccessDeniedException, as DynamoDB answers.
  const foreign = arn.replace(':000000000000:', ':111122223333:');
  await assert.rejects(client.send(new TagResourceCommand({ ResourceArn: foreign, Tags: [{ Key: 'k', Value: 'v' }] })),
    { name: 'AccessDeniedException', message: `User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:TagResource on resource: ${foreign}` });
  await assert.rejects(client.send(new ListTagsOfResourceCommand({ ResourceArn: arn.replace(':local:', ':us-east-1:') })),
    { name: 'ValidationException', message: /^Invalid TableArn: Invalid ResourceArn provided as input / });

  let cb = await client.send(new DescribeContinuousBackupsCommand({ TableName: 'Tbl' }));
  assert.equal(cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus, 'DISABLED');
  cb = await client.send(new UpdateContinuousBackupsCommand({ TableName: 'Tbl', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  const pitr = cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription;
  assert.equal(pitr.PointInTimeRecoveryStatus, 'ENABLED');
  assert.ok(pitr.EarliestRestorableDateTime instanceof Date);
  await assert.rejects(client.send(new DescribeContinuousBackupsCommand({ TableName: 'Nope' })), { name: 'TableNotFoundException' });

  const limits = await client.send(new DescribeLimitsCommand({}));
  assert.equal(limits.TableMaxReadCapacityUnits, 40000);
  const endpoints = await client.send(new DescribeEndpointsCommand({}));
  assert.equal(endpoints.Endpoints.length, 1);
  assert.equal(endpoints.Endpoints[0].CachePeriodInMinutes, 1440);
});

test('ItemCollectionMetrics on a table with a local secondary index', async () => {
  const db = await openDb();
  const spec = tableSpec('Lsi', { sk: 'sk', skType: 'N' });
  spec.AttributeDefinitions.push({ AttributeName: 'v', AttributeType: 'N' });
  spec.LocalSecondaryIndexes = [{
    IndexName: 'byV', Projection: { ProjectionType: 'KEYS_ONLY' },
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'v', KeyType: 'RANGE' }],
  }];
  await db.send('CreateTable', spec);
  const r = await db.send('PutItem', {
    TableName: 'Lsi', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { N: '2' } }, ReturnItemCollectionMetrics: 'SIZE',
  });
  assert.deepEqual(r.ItemCollectionMetrics, { ItemCollectionKey: { pk: { S: 'a' } }, SizeEstimateRangeGB: [0, 1] });
});

test('a Query page that ends on the last item at Limit carries LastEvaluatedKey; the next page is empty', async () => {
  const { client } = await setup();
  const pages = [];
  for await (const page of paginateQuery({ client, pageSize: 2 }, {
    TableName: 'Tbl', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } },
  })) pages.push(page.Items.map((i) => i.sk.N));
  assert.deepEqual(pages, [['1', '2'], ['3', '4'], []]);
});
