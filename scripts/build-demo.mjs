// Writes the playground as a static site to dist-demo/ (or the directory
// given as the first argument): demo/ as is, plus the built package (dist/,
// from `npm run build:js`) at pkg/dist/, the layout demo/app.js imports
// ('./pkg/dist/index.js') and that `npm start` serves (/pkg/), and a browser
// bundle of @aws-sdk/client-dynamodb at pkg/sdk/ for demo/sync.html. Every URL in
// the site is relative, so the folder can be hosted under any path.
// Exit status non-zero (with the reason) when dist/ is missing.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(repo, process.argv[2] ?? 'dist-demo');
const dist = path.join(repo, 'dist');
if (!fs.existsSync(path.join(dist, 'core', 'pocketdynamo-core.wasm'))) {
  console.error('build-demo: dist/ has no wasm; run `npm run build:js` first');
  process.exit(1);
}
const tmp = `${out}.tmp`;
fs.rmSync(tmp, { recursive: true, force: true });
fs.cpSync(path.join(repo, 'demo'), tmp, { recursive: true });
// Only what the browser loads: no typings, no Node-only file store.
fs.cpSync(dist, path.join(tmp, 'pkg', 'dist'), {
  recursive: true,
  filter: (src) => !src.endsWith('.d.ts') && !src.includes(`${path.sep}types`),
});
// The sync demo (demo/sync.html) takes the AWS SDK from a browser bundle beside the package.
const { build } = await import('esbuild');
await build({ stdin: { contents: "export * from '@aws-sdk/client-dynamodb';", resolveDir: repo }, bundle: true,
  format: 'esm', platform: 'browser', minify: true, outfile: path.join(tmp, 'pkg', 'sdk', 'client-dynamodb.js'),
  logLevel: 'error' });
fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(tmp, out);
let bytes = 0;
let files = 0;
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else { files++; bytes += fs.statSync(p).size; }
  }
};
walk(out);
console.log(`build-demo: ${path.relative(repo, out)}/ (${files} files, ${(bytes / 1024).toFixed(0)} KiB)`);
