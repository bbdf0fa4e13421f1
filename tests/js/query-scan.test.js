// Query and Scan through all three ways in: db.send, the document API
// (query/queryAll/scan/scanAll) and the AWS SDK (paginateQuery,
// paginateScan, lib-dynamodb QueryCommand/ScanCommand).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, paginateQuery, paginateScan, QueryCommand as RawQuery } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand, paginateQuery as docPaginateQuery } from '@aws-sdk/lib-dynamodb';
import { ValidationException } from 'pocketdynamo';
import { openDb, tableSpec } from './support/db.js';

let db;
const users = ['u1', 'u2', 'u3'];
const perUser = 25;

before(async () => {
  db = await openDb();
  await db.send('CreateTable', tableSpec('Orders', { sk: 'sk', skType: 'N' }));
  const orders = db.table('Orders');
  for (const user of users) {
    for (let i = 0; i < perUser; i++) {
      await orders.put({ pk: user, sk: i, status: i % 3 === 0 ? 'shipped' : 'new', total: i * 2, note: 'x'.repeat(i) });
    }
  }
});

describe('Query', () => {
  test('send: key conditions, order, paging, filters, counts', async () => {
    const all = await db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'u2' } },
    });
    assert.equal(all.Count, perUser);
    assert.equal(all.ScannedCount, perUser);
    assert.deepEqual(all.Items.map((i) => Number(i.sk.N)), [...Array(perUser).keys()]);
    assert.equal(all.LastEvaluatedKey, undefined);

    const range = await db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b', ScanIndexForward: false,
      ExpressionAttributeValues: { ':p': { S: 'u1' }, ':a': { N: '5' }, ':b': { N: '8' } },
    });
    assert.deepEqual(range.Items.map((i) => i.sk.N), ['8', '7', '6', '5']);

    const page = await db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', Limit: 10, ExpressionAttributeValues: { ':p': { S: 'u3' } },
    });
    assert.equal(page.Count, 10);
    assert.deepEqual(page.LastEvaluatedKey, { pk: { S: 'u3' }, sk: { N: '9' } });
    const next = await db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', Limit: 10, ExclusiveStartKey: page.LastEvaluatedKey,
      ExpressionAttributeValues: { ':p': { S: 'u3' } },
    });
    assert.equal(next.Items[0].sk.N, '10');

    const filtered = await db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', FilterExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': { S: 'u1' }, ':s': { S: 'shipped' } },
    });
    assert.equal(filtered.Count, Math.ceil(perUser / 3));
    assert.equal(filtered.ScannedCount, perUser);

    const counted = await db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', Select: 'COUNT', ExpressionAttributeValues: { ':p': { S: 'u1' } },
    });
    assert.equal(counted.Count, perUser);
    assert.equal(counted.Items, undefined);
  });

  test('send: errors', async () => {
    await assert.rejects(db.send('Query', {
      TableName: 'Orders', KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': { N: '1' } },
    }), (e) => e instanceof ValidationException && /Query condition missed key schema element/.test(e.message));
    await assert.rejects(db.send('Query', { TableName: 'Nope', KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'a' } } }), { name: 'ResourceNotFoundException' });
  });

  test('document API: query pages and queryAll', async () => {
    const orders = db.table('Orders');
    const first = await orders.query({ pk: 'u1', sk: { ge: 20 } });
    assert.deepEqual(first.items.map((o) => o.sk), [20, 21, 22, 23, 24]);
    assert.equal(first.lastKey, undefined);
    const paged = await orders.query({ pk: 'u1' }, { limit: 3, reverse: true });
    assert.deepEqual(paged.items.map((o) => o.sk), [24, 23, 22]);
    assert.deepEqual(paged.lastKey, { pk: 'u1', sk: 22 });
    const seen = [];
    for await (const o of orders.queryAll({ pk: 'u2', sk: { lt: 100 } }, { limit: 4, filter: { status: 'new' } })) {
      seen.push(o.sk);
    }
    assert.deepEqual(seen, [...Array(perUser).keys()].filter((i) => i % 3 !== 0));
    const projected = await orders.query({ pk: 'u3', sk: 1 }, { attributes: ['total', 'status'] });
    assert.deepEqual(projected.items, [{ total: 2, status: 'new' }]);
  });

  test('AWS SDK: paginateQuery and the document client', async () => {
    const client = new DynamoDBClient(db.clientConfig());
    const keys = [];
    for await (const page of paginateQuery({ client, pageSize: 7 }, {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'u1' } },
    })) {
      assert.ok(page.Items.length <= 7);
      keys.push(...page.Items.map((i) => Number(i.sk.N)));
    }
    assert.deepEqual(keys, [...Array(perUser).keys()]);
    const doc = DynamoDBDocumentClient.from(client);
    const out = await doc.send(new QueryCommand({
      TableName: 'Orders', KeyConditionExpression: 'pk = :p AND sk < :n', ExpressionAttributeValues: { ':p': 'u2', ':n': 2 },
    }));
    assert.deepEqual(out.Items.map((i) => [i.pk, i.sk, i.status]), [['u2', 0, 'shipped'], ['u2', 1, 'new']]);
    const docKeys = [];
    for await (const page of docPaginateQuery({ client: doc, pageSize: 10 }, {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'u3' },
    })) docKeys.push(...page.Items.map((i) => i.sk));
    assert.equal(docKeys.length, perUser);
    const raw = await client.send(new RawQuery({ TableName: 'Orders', KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'u1' } }, Select: 'COUNT' }));
    assert.equal(raw.Count, perUser);
  });
});

describe('Scan', () => {
  test('send: everything, paging, filter, segments', async () => {
    const all = await db.send('Scan', { TableName: 'Orders' });
    assert.equal(all.Count, users.length * perUser);
    const seen = new Set();
    let start;
    do {
      const page = await db.send('Scan', { TableName: 'Orders', Limit: 11, ExclusiveStartKey: start });
      for (const item of page.Items) seen.add(`${item.pk.S}/${item.sk.N}`);
      start = page.LastEvaluatedKey;
    } while (start);
    assert.equal(seen.size, users.length * perUser);
    const filtered = await db.send('Scan', { TableName: 'Orders', FilterExpression: '#t >= :t',
      ExpressionAttributeNames: { '#t': 'total' }, ExpressionAttributeValues: { ':t': { N: '40' } } });
    assert.equal(filtered.Count, users.length * (perUser - 20));
    let segmented = 0;
    for (let segment = 0; segment < 4; segment++) {
      segmented += (await db.send('Scan', { TableName: 'Orders', Segment: segment, TotalSegments: 4 })).Count;
    }
    assert.equal(segmented, users.length * perUser);
  });

  test('document API and AWS SDK: scanAll, paginateScan, ScanCommand', async () => {
    let n = 0;
    for await (const item of db.table('Orders').scanAll({ limit: 13, filter: { status: 'shipped' } })) {
      assert.equal(item.status, 'shipped');
      n++;
    }
    assert.equal(n, users.length * Math.ceil(perUser / 3));
    const client = new DynamoDBClient(db.clientConfig());
    let pages = 0;
    let items = 0;
    for await (const page of paginateScan({ client, pageSize: 20 }, { TableName: 'Orders' })) {
      pages++;
      items += page.Count;
    }
    assert.equal(items, users.length * perUser);
    assert.ok(pages >= Math.ceil((users.length * perUser) / 20));
    const doc = DynamoDBDocumentClient.from(client);
    const out = await doc.send(new ScanCommand({ TableName: 'Orders', FilterExpression: 'sk = :z', ExpressionAttributeValues: { ':z': 0 } }));
    assert.deepEqual(out.Items.map((i) => i.pk).sort(), users);
  });
});
