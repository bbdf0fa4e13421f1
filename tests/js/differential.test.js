// A short run of the differential test against dynalite (bench/differential.mjs):
// two seeded sequences of 100 requests through the AWS SDK, every response and
// error compared; differences must be ones KNOWN_DIFFERENCES explains (where
// dynalite departs from DynamoDB's documentation). Longer runs:
// `npm run bench:differential`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed, startDynalite } from '../../bench/differential.mjs';

test('pocketdynamo and dynalite agree on 2 seeded sequences, but for known dynalite deviations', async () => {
  const dyn = await startDynalite();
  try {
    let identical = 0;
    for (const seed of [1, 2]) {
      const r = await runSeed(seed, 100, dyn);
      identical += r.identical;
      assert.deepEqual(r.unexplained, [], `seed ${seed}: replay with node bench/differential.mjs --first-seed ${seed} --seeds 1 --verbose`);
    }
    assert.ok(identical > 170, `only ${identical} of 200 steps identical`);
  } finally {
    await dyn.close();
  }
});
