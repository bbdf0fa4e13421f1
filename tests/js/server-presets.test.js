// The test presets with the real runners (vitest 3 and jest 30, devDependencies):
// a throwaway project under build/ with node_modules/pocketdynamo linked to
// this repository (the built dist/), two test files that reach the endpoint
// the preset started (through AWS_ENDPOINT_URL_DYNAMODB with a client given
// no endpoint, and vitest's inject()), and, after the runner exits, a check
// that the preset's teardown stopped the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let work;

before(() => {
  fs.mkdirSync(path.join(repo, 'build'), { recursive: true });
  work = fs.mkdtempSync(path.join(repo, 'build', 'presets-'));
  fs.mkdirSync(path.join(work, 'node_modules'));
  fs.symlinkSync(repo, path.join(work, 'node_modules', 'pocketdynamo'), 'dir');
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'preset-check', private: true, type: 'module' }));
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

function run(cmd, args, cwd, env = {}) {
  return new Promise((resolve) => {
    const clean = { ...process.env, ...env };
    for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'POCKETDYNAMO_ENDPOINT', 'NODE_TEST_CONTEXT']) delete clean[name];
    const child = spawn(cmd, args, { cwd, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

// The body of each test file: a table of its own on the shared endpoint, written and read back.
const body = (name) => `
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    expect(endpoint).toMatch(/^http:\\/\\/127\\.0\\.0\\.1:\\d+$/);
    const client = new DynamoDBClient({});   // endpoint, region and credentials from the environment
    await client.send(new CreateTableCommand({ TableName: '${name}', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));
    await client.send(new PutItemCommand({ TableName: '${name}', Item: { pk: { S: 'a' }, v: { N: '42' } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName: '${name}', Key: { pk: { S: 'a' } } }));
    expect(Item.v.N).toBe('42');
    fs.appendFileSync(${JSON.stringify(path.join('seen.txt'))}, endpoint + '\\n');
    client.destroy();`;

async function assertStopped(dir) {
  const seen = fs.readFileSync(path.join(dir, 'seen.txt'), 'utf8').trim().split('\n');
  assert.equal(seen.length, 2, 'both test files ran');
  assert.equal(seen[0], seen[1], 'both test files used the one server');
  await assert.rejects(fetch(seen[0]), /fetch failed/, 'the teardown stopped the server');
}

// The runners' output without colour codes: with CI set (as in CI), vitest
// colours its summary even into a pipe.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text) => text.replace(ANSI, '');

test('pocketdynamo/vitest: globalSetup starts the endpoint for every test file and stops it', async () => {
  const dir = path.join(work, 'vitest');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'vitest.config.js'),
    "export default { test: { globalSetup: ['pocketdynamo/vitest'], include: ['*.spec.js'] } };\n");
  for (const name of ['Alpha', 'Beta']) {
    fs.writeFileSync(path.join(dir, `${name}.spec.js`), `
import fs from 'node:fs';
import { test, expect, inject } from 'vitest';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
test('${name} reaches the local endpoint', async () => {
  expect(inject('pocketdynamoEndpoint')).toBe(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  ${body(name)}
});
`);
  }
  const result = await run(process.execPath, [path.join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir], dir);
  assert.equal(result.code, 0, result.out);
  assert.match(plain(result.out), /Tests\s+2 passed/);
  await assertStopped(dir);
});

test('pocketdynamo/jest: globalSetup/globalTeardown start and stop the endpoint', async () => {
  const dir = path.join(work, 'jest');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'jest.config.js'), `export default {
  globalSetup: 'pocketdynamo/jest',
  globalTeardown: 'pocketdynamo/jest/teardown',
  testMatch: ['**/*.test.cjs'],
  transform: {},
  maxWorkers: 2,
};
`);
  for (const name of ['Gamma', 'Delta']) {
    fs.writeFileSync(path.join(dir, `${name}.test.cjs`), `
const fs = require('node:fs');
const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand } = require('@aws-sdk/client-dynamodb');
test('${name} reaches the local endpoint', async () => {
  ${body(name)}
});
`);
  }
  const result = await run(process.execPath, [path.join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), '--rootDir', dir], dir);
  assert.equal(result.code, 0, result.out);
  assert.match(plain(result.out), /Tests:\s+2 passed, 2 total/);
  await assertStopped(dir);
});
