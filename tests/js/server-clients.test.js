// Clients that are not JavaScript against pocketdynamo/server on 127.0.0.1:
// Python's boto3 and the aws CLI (Debian's python3-boto3 and awscli, which
// scripts/setup.sh installs; run as /usr/bin/python3 and /usr/bin/aws so
// that those are the ones tested): create a table, put, query with a paginator, a
// transaction, an error. boto3 checks x-amz-crc32 on every answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from 'pocketdynamo/server';

let server;
let home;

before(async () => {
  server = await startServer({ credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' } });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-clients-'));
});

after(async () => {
  await server.close();
  fs.rmSync(home, { recursive: true, force: true });
});

function env(extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: home,   // no ~/.aws of the machine's user
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_DEFAULT_REGION: 'local',
    AWS_REGION: 'local',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: env(options.env), timeout: 60_000, input: options.input }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr, error });
    });
  });
}

const PYTHON = `
import json, sys, boto3
from boto3.dynamodb.conditions import Key
endpoint = sys.argv[1]
client = boto3.client('dynamodb', endpoint_url=endpoint)
client.create_table(TableName='PyT', BillingMode='PAY_PER_REQUEST',
    KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}],
    AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'N'}])
out = {}
for i in range(12):
    client.put_item(TableName='PyT', Item={'pk': {'S': 'a'}, 'sk': {'N': str(i)}, 'blob': {'B': bytes([i, 200])}})
pages = list(client.get_paginator('query').paginate(TableName='PyT', KeyConditionExpression='pk = :p',
    ExpressionAttributeValues={':p': {'S': 'a'}}, PaginationConfig={'PageSize': 5}))
out['pages'] = len(pages)
out['keys'] = [int(item['sk']['N']) for page in pages for item in page['Items']]
out['blob'] = list(pages[0]['Items'][3]['blob']['B'])
client.transact_write_items(TransactItems=[
    {'Put': {'TableName': 'PyT', 'Item': {'pk': {'S': 'b'}, 'sk': {'N': '1'}}}},
    {'Update': {'TableName': 'PyT', 'Key': {'pk': {'S': 'a'}, 'sk': {'N': '0'}}, 'UpdateExpression': 'SET done = :t',
                'ExpressionAttributeValues': {':t': {'BOOL': True}}}}])
try:
    client.transact_write_items(TransactItems=[
        {'Put': {'TableName': 'PyT', 'Item': {'pk': {'S': 'c'}, 'sk': {'N': '1'}}}},
        {'ConditionCheck': {'TableName': 'PyT', 'Key': {'pk': {'S': 'b'}, 'sk': {'N': '1'}},
                            'ConditionExpression': 'attribute_not_exists(pk)'}}])
    out['cancelled'] = None
except client.exceptions.TransactionCanceledException as e:
    out['cancelled'] = [r['Code'] for r in e.response['CancellationReasons']]
try:
    client.put_item(TableName='PyT', Item={'pk': {'S': 'b'}, 'sk': {'N': '1'}}, ConditionExpression='attribute_not_exists(pk)')
    out['conditional'] = None
except client.exceptions.ConditionalCheckFailedException as e:
    out['conditional'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
try:
    client.describe_table(TableName='Missing')
except client.exceptions.ResourceNotFoundException as e:
    out['missing'] = e.response['Error']['Message']
table = boto3.resource('dynamodb', endpoint_url=endpoint).Table('PyT')
out['resource'] = table.query(KeyConditionExpression=Key('pk').eq('a') & Key('sk').lt(3))['Count']
out['done'] = client.get_item(TableName='PyT', Key={'pk': {'S': 'a'}, 'sk': {'N': '0'}})['Item']['done']['BOOL']
out['c'] = 'Item' in client.get_item(TableName='PyT', Key={'pk': {'S': 'c'}, 'sk': {'N': '1'}})
bad = boto3.client('dynamodb', endpoint_url=endpoint, aws_access_key_id='other', aws_secret_access_key='x')
try:
    bad.list_tables()
except Exception as e:
    out['unrecognized'] = e.response['Error']['Code']
print(json.dumps(out))
`;

test('Python boto3: table, puts, query paginator, transactions, errors', async () => {
  const result = await run('/usr/bin/python3', ['-c', PYTHON, server.endpoint]);
  assert.equal(result.code, 0, `python3 failed (is python3-boto3 installed? scripts/setup.sh installs it):\n${result.stderr}`);
  const out = JSON.parse(result.stdout);
  assert.deepEqual(out, {
    pages: 3,
    keys: [...Array(12).keys()],
    blob: [3, 200],
    cancelled: ['None', 'ConditionalCheckFailed'],
    conditional: ['ConditionalCheckFailedException', 400],
    missing: out.missing,
    resource: 3,
    done: true,
    c: false,
    unrecognized: 'UnrecognizedClientException',
  });
  assert.match(out.missing, /^Requested resource not found/);
});

test('the aws CLI: create-table, put-item, paginated query, transact-write-items, an error', async () => {
  const aws = (...args) => run('/usr/bin/aws', ['dynamodb', ...args, '--endpoint-url', server.endpoint, '--output', 'json']);
  const created = await aws('create-table', '--table-name', 'Cli', '--billing-mode', 'PAY_PER_REQUEST',
    '--key-schema', 'AttributeName=pk,KeyType=HASH', 'AttributeName=sk,KeyType=RANGE',
    '--attribute-definitions', 'AttributeName=pk,AttributeType=S', 'AttributeName=sk,AttributeType=S');
  assert.equal(created.code, 0, `aws failed (is awscli installed? scripts/setup.sh installs it):\n${created.stderr}`);
  assert.equal(JSON.parse(created.stdout).TableDescription.TableName, 'Cli');
  const batch = await aws('batch-write-item', '--request-items', JSON.stringify({
    Cli: Array.from({ length: 7 }, (_, i) => ({ PutRequest: { Item: { pk: { S: 'p' }, sk: { S: `s${i}` } } } })),
  }));
  assert.equal(batch.code, 0, batch.stderr);
  assert.deepEqual(JSON.parse(batch.stdout).UnprocessedItems, {});
  // The CLI follows LastEvaluatedKey itself: --page-size 2 makes four requests.
  const query = await aws('query', '--table-name', 'Cli', '--key-condition-expression', 'pk = :p',
    '--expression-attribute-values', JSON.stringify({ ':p': { S: 'p' } }), '--page-size', '2');
  assert.equal(query.code, 0, query.stderr);
  assert.deepEqual(JSON.parse(query.stdout).Items.map((i) => i.sk.S), ['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
  const tx = await aws('transact-write-items', '--transact-items', JSON.stringify([
    { Put: { TableName: 'Cli', Item: { pk: { S: 'q' }, sk: { S: '1' } } } },
    { Delete: { TableName: 'Cli', Key: { pk: { S: 'p' }, sk: { S: 's0' } } } },
  ]));
  assert.equal(tx.code, 0, tx.stderr);
  const failed = await aws('put-item', '--table-name', 'Cli', '--item', JSON.stringify({ pk: { S: 'q' }, sk: { S: '1' } }),
    '--condition-expression', 'attribute_not_exists(pk)');
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /ConditionalCheckFailedException/);
  const after = await aws('query', '--table-name', 'Cli', '--key-condition-expression', 'pk = :p',
    '--expression-attribute-values', JSON.stringify({ ':p': { S: 'p' } }), '--select', 'COUNT');
  assert.equal(JSON.parse(after.stdout).Count, 6);   // s0 deleted by the transaction
});
