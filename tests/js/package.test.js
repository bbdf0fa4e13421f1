// The packed package, as a user gets it: `npm pack` -> install the tarball
// into an empty temp project -> use it from Node, and from a page bundled
// with esbuild loaded in Debian's Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { serve, launch, runPage } from './support/browser.js';
import { expectedSmoke } from './support/smoke-app.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
let work;        // temp dir: the tarball and the consumer project
let project;     // the consumer project
let files;       // paths in the tarball

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8' });
  const [info] = JSON.parse(out);
  files = info.files.map((f) => f.path);
  project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(work, info.filename)],
    { cwd: project, encoding: 'utf8' });
  fs.copyFileSync(path.join(here, 'support', 'smoke-app.js'), path.join(project, 'smoke-app.js'));
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the built package and nothing else', () => {
  for (const needed of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts',
    'dist/core/pocketdynamo-core.js', 'dist/core/pocketdynamo-core.wasm', 'dist/worker/index.js',
    'dist/worker/worker.js', 'dist/worker/index.d.ts', 'dist/types/table.d.ts']) {
    assert.ok(files.includes(needed), `${needed} is in the tarball`);
  }
  for (const file of files) {
    assert.ok(file === 'package.json' || file === 'README.md' || file.startsWith('dist/'), `unexpected ${file}`);
  }
});

test('installed in a fresh project, it works from Node', () => {
  fs.writeFileSync(path.join(project, 'node-check.mjs'), [
    "import { open, ConditionalCheckFailedException } from 'pocketdynamo';",
    "import { WorkerClient } from 'pocketdynamo/worker';",
    "import { smoke } from './smoke-app.js';",
    "const db = await open('consumer');",
    'const result = await smoke(db);',
    'result.classes = typeof ConditionalCheckFailedException === "function" && typeof WorkerClient === "function";',
    'await db.close();',
    'console.log(JSON.stringify(result));',
  ].join('\n'));
  const out = execFileSync(process.execPath, ['node-check.mjs'], { cwd: project, encoding: 'utf8' });
  const result = JSON.parse(out);
  assert.equal(result.classes, true);
  delete result.classes;
  assert.deepEqual(result, expectedSmoke);
});

test("the README's example runs as written, against the installed package", () => {
  // The README the package ships: its first js block, and the output its console.log line promises.
  const readme = fs.readFileSync(path.join(project, 'node_modules', 'pocketdynamo', 'README.md'), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README.md has a js example');
  const promised = /console\.log\([^)]*\);\s*\/\/\s*(.+)$/m.exec(example)?.[1];
  assert.ok(promised, 'the example says what it prints');
  assert.ok(example.split('\n').length <= 16, 'the example stays short');
  fs.writeFileSync(path.join(project, 'readme-example.mjs'), example);
  const out = execFileSync(process.execPath, ['readme-example.mjs'], { cwd: project, encoding: 'utf8' });
  assert.equal(out.trim(), promised.trim());
});

test('installed, `npx pocketdynamo serve` answers DynamoDB requests and stops on Ctrl-C', async () => {
  const { spawn } = await import('node:child_process');
  // Its own process group, as in a terminal, where Ctrl-C signals npx and the server alike.
  const child = spawn('npx', ['--no', 'pocketdynamo', 'serve', '--port', '0'],
    { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let out = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const endpoint = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /DynamoDB endpoint (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`npx pocketdynamo serve exited ${code}: ${stderr}`)));
  });
  const res = await fetch(endpoint, { method: 'POST', body: '{}',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' } });
  assert.deepEqual(await res.json(), { TableNames: [] });
  const stopped = new Promise((resolve) => child.stdout.on('end', resolve));
  process.kill(-child.pid, 'SIGINT');
  await Promise.all([exited, stopped]);
  assert.match(out, /pocketdynamo: stopped\n$/);
  await assert.rejects(fetch(endpoint), /fetch failed/);
  const check = execFileSync(process.execPath, ['--input-type=module', '-e',
    "const s = await import('pocketdynamo/server'); await import('pocketdynamo/vitest'); await import('pocketdynamo/jest'); " +
    "const server = await s.startServer(); console.log(typeof server.endpoint); await server.close();"],
  { cwd: project, encoding: 'utf8' });
  assert.equal(check.trim(), 'string');
});

test('bundled with esbuild, it works in Chromium', async () => {
  fs.writeFileSync(path.join(project, 'app.js'), [
    "import { open } from 'pocketdynamo';",
    "import { smoke } from './smoke-app.js';",
    'try {',
    "  const db = await open('bundled');",
    '  window.__result = await smoke(db);',
    '} catch (error) {',
    '  window.__result = { error: String(error && error.stack || error) };',
    '}',
    'window.__done = true;',
  ].join('\n'));
  const outdir = path.join(project, 'public');
  await esbuild.build({
    absWorkingDir: project, entryPoints: ['app.js'], bundle: true, format: 'esm', platform: 'browser',
    outfile: path.join(outdir, 'app.js'), logLevel: 'silent',
  });
  const bundle = fs.readFileSync(path.join(outdir, 'app.js'), 'utf8');
  assert.ok(!bundle.includes('node:fs'), 'the browser bundle does not reach for node:fs');
  // The wasm sits next to the bundle (import.meta.url is the bundle's URL).
  fs.copyFileSync(path.join(project, 'node_modules', 'pocketdynamo', 'dist', 'core', 'pocketdynamo-core.wasm'),
    path.join(outdir, 'pocketdynamo-core.wasm'));
  fs.writeFileSync(path.join(outdir, 'index.html'), '<!doctype html><script type="module" src="app.js"></script>');
  const server = await serve({ '/': outdir });
  const browser = await launch();
  try {
    // In a browser open(name) keeps the database in IndexedDB.
    assert.deepEqual(await runPage(browser, `${server.url}/index.html`), { ...expectedSmoke, persistent: true });
  } finally {
    await browser.close();
    await server.close();
  }
});
