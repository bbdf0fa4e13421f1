// The requests the document API builds (document/table.js +
// expressions.js), captured before they reach a database: placeholders for
// every name and value, the clauses DynamoDB expects, TypeErrors for bad specs.
// Round trips through the real core are in document.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table } from 'pocketdynamo';

// A stand-in database that records requests and answers from a list.
function recorder(answers = {}) {
  const sent = [];
  return {
    sent,
    async send(operation, input) {
      sent.push({ operation, input: JSON.parse(JSON.stringify(input, (k, v) => (v instanceof Uint8Array ? [...v] : v))) });
      const answer = answers[operation];
      return typeof answer === 'function' ? answer(input) : (answer ?? {});
    },
  };
}

test('update spec -> one UpdateExpression with placeholders for every name and value', async () => {
  const db = recorder({ UpdateItem: { Attributes: { pk: { S: 'a' }, status: { S: 'shipped' } } } });
  const out = await new Table(db, 'Orders').update({ pk: 'a' },
    { set: { status: 'shipped' }, add: { count: 1 }, remove: ['tmp'] });
  assert.deepEqual(out, { pk: 'a', status: 'shipped' });
  assert.deepEqual(db.sent, [{
    operation: 'UpdateItem',
    input: {
      TableName: 'Orders',
      Key: { pk: { S: 'a' } },
      UpdateExpression: 'SET #n0 = :v0 REMOVE #n2 ADD #n1 :v1',
      ReturnValues: 'ALL_NEW',
      ExpressionAttributeNames: { '#n0': 'status', '#n1': 'count', '#n2': 'tmp' },
      ExpressionAttributeValues: { ':v0': { S: 'shipped' }, ':v1': { N: '1' } },
    },
  }]);
});

test('nested paths, setIfNotExists, append, prepend, delete, and a raw expression', async () => {
  const db = recorder();
  const table = new Table(db, 'T');
  await table.update({ pk: 'a' }, {
    set: [[['address', 'city'], 'Paris'], [['lines', 2, 'qty'], 3]],
    setIfNotExists: { created: 5 },
    append: { log: ['x'] },
    prepend: { recent: 'y' },
    delete: { tags: new Set(['old']) },
    remove: [['address', 'zip'], 'tmp'],
  }, { returnValues: 'NONE' });
  const input = db.sent[0].input;
  assert.equal(input.UpdateExpression,
    'SET #n0.#n1 = :v0, #n2[2].#n3 = :v1, #n4 = if_not_exists(#n4, :v2), ' +
    '#n5 = list_append(if_not_exists(#n5, :v4), :v3), #n6 = list_append(:v5, if_not_exists(#n6, :v6)) ' +
    'REMOVE #n0.#n8, #n9 DELETE #n7 :v7');
  assert.deepEqual(input.ExpressionAttributeNames, {
    '#n0': 'address', '#n1': 'city', '#n2': 'lines', '#n3': 'qty', '#n4': 'created', '#n5': 'log',
    '#n6': 'recent', '#n7': 'tags', '#n8': 'zip', '#n9': 'tmp',
  });
  assert.deepEqual(input.ExpressionAttributeValues[':v3'], { L: [{ S: 'x' }] });
  assert.deepEqual(input.ExpressionAttributeValues[':v5'], { L: [{ S: 'y' }] });
  assert.deepEqual(input.ExpressionAttributeValues[':v7'], { SS: ['old'] });
  assert.equal(input.ReturnValues, 'NONE');

  await table.update({ pk: 'a' }, { expression: 'SET #a = :a', names: { '#a': 'a' }, values: { ':a': 1 } });
  assert.equal(db.sent[1].input.UpdateExpression, 'SET #a = :a');
  assert.deepEqual(db.sent[1].input.ExpressionAttributeValues, { ':a': { N: '1' } });
});

test('conditions: equality, tests, or/and, size, not, exists', async () => {
  const db = recorder();
  await new Table(db, 'T').delete({ pk: 'a' }, {
    condition: {
      status: 'new', total: { gt: 5, le: 10 }, tags: { contains: 'x' }, gone: { exists: false },
      name: { beginsWith: 'A' }, kind: { in: ['a', 'b'] }, n: { between: [1, 2] }, t: { type: 'S' },
      list: { size: { ge: 2 } }, flag: { not: { eq: true } }, or: [{ a: 1 }, { b: { ne: 2 } }],
      m: { eq: { gt: 1 } },
    },
  });
  const input = db.sent[0].input;
  assert.equal(input.ConditionExpression, '(#n0 = :v0 AND (#n1 > :v1 AND #n1 <= :v2) AND contains(#n2, :v3) ' +
    'AND attribute_not_exists(#n3) AND begins_with(#n4, :v4) AND #n5 IN (:v5, :v6) AND ' +
    '#n6 BETWEEN :v7 AND :v8 AND attribute_type(#n7, :v9) AND size(#n8) >= :v10 AND ' +
    'NOT (#n9 = :v11) AND ((#n10 = :v12) OR (#n11 <> :v13)) AND #n12 = :v14)');
  assert.deepEqual(input.ExpressionAttributeValues[':v14'], { M: { gt: { N: '1' } } });
  assert.equal(input.ExpressionAttributeNames['#n4'], 'name');
});

test('ifNotExists / ifExists use the partition key from DescribeTable, once per table', async () => {
  const db = recorder({
    DescribeTable: { Table: { KeySchema: [{ AttributeName: 'sk', KeyType: 'RANGE' }, { AttributeName: 'pk', KeyType: 'HASH' }] } },
  });
  const table = new Table(db, 'T');
  await table.put({ pk: 'a', sk: 'b' }, { ifNotExists: true });
  await table.update({ pk: 'a', sk: 'b' }, { set: { x: 1 } }, { ifExists: true, condition: { x: 0 } });
  assert.deepEqual(db.sent.map((s) => s.operation), ['DescribeTable', 'PutItem', 'UpdateItem']);
  assert.equal(db.sent[1].input.ConditionExpression, 'attribute_not_exists(#n0)');
  assert.deepEqual(db.sent[1].input.ExpressionAttributeNames, { '#n0': 'pk' });
  assert.equal(db.sent[2].input.ConditionExpression, 'attribute_exists(#n1) AND (#n0 = :v1)');
});

test('query: key condition, index, filter, projection, paging, reverse', async () => {
  const pages = [
    { Items: [{ pk: { S: 'u' }, sk: { N: '1' } }], Count: 1, ScannedCount: 2, LastEvaluatedKey: { pk: { S: 'u' }, sk: { N: '1' } } },
    { Items: [{ pk: { S: 'u' }, sk: { N: '2' } }], Count: 1, ScannedCount: 1 },
  ];
  const db = recorder({ Query: () => pages.shift() });
  const table = new Table(db, 'T');
  const items = [];
  for await (const item of table.queryAll({ pk: 'u', sk: { between: [1, 5] } },
    { index: 'byDate', filter: { status: 'new' }, attributes: ['pk', ['a', 0]], reverse: true, limit: 1 })) {
    items.push(item);
  }
  assert.deepEqual(items, [{ pk: 'u', sk: 1 }, { pk: 'u', sk: 2 }]);
  const [first, second] = db.sent.map((s) => s.input);
  assert.equal(first.KeyConditionExpression, '#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2');
  assert.equal(first.IndexName, 'byDate');
  assert.equal(first.FilterExpression, '#n2 = :v3');
  assert.equal(first.ProjectionExpression, '#n0, #n3[0]');
  assert.equal(first.ScanIndexForward, false);
  assert.equal(first.Limit, 1);
  assert.equal(first.ExclusiveStartKey, undefined);
  assert.deepEqual(second.ExclusiveStartKey, { pk: { S: 'u' }, sk: { N: '1' } });
});

test('scan: segments and pages', async () => {
  const db = recorder({ Scan: { Items: [], Count: 0, ScannedCount: 0 } });
  const page = await new Table(db, 'T').scan({ segment: 1, totalSegments: 4, consistent: true, params: { ReturnConsumedCapacity: 'TOTAL' } });
  assert.deepEqual(page, { items: [], count: 0, scannedCount: 0, lastKey: undefined });
  assert.deepEqual(db.sent[0].input, { TableName: 'T', Segment: 1, TotalSegments: 4, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' });
});

test('odd attribute names only ever appear as placeholder values', async () => {
  const db = recorder();
  const names = ['__proto__', 'constructor', 'a.b', 'with space', '#x', ':y', 'status'];
  const set = {};
  for (const name of names) Object.defineProperty(set, name, { value: name, enumerable: true });
  await new Table(db, 'T').update({ pk: 'a' }, { set }, { condition: JSON.parse('{"__proto__": null}') });
  const input = db.sent[0].input;
  assert.equal(input.UpdateExpression, `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`);
  assert.deepEqual(Object.values(input.ExpressionAttributeNames), names);
  assert.equal(input.ConditionExpression, '(#n0 = :v7)');
  assert.deepEqual(input.ExpressionAttributeValues[':v7'], { NULL: true });
});

test('bad specs throw TypeError before anything is sent', async () => {
  const db = recorder();
  const table = new Table(db, 'T');
  await assert.rejects(table.update({ pk: 'a' }, {}), TypeError);
  await assert.rejects(table.update({ pk: 'a' }, { bump: { x: 1 } }), /Unknown update section 'bump'/);
  await assert.rejects(table.update({ pk: 'a' }, { set: [['x']] }), /\[path, value\] pair/);
  await assert.rejects(table.query({ pk: 'a', sk: { contains: 'x' } }), /Key condition on sk/);
  await assert.rejects(table.query({ a: 1, b: 2, c: 3 }), /at most the sort key/);
  await assert.rejects(table.get({ pk: 'a' }, { attributes: [] }), /non-empty array/);
  await assert.rejects(table.delete({ pk: 'a' }, { condition: { n: { between: [1] } } }), /between/);
  await assert.rejects(table.update({ pk: 'a' }, { set: [[['a', -1], 1]] }), /list index/);
  assert.throws(() => new Table(db, ''), TypeError);
  assert.equal(db.sent.length, 0);
});
