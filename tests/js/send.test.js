// db.send for each operation the core supports, against the built package:
// DynamoDB JSON in and out, DynamoDB's errors as thrown classes with
// DynamoDB's messages.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  open, ResourceNotFoundException, ResourceInUseException, ValidationException,
  ConditionalCheckFailedException, DynamoDBError, PocketDynamoError,
} from 'pocketdynamo';
import { openDb, dbWithTable, tableSpec } from './support/db.js';

async function rejectsWith(promise, cls, message) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof cls, `expected ${cls.name}, got ${error.name}: ${error.message}`);
    assert.equal(error.name, cls.name);
    if (message instanceof RegExp) assert.match(error.message, message);
    else if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

describe('open and lifecycle', () => {
  test('open(name) is memory-only and says so', async () => {
    const db = await open('shop');
    assert.equal(db.name, 'shop');
    assert.equal(db.storage, 'memory');
    assert.equal(db.persistent, false);
    assert.equal((await open()).name, 'default');
    assert.equal((await open({ name: 'n', pageSize: 8192 })).name, 'n');
  });

  test('storage other than memory is refused, not faked', async () => {
    await rejectsWith(open('x', { storage: 'idb' }), PocketDynamoError, /storage "idb" is not available/);
    await rejectsWith(open({ storage: '/tmp/db' }), PocketDynamoError, /not available/);
  });

  test('bad page size and bad snapshots are refused with the core\'s reason', async () => {
    await rejectsWith(open({ pageSize: 1000 }), PocketDynamoError, /Cannot open the database/);
    await rejectsWith(open({ snapshot: { pageSize: 4096, pages: new Uint8Array(4096) } }), PocketDynamoError,
      /Cannot open the database: Corruption/);
    await rejectsWith(open({ snapshot: { pageSize: 4096, pages: new Uint8Array(100) } }), PocketDynamoError,
      /not whole pages/);
  });

  test('close waits for queued calls; later calls reject', async () => {
    const db = await dbWithTable('Tbl');
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: `k${i}` } } }));
    const closing = db.close();
    await Promise.all(writes);
    await closing;
    assert.equal(db.closed, true);
    await rejectsWith(db.send('ListTables', {}), PocketDynamoError, 'The database is closed');
    await db.close();
  });

  test('concurrent calls run in call order', async () => {
    const db = await dbWithTable('Tbl');
    const calls = [];
    for (let i = 1; i <= 50; i++) {
      calls.push(db.send('UpdateItem', {
        TableName: 'Tbl', Key: { pk: { S: 'counter' } }, UpdateExpression: 'ADD n :one SET #last = :i', ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':i': { N: String(i) } }, ReturnValues: 'UPDATED_NEW',
      }));
    }
    const results = await Promise.all(calls);
    assert.deepEqual(results.map((r) => r.Attributes.n.N), results.map((_, i) => String(i + 1)));
    const final = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'counter' } } });
    assert.deepEqual(final.Item, { pk: { S: 'counter' }, n: { N: '50' }, last: { N: '50' } });
  });

  test('snapshot -> open({ snapshot }) gives the same data, independent of the original', async () => {
    const db = await dbWithTable('Tbl');
    await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'a' }, v: { S: 'one' } } });
    const snapshot = await db.snapshot();
    assert.equal(snapshot.pages.byteLength % snapshot.pageSize, 0);
    const copy = await open({ snapshot });
    assert.equal(await copy.check(), '');
    await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'a' }, v: { S: 'two' } } });
    const fromCopy = await copy.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'a' } } });
    assert.deepEqual(fromCopy.Item.v, { S: 'one' });
    const broken = snapshot.pages.slice();
    broken[snapshot.pageSize + 100] ^= 0xff;
    await rejectsWith(open({ snapshot: { ...snapshot, pages: broken } }), PocketDynamoError, /Corruption/);
  });
});

describe('CreateTable / DescribeTable / ListTables / DeleteTable', () => {
  test('functionality', async () => {
    const db = await openDb();
    const spec = tableSpec('Orders', { sk: 'sk', skType: 'N' });
    const created = await db.send('CreateTable', spec);
    const td = created.TableDescription;
    assert.equal(td.TableName, 'Orders');
    assert.deepEqual(td.KeySchema, spec.KeySchema);
    assert.deepEqual(new Set(td.AttributeDefinitions.map(JSON.stringify)), new Set(spec.AttributeDefinitions.map(JSON.stringify)));
    assert.ok(['CREATING', 'ACTIVE'].includes(td.TableStatus));
    assert.equal(td.ItemCount, 0);
    assert.equal(typeof td.CreationDateTime, 'number');

    const described = await db.send('DescribeTable', { TableName: 'Orders' });
    assert.equal(described.Table.TableName, 'Orders');
    assert.equal(described.Table.TableStatus, 'ACTIVE');
    assert.deepEqual(described.Table.KeySchema, spec.KeySchema);

    await db.send('CreateTable', tableSpec('Alpha'));
    await db.send('CreateTable', tableSpec('Zeta'));
    assert.deepEqual((await db.send('ListTables', {})).TableNames, ['Alpha', 'Orders', 'Zeta']);
    const page = await db.send('ListTables', { Limit: 2 });
    assert.deepEqual(page.TableNames, ['Alpha', 'Orders']);
    assert.equal(page.LastEvaluatedTableName, 'Orders');
    assert.deepEqual((await db.send('ListTables', { ExclusiveStartTableName: 'Orders' })).TableNames, ['Zeta']);

    const deleted = await db.send('DeleteTable', { TableName: 'Alpha' });
    assert.equal(deleted.TableDescription.TableName, 'Alpha');
    assert.deepEqual((await db.send('ListTables', {})).TableNames, ['Orders', 'Zeta']);
  });

  test('errors', async () => {
    const db = await dbWithTable('Tbl');
    await rejectsWith(db.send('CreateTable', tableSpec('Tbl')), ResourceInUseException, /Table already exists: T/);
    await rejectsWith(db.send('DescribeTable', { TableName: 'Nope' }), ResourceNotFoundException,
      /^Requested resource not found/);
    await rejectsWith(db.send('DeleteTable', { TableName: 'Nope' }), ResourceNotFoundException,
      /^Requested resource not found/);
    await rejectsWith(db.send('DescribeTable', {}), ValidationException,
      "The parameter 'TableName' is required but was not present in the request");
    await rejectsWith(db.send('CreateTable', tableSpec('ab')), ValidationException,
      "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3");
  });
});

describe('UpdateTable', () => {
  test('functionality and errors', async () => {
    const db = await dbWithTable('Tbl');
    const out = await db.send('UpdateTable', {
      TableName: 'Tbl', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    assert.equal(out.TableDescription.TableName, 'Tbl');
    const described = await db.send('DescribeTable', { TableName: 'Tbl' });
    assert.equal(described.Table.ProvisionedThroughput.ReadCapacityUnits, 5);
    await rejectsWith(db.send('UpdateTable', { TableName: 'Nope', BillingMode: 'PAY_PER_REQUEST' }),
      ResourceNotFoundException);
  });
});

describe('PutItem / GetItem / UpdateItem / DeleteItem', () => {
  test('all ten types round-trip through PutItem and GetItem', async () => {
    const db = await dbWithTable('Tbl');
    const item = {
      pk: { S: 'all' }, s: { S: 'héllo 😀' }, n: { N: '-12.5' }, b: { B: 'AAEC/w==' }, t: { BOOL: true },
      z: { NULL: true }, l: { L: [{ S: 'x' }, { N: '1' }, { L: [] }] },
      m: { M: { inner: { M: { deep: { S: 'y' } } }, '': { S: 'empty name' } } },
      ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2.5'] }, bs: { BS: ['AQ==', 'Ag=='] },
    };
    assert.deepEqual(await db.send('PutItem', { TableName: 'Tbl', Item: item }), {});
    const got = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'all' } } });
    const sortSets = (i) => ({ ...i, ss: { SS: [...i.ss.SS].sort() }, ns: { NS: [...i.ns.NS].sort() }, bs: { BS: [...i.bs.BS].sort() } });
    assert.deepEqual(sortSets(got.Item), sortSets(item));
    assert.deepEqual(await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'none' } } }), {});
  });

  test('binary values may be given as bytes', async () => {
    const db = await dbWithTable('Tbl');
    await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'b' }, b: { B: new Uint8Array([0, 1, 254]) } } });
    const got = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'b' } } });
    assert.deepEqual(got.Item.b, { B: 'AAH+' });
    // Bytes only deep inside lists and maps (a Buffer, an ArrayBuffer).
    await db.send('PutItem', { TableName: 'Tbl',
      Item: { pk: { S: 'deep' }, d: { L: [{ M: { x: { BS: [Buffer.from([255]), new Uint8Array([7, 8]).buffer] } } }] } } });
    const deep = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'deep' } } });
    assert.deepEqual(deep.Item.d.L[0].M.x.BS.sort(), ['Bwg=', '/w=='].sort());
  });

  test('numbers keep up to 38 digits exactly, in canonical form', async () => {
    const db = await dbWithTable('Tbl');
    const n = '12345678901234567890123456789012345678';
    await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'n' }, a: { N: n }, b: { N: '0.10' }, c: { N: '1E+2' } } });
    const { Item } = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'n' } } });
    assert.deepEqual([Item.a.N, Item.b.N, Item.c.N], [n, '0.1', '100']);
  });

  test('ReturnValues, conditions, projections', async () => {
    const db = await dbWithTable('Tbl');
    await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'a' }, v: { N: '1' }, w: { S: 'x' } } });
    const old = await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'a' }, v: { N: '2' } }, ReturnValues: 'ALL_OLD' });
    assert.deepEqual(old.Attributes, { pk: { S: 'a' }, v: { N: '1' }, w: { S: 'x' } });

    await rejectsWith(db.send('PutItem', {
      TableName: 'Tbl', Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)',
    }), ConditionalCheckFailedException, 'The conditional request failed');

    const updated = await db.send('UpdateItem', {
      TableName: 'Tbl', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET #s = :s ADD v :inc',
      ConditionExpression: 'v = :two', ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: 'shipped' }, ':inc': { N: '5' }, ':two': { N: '2' } },
      ReturnValues: 'ALL_NEW',
    });
    assert.deepEqual(updated.Attributes, { pk: { S: 'a' }, v: { N: '7' }, status: { S: 'shipped' } });

    const projected = await db.send('GetItem', {
      TableName: 'Tbl', Key: { pk: { S: 'a' } }, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' },
    });
    assert.deepEqual(projected.Item, { status: { S: 'shipped' } });

    const deleted = await db.send('DeleteItem', { TableName: 'Tbl', Key: { pk: { S: 'a' } }, ReturnValues: 'ALL_OLD' });
    assert.deepEqual(deleted.Attributes.v, { N: '7' });
    assert.deepEqual(await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'a' } } }), {});
    assert.deepEqual(await db.send('DeleteItem', { TableName: 'Tbl', Key: { pk: { S: 'a' } } }), {});
  });

  test('errors: missing table, missing key, key type, bad expressions', async () => {
    const db = await dbWithTable('Tbl');
    await rejectsWith(db.send('PutItem', { TableName: 'Nope', Item: { pk: { S: 'a' } } }), ResourceNotFoundException,
      /^Requested resource not found/);
    await rejectsWith(db.send('PutItem', { TableName: 'Tbl', Item: { other: { S: 'a' } } }), ValidationException,
      'One or more parameter values were invalid: Missing the key pk in the item');
    await rejectsWith(db.send('GetItem', { TableName: 'Tbl', Key: { pk: { N: '1' } } }), ValidationException,
      'The provided key element does not match the schema');
    await rejectsWith(db.send('UpdateItem', { TableName: 'Tbl', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET a = :missing' }),
      ValidationException, /An expression attribute value used in expression is not defined/);
    await rejectsWith(db.send('UpdateItem', {
      TableName: 'Tbl', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET status = :s', ExpressionAttributeValues: { ':s': { S: 'x' } },
    }), ValidationException, /reserved keyword: status/);
    await rejectsWith(db.send('GetItem', { TableName: 'Tbl' }), ValidationException, /key/);
    const error = await db.send('PutItem', { TableName: 'Tbl', Item: {} }).catch((e) => e);
    assert.ok(error instanceof DynamoDBError);
    assert.equal(error.__type, 'com.amazon.coral.validate#ValidationException');
  });

  test('a failed write changes nothing', async () => {
    const db = await dbWithTable('Tbl');
    await db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: 'a' }, v: { N: '1' } } });
    await assert.rejects(db.send('UpdateItem', {
      TableName: 'Tbl', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :zero',
      ExpressionAttributeValues: { ':v': { N: '9' }, ':zero': { N: '0' } },
    }), ConditionalCheckFailedException);
    const { Item } = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: 'a' } } });
    assert.deepEqual(Item, { pk: { S: 'a' }, v: { N: '1' } });
    assert.equal(await db.check(), '');
  });

  test('many items, then every one reads back (B+tree splits under the JS API)', async () => {
    const db = await dbWithTable('Tbl', { sk: 'sk', skType: 'N' });
    const writes = [];
    for (let i = 0; i < 2000; i++) {
      writes.push(db.send('PutItem', { TableName: 'Tbl', Item: { pk: { S: `p${i % 7}` }, sk: { N: String(i) }, pad: { S: 'x'.repeat(i % 300) } } }));
    }
    await Promise.all(writes);
    for (let i = 0; i < 2000; i += 97) {
      const { Item } = await db.send('GetItem', { TableName: 'Tbl', Key: { pk: { S: `p${i % 7}` }, sk: { N: String(i) } } });
      assert.equal(Item.pad.S.length, i % 300);
    }
    assert.equal(await db.check(), '');
  });
});

describe('unknown operations and bad input', () => {
  test('an unknown operation is UnknownOperationException; bigint input is a TypeError', async () => {
    const db = await openDb();
    await assert.rejects(db.send('MakeCoffee', {}), { name: 'UnknownOperationException' });
    await assert.rejects(db.send('PutItem', { TableName: 'Tbl', Item: { n: { N: 1n } } }), TypeError);
    await assert.rejects(db.send(''), TypeError);
    const cyclic = { TableName: 'Tbl' };
    cyclic.Item = { pk: { M: { loop: cyclic } } };
    await assert.rejects(db.send('PutItem', cyclic), (e) => e instanceof TypeError && /circular/i.test(e.message));
  });
});
