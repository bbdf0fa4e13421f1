// Child process of tests/js/sync-crash.test.js: a database in files under
// argv[2] syncing table Notes with the remote table argv[4] at argv[3]. It
// writes the plan's first half with the sync running, pauses the sync,
// writes the second half (so the outbox is not empty), prints "acked" and
// waits to be killed (SIGKILL).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { open } from 'pocketdynamo';
import { crashPlan } from './sync-support.js';

const [dir, endpoint, remoteTable, countText] = process.argv.slice(2);
const db = await open({ path: dir, ttlSweepIntervalMs: 0 });
await db.send('CreateTable', {
  TableName: 'Notes', BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
});
const client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const sync = await db.sync({ table: 'Notes', remote: client, remoteTable, concurrency: 4, pullIntervalMs: 60_000 });
await sync.ready;
const plan = crashPlan(Number(countText));
for (let i = 0; i < plan.length; i++) {
  if (i === Math.floor(plan.length / 2)) sync.pause();
  const [operation, input] = plan[i];
  await db.send(operation, input);
}
process.stdout.write(`acked ${sync.writer}\n`);
setInterval(() => {}, 1000);
