// Browser test support: a static file server on 127.0.0.1 and Debian's
// Chromium driven through playwright-core (never a downloaded browser),
// headless, with a fresh profile per launch.
//
//   const server = await serve({ '/': dir, '/pkg/': otherDir });
//   const browser = await launch();
//   const page = await browser.newPage();
//   await page.goto(`${server.url}/index.html`);
//   ...
//   await browser.close(); await server.close();

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export const CHROMIUM = process.env.PD_CHROMIUM || '/usr/bin/chromium';

/**
 * Serves directories: mounts maps a URL prefix ('/', '/dist/') to a
 * directory. Resolves to { url, close() }; listens on 127.0.0.1 only.
 */
export async function serve(mounts) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    if (prefix === undefined) return notFound(res);
    const root = path.resolve(mounts[prefix]);
    const file = path.resolve(root, `.${pathname.slice(prefix.length - 1)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(res);
    fs.readFile(file, (error, data) => {
      if (error) return notFound(res);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

/**
 * Debian's Chromium, headless, fresh profile. Resolves to a browser context
 * with newPage() and close() (close also removes the profile).
 */
export async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh (Debian package chromium)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

/**
 * Opens url in a new page and waits for the page to set window.__done; returns
 * window.__result. Page errors and console errors are collected into the
 * thrown error when the page reports failure or times out.
 */
export async function runPage(context, url, timeoutMs = 60_000) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__done === true, null, { timeout: timeoutMs });
    const result = await page.evaluate(() => window.__result);
    if (result?.error) throw new Error(`page failed: ${result.error}\n${problems.join('\n')}`);
    return result;
  } catch (error) {
    if (problems.length && !String(error.message).includes(problems[0])) {
      error.message += `\n${problems.join('\n')}`;
    }
    throw error;
  } finally {
    await page.close();
  }
}
