// db.sync() and a crash: a child process (file storage) syncing with dynalite
// is killed with SIGKILL while its outbox holds acknowledged writes (the sync
// paused halfway, a push round possibly in flight); a restart on the same
// files pushes each write once: the remote holds exactly the local state,
// every item's version at most its count of local writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { open } from 'pocketdynamo';
import { content, crashExpected, localItems, remoteItems, remoteTable, startRemote } from './sync-support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = 120;

test('SIGKILL with a non-empty outbox, then a restart: each write reaches the remote once', async () => {
  const remote = await startRemote();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-sync-crash-'));
  try {
    const client = remote.client();
    const table = await remoteTable(remote);
    const child = spawn(process.execPath, [path.join(here, 'sync-crash-child.js'), dir, remote.endpoint, table, String(N)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const writer = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /acked (\S+)\n/.exec(out);
        if (m) {
          child.kill('SIGKILL');
          resolve(m[1]);
        }
      });
      child.on('exit', (code, signal) => reject(new Error(`child exited early (${code ?? signal}): ${stderr}`)));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', resolve)));
    const expected = crashExpected(N);
    const atKill = (await remoteItems(client, table)).filter((i) => !i._del);
    assert.notDeepEqual(atKill.map(content), expected.items, 'the outbox was empty at the kill: the test tests nothing');

    const db = await open({ path: dir, ttlSweepIntervalMs: 0 });
    assert.deepEqual(await localItems(db, 'Notes'), expected.items, 'acknowledged local writes survive the crash');
    const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
    const conflicts = [];
    sync.on('conflict', (c) => conflicts.push(c));
    await sync.ready;
    assert.equal(sync.writer, writer);
    const items = await remoteItems(client, table);
    assert.deepEqual(items.filter((i) => !i._del).map(content), expected.items);
    for (const it of items) {
      assert.equal(it._w.S, writer);
      assert.ok(Number(it._v.N) <= expected.writes.get(it.sk.S), `${it.sk.S}: version ${it._v.N} > ${expected.writes.get(it.sk.S)} writes`);
    }
    assert.deepEqual(conflicts, []);
    assert.deepEqual(await localItems(db, 'Notes'), expected.items);
    // Nothing is left: another round writes nothing.
    let pushed = 0;
    sync.on('push', (p) => { pushed += p.count; });
    await sync.syncNow();
    assert.equal(pushed, 0);
    await sync.stop();
    await db.close();
  } finally {
    await remote.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
