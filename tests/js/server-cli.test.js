// The pocketdynamo command (package.json "bin" -> dist/server/cli.js):
// `pocketdynamo serve` with --port 0, --path/--memory, --table, --seed; the
// endpoint it prints; Ctrl-C (SIGINT) and SIGTERM stop it cleanly with
// exit status 0; bad arguments exit 2 with the usage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const cli = path.join(repo, pkg.bin.pocketdynamo);
let work;

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-cli-'));
  fs.writeFileSync(path.join(work, 'orders.json'), JSON.stringify({
    TableName: 'Orders', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  }));
  fs.writeFileSync(path.join(work, 'Orders.jsonl'),
    Array.from({ length: 30 }, (_, i) => JSON.stringify({ Item: { pk: { S: `o${i}` }, n: { N: String(i) } } })).join('\n'));
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

// Starts the CLI; resolves once it printed its endpoint: { child, endpoint, output(), exited }.
function serve(args) {
  const child = spawn(process.execPath, [cli, 'serve', ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) resolve(m[0]);
    });
    child.stderr.on('data', (d) => { stderr += d; });
    exited.then(({ code }) => reject(new Error(`pocketdynamo serve exited ${code}: ${stderr}`)));
  });
  return ready.then((endpoint) => ({ child, endpoint, exited, output: () => ({ stdout, stderr }) }));
}

function client(endpoint) {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
}

test('the package names the CLI as its bin, with a shebang', () => {
  assert.equal(pkg.bin.pocketdynamo, 'dist/server/cli.js');
  assert.match(fs.readFileSync(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('serve --memory --table --seed: the endpoint answers, Ctrl-C stops it with status 0', async () => {
  const { child, endpoint, exited, output } = await serve(['--port', '0', '--memory', '--table', 'orders.json', '--seed', 'Orders.jsonl']);
  const c = client(endpoint);
  const { Count } = await c.send(new ScanCommand({ TableName: 'Orders', Select: 'COUNT' }));
  assert.equal(Count, 30);
  const { stdout } = output();
  assert.match(stdout, /created table Orders/);
  assert.match(stdout, /seeded Orders: 30 items/);
  assert.match(stdout, new RegExp(`aws dynamodb list-tables --endpoint-url ${endpoint}`));
  assert.match(stdout, /AWS_ENDPOINT_URL_DYNAMODB=/);
  child.kill('SIGINT');
  assert.deepEqual(await exited, { code: 0, signal: null });
  assert.match(output().stdout, /stopped/);
  c.destroy();
});

test('serve --path keeps the data across restarts; SIGTERM stops it cleanly; --quiet prints the endpoint only', async () => {
  const dir = path.join(work, 'data');
  const first = await serve(['--port=0', '--path', dir, '--table', 'orders.json', '--quiet']);
  const c1 = client(first.endpoint);
  await c1.send(new PutItemCommand({ TableName: 'Orders', Item: { pk: { S: 'kept' } } }));
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
  assert.equal(first.output().stdout, `${first.endpoint}\n`);
  c1.destroy();
  const second = await serve(['--port', '0', '--path', dir, '--table', 'orders.json']);
  const c2 = client(second.endpoint);
  assert.ok((await c2.send(new GetItemCommand({ TableName: 'Orders', Key: { pk: { S: 'kept' } } }))).Item);
  assert.match(second.output().stdout, /table Orders exists: kept/);
  assert.deepEqual((await c2.send(new ListTablesCommand({}))).TableNames, ['Orders']);
  second.child.kill('SIGINT');
  assert.equal((await second.exited).code, 0);
  c2.destroy();
});

test('serve with --access-key-id/--secret-access-key refuses other keys', async () => {
  const { child, endpoint, exited } = await serve(['--port', '0', '--access-key-id', 'me', '--secret-access-key', 'pw']);
  const ok = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'me', secretAccessKey: 'pw' }, maxAttempts: 1 });
  assert.deepEqual((await ok.send(new ListTablesCommand({}))).TableNames, []);
  const other = await client(endpoint).send(new ListTablesCommand({})).catch((e) => e);
  assert.equal(other.name, 'UnrecognizedClientException');
  child.kill('SIGINT');
  assert.equal((await exited).code, 0);
  ok.destroy();
});

function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('bad arguments exit 2 with the usage; a seed that fails exits 1 and says why', async () => {
  for (const args of [['serve', '--port', 'abc'], ['serve', '--bogus'], ['serve', '--path', 'x', '--memory'],
    ['serve', '--access-key-id', 'a'], ['launch'], ['serve', '--port']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /usage: pocketdynamo serve/);
  }
  const help = await runCli(['serve', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--seed \[TABLE=\]FILE/);
  const noTable = await runCli(['serve', '--port', '0', '--seed', 'Orders.jsonl']);
  assert.equal(noTable.code, 1);
  assert.match(noTable.stderr, /--seed Orders\.jsonl: ResourceNotFoundException/);
  const badFile = await runCli(['serve', '--port', '0', '--table', 'missing.json']);
  assert.equal(badFile.code, 1);
  assert.match(badFile.stderr, /--table missing\.json: ENOENT/);
});
