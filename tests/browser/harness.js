// The shared browser test harness: a static file server on 127.0.0.1 and a
// browser, one of three engines chosen by PD_BROWSER (default chromium):
//
//   chromium  Debian's Chromium through playwright-core (CDP), headless
//   firefox   Debian's firefox-esr through puppeteer-core (WebDriver BiDi),
//             headless (harness-firefox.js)
//   webkit    Debian's WebKitGTK MiniBrowser through its WebKitWebDriver
//             (W3C WebDriver), on an Xvfb display (harness-webkit.js)
//
// never a downloaded browser, each with its own profile directory. Tests are
// written once against Playwright's Page API; in Firefox and WebKit the page
// is harness-page.js's EnginePage, which has the part of that API the suites
// use. A test that needs what an engine cannot do skips with the reason:
//
//   test('...', { skip: engineLimit('cdp') }, async () => { ... });
//
//   const server = await serve({ '/': dir, '/dist/': distDir });   // { url, port, close() }
//   const context = await launch();          // fresh profile, removed by close()
//   const result = await runPage(context, `${server.url}/page.html`);   // window.__result
//   await context.close(); await server.close();
//
// For tests that restart or kill the browser (persistence, crashes):
//
//   const browser = await startBrowser({ profile });   // profile dir kept by the caller
//   const page = await browser.context.newPage();
//   await browser.kill();                     // SIGKILL to the browser's whole process group
//   await browser.close();                    // or a clean shutdown
//   const again = await startBrowser({ profile });     // same profile: same IndexedDB
//
// (startChromium is the older name of startBrowser: it starts the selected
// engine.) Every Chromium launch uses the flags the project runs Chromium
// with (FLAGS below) and a --user-data-dir of its own. IndexedDB is per
// origin, so a test that restarts the browser keeps its server (same port)
// between the sessions. Browser tests live here; the one exception is
// tests/js/package.test.js's last case, which runs the installed tarball
// bundled by esbuild in Chromium (it needs that test's one npm install) and
// reuses serve/launch/runPage from here (tests/js/support/browser.js).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The engines the harness drives, and the one this run uses (PD_BROWSER). */
export const ENGINES = ['chromium', 'firefox', 'webkit'];
export const ENGINE = process.env.PD_BROWSER || 'chromium';
if (!ENGINES.includes(ENGINE)) {
  throw new Error(`PD_BROWSER=${JSON.stringify(ENGINE)}: the harness drives ${ENGINES.join(', ')}`);
}

// What an engine cannot do that some suite needs: the reason, as the suite's skip message.
const LIMITS = {
  firefox: {
    cdp: 'Firefox has no Chrome DevTools Protocol (used here for quota overrides and network byte counts)',
    leveldb: "Firefox keeps IndexedDB in SQLite, not Chromium's LevelDB (the damage this test makes is LevelDB's)",
  },
  webkit: {
    cdp: 'WebKitGTK has no Chrome DevTools Protocol (used here for quota overrides and network byte counts)',
    leveldb: "WebKit keeps IndexedDB in SQLite, not Chromium's LevelDB (the damage this test makes is LevelDB's)",
    download: 'WebDriver (classic) cannot see downloads in WebKitGTK',
  },
  chromium: {},
};

/**
 * Why the engine of this run cannot run something that needs `feature`
 * ('cdp', 'leveldb', 'download'), as a string for node:test's skip option,
 * or false when it can.
 */
export function engineLimit(feature) {
  const reason = LIMITS[ENGINE][feature];
  return reason ? `${ENGINE}: ${reason}` : false;
}

// The runners for the other engines load only when used (their packages stay optional for Chromium).
let firefoxRunner = null;
let webkitRunner = null;
const firefox = () => (firefoxRunner ??= import('./harness-firefox.js'));
const webkit = () => (webkitRunner ??= import('./harness-webkit.js'));

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
 * port). Resolves to { url, port, close() }. Every response is
 * 'cache-control: no-store', unless options.cacheable: then the .wasm and
 * .js files may be kept for an hour (as a site would serve a release), so
 * that the browser's HTTP cache and its code caches for them apply.
 */
export async function serve(mounts, { port = 0, cacheable = false } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return notFound(res);
    }
    if (ENGINE === 'webkit' && pathname === '/__pd/errors.js') {
      return webkit().then(({ ERROR_SCRIPT }) => {
        res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
        res.end(ERROR_SCRIPT);
      });
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
        'cache-control': cacheable && ['.wasm', '.js'].includes(path.extname(file)) ? 'max-age=3600' : 'no-store',
      });
      // WebKit: the error recorder first in every page (harness-webkit.js), before any other script.
      if (ENGINE === 'webkit' && path.extname(file) === '.html') {
        const html = data.toString('utf8');
        const at = html.search(/<head[^>]*>/i);
        const tag = '<script src="/__pd/errors.js"></script>';
        const end = at < 0 ? 0 : at + /<head[^>]*>/i.exec(html)[0].length;
        return res.end(`${html.slice(0, end)}${tag}${html.slice(end)}`);
      }
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
  return fs.mkdtempSync(path.join(os.tmpdir(), `pd-${ENGINE}-`));
}

/**
 * The selected engine, fresh profile. Resolves to a browser context with
 * newPage() and close() (close also removes the profile). options.prefs:
 * Firefox prefs for the profile (ignored by the other engines).
 */
export async function launch(options = {}) {
  if (ENGINE !== 'chromium') {
    const profile = freshProfile();
    const started = await startBrowser({ ...options, profile });
    const { context } = started;
    context.close = async () => {
      await started.close();
      fs.rmSync(profile, { recursive: true, force: true });
    };
    return context;
  }
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
 * Starts the selected engine as a child process of this test (its own
 * process group) on `profile` (Chromium: --user-data-dir, connected over CDP;
 * Firefox: its profile directory; WebKit: its data directories).
 * Chromium options: logFile (Chromium's stderr is written there; by default
 * it is discarded after startup), extraArgs (more command-line flags, e.g.
 * ['--enable-logging=stderr', '--v=0']). Firefox: prefs (profile prefs).
 * Resolves to { context, browser, pid, profile, kill(), close() }:
 *   context  the profile's default browser context (newPage(), pages())
 *   kill()   SIGKILL to every process of this Chromium; resolves once it exited
 *   close()  closes the browser cleanly (the profile stays: it is the caller's)
 */
export async function startBrowser(options = {}) {
  if (ENGINE === 'firefox') return (await firefox()).startFirefox(options);
  if (ENGINE === 'webkit') return (await webkit()).startWebKit(options);
  return startChromiumProcess(options);
}

/** The older name of startBrowser (it starts the engine PD_BROWSER selects). */
export const startChromium = startBrowser;

async function startChromiumProcess({ profile, timeoutMs = 30_000, logFile = null, extraArgs = [] } = {}) {
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
