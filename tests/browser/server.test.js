// A browser page (Chromium, Firefox or WebKit: PD_BROWSER, tests/browser/harness.js)
// using the AWS SDK v3 (bundled for the browser with esbuild)
// against pocketdynamo/server on another origin of 127.0.0.1: CORS preflight,
// the SDK reading x-amzn-RequestId (exposed headers), errors with their
// fields, and SigV4 signatures made in the browser checked by the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { startServer } from 'pocketdynamo/server';
import { launch, serve, REPO } from './harness.js';

let work;
let pages;
let context;

const PAGE_SCRIPT = `
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, QueryCommand, TransactWriteItemsCommand,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';

window.runChecks = async (endpoint, credentials) => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials, maxAttempts: 1 });
  const out = {};
  const created = await client.send(new CreateTableCommand({ TableName: 'Web', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }] }));
  out.status = created.TableDescription.TableStatus;
  out.requestId = created.$metadata.requestId;
  for (let i = 0; i < 5; i++) {
    await client.send(new PutItemCommand({ TableName: 'Web', Item: { pk: { S: 'p' }, sk: { N: String(i) }, b: { B: new Uint8Array([i, 7]) } } }));
  }
  const got = await client.send(new GetItemCommand({ TableName: 'Web', Key: { pk: { S: 'p' }, sk: { N: '3' } } }));
  out.binary = Array.from(got.Item.b.B);
  const q = await client.send(new QueryCommand({ TableName: 'Web', KeyConditionExpression: 'pk = :p AND sk >= :s',
    ExpressionAttributeValues: { ':p': { S: 'p' }, ':s': { N: '2' } } }));
  out.queried = q.Items.map((i) => i.sk.N);
  try {
    await client.send(new PutItemCommand({ TableName: 'Web', Item: { pk: { S: 'p' }, sk: { N: '1' } },
      ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    out.conditional = 'no error';
  } catch (e) {
    out.conditional = [e instanceof ConditionalCheckFailedException, e.$metadata.httpStatusCode, Array.from(e.Item.b.B)];
  }
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: [
      { ConditionCheck: { TableName: 'Web', Key: { pk: { S: 'p' }, sk: { N: '0' } }, ConditionExpression: 'attribute_not_exists(pk)' } }] }));
    out.cancelled = 'no error';
  } catch (e) {
    out.cancelled = [e.name, e.CancellationReasons.map((r) => r.Code)];
  }
  return out;
};

window.tryKey = async (endpoint, credentials) => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials, maxAttempts: 1 });
  try {
    await client.send(new GetItemCommand({ TableName: 'Web', Key: { pk: { S: 'p' }, sk: { N: '0' } } }));
    return 'ok';
  } catch (e) {
    return e.name;
  }
};
window.ready = true;
`;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-server-page-'));
  fs.writeFileSync(path.join(work, 'entry.js'), PAGE_SCRIPT);
  await esbuild.build({
    entryPoints: [path.join(work, 'entry.js')], bundle: true, format: 'esm', platform: 'browser',
    outfile: path.join(work, 'page.js'), nodePaths: [path.join(REPO, 'node_modules')], logLevel: 'error',
  });
  fs.writeFileSync(path.join(work, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="page.js"></script>');
  pages = await serve({ '/': work });
  context = await launch();
});

after(async () => {
  await context?.close();
  await pages?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function openPage() {
  const page = await context.newPage();
  await page.goto(`${pages.url}/index.html`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

test('the browser SDK talks to the server across origins (CORS), with errors and request ids', async () => {
  const server = await startServer();
  try {
    assert.notEqual(new URL(server.endpoint).port, String(pages.port));   // another origin
    const page = await openPage();
    const out = await page.evaluate(([endpoint]) => window.runChecks(endpoint, { accessKeyId: 'a', secretAccessKey: 'b' }),
      [server.endpoint]);
    assert.equal(out.status, 'ACTIVE');
    assert.match(out.requestId, /^[A-Z0-9]{52}$/);
    assert.deepEqual(out.binary, [3, 7]);
    assert.deepEqual(out.queried, ['2', '3', '4']);
    assert.deepEqual(out.conditional, [true, 400, [1, 7]]);
    assert.deepEqual(out.cancelled, ['TransactionCanceledException', ['ConditionalCheckFailed']]);
    await page.close();
  } finally {
    await server.close();
  }
});

test('signatures made in the browser are checked by a server with credentials', async () => {
  const key = { accessKeyId: 'AKIDBROWSER', secretAccessKey: 'browser-secret' };
  const server = await startServer({ credentials: key });
  try {
    const page = await openPage();
    const out = await page.evaluate(([endpoint, k]) => window.runChecks(endpoint, k), [server.endpoint, key]);
    assert.equal(out.status, 'ACTIVE');
    assert.equal(await page.evaluate(([e, k]) => window.tryKey(e, k), [server.endpoint, key]), 'ok');
    assert.equal(await page.evaluate(([e]) => window.tryKey(e, { accessKeyId: 'AKIDBROWSER', secretAccessKey: 'nope' }),
      [server.endpoint]), 'InvalidSignatureException');
    assert.equal(await page.evaluate(([e]) => window.tryKey(e, { accessKeyId: 'someone', secretAccessKey: 'x' }),
      [server.endpoint]), 'UnrecognizedClientException');
    await page.close();
  } finally {
    await server.close();
  }
});
