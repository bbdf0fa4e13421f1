// The Chromium side of the API benchmark: bench/api-cases.js in a page.
// bench/api-bench.mjs bundles this with esbuild, serves it on 127.0.0.1 and
// calls window.bench.prepare(api, op, options) then window.bench.run(seconds)
// through playwright-core, reading the renderer's CPU time around run().

import { APIS, OPS, finish, prepare, requestTexts, run } from './api-cases.js';

let fn = null;  // the prepared case

window.bench = {
  APIS,
  OPS,
  requestTexts,
  async prepare(api, op, options) {
    fn = await prepare(api, op, options);
  },
  run: (seconds) => run(fn, seconds),
  async finish() {
    fn = null;
    await finish();
  },
};
window.__ready = true;
