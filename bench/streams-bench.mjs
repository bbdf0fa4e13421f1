// Write cost of change capture: PutItem per second through db.send (memory
// storage, the built package in dist/) on a table
//   - without a stream and without subscribers (the baseline),
//   - with a NEW_AND_OLD_IMAGES stream (a record written per change),
//   - with a subscriber (the change feed on, records delivered),
//   - with both;
// and the TTL sweep: expired items deleted per second by db.sweepExpired().
// Each case is the best of 3 rounds of --n puts (default 5000), issued
// together (group commit), items of ~200 bytes. Last line: JSON.
//
//   npm run build:js && node bench/streams-bench.mjs [--n 5000]
import { open } from '../dist/index.js';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--n') + 1]) || 5000;
const T0 = Date.UTC(2026, 0, 1);

async function putRate({ stream, subscribe }) {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const db = await open(`bench-${round}`, { storage: 'memory', ttlSweepIntervalMs: 0 });
    await db.send('CreateTable', {
      TableName: 'Bench', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
    });
    let delivered = 0;
    if (subscribe) db.subscribe('Bench', (records) => { delivered += records.length; });
    const payload = 'x'.repeat(180);
    const start = performance.now();
    const puts = [];
    for (let i = 0; i < n; i++) {
      puts.push(db.send('PutItem', { TableName: 'Bench', Item: { pk: { S: `k${i}` }, v: { S: payload } } }));
    }
    await Promise.all(puts);
    const seconds = (performance.now() - start) / 1000;
    if (subscribe && delivered !== n) throw new Error(`delivered ${delivered} of ${n}`);
    best = Math.max(best, n / seconds);
    await db.close();
  }
  return Math.round(best);
}

async function sweepRate() {
  const clock = { now: T0 };
  const db = await open('bench-ttl', { storage: 'memory', ttlSweepIntervalMs: 0, clock: () => clock.now });
  await db.send('CreateTable', {
    TableName: 'Ttl', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  });
  await db.send('UpdateTimeToLive', { TableName: 'Ttl', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
  const puts = [];
  for (let i = 0; i < n; i++) {
    puts.push(db.send('PutItem', { TableName: 'Ttl', Item: { pk: { S: `k${i}` }, exp: { N: String(T0 / 1000 + 10) } } }));
  }
  await Promise.all(puts);
  clock.now += 60_000;
  const start = performance.now();
  const { deleted } = await db.sweepExpired();
  const seconds = (performance.now() - start) / 1000;
  await db.close();
  if (deleted !== n) throw new Error(`swept ${deleted} of ${n}`);
  return Math.round(n / seconds);
}

const result = {
  n,
  putsPerSecond: {
    plain: await putRate({ stream: false, subscribe: false }),
    stream: await putRate({ stream: true, subscribe: false }),
    subscriber: await putRate({ stream: false, subscribe: true }),
    streamAndSubscriber: await putRate({ stream: true, subscribe: true }),
  },
  ttlDeletesPerSecond: await sweepRate(),
};
for (const [k, v] of Object.entries(result.putsPerSecond)) console.log(`PutItem/s ${k.padEnd(20)} ${v}`);
console.log(`TTL sweep deletes/s ${result.ttlDeletesPerSecond}`);
console.log(JSON.stringify(result));
