// Compile-only check of pocketdynamo/server's, /vitest's and /jest's typings
// (tests/js/server-types.test.js): the documented calls type-check, wrong
// ones are rejected (@ts-expect-error fails the compile if the next line is
// NOT an error).
import http from 'node:http';
import { open } from 'pocketdynamo';
import { startServer, createRequestListener, crc32, MAX_BODY_BYTES, type LocalDynamoServer } from 'pocketdynamo/server';
import vitestSetup from 'pocketdynamo/vitest';
import jestSetup, { globalTeardown } from 'pocketdynamo/jest';
import jestTeardown from 'pocketdynamo/jest/teardown';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export async function check(): Promise<void> {
  const server: LocalDynamoServer = await startServer({ port: 0, host: '127.0.0.1', credentials: [{ accessKeyId: 'a', secretAccessKey: 'b' }] });
  const endpoint: string = server.endpoint;
  const port: number = server.port;
  new DynamoDBClient({ endpoint, region: 'local' });
  await server.close();
  const db = await open();
  const shared = await startServer({ db, maxBodyBytes: 1024, requestTimeoutMs: 500, cors: false, onError: (e) => console.error(e) });
  const listener = createRequestListener(db);
  http.createServer(listener);
  await listener.idle();
  const active: number = listener.active;
  const sum: number = crc32(new Uint8Array([1])) + MAX_BODY_BYTES + port + active;
  void sum;
  await shared.close();
  const teardown: () => Promise<void> = await vitestSetup({ provide() {} });
  await teardown();
  await jestSetup();
  await globalTeardown();
  await jestTeardown();
  // @ts-expect-error port is a number
  await startServer({ port: '8000' });
  // @ts-expect-error credentials need a secretAccessKey
  await startServer({ credentials: { accessKeyId: 'a' } });
  // @ts-expect-error endpoint is read-only
  server.endpoint = 'x';
}
