// pocketdynamo/server over real HTTP on 127.0.0.1: the AWS SDK v3 clients
// (client-dynamodb with `endpoint`, lib-dynamodb, the streams client), the
// wire details (headers, error bodies, CORS, health), every bad input of
// issue #15 (malformed JSON, wrong content type, missing target, unknown
// operation, body over the limit, slow clients, closed database), signature
// checking, concurrency and graceful shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand,
  TransactWriteItemsCommand, BatchWriteItemCommand, paginateQuery, ListTablesCommand,
  ConditionalCheckFailedException, TransactionCanceledException, ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, GetCommand, QueryCommand as DocQueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  DynamoDBStreamsClient, ListStreamsCommand, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { open } from 'pocketdynamo';
import { startServer, createRequestListener, crc32, MAX_BODY_BYTES } from 'pocketdynamo/server';
import { tableSpec } from './support/db.js';

const CREDS = { accessKeyId: 'local', secretAccessKey: 'local' };

function client(server, overrides = {}) {
  return new DynamoDBClient({ endpoint: server.endpoint, region: 'local', credentials: CREDS, maxAttempts: 1, ...overrides });
}

// A raw POST with fetch; returns { status, headers, text, json }.
async function post(server, { target, body = '{}', contentType = 'application/x-amz-json-1.0', headers = {} } = {}) {
  const h = { 'content-type': contentType, ...headers };
  if (target !== undefined) h['x-amz-target'] = target;
  const res = await fetch(server.endpoint, { method: 'POST', headers: h, body });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// Writes raw bytes on a new connection; resolves to everything the server sent before closing.
function rawExchange(server, chunks, { gapMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => { received += d; });
    socket.on('error', (error) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => resolve(received));
    (async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    })();
  });
}

async function withServer(options, fn) {
  const server = await startServer(options);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

test('client-dynamodb with endpoint: tables, items, paginated Query, transactions, errors with Item', async () => {
  await withServer({}, async (server) => {
    assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Orders', { sk: 'sk', skType: 'N' })));
    assert.deepEqual((await c.send(new ListTablesCommand({}))).TableNames, ['Orders']);
    for (let i = 0; i < 25; i++) {
      await c.send(new PutItemCommand({ TableName: 'Orders', Item: { pk: { S: 'u1' }, sk: { N: String(i) }, b: { B: new Uint8Array([i, 255]) } } }));
    }
    const got = await c.send(new GetItemCommand({ TableName: 'Orders', Key: { pk: { S: 'u1' }, sk: { N: '7' } } }));
    assert.deepEqual(got.Item.b.B, new Uint8Array([7, 255]));
    const keys = [];
    let pages = 0;
    for await (const page of paginateQuery({ client: c, pageSize: 10 }, {
      TableName: 'Orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'u1' } },
    })) {
      pages++;
      keys.push(...page.Items.map((item) => Number(item.sk.N)));
    }
    assert.deepEqual(keys, [...Array(25).keys()]);
    assert.equal(pages, 3);

    await assert.rejects(c.send(new PutItemCommand({
      TableName: 'Orders', Item: { pk: { S: 'u1' }, sk: { N: '3' } }, ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })), (error) => {
      assert.ok(error instanceof ConditionalCheckFailedException);
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.$metadata.requestId, /^[A-Z0-9]{52}$/);
      assert.equal(error.Item.sk.N, '3');
      return true;
    });
    await assert.rejects(c.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: 'Orders', Item: { pk: { S: 'u2' }, sk: { N: '1' } } } },
        { ConditionCheck: { TableName: 'Orders', Key: { pk: { S: 'u1' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    })), (error) => {
      assert.ok(error instanceof TransactionCanceledException);
      assert.deepEqual(error.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed']);
      return true;
    });
    assert.equal((await c.send(new GetItemCommand({ TableName: 'Orders', Key: { pk: { S: 'u2' }, sk: { N: '1' } } }))).Item, undefined);
    await c.send(new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: 'Orders', Item: { pk: { S: 'u2' }, sk: { N: '1' } } } }],
    }));
    assert.ok((await c.send(new GetItemCommand({ TableName: 'Orders', Key: { pk: { S: 'u2' }, sk: { N: '1' } } }))).Item);
    await assert.rejects(c.send(new GetItemCommand({ TableName: 'Nope', Key: { pk: { S: 'a' } } })), ResourceNotFoundException);
    const batch = await c.send(new BatchWriteItemCommand({ RequestItems: { Orders: [{ DeleteRequest: { Key: { pk: { S: 'u2' }, sk: { N: '1' } } } }] } }));
    assert.deepEqual(batch.UnprocessedItems, {});
    c.destroy();
  });
});

test('lib-dynamodb document client through the server', async () => {
  await withServer({}, async (server) => {
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Docs', { sk: 'sk' })));
    const doc = DynamoDBDocumentClient.from(c);
    await doc.send(new PutCommand({ TableName: 'Docs', Item: { pk: 'a', sk: 'x', n: 12.5, tags: new Set(['p', 'q']), nested: { list: [1, 'two'] } } }));
    const { Item } = await doc.send(new GetCommand({ TableName: 'Docs', Key: { pk: 'a', sk: 'x' } }));
    assert.deepEqual(Item, { pk: 'a', sk: 'x', n: 12.5, tags: new Set(['p', 'q']), nested: { list: [1, 'two'] } });
    const q = await doc.send(new DocQueryCommand({ TableName: 'Docs', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'a' } }));
    assert.equal(q.Count, 1);
    c.destroy();
  });
});

test('the DynamoDB Streams client through the server', async () => {
  await withServer({}, async (server) => {
    const c = client(server);
    await c.send(new CreateTableCommand({
      ...tableSpec('Events'), StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }));
    await c.send(new PutItemCommand({ TableName: 'Events', Item: { pk: { S: 'e1' }, v: { N: '1' } } }));
    await c.send(new UpdateItemCommand({ TableName: 'Events', Key: { pk: { S: 'e1' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
    const streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, region: 'local', credentials: CREDS, maxAttempts: 1 });
    const listed = await streams.send(new ListStreamsCommand({ TableName: 'Events' }));
    assert.equal(listed.Streams.length, 1);
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: listed.Streams[0].StreamArn }));
    const shard = described.StreamDescription.Shards[0];
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({
      StreamArn: listed.Streams[0].StreamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
    }));
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    assert.deepEqual(Records.map((r) => r.eventName), ['INSERT', 'MODIFY']);
    assert.equal(Records[1].dynamodb.OldImage.v.N, '1');
    assert.equal(Records[1].dynamodb.NewImage.v.N, '2');
    // The streams operations answer under their own service's target only.
    const wrong = await post(server, { target: 'DynamoDB_20120810.ListStreams', body: '{}' });
    assert.equal(wrong.json.__type, 'com.amazon.coral.service#UnknownOperationException');
    const wrong2 = await post(server, { target: 'DynamoDBStreams_20120810.PutItem', body: '{}' });
    assert.equal(wrong2.json.__type, 'com.amazon.coral.service#UnknownOperationException');
    streams.destroy();
    c.destroy();
  });
});

test('wire: headers on every answer, x-amz-crc32 is the CRC32 of the body, content types', async () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);   // the CRC32 check value
  await withServer({}, async (server) => {
    const ok = await post(server, { target: 'DynamoDB_20120810.ListTables' });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { TableNames: [] });
    assert.equal(ok.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.match(ok.headers.get('x-amzn-requestid'), /^[A-Z0-9]{52}$/);
    assert.equal(ok.headers.get('x-amz-crc32'), String(crc32(new TextEncoder().encode(ok.text))));
    assert.equal(ok.headers.get('content-length'), String(Buffer.byteLength(ok.text)));
    const again = await post(server, { target: 'DynamoDB_20120810.ListTables' });
    assert.notEqual(again.headers.get('x-amzn-requestid'), ok.headers.get('x-amzn-requestid'));
    // application/json is accepted and echoed (older clients).
    const legacy = await post(server, { target: 'DynamoDB_20120810.ListTables', contentType: 'application/json; charset=utf-8' });
    assert.equal(legacy.status, 200);
    assert.equal(legacy.headers.get('content-type'), 'application/json');
    // Errors: 400, the core's body, the same headers.
    const missing = await post(server, { target: 'DynamoDB_20120810.DescribeTable', body: '{"TableName":"Nope"}' });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
    assert.match(missing.json.message, /^Requested resource not found/);
    assert.equal(missing.headers.get('x-amz-crc32'), String(crc32(new TextEncoder().encode(missing.text))));
    const invalid = await post(server, { target: 'DynamoDB_20120810.PutItem', body: '{"TableName":"Tbl"}' });
    assert.equal(invalid.json.__type, 'com.amazon.coral.validate#ValidationException');
    // Health.
    const health = await fetch(`${server.endpoint}/`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'healthy: pocketdynamo\n');
  });
});

test('CORS: preflight and exposed headers for browser SDKs', async () => {
  await withServer({}, async (server) => {
    const pre = await fetch(server.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-date,authorization' },
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,x-amz-target,x-amz-date,authorization');
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    const res = await post(server, { target: 'DynamoDB_20120810.ListTables', headers: { origin: 'http://app.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-expose-headers'), /x-amzn-RequestId/);
  });
  await withServer({ cors: false }, async (server) => {
    const res = await post(server, { target: 'DynamoDB_20120810.ListTables', headers: { origin: 'http://app.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});

test('bad input: malformed JSON, content type, target, unknown operation; nothing stored changes', async () => {
  await withServer({}, async (server) => {
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Tbl')));
    await c.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'keep' }, v: { N: '1' } } }));

    const bad = await post(server, { target: 'DynamoDB_20120810.PutItem', body: '{"TableName": "Tbl", "Item": ' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { __type: 'com.amazon.coral.service#SerializationException' });
    const badNoTarget = await post(server, { body: 'not json' });
    assert.equal(badNoTarget.json.__type, 'com.amazon.coral.service#SerializationException');
    const empty = await post(server, { target: 'DynamoDB_20120810.PutItem', body: '' });
    assert.equal(empty.json.__type, 'com.amazon.coral.service#SerializationException');

    const wrongType = await post(server, { target: 'DynamoDB_20120810.ListTables', contentType: 'text/plain' });
    assert.equal(wrongType.status, 404);
    assert.equal(wrongType.text, '<UnknownOperationException/>\n');
    assert.match(wrongType.headers.get('x-amzn-requestid'), /^[A-Z0-9]{52}$/);
    const put = await fetch(server.endpoint, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/x-amz-json-1.0' } });
    assert.equal(put.status, 404);
    assert.equal(await put.text(), '<UnknownOperationException/>\n');

    for (const target of [undefined, '', 'DynamoDB_20120810', 'DynamoDB_20120810.', 'Other_1.PutItem', 'DynamoDB_20111205.PutItem']) {
      const res = await post(server, { target, body: '{}' });
      assert.equal(res.status, 400, `target ${target}`);
      assert.equal(res.json.__type, 'com.amazon.coral.service#UnknownOperationException', `target ${target}`);
    }
    const unknown = await post(server, { target: 'DynamoDB_20120810.FlyToTheMoon', body: '{}' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.__type, 'com.amazon.coral.service#UnknownOperationException');
    // Through the SDK the error keeps its name.
    const sdkBad = await c.send(new ListTablesCommand({ Limit: 0 })).catch((e) => e);
    assert.equal(sdkBad.name, 'ValidationException');

    const item = await c.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'keep' } } }));
    assert.deepEqual(item.Item, { pk: { S: 'keep' }, v: { N: '1' } });
    assert.deepEqual((await c.send(new ListTablesCommand({}))).TableNames, ['Tbl']);
    c.destroy();
  });
});

test('bad input: a body over the limit is refused with 413 (declared or streamed), the server goes on', async () => {
  assert.equal(MAX_BODY_BYTES, 16 * 1024 * 1024);
  await withServer({ maxBodyBytes: 1000 }, async (server) => {
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Tbl')));
    // Declared length over the limit: answered before the body is read.
    const declared = await rawExchange(server, [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n' +
      'X-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: 5000\r\n\r\n{"TableName":"Tbl",',
    ]);
    assert.match(declared, /^HTTP\/1\.1 413 /);
    assert.match(declared, /x-amzn-RequestId: [A-Z0-9]{52}/i);
    // Chunked, with no length: refused once 1000 bytes have come.
    const big = JSON.stringify({ TableName: 'Tbl', Item: { pk: { S: 'big' }, v: { S: 'x'.repeat(3000) } } });
    const chunked = await rawExchange(server, [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n' +
      'X-Amz-Target: DynamoDB_20120810.PutItem\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...[0, 1000, 2000].map((at) => { const part = big.slice(at, at + 1000); return `${part.length.toString(16)}\r\n${part}\r\n`; }),
      '0\r\n\r\n',
    ], { gapMs: 20 });
    assert.match(chunked, /^HTTP\/1\.1 413 /);
    const viaSdk = await c.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'big' }, v: { S: 'x'.repeat(3000) } } })).catch((e) => e);
    assert.equal(viaSdk.$metadata.httpStatusCode, 413);
    assert.equal((await c.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'big' } } }))).Item, undefined);
    await c.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'small' } } }));
    assert.ok((await c.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'small' } } }))).Item);
    c.destroy();
  });
});

test('bad input: a slow client (slowloris) gets 408 and its connection closed; others are served', async () => {
  await withServer({ requestTimeoutMs: 300 }, async (server) => {
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Tbl')));
    // Headers never finished.
    const stalledHeaders = rawExchange(server, ['POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20']);
    // Headers complete, body trickling and never finished.
    const stalledBody = rawExchange(server, [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n' +
      'X-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: 100\r\n\r\n{"TableName":',
    ]);
    // Meanwhile a normal client is answered.
    await c.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'fine' } } }));
    const [a, b] = await Promise.all([stalledHeaders, stalledBody]);
    assert.match(a, /^HTTP\/1\.1 408 /);
    assert.match(b, /^HTTP\/1\.1 408 /);
    assert.ok((await c.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'fine' } } }))).Item);
    c.destroy();
  });
});

test('bad input: a closed database answers 500 InternalServerError, the server stays up', async () => {
  const db = await open('server-closed');
  await db.send('CreateTable', tableSpec('Tbl'));
  const errors = [];
  await withServer({ db, onError: (e) => errors.push(e) }, async (server) => {
    const c = client(server);
    await c.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'a' } } }));
    await db.close();
    const res = await post(server, { target: 'DynamoDB_20120810.GetItem', body: '{"TableName":"Tbl","Key":{"pk":{"S":"a"}}}' });
    assert.equal(res.status, 500);
    assert.equal(res.json.__type, 'com.amazonaws.dynamodb.v20120810#InternalServerError');
    assert.match(res.json.message, /The database is closed/);
    const viaSdk = await c.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'a' } } })).catch((e) => e);
    assert.equal(viaSdk.name, 'InternalServerError');
    assert.equal(errors.length, 2);
    assert.equal((await fetch(server.endpoint)).status, 200);
    assert.equal(server.db, db);
    c.destroy();
  });
});

test('credentials: only requests signed with a given key are accepted, with DynamoDB\'s errors', async () => {
  const key = { accessKeyId: 'AKIDPOCKET', secretAccessKey: 's3cret/+key' };
  await assert.rejects(startServer({ credentials: [{ accessKeyId: '' }] }), TypeError);
  await withServer({ credentials: [key, { accessKeyId: 'second', secretAccessKey: 'two' }] }, async (server) => {
    const good = client(server, { credentials: key });
    await good.send(new CreateTableCommand(tableSpec('Tbl')));
    await good.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: 'a' }, s: { S: 'ünïcode ✓' } } }));
    const second = client(server, { credentials: { accessKeyId: 'second', secretAccessKey: 'two' } });
    assert.deepEqual((await second.send(new ListTablesCommand({}))).TableNames, ['Tbl']);
    const unknownKey = await client(server, { credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' } })
      .send(new ListTablesCommand({})).catch((e) => e);
    assert.equal(unknownKey.name, 'UnrecognizedClientException');
    assert.equal(unknownKey.message, 'The security token included in the request is invalid.');
    const wrongSecret = await client(server, { credentials: { accessKeyId: key.accessKeyId, secretAccessKey: 'wrong' } })
      .send(new ListTablesCommand({})).catch((e) => e);
    assert.equal(wrongSecret.name, 'InvalidSignatureException');
    const unsigned = await post(server, { target: 'DynamoDB_20120810.ListTables' });
    assert.equal(unsigned.status, 400);
    assert.deepEqual(unsigned.json, {
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token',
    });
    const garbled = await post(server, { target: 'DynamoDB_20120810.ListTables', headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } });
    assert.equal(garbled.json.__type, 'com.amazon.coral.service#IncompleteSignatureException');
    // A signed request whose body was changed in transit fails the signature.
    let tamper = false;
    const tampering = client(server, { credentials: key });
    tampering.middlewareStack.add((next) => async (args) => {
      if (tamper) {
        const { body } = args.request;
        args.request.body = (typeof body === 'string' ? body : new TextDecoder().decode(body)).replace('"a"', '"b"');
      }
      return next(args);
    }, { step: 'finalizeRequest', priority: 'low' });
    tamper = true;
    const tampered = await tampering.send(new GetItemCommand({ TableName: 'Tbl', Key: { pk: { S: 'a' } } })).catch((e) => e);
    assert.equal(tampered.name, 'InvalidSignatureException');
    good.destroy();
    second.destroy();
  });
});

test('concurrent requests from many clients are all applied, in queue order', async () => {
  await withServer({}, async (server) => {
    const clients = Array.from({ length: 8 }, () => client(server));
    await clients[0].send(new CreateTableCommand(tableSpec('Counters')));
    await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % 8].send(new UpdateItemCommand({
      TableName: 'Counters', Key: { pk: { S: 'c' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    }))));
    const { Item } = await clients[3].send(new GetItemCommand({ TableName: 'Counters', Key: { pk: { S: 'c' } } }));
    assert.equal(Item.n.N, '200');
    for (const c of clients) c.destroy();
  });
});

test('graceful shutdown: requests in flight are answered, then the port and the database close', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-server-'));
  try {
    const server = await startServer({ path: dir });
    const { endpoint } = server;
    let received = 0;
    server.httpServer.on('request', () => { received++; });
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Tbl')));
    received = 0;
    const writes = Array.from({ length: 50 }, (_, i) => c.send(new PutItemCommand({ TableName: 'Tbl', Item: { pk: { S: `k${i}` } } })));
    // Close once the first request is being answered: the rest are on their way or queued.
    await new Promise((resolve) => {
      const poll = () => (server.activeRequests > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    const closing = server.close();
    assert.equal(server.closing, true);
    const settled = await Promise.allSettled(writes);
    await closing;
    const acknowledged = settled.filter((s) => s.status === 'fulfilled').length;
    // Every request the server received was answered 200; the others never reached it.
    assert.ok(acknowledged >= 1);
    assert.equal(acknowledged, received);
    for (const s of settled) {
      if (s.status === 'rejected') assert.match(`${s.reason.code} ${s.reason.message}`, /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/);
    }
    assert.equal(server.db.closed, true);
    assert.equal(server.port, null);
    await assert.rejects(fetch(endpoint), /fetch failed/);
    assert.equal(await server.close(), undefined);   // idempotent
    c.destroy();
    // Every acknowledged write is in the files.
    const db = await open({ path: dir });
    const { Count } = await db.send('Scan', { TableName: 'Tbl', Select: 'COUNT' });
    assert.equal(Count, acknowledged, `${Count} items for ${acknowledged} acknowledged writes`);
    await db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the HTTP status is the database\'s word beside the text: an item holding "__type" is a 200', async () => {
  // Over the real core: items whose attribute names and strings hold "__type" and error bodies.
  const item = {
    pk: { S: 'a' }, __type: { S: '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"}' },
    m: { M: { __type: { S: '"__type":"x#ValidationException"' } } },
  };
  await withServer({}, async (server) => {
    const c = client(server);
    await c.send(new CreateTableCommand(tableSpec('Typed')));
    await c.send(new PutItemCommand({ TableName: 'Typed', Item: item }));
    const got = await c.send(new GetItemCommand({ TableName: 'Typed', Key: { pk: { S: 'a' } } }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    assert.deepEqual(got.Item, item);
    const raw = await post(server, { target: 'DynamoDB_20120810.Scan', body: JSON.stringify({ TableName: 'Typed' }) });
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.json.Items, [item]);
    c.destroy();
  });
  // Over a transport that answers what it is told: the status follows `failed` alone (a search of
  // the text for '"__type":"', as before, answered 400 or 500 for the first two).
  const http = await import('node:http');
  const { DatabaseBase } = await import('pocketdynamo');
  const ise = '{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"}';
  const answers = {
    Holds: { text: '{"Items":[],"Note":{"__type":"com.example#ValidationException"}}', failed: false },
    HoldsIse: { text: `{"Count":0,"Note":${ise}}`, failed: false },
    Refused: { text: '{"__type":"com.amazon.coral.validate#ValidationException","message":"no"}', failed: true },
    Broken: { text: ise, failed: true },
  };
  class Told extends DatabaseBase {
    async sendJsonOutcome(operation) { return answers[operation]; }
  }
  const own = http.createServer(createRequestListener(new Told()));
  await new Promise((resolve) => own.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${own.address().port}`;
  try {
    for (const [operation, status] of [['Holds', 200], ['HoldsIse', 200], ['Refused', 400], ['Broken', 500]]) {
      const res = await post({ endpoint }, { target: `DynamoDB_20120810.${operation}` });
      assert.equal(res.status, status, operation);
      assert.equal(res.text, answers[operation].text);
    }
  } finally {
    own.closeAllConnections();
    await new Promise((resolve) => own.close(resolve));
  }
});

test('createRequestListener mounts on a node:http server of your own; bad options are refused', async () => {
  const http = await import('node:http');
  const db = await open('server-listener');
  const listener = createRequestListener(db);
  const own = http.createServer(listener);
  await new Promise((resolve) => own.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${own.address().port}`;
  const c = new DynamoDBClient({ endpoint, region: 'local', credentials: CREDS, maxAttempts: 1 });
  await c.send(new CreateTableCommand(tableSpec('Tbl')));
  assert.deepEqual((await c.send(new ListTablesCommand({}))).TableNames, ['Tbl']);
  await listener.idle();
  assert.equal(listener.active, 0);
  c.destroy();
  await new Promise((resolve) => own.close(resolve));
  await db.close();
  assert.throws(() => createRequestListener({}), TypeError);
  assert.throws(() => createRequestListener(db, { maxBodyBytes: 0 }), TypeError);
  await assert.rejects(startServer({ requestTimeoutMs: -1 }), TypeError);
  // Idle keep-alive connections are kept 10 minutes by default (Node's 5 s races SDK reuse).
  await withServer({}, async (server) => assert.equal(server.httpServer.keepAliveTimeout, 600_000));
  await withServer({ keepAliveTimeoutMs: 1000 }, async (server) => assert.equal(server.httpServer.keepAliveTimeout, 1000));
});
