// pocketdynamo/vitest: a vitest global setup that runs a local DynamoDB
// endpoint (pocketdynamo/server, in memory, on a free port of 127.0.0.1)
// for the whole test run:
//
//   // vitest.config.js
//   export default { test: { globalSetup: ['pocketdynamo/vitest'] } };
//
//   // any test: clients find the endpoint by themselves
//   const client = new DynamoDBClient({});             // AWS_ENDPOINT_URL_DYNAMODB
//   // or: import { inject } from 'vitest'; inject('pocketdynamoEndpoint')
//
// The setup sets AWS_ENDPOINT_URL_DYNAMODB (which the AWS SDKs v3, boto3 and
// the aws CLI read) and, only where they are unset, AWS_REGION,
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (placeholders: the server
// accepts any signature), before vitest starts its workers, which inherit
// them; it also provides 'pocketdynamoEndpoint' for inject(). The server and
// its database are stopped after the run. A test file that wants a database
// of its own (no tables left by other files) starts one in beforeAll with
// startServer() from pocketdynamo/server (milliseconds) or uses
// db.clientConfig() without HTTP.

import { startServer } from './index.js';
import { setEndpointEnvironment } from './environment.js';

export default async function setup(project) {
  const server = await startServer({ port: Number(process.env.POCKETDYNAMO_PORT ?? 0) });
  setEndpointEnvironment(server.endpoint);
  project?.provide?.('pocketdynamoEndpoint', server.endpoint);
  return async () => {
    await server.close();
  };
}
