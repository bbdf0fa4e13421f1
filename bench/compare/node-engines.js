// The Node engines of `npm run bench` (bench/compare/workload.js interface):
//   pocketdynamo        the built package's db.send (memory storage)
//   pocketdynamo-sdk    @aws-sdk/client-dynamodb through db.requestHandler()
//   dynalite            dynalite (in memory, listening on 127.0.0.1) through
//                       the same client over HTTP
// Also growth(): pocketdynamo's point read and 100-item query latency at
// growing table sizes.

import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DynamoDBClient, BatchWriteItemCommand, CreateTableCommand, DescribeTableCommand, GetItemCommand,
  PutItemCommand, QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { pocketdynamoEngine, sendEngine, tableSpec, TABLE } from './engine-pocketdynamo.js';
import { bulkLoad, pointReads, rangeQueries } from './workload.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const requireBench = createRequire(path.join(here, 'package.json'));

const COMMANDS = {
  BatchWriteItem: BatchWriteItemCommand, CreateTable: CreateTableCommand, DescribeTable: DescribeTableCommand,
  GetItem: GetItemCommand, PutItem: PutItemCommand, Query: QueryCommand,
};

function sdkSend(client) {
  return (op, request) => client.send(new COMMANDS[op](request));
}

// The built package by path: this folder has its own package.json, so the
// root package's self-reference (import 'pocketdynamo') does not reach here.
const DIST_INDEX = path.join(here, '..', '..', 'dist', 'index.js');

async function packageOpen() {
  const { open } = await import(pathToFileURL(DIST_INDEX).href);
  return open;
}

export async function pocketdynamoNode() {
  return pocketdynamoEngine(await packageOpen());
}

export async function pocketdynamoSdk() {
  const open = await packageOpen();
  let db = null;
  let client = null;
  const send = (op, request) => sdkSend(client)(op, request);
  return {
    ...sendEngine(send),
    async open() {
      db = await open('bench-sdk');
      client = new DynamoDBClient(db.clientConfig());
      await send('CreateTable', tableSpec);
    },
    async close() {
      client.destroy();
      await db.close();
    },
  };
}

export function dynaliteVersion() {
  return requireBench('dynalite/package.json').version;
}

export async function dynalite() {
  const createServer = requireBench('dynalite');
  let server = null;
  let client = null;
  const send = (op, request) => sdkSend(client)(op, request);
  return {
    ...sendEngine(send),
    async open() {
      server = createServer({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      // Node's server closes idle keep-alive sockets after 5 s, and a client
      // that reuses one just then gets ECONNRESET (the workloads leave sockets
      // idle between phases): keep them open longer than any pause here.
      server.keepAliveTimeout = 600_000;
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      client = new DynamoDBClient({
        region: 'local', endpoint: `http://127.0.0.1:${server.address().port}`,
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1,
        // At most 50 sockets (10,000 writes issued at once would otherwise open
        // 10,000 connections, which the server resets).
        requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50 }) },
      });
      await send('CreateTable', tableSpec);
      for (;;) {
        const { Table } = await send('DescribeTable', { TableName: TABLE });
        if (Table.TableStatus === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * pocketdynamo (memory) with n items in n / 1,000 partitions of 1,000 items,
 * so that every query returns 100 items at every size: median over `rounds`
 * rounds of `reads` point reads and `queries` 100-item queries (p50 in ms).
 */
export async function growth(n, { rounds = 3, reads = 10_000, queries = 1000 } = {}) {
  const engine = await pocketdynamoNode();
  await engine.open();
  const partitions = Math.max(1, n / 1000);
  const load = await bulkLoad(engine, n, partitions);
  const readRuns = [];
  const rangeRuns = [];
  for (let r = 0; r < rounds; r++) {
    readRuns.push(await pointReads(engine, n, reads, 7 + r, partitions));
    rangeRuns.push(await rangeQueries(engine, n, queries, 17 + r, partitions));
  }
  await engine.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    n, loadMs: load.ms,
    readP50: median(readRuns.map((x) => x.p50)), readOpsPerSec: median(readRuns.map((x) => x.opsPerSec)),
    rangeP50: median(rangeRuns.map((x) => x.p50)), rangeOpsPerSec: median(rangeRuns.map((x) => x.opsPerSec)),
    itemsPerQuery: rangeRuns[0].itemsPerQuery, rounds, reads, queries,
  };
}
