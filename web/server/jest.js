// pocketdynamo/jest: a jest global setup and teardown that run a local
// DynamoDB endpoint (pocketdynamo/server, in memory, on a free port of
// 127.0.0.1) for the whole test run:
//
//   // jest.config.js
//   export default {
//     globalSetup: 'pocketdynamo/jest',
//     globalTeardown: 'pocketdynamo/jest/teardown',
//   };
//
//   // any test: clients find the endpoint by themselves
//   const client = new DynamoDBClient({});             // AWS_ENDPOINT_URL_DYNAMODB
//
// The setup sets AWS_ENDPOINT_URL_DYNAMODB and POCKETDYNAMO_ENDPOINT (and
// placeholder AWS_REGION / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY where
// unset) before jest starts its workers, which inherit them. Jest runs the
// setup and the teardown in the same process: the server is kept on
// globalThis between the two.

import { startServer } from './index.js';
import { setEndpointEnvironment } from './environment.js';

const KEY = Symbol.for('pocketdynamo.jest.server');

export default async function globalSetup() {
  const server = await startServer({ port: Number(process.env.POCKETDYNAMO_PORT ?? 0) });
  globalThis[KEY] = server;
  setEndpointEnvironment(server.endpoint);
}

export async function globalTeardown() {
  const server = globalThis[KEY];
  globalThis[KEY] = undefined;
  await server?.close();
}
