// The page object the harness hands to tests in Firefox and WebKit: the part
// of Playwright's Page API the browser suites use, so one test file runs in
// all three engines (Chromium keeps Playwright's own Page).
//
// An engine runner (harness-firefox.js, harness-webkit.js) subclasses
// EnginePage and provides the primitives:
//   _run(source, arg)        evaluates the expression `source` (a function's
//                            text) called with arg, awaits it, returns JSON data
//   _goto(url), _reload(), _close()
//   _screenshot(file, fullPage), _setViewport(width, height)
//   _click(selector)         a real click where the driver has one
//   _press(key)              a key press on the focused element
//   _exposeFunction(name, fn)
// Everything else (waiting, locators, form fields) is built here on top of
// evaluate(), the same way for both engines.
//
// Errors: page.errors (set by appPage) and watchErrors() read the list the
// runner fills from the engine's console and uncaught-error reports.

import fs from 'node:fs';
import path from 'node:path';

const POLL_MS = 50;

// Page-side helpers every DOM method below runs through (installed on demand).
const DOM = String.raw`(() => {
  if (window.__pdDom) return window.__pdDom;
  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // Playwright's chained selectors: 'css >> text=Label' (the deepest elements under the
  // previous match whose text contains Label, case-insensitively, whitespace collapsed).
  const norm = (t) => (t || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const select = (selector) => {
    let scope = [document];
    for (const part of selector.split(' >> ')) {
      const next = [];
      for (const root of scope) {
        if (part.startsWith('text=')) {
          const want = norm(part.slice(5).replace(/^"(.*)"$/, '$1'));
          const candidates = [...root.querySelectorAll('*')].filter((el) => norm(el.textContent).includes(want));
          next.push(...candidates.filter((el) => ![...el.children].some((c) => norm(c.textContent).includes(want))));
        } else {
          next.push(...root.querySelectorAll(part));
        }
      }
      scope = [...new Set(next)];
    }
    return scope;
  };
  const all = (q) => {
    let list = select(q.selector);
    if (q.hasText != null) list = list.filter((el) => (el.textContent || '').includes(q.hasText));
    if (q.index != null) list = q.index < 0 ? list.slice(q.index).slice(0, 1) : list.slice(q.index, q.index + 1);
    return list;
  };
  const one = (q) => {
    const el = all(q)[0];
    if (!el) throw new Error('no element matches ' + JSON.stringify(q));
    return el;
  };
  const setValue = (el, value) => {
    const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
      : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  return (window.__pdDom = { visible, all, one, setValue });
})()`;

function query(selector, extra = {}) {
  return typeof selector === 'string' ? { selector, ...extra } : { ...selector, ...extra };
}

export class EnginePage {
  constructor() {
    this.errorList = [];
    this.listeners = new Map();   // 'pageerror' | 'console' | 'dialog' -> Set of fns
    this.closed = false;
    this.keyboard = { press: (key) => this._press(key) };
  }

  // --- events (the runners call emit) -------------------------------------

  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
    return this;
  }

  once(name, fn) {
    const wrap = (...args) => { this.off(name, wrap); fn(...args); };
    return this.on(name, wrap);
  }

  off(name, fn) {
    this.listeners.get(name)?.delete(fn);
    return this;
  }

  emit(name, ...args) {
    for (const fn of [...(this.listeners.get(name) ?? [])]) fn(...args);
  }

  /** Reports an uncaught page error (as Playwright's 'pageerror'). */
  pageError(message) {
    this.emit('pageerror', { message });
  }

  /** Reports a console message (as Playwright's 'console': type() and text()). */
  consoleMessage(type, text) {
    this.emit('console', { type: () => type, text: () => text });
  }

  // --- evaluation -----------------------------------------------------------

  async evaluate(fn, arg) {
    const source = typeof fn === 'function' ? fn.toString() : `() => (${fn})`;
    return this._run(source, arg);
  }

  async waitForFunction(fn, arg, { timeout = 30_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`waitForFunction: timed out after ${timeout} ms: ${fn}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async dom(body, q, extra) {
    return this._run(`({ q, extra }) => { const d = ${DOM}; return (${body})(d, q, extra); }`, { q, extra });
  }

  // --- navigation and window -------------------------------------------------

  goto(url) { return this._goto(url); }
  reload() { return this._reload(); }
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this._close();
  }
  isClosed() { return this.closed; }
  setViewportSize({ width, height }) { return this._setViewport(width, height); }
  screenshot({ path, fullPage = false } = {}) { return this._screenshot(path, fullPage); }
  exposeFunction(name, fn) { return this._exposeFunction(name, fn); }

  /**
   * waitForEvent('download'): a download the page starts by clicking an
   * <a download> link to a blob: or data: URL (how pages save files). The
   * click is caught in the page and the file read there; nothing reaches
   * the browser's download manager. Resolves to { suggestedFilename(),
   * saveAs(file) } like Playwright's Download.
   */
  async waitForEvent(name, { timeout = 30_000 } = {}) {
    if (name !== 'download') throw new Error(`waitForEvent(${JSON.stringify(name)}): only 'download' in this engine`);
    await this.evaluate(() => {
      window.__pdDownloads = [];
      if (window.__pdDownloadHook) return;
      window.__pdDownloadHook = true;
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function hooked() {
        if (!this.hasAttribute('download') || !/^(blob|data):/.test(this.href)) return click.call(this);
        const entry = { name: this.getAttribute('download') || 'download', base64: null };
        window.__pdDownloads.push(entry);
        fetch(this.href).then((r) => r.arrayBuffer()).then((buffer) => {
          let binary = '';
          const bytes = new Uint8Array(buffer);
          for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          entry.base64 = btoa(binary);
        });
        return undefined;
      };
    });
    const deadline = Date.now() + timeout;
    for (;;) {
      const done = await this.evaluate(() => window.__pdDownloads.find((d) => d.base64 !== null) ?? null);
      if (done) {
        const bytes = Buffer.from(done.base64, 'base64');
        return { suggestedFilename: () => done.name, saveAs: async (file) => fs.writeFileSync(file, bytes) };
      }
      if (Date.now() > deadline) throw new Error(`waitForEvent('download'): none within ${timeout} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Sets an <input type=file>'s files (DataTransfer in the page) and fires input and change. */
  async setInputFiles(selector, files) {
    const list = (Array.isArray(files) ? files : [files]).map((file) => ({
      name: path.basename(file), base64: fs.readFileSync(file).toString('base64'),
    }));
    await this.dom((d, q, items) => {
      const input = d.one(q);
      const transfer = new DataTransfer();
      for (const item of items) {
        const binary = atob(item.base64);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        transfer.items.add(new File([bytes], item.name));
      }
      input.files = transfer.files;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, query(selector), list);
  }

  // --- elements ---------------------------------------------------------------

  locator(selector, { hasText } = {}) {
    return new Locator(this, query(selector, hasText != null ? { hasText } : {}));
  }

  async waitForSelector(selector, { state = 'visible', timeout = 30_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const ok = await this.dom((d, q, s) => {
        const el = d.all(q)[0];
        if (s === 'attached') return !!el;
        if (s === 'detached') return !el;
        if (s === 'hidden') return !d.visible(el);
        return d.visible(el);
      }, query(selector), state);
      if (ok) return null;
      if (Date.now() > deadline) throw new Error(`waitForSelector(${selector}, ${state}): timed out after ${timeout} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async click(selector) {
    await this.waitForSelector(selector);
    return this._click(query(selector));
  }

  async fill(selector, value) {
    await this.waitForSelector(selector);
    return this.dom((d, q, v) => { const el = d.one(q); el.focus(); d.setValue(el, v); }, query(selector), value);
  }

  async selectOption(selector, value) {
    await this.waitForSelector(selector);
    return this.dom((d, q, v) => { d.setValue(d.one(q), v); return [v]; }, query(selector), value);
  }

  async check(selector) {
    return this.dom((d, q) => { const el = d.one(q); if (!el.checked) el.click(); }, query(selector));
  }

  async uncheck(selector) {
    return this.dom((d, q) => { const el = d.one(q); if (el.checked) el.click(); }, query(selector));
  }

  async focus(selector) {
    return this.dom((d, q) => d.one(q).focus(), query(selector));
  }

  async press(selector, key) {
    await this.focus(selector);
    return this._press(key);
  }

  inputValue(selector) { return this.dom((d, q) => d.one(q).value, query(selector)); }
  getAttribute(selector, name) { return this.dom((d, q, n) => d.one(q).getAttribute(n), query(selector), name); }
  isVisible(selector) { return this.dom((d, q) => d.visible(d.all(q)[0]), query(selector)); }
  async isHidden(selector) { return !(await this.isVisible(selector)); }
  isChecked(selector) { return this.dom((d, q) => d.one(q).checked, query(selector)); }
  isDisabled(selector) { return this.dom((d, q) => d.one(q).disabled === true, query(selector)); }
  async isEnabled(selector) { return !(await this.isDisabled(selector)); }
}

/** Playwright's Locator, the part the suites use. */
class Locator {
  constructor(page, q) {
    this.page = page;
    this.q = q;
  }

  first() { return new Locator(this.page, { ...this.q, index: 0 }); }
  last() { return new Locator(this.page, { ...this.q, index: -1 }); }
  nth(index) { return new Locator(this.page, { ...this.q, index }); }
  count() { return this.page.dom((d, q) => d.all(q).length, this.q); }
  innerText() { return this.page.dom((d, q) => d.one(q).innerText, this.q); }
  textContent() { return this.page.dom((d, q) => d.one(q).textContent, this.q); }
  allInnerTexts() { return this.page.dom((d, q) => d.all(q).map((el) => el.innerText), this.q); }
  isVisible() { return this.page.dom((d, q) => d.visible(d.all(q)[0]), this.q); }
  getAttribute(name) { return this.page.dom((d, q, n) => d.one(q).getAttribute(n), this.q, name); }
  inputValue() { return this.page.dom((d, q) => d.one(q).value, this.q); }
  async click() {
    await this.page.waitForSelector(this.q);
    return this.page._click(this.q);
  }
  fill(value) { return this.page.fill(this.q, value); }
  waitFor({ state = 'visible', timeout } = {}) { return this.page.waitForSelector(this.q, { state, timeout }); }
}
