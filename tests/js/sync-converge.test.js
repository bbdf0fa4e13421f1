// db.sync() convergence: two local databases and a third writer on the remote
// table write the same keys at random, concurrently, with their syncs
// running; after quiescence all three hold the same items. Seeded (prng in support/replica-sim.js).
// PD_SYNC_SEEDS=n runs n seeds, PD_SYNC_STEPS=m steps per seed (default 1 x 100).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { prng } from './support/replica-sim.js';
import { content, localDb, localItems, remoteItems, remoteTable, startRemote } from './sync-support.js';

const SEEDS = Number(process.env.PD_SYNC_SEEDS ?? 1);
const STEPS = Number(process.env.PD_SYNC_STEPS ?? 100);

// The remote's own writer, by the protocol (docs/sync.md): version + 1, conditional; retried on a conflict.
async function remoteWriter(client, table, key, attrs, del) {
  for (;;) {
    const current = (await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    const base = Number(current?._v?.N ?? 0);
    const stamp = { _v: { N: String(base + 1) }, _w: { S: 'server' }, _t: { N: String(Date.now()) } };
    try {
      await client.send(new PutItemCommand({ TableName: table,
        Item: del ? { ...key, ...stamp, _del: { BOOL: true } } : { ...key, ...attrs, ...stamp },
        ConditionExpression: base === 0 ? 'attribute_not_exists(#v)' : '#v = :b', ExpressionAttributeNames: { '#v': '_v' },
        ...(base === 0 ? {} : { ExpressionAttributeValues: { ':b': { N: String(base) } } }) }));
      return;
    } catch (error) {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}

// An item with members in name order and set members sorted (sets have no order).
function normal(item) {
  const out = {};
  for (const name of Object.keys(item).sort()) {
    const v = item[name];
    out[name] = v.SS ? { SS: [...v.SS].sort() } : v.NS ? { NS: [...v.NS].sort() } : v;
  }
  return out;
}

for (let seed = 1; seed <= SEEDS; seed++) {
  test(`convergence, seed ${seed}: two local databases and a remote writer, ${STEPS} random writes`, async () => {
    const remote = await startRemote();
    const rand = prng(seed).next;
    const pick = (n) => Math.floor(rand() * n);
    try {
      const client = remote.client();
      const table = await remoteTable(remote);
      const dbs = [await localDb(), await localDb()];
      const syncs = [];
      const conflicts = [];
      for (const db of dbs) {
        const sync = await db.sync({ table: 'Notes', remote: remote.client(), remoteTable: table, pullIntervalMs: 15 });
        sync.on('conflict', (c) => conflicts.push(c));
        syncs.push(sync);
      }
      await Promise.all(syncs.map((s) => s.ready));
      const inflight = [];
      for (let step = 0; step < STEPS; step++) {
        const key = { pk: { S: `p${pick(2)}` }, sk: { S: `k${pick(6)}` } };
        const actor = pick(3);
        const del = rand() < 0.2;
        const attrs = { by: { S: `a${actor}` }, step: { N: String(step) }, ...(rand() < 0.5 ? { tag: { SS: ['x', `s${step}`] } } : {}) };
        let op;
        if (actor === 2) {
          op = remoteWriter(client, table, key, attrs, del);
        } else if (del) {
          op = dbs[actor].send('DeleteItem', { TableName: 'Notes', Key: key });
        } else if (rand() < 0.5) {
          op = dbs[actor].send('PutItem', { TableName: 'Notes', Item: { ...key, ...attrs } });
        } else {
          op = dbs[actor].send('UpdateItem', { TableName: 'Notes', Key: key, UpdateExpression: 'SET #b = :b ADD n :one',
            ExpressionAttributeNames: { '#b': 'by' }, ExpressionAttributeValues: { ':b': attrs.by, ':one': { N: '1' } } });
        }
        inflight.push(op);
        if (pick(4) === 0) await new Promise((r) => setTimeout(r, pick(4)));
      }
      await Promise.all(inflight);
      // Quiescence: rounds on both sides until the three agree (bounded).
      let a;
      let b;
      let r;
      for (let round = 0; round < 10; round++) {
        await syncs[0].syncNow();
        await syncs[1].syncNow();
        await syncs[0].syncNow();
        [a, b, r] = [(await localItems(dbs[0], 'Notes')).map(normal), (await localItems(dbs[1], 'Notes')).map(normal),
          (await remoteItems(client, table)).map(content).filter((x) => x !== null).map(normal)];
        if (JSON.stringify(a) === JSON.stringify(r) && JSON.stringify(b) === JSON.stringify(r)) break;
      }
      assert.ok(r.length > 0 && conflicts.length > 0, `${r.length} items, ${conflicts.length} conflicts: too little happened`);
      assert.deepEqual(a, r, 'local database 1 and the remote');
      assert.deepEqual(b, r, 'local database 2 and the remote');
      for (const s of syncs) await s.stop();
      for (const db of dbs) await db.close();
    } finally {
      await remote.close();
    }
  });
}
