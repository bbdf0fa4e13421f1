// The long run of the replica protocol simulation (tests/js/support/
// replica-sim.js; npm test runs a few seeds in tests/js/persistence-sim.test.js):
//
//   node bench/persistence-sim.mjs [--seeds N] [--from S] [--steps K] [--paging]
//
// Runs seeds S .. S+N-1 (default 1 .. 200, 400 steps each) and stops at the
// first failing seed, printing it with the end of its trace (rerun one seed:
// PD_SIM_SEEDS=<seed> node --test tests/js/persistence-sim.test.js, or
// --from <seed> --seeds 1 here). Prints the totals of what the runs did.
// --paging: with a bounded page cache (page faults read back from the
// replicas through the real PageFetcher, replicas going bad mid-session).

import { simulate } from '../tests/js/support/replica-sim.js';
import { options } from './support/options.mjs';

const opt = options();
const from = opt.number('--from', 1);
const count = opt.number('--seeds', 200);
const steps = opt.number('--steps', 400);
const paging = opt.flag('--paging');
const started = Date.now();
const totals = {};
for (let seed = from; seed < from + count; seed++) {
  const outcome = await simulate(seed, { steps, paging });
  for (const [k, v] of Object.entries(outcome.stats)) totals[k] = (totals[k] ?? 0) + v;
  if (!outcome.ok) {
    console.log(`seed ${seed} FAILED: ${outcome.problem}\n  ${outcome.trace.join('\n  ')}`);
    process.exitCode = 1;
    break;
  }
  if ((seed - from + 1) % 20 === 0) console.log(`  ${seed - from + 1} seeds ok (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
console.log(`replica simulation${paging ? ' (paging)' : ''}: seeds ${from}..${from + count - 1}, ${steps} steps each: ${JSON.stringify(totals)}, ` +
  `${((Date.now() - started) / 1000).toFixed(1)} s`);
