// The shared browser test harness: a static file server on 127.0.0.1 and
// Debian's Chromium driven through playwright-core (never a downloaded
// browser), headless, with its own profile directory.
//
//   const server = await serve({ '/': dir, '/dist/': distDir });   // { url, port, close() }
//   const context = await launch();          // fresh profile, removed by close()
//   const result = await runPage(context, `${server.url}/page.html`);   // window.__result
//   await context.close(); await server.close();
//
// For tests that restart or kill the browser (persistence, crashes):
//
//   const chrome = await startChromium({ profile });   // profile dir kept by the caller
//   const page = await chrome.context.newPage();
//   chrome.kill();                            // SIGKILL to Chromium's whole process group
//   await chrome.close();                     // or a clean shutdown
//   const again = await startChromium({ profile });    // same profile: same IndexedDB
//
// Every launch uses the flags the project runs Chromium with (FLAGS below) and
// a --user-data-dir of its own. IndexedDB is per origin, so a test that
// restarts the browser keeps its server (same port) between the sessions.
// tests/js reuses serve/launch/runPage from here (tests/js/support/browser.js).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.PD_CHROMIUM || '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root and its built package (npm run build:js). */
export const REPO = path.resolve(here, '..', '..');
export const DIST = path.join(REPO, 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves directories: mounts maps a URL prefix ('/', '/dist/') to a
 * directory. Listens on 127.0.0.1 only, on options.port (default: any free
 * port). Resolves to { url, port, close() }.
 */
export async function serve(mounts, { port = 0 } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return notFound(res);
    }
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
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

function requireChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh (Debian package chromium)`);
  }
}

/** A new empty profile directory under the system temp dir. */
export function freshProfile() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pd-chromium-'));
}

/**
 * Debian's Chromium, headless, fresh profile. Resolves to a browser context
 * with newPage() and close() (close also removes the profile).
 */
export async function launch() {
  requireChromium();
  const profile = freshProfile();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

/**
 * Starts Chromium as a child process of this test (its own process group)
 * with `profile` as --user-data-dir, and connects playwright to it over CDP.
 * Options: logFile (Chromium's stderr is written there; by default it is
 * discarded after startup), extraArgs (more command-line flags, e.g.
 * ['--enable-logging=stderr', '--v=0']).
 * Resolves to { context, browser, pid, profile, kill(), close() }:
 *   context  the profile's default browser context (newPage(), pages())
 *   kill()   SIGKILL to every process of this Chromium; resolves once it exited
 *   close()  closes the browser cleanly (the profile stays: it is the caller's)
 */
export async function startChromium({ profile, timeoutMs = 30_000, logFile = null, extraArgs = [] } = {}) {
  requireChromium();
  if (!profile) throw new Error('startChromium: profile is required (freshProfile() makes one)');
  const child = spawn(CHROMIUM, [...FLAGS, ...extraArgs, `--user-data-dir=${profile}`, '--remote-debugging-port=0',
    '--remote-debugging-address=127.0.0.1', 'about:blank'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let log = '';
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not start within ${timeoutMs} ms:\n${log}`)),
      timeoutMs);
    child.stderr.on('data', (chunk) => {
      log += chunk.toString('utf8');
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${signal ?? code}) before it listened:\n${log}`));
    });
  });
  if (logFile) {
    fs.writeFileSync(logFile, log);
    const out = fs.createWriteStream(logFile, { flags: 'a' });
    child.stderr.pipe(out);
  } else {
    child.stderr.resume();
  }
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  let gone = false;
  const kill = async () => {
    if (!gone) {
      gone = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
  };
  return {
    browser,
    context,
    pid: child.pid,
    profile,
    kill,
    async close() {
      if (gone) return exited;
      try {
        // Browser.close shuts Chromium down cleanly (profile flushed);
        // browser.close() over CDP would only disconnect.
        const session = await browser.newBrowserCDPSession();
        await session.send('Browser.close');
      } catch {
        // the connection may already be down
      }
      const timer = setTimeout(() => kill(), 10_000);
      await exited;
      clearTimeout(timer);
      gone = true;
      return undefined;
    },
  };
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

/**
 * Collects a page's errors (uncaught exceptions and console.error) so a test
 * can assert there were none: const errors = watchErrors(page); ...; errors.list.
 */
export function watchErrors(page) {
  const list = [];
  page.on('pageerror', (error) => list.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') list.push(`console: ${msg.text()}`); });
  return { list };
}

/** The persistence tests' pages (tests/browser/pages/) and the built package at /dist/, on 127.0.0.1. */
export function servePages(options) {
  if (!fs.existsSync(path.join(DIST, 'core', 'pocketdynamo-core.wasm'))) {
    throw new Error(`${DIST} is not built: run npm run build:js first`);
  }
  return serve({ '/': path.join(here, 'pages'), '/dist/': DIST }, options);
}

/**
 * A new page in `context` at `${url}/index.html` with window.app loaded
 * (pages/app.js). page.errors lists its uncaught errors and console errors.
 */
export async function appPage(context, url) {
  const page = await context.newPage();
  page.errors = watchErrors(page).list;
  await page.goto(`${url}/index.html`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30_000 });
  return page;
}
