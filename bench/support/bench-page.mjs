// The page set-up the browser bench scripts share: an index.html that
// imports one bench/*-page.js module as window.bench, served on 127.0.0.1
// with bench/ at /bench/ and the built package at /dist/, and a page of it
// opened and ready.
//
//   requireDist('open-bench');                      // exits 1 unless dist/ is built
//   const site = await benchSite('open-page.js', { port: 47931 });
//   const page = await site.open(context);         // window.bench is loaded
//   ... await page.evaluate(() => bench.run());
//   await site.close();                            // the server and the temporary page
//
// benchSite options: dist (mount dist/ at /dist/, default true), mounts (more
// URL prefix -> directory pairs, e.g. { '/release/': dir }), port (default:
// any free port), cacheable (serve()'s: .wasm and .js may be cached, as a
// site serves a release; default false). open(context) logs the page's
// uncaught errors to stderr.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, serve } from '../../tests/browser/harness.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Exits the process (status 1, a message naming `script`) unless dist/ holds the built package. */
export function requireDist(script) {
  if (!fs.existsSync(path.join(DIST, 'core', 'pocketdynamo-core.wasm'))) {
    console.error(`${script}: dist/ is not built (npm run build:js)`);
    process.exit(1);
  }
}

/**
 * Serves an index.html importing /bench/<pageModule> as window.bench (then
 * window.__ready = true). Resolves to { url, open(context), close() }.
 */
export async function benchSite(pageModule, { dist = true, mounts = {}, port = 0, cacheable = false } = {}) {
  const pages = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-bench-pages-'));
  fs.writeFileSync(path.join(pages, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">import * as bench from '/bench/${pageModule}'; window.bench = bench; window.__ready = true;</script>`);
  let server;
  try {
    server = await serve({ '/': pages, '/bench/': benchDir, ...(dist ? { '/dist/': DIST } : {}), ...mounts }, { port, cacheable });
  } catch (error) {
    fs.rmSync(pages, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    /** A new page of `context` at index.html, once window.bench is loaded. */
    async open(context) {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => window.__ready === true);
      return page;
    },
    async close() {
      await server.close();
      fs.rmSync(pages, { recursive: true, force: true });
    },
  };
}
