// Firefox runner of the browser test harness: Debian's firefox-esr, headless,
// driven over WebDriver BiDi with puppeteer-core (never a downloaded browser).
// harness.js picks it when PD_BROWSER=firefox; tests use harness.js only.
//
// The profile gets puppeteer's automation prefs plus the ones below, and
// nothing that changes storage behaviour: navigator.storage.persist() shows
// Firefox's real permission prompt unless a test passes
// prefs { 'dom.storageManager.prompt.testing': true, ...allow } itself.

import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { EnginePage } from './harness-page.js';

export const FIREFOX = process.env.PD_FIREFOX || '/usr/bin/firefox-esr';

const PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'browser.tabs.warnOnClose': false,
  // Background tabs keep their timers at full speed (multi-tab tests).
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

export function requireFirefox() {
  if (!fs.existsSync(FIREFOX)) {
    throw new Error(`${FIREFOX} is missing: run scripts/setup.sh (Debian package firefox-esr)`);
  }
}

class FirefoxPage extends EnginePage {
  constructor(page) {
    super();
    this.page = page;
    page.on('pageerror', (error) => this.pageError(error?.message ?? String(error)));
    page.on('console', (msg) => this.consoleMessage(msg.type(), msg.text()));
    page.on('dialog', (dialog) => this.emit('dialog', dialog));
  }

  async _run(source, arg) {
    return this.page.evaluate(`(${source})(${arg === undefined ? '' : JSON.stringify(arg)})`);
  }

  async _goto(url) { await this.page.goto(url, { waitUntil: 'load' }); }
  async _reload() { await this.page.reload({ waitUntil: 'load' }); }
  async _close() { await this.page.close().catch(() => {}); }
  async _setViewport(width, height) { await this.page.setViewport({ width, height }); }
  async _screenshot(path, fullPage) { return this.page.screenshot({ path, fullPage }); }
  async _press(key) {
    // 'Control+Enter': modifiers held down around the last key, as Playwright does.
    const keys = key.split('+');
    const last = keys.pop();
    for (const modifier of keys) await this.page.keyboard.down(modifier);
    await this.page.keyboard.press(last);
    for (const modifier of keys.reverse()) await this.page.keyboard.up(modifier);
  }
  async _exposeFunction(name, fn) { await this.page.exposeFunction(name, fn); }

  async _click(q) {
    await this.dom(() => 0);
    const handle = await this.page.evaluateHandle((query) => window.__pdDom.one(query), q);
    try {
      await handle.click();
    } finally {
      await handle.dispose().catch(() => {});
    }
  }
}

function contextOf(browser) {
  const context = browser.defaultBrowserContext();
  return {
    browser,
    async newPage() {
      const page = await context.newPage();
      return new FirefoxPage(page);
    },
    pages: async () => (await context.pages()).map((p) => new FirefoxPage(p)),
  };
}

/**
 * Starts Firefox on `profile` (a directory kept by the caller) as its own
 * process group. Resolves to { context, browser, pid, profile, kill(), close() }.
 */
export async function startFirefox({ profile, prefs = {}, timeoutMs = 60_000 } = {}) {
  requireFirefox();
  if (!profile) throw new Error('startFirefox: profile is required (freshProfile() makes one)');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: { ...PREFS, ...prefs },
    timeout: timeoutMs,
    protocolTimeout: 600_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const child = browser.process();
  // Once Firefox exited, puppeteer puts back the profile's prefs.js / user.js it had saved as
  // *.puppeteer before the launch; the next launch on this profile must wait for that (it
  // saves them again: both at once fail with ENOENT).
  const restored = async () => {
    for (let i = 0; i < 100; i++) {
      if (!['prefs.js', 'user.js'].some((f) => fs.existsSync(path.join(profile, `${f}.puppeteer`)))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', resolve);
  }).then(restored);
  let gone = false;
  const kill = async () => {
    if (!gone) {
      gone = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        try { child.kill('SIGKILL'); } catch { /* already gone */ }
      }
    }
    await exited;
  };
  return {
    browser,
    context: contextOf(browser),
    pid: child.pid,
    profile,
    kill,
    async close() {
      if (gone) return exited;
      const timer = setTimeout(() => kill(), 15_000);
      await browser.close().catch(() => {});
      await exited;
      clearTimeout(timer);
      gone = true;
      return undefined;
    },
  };
}
