// JS API benchmark in Node: PutItem, GetItem and Query (100 items) per second
// through the core engine called directly and the three ways in (db.send, the
// document API, the AWS SDK v3 client via db.requestHandler()), against the
// BUILT package (npm run build:js). The cases, data and requests are
// bench/api-cases.js (shared with the Chromium page); `npm run bench:api`
// (bench/api-bench.mjs) runs this beside the native core and Chromium and
// prints the ratios.
//
//   node bench/js-api.mjs [--items N] [--seconds S] [--json]
//
// Each case runs until S seconds of CPU time have passed (default 1), after a
// warm-up, on a fresh in-memory database. Rates are per second of this process's CPU
// time (process.cpuUsage(): user + system, every thread, so V8's garbage
// collection and compiler threads count) and, for reference, per wall
// second. The last line with --json is a JSON array of { api, op, ops,
// cpuS, wallS, opsPerSec, wallOpsPerSec, usPerOp } (opsPerSec and usPerOp
// by CPU time).

import { APIS, OPS, finish, prepare, run } from './api-cases.js';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const items = arg('--items', 2000);
const seconds = arg('--seconds', 1);
const asJson = args.includes('--json');

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const results = [];
if (!asJson) console.log(`pocketdynamo JS API, Node ${process.version}, ${items} items, ${seconds} CPU s per case\n`);
for (const api of APIS) {
  for (const op of OPS) {
    let result;
    try {
      const fn = await prepare(api, op, { items });
      // Slices of 0.2 s of wall time until `seconds` of CPU time have passed
      // (on a loaded machine that takes longer than `seconds`).
      const cpu0 = cpuSeconds();
      let ops = 0;
      let wallS = 0;
      let cpuS = 0;
      while (cpuS < seconds) {
        const slice = await run(fn, Math.min(0.2, seconds));
        ops += slice.ops;
        wallS += slice.wallS;
        cpuS = cpuSeconds() - cpu0;
      }
      result = {
        api, op, ops, cpuS, wallS, opsPerSec: Math.round(ops / cpuS), wallOpsPerSec: Math.round(ops / wallS),
        usPerOp: Number(((cpuS * 1e6) / ops).toFixed(2)),
      };
    } catch (error) {
      result = { api, op, opsPerSec: null, error: `${error.name}: ${error.message}` };
    }
    await finish();
    results.push(result);
    if (!asJson) {
      const figure = result.error ? `not measured (${result.error})` :
        `${String(result.opsPerSec).padStart(8)} ops/s ${String(result.usPerOp).padStart(8)} us/op (CPU)` +
        `   ${String(result.wallOpsPerSec).padStart(8)} ops/s (wall)`;
      console.log(`${api.padEnd(9)} ${op.padEnd(8)} ${figure}`);
    }
  }
}
if (asJson) console.log(JSON.stringify(results));
