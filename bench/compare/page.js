// The browser side of `npm run bench`: each engine's page is this harness
// bundled with one engine (bench/compare.mjs writes the entry). It sets
// window.bench = { run(n), close(), reopen(n) } and window.__ready.
//   run(n, scale, budgetMs)  every workload on a fresh database (workload.js), then the
//              wasm memory and navigator.storage.estimate() usage
//   close()    closes the database of run()
//   reopen(n)  in a fresh page: reopen the persisted database until its first
//              read returns ({ ms }), or null for an engine that keeps nothing

import { wasmMemoryBytes } from './wasm-memory.js';
import { runWorkloads, reopenUntilFirstRead } from './workload.js';

export function installPage(make) {
  let engine = null;
  window.bench = {
    partial: null,   // run()'s figures so far (read by the driver when it gives up on a slow engine)
    async run(n, scale, budgetMs) {
      engine = make();
      const result = {};
      window.bench.partial = result;
      const progress = (name, ms) => console.log(`bench: ${name} ${ms.toFixed(0)} ms`);
      await runWorkloads(engine, { n, scale, budgetMs, result, progress });
      if (engine.settle) await engine.settle();
      const estimate = await navigator.storage.estimate();
      result.memory = { wasmBytes: wasmMemoryBytes(), storageBytes: estimate.usage };
      return result;
    },
    async close() {
      await engine.close();
      engine = null;
    },
    async reopen(n) {
      const fresh = make();
      if (!fresh.reopen) return null;
      const result = await reopenUntilFirstRead(fresh, n);
      await fresh.close();
      return result;
    },
  };
  window.__ready = true;
}
