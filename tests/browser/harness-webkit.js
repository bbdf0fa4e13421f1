// WebKit runner of the browser test harness: Debian's webkit2gtk-driver
// (WebKitWebDriver, WebKitGTK 2.50) driving webkit-browser.py (WebKitGTK in a
// bare window through GObject introspection, Debian gir1.2-webkit2-4.1; not
// MiniBrowser, whose --automation mode keeps no data on disk) on an X display
// (Xvfb, Debian package xvfb), over W3C WebDriver (classic) with the small
// client below: plain HTTP + JSON through fetch, nothing to install.
// harness.js picks it when PD_BROWSER=webkit; tests use harness.js only.
//
// A "profile" is the directory the browser keeps its website data in
// (PD_WEBKIT_DATA): the same directory after a restart (or a kill) is the
// same IndexedDB and localStorage.
// Every page is a window of one WebDriver session; commands are serialized
// per session (WebDriver runs one at a time), switching windows as needed.
//
// WebDriver classic reports neither console messages nor uncaught errors:
// the harness's server inserts /__pd/errors.js (ERROR_SCRIPT) into every
// HTML page it serves in this engine; it records uncaught errors, unhandled
// rejections, console.error and alert/confirm/prompt (answered "accept") in
// window.__pdErrors, which every evaluation drains into the page's events.
// exposeFunction is emulated the same way: the page queues the calls, the
// harness polls them (every 100 ms) and runs the Node function.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { EnginePage } from './harness-page.js';

export const WEBKIT_DRIVER = process.env.PD_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
// The browser binary: webkit-browser.py (WebKitGTK in a bare window, its data on disk under
// the profile; MiniBrowser --automation keeps everything in memory, see that file).
export const WEBKIT_BROWSER = process.env.PD_WEBKIT_BROWSER ||
  fileURLToPath(new URL('./webkit-browser.py', import.meta.url));
const XVFB = '/usr/bin/Xvfb';

/** The page-side recorder served as /__pd/errors.js in WebKit (see above). */
export const ERROR_SCRIPT = `(() => {
  if (window.__pdErrors) return;
  const list = (window.__pdErrors = []);
  addEventListener('error', (e) => list.push(['pageerror', String(e.error && e.error.message || e.message)]));
  addEventListener('unhandledrejection', (e) => list.push(['pageerror',
    String(e.reason && e.reason.message || e.reason)]));
  const error = console.error.bind(console);
  console.error = (...args) => { list.push(['console', args.map(String).join(' ')]); error(...args); };
  for (const type of ['alert', 'confirm', 'prompt']) {
    window[type] = (message, value) => { list.push(['dialog', type, String(message ?? ''), value ?? '']);
      return type === 'confirm' ? true : type === 'prompt' ? (value ?? '') : undefined; };
  }
  window.__pdCalls = [];
})();
`;

export function requireWebKit() {
  for (const [file, pkg] of [[WEBKIT_DRIVER, 'webkit2gtk-driver'], [XVFB, 'xvfb'],
    ['/usr/lib/x86_64-linux-gnu/girepository-1.0/WebKit2-4.1.typelib', 'gir1.2-webkit2-4.1']]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run scripts/setup.sh (Debian package ${pkg})`);
  }
}

// --- an X display: $DISPLAY when set, else one Xvfb for this process ---------

let display = null;

async function ensureDisplay() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  if (display) return display;
  display = new Promise((resolve, reject) => {
    const xvfb = spawn(XVFB, ['-displayfd', '1', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    xvfb.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve(`:${m[1]}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it gave a display`)));
    xvfb.unref();
    xvfb.stdout.unref?.();
    process.once('exit', () => { try { xvfb.kill('SIGTERM'); } catch { /* gone */ } });
  });
  return display;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// --- the WebDriver client ---------------------------------------------------------

class WebDriverError extends Error {}

class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
    this.tail = Promise.resolve();
    this.current = null;   // window handle commands go to
  }

  async raw(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok || data?.value?.error) {
      const v = data?.value ?? {};
      throw new WebDriverError(`WebDriver ${method} ${path}: ${v.error ?? response.status}: ${v.message ?? ''}`);
    }
    return data.value;
  }

  /** Runs fn() after every earlier command of this session, on window `handle`. */
  queue(handle, fn) {
    const run = this.tail.then(async () => {
      if (handle && this.current !== handle) {
        await this.raw('POST', `/session/${this.id}/window`, { handle });
        this.current = handle;
      }
      return fn();
    });
    this.tail = run.catch(() => {});
    return run;
  }

  cmd(method, path, body) {
    return this.raw(method, `/session/${this.id}${path}`, body);
  }
}

// The script WebDriver runs for evaluate(): calls the function with the
// argument, awaits it, and returns { value, undef, errors } or { thrown }.
function evalScript(source) {
  return `const done = arguments[arguments.length - 1];
const arg = arguments[0];
const drain = () => (window.__pdErrors ? window.__pdErrors.splice(0) : []);
Promise.resolve().then(() => (${source})(arg)).then(
  (value) => done({ value: value === undefined ? null : value, undef: value === undefined, errors: drain() }),
  (error) => done({ thrown: String(error && error.stack ? error.message + '\\n' + error.stack : error), errors: drain() }));`;
}

class WebKitPage extends EnginePage {
  constructor(session, handle) {
    super();
    this.session = session;
    this.handle = handle;
    this.exposed = new Map();
    this.poller = null;
  }

  cmd(method, path, body) {
    if (this.closed && path !== '/window') return Promise.reject(new Error('the page is closed'));
    return this.session.queue(this.handle, () => this.session.cmd(method, path, body));
  }

  #drain(errors) {
    for (const [kind, ...rest] of errors ?? []) {
      if (kind === 'pageerror') this.pageError(rest[0]);
      else if (kind === 'console') this.consoleMessage('error', rest[0]);
      else if (kind === 'dialog') {
        const [type, message, value] = rest;
        this.emit('dialog', {
          type: () => type, message: () => message, defaultValue: () => value,
          accept: async () => {}, dismiss: async () => {},
        });
      }
    }
  }

  async _run(source, arg) {
    const out = await this.cmd('POST', '/execute/async', { script: evalScript(source), args: [arg ?? null] });
    this.#drain(out?.errors);
    if (out && 'thrown' in out) throw new Error(`page.evaluate: ${out.thrown}`);
    return out?.undef ? undefined : out?.value;
  }

  async _goto(url) {
    await this.cmd('POST', '/url', { url });
  }

  async _reload() {
    await this.cmd('POST', '/refresh', {});
    await this.#reexpose();
  }

  async _close() {
    if (this.poller) clearInterval(this.poller);
    await this.session.queue(this.handle, async () => {
      await this.session.cmd('DELETE', '/window').catch(() => {});
      this.session.current = null;
    });
  }

  async _setViewport(width, height) {
    for (let i = 0; i < 3; i++) {
      const inner = await this._run('() => [innerWidth, innerHeight]');
      if (inner[0] === width && inner[1] === height) return;
      const rect = await this.cmd('GET', '/window/rect');
      await this.cmd('POST', '/window/rect', { width: rect.width + width - inner[0], height: rect.height + height - inner[1] });
    }
  }

  async _screenshot(path, fullPage) {
    let restore = null;
    if (fullPage) {
      const [w, h, full] = await this._run('() => [innerWidth, innerHeight, document.documentElement.scrollHeight]');
      if (full > h) {
        restore = [w, h];
        await this._setViewport(w, Math.min(full, 4000));
      }
    }
    const png = Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
    if (restore) await this._setViewport(...restore);
    if (path) fs.writeFileSync(path, png);
    return png;
  }

  async _click(q) {
    await this.dom(() => 0);   // installs window.__pdDom
    const id = await this.cmd('POST', '/execute/sync', {
      script: `const d = window.__pdDom; const el = d.one(arguments[0]); el.scrollIntoView({ block: 'center' }); return el;`,
      args: [q],
    });
    const ref = Object.values(id)[0];
    try {
      await this.cmd('POST', `/element/${ref}/click`, {});
    } catch (error) {
      // WebKitGTK's driver calls some visible elements (table rows) "not interactable":
      // the click event then goes to the element from script.
      if (!/element not interactable/.test(error.message)) throw error;
      await this.dom((d, query) => d.one(query).click(), q);
    }
  }

  async _press(key) {
    // 'Control+Enter': modifiers held down around the last key, as Playwright does.
    const values = key.split('+').map((k) => KEYS[k] ?? k);
    const last = values.pop();
    const actions = [...values.map((value) => ({ type: 'keyDown', value })), { type: 'keyDown', value: last },
      { type: 'keyUp', value: last }, ...values.reverse().map((value) => ({ type: 'keyUp', value }))];
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'kbd', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  async _exposeFunction(name, fn) {
    this.exposed.set(name, fn);
    await this.#reexpose();
    if (!this.poller) {
      this.poller = setInterval(() => {
        if (this.closed) return;
        this._run('() => (window.__pdCalls || []).splice(0)').then((calls) => {
          for (const [callName, args] of calls ?? []) this.exposed.get(callName)?.(...args);
        }, () => {});
      }, 100);
      this.poller.unref();
    }
  }

  async #reexpose() {
    for (const name of this.exposed.keys()) {
      await this._run(`(n) => { window.__pdCalls = window.__pdCalls || [];
        window[n] = (...args) => { window.__pdCalls.push([n, args]); }; }`, name);
    }
  }
}

// WebDriver's codes for the named keys the suites press.
const KEYS = {
  Enter: '\uE007', Tab: '\uE004', Escape: '\uE00C', Backspace: '\uE003', Delete: '\uE017',
  ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015', Home: '\uE011', End: '\uE010',
  Space: ' ', Shift: '\uE008', Control: '\uE009', Alt: '\uE00A', Meta: '\uE03D',
};

/**
 * Starts WebKitWebDriver + MiniBrowser with `profile` as the browser's data
 * directories, in a process group of its own. Resolves to
 * { context, pid, profile, version, kill(), close() }.
 */
export async function startWebKit({ profile, timeoutMs = 60_000 } = {}) {
  requireWebKit();
  if (!profile) throw new Error('startWebKit: profile is required (freshProfile() makes one)');
  const DISPLAY = await ensureDisplay();
  const port = await freePort();
  const child = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DISPLAY,
      PD_WEBKIT_DATA: profile,
      XDG_CACHE_HOME: `${profile}/xdg-cache`,
      XDG_CONFIG_HOME: `${profile}/xdg-config`,
      // No accessibility bus or GPU on this machine: quiet and software-rendered. (Not
      // WEBKIT_DISABLE_COMPOSITING_MODE: WebKitGTK 2.50 then never answers a screenshot.)
      NO_AT_BRIDGE: '1',
      LIBGL_ALWAYS_SOFTWARE: '1',
    },
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log = (log + chunk).slice(-4000); });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const status = await (await fetch(`${base}/status`)).json();
      if (status?.value?.ready !== false) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited (${child.exitCode}):\n${log}`);
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start within ${timeoutMs} ms:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const created = await new Session(base, null).raw('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        'webkitgtk:browserOptions': { binary: WEBKIT_BROWSER, args: ['--automation'] },
        unhandledPromptBehavior: 'accept',
        pageLoadStrategy: 'normal',
      },
    },
  });
  const session = new Session(base, created.sessionId);
  await session.cmd('POST', '/timeouts', { script: 600_000, pageLoad: 120_000 });
  let first = await session.cmd('GET', '/window');   // the session's first window, taken by the first newPage()
  const pages = new Set();
  let gone = false;
  const kill = async () => {
    if (!gone) {
      gone = true;
      for (const page of pages) page.closed = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
  };
  const context = {
    async newPage() {
      let handle = first;
      first = null;
      if (!handle) {
        handle = (await session.queue(null, () => session.cmd('POST', '/window/new', { type: 'tab' }))).handle;
      }
      const page = new WebKitPage(session, handle);
      pages.add(page);
      const close = page._close.bind(page);
      page._close = async () => {
        pages.delete(page);
        // The session's last window stays open (closing it would end the session): it is
        // blanked and handed to the next newPage().
        if (pages.size === 0 && first === null) {
          await page.cmd('POST', '/url', { url: 'about:blank' }).catch(() => {});
          if (page.poller) clearInterval(page.poller);
          first = handle;
          return;
        }
        await close();
      };
      await page.cmd('POST', '/url', { url: 'about:blank' });
      await page._setViewport(1280, 800);
      return page;
    },
  };
  return {
    context,
    pid: child.pid,
    profile,
    version: created.capabilities?.browserVersion,
    kill,
    async close() {
      if (gone) return exited;
      const timer = setTimeout(() => kill(), 15_000);
      await session.queue(null, () => session.cmd('DELETE', '')).catch(() => {});
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
      clearTimeout(timer);
      gone = true;
      return undefined;
    },
  };
}
