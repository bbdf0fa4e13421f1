// Browser test support for tests/js: the shared harness of tests/browser
// (static server on 127.0.0.1, Debian's Chromium through playwright-core with
// the project's flags and a fresh profile), re-exported so both suites launch
// Chromium the same way.
//
//   const server = await serve({ '/': dir, '/pkg/': otherDir });
//   const browser = await launch();
//   const result = await runPage(browser, `${server.url}/index.html`);
//   await browser.close(); await server.close();

export { CHROMIUM, serve, launch, runPage } from '../../browser/harness.js';
