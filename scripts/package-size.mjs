// The package's download size, gzip -9, against its budget (400 KB):
//
//   node scripts/package-size.mjs [--dist DIR] [--json] [--check]
//
// Measures the built package (default dist/, from `npm run build:js`):
//   wasm     dist/core/pocketdynamo-core.wasm, gzip -9
//   glue     dist/core/pocketdynamo-core.js (Emscripten's glue), gzip -9
//   bundle   what a browser app downloads besides the wasm to open a database
//            and run operations: dist/index.js bundled by esbuild for the
//            browser (package.json "browser" mappings, minified, glue
//            included, other packages left out: the package has no
//            dependencies), split at the package's dynamic import()s as any
//            bundler splits them; the entry chunk and the chunks it imports
//            statically, each gzip -9 (what a page loads before its first
//            call)
//   lazy     the chunks loaded only on first use of a feature (db.sync:
//            web/sync/; db.importTable: web/transfer/import.js), gzip -9;
//            reported, not budgeted
//   total    wasm + bundle: the budgeted figure
//   all-js   every .js file of dist/, each gzipped alone (Node-only files
//            such as dist/server/ included; for reference, not budgeted)
// --check exits 1 when total exceeds the budget (tests/js/package-size.test.js
// runs it). Sizes are bytes; 400 KB = 400,000 bytes.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const BUDGET_BYTES = 400_000;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;

function jsFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(full));
    else if (entry.name.endsWith('.js')) out.push(full);
  }
  return out;
}

/** The figures of the package built in `dist` (bytes). */
export async function measure(dist = path.join(repo, 'dist')) {
  const core = path.join(dist, 'core');
  const wasm = fs.readFileSync(path.join(core, 'pocketdynamo-core.wasm'));
  const glue = fs.readFileSync(path.join(core, 'pocketdynamo-core.js'));
  // The package's own "browser" field maps Node-only modules away; the
  // bundle is resolved from the package directory so that it applies.
  const built = await esbuild.build({
    entryPoints: [path.join(dist, 'index.js')],
    absWorkingDir: path.dirname(dist),
    bundle: true,
    splitting: true,
    // The package has no dependencies: what it imports from other packages
    // (db.sync's dynamic import of @aws-sdk/client-dynamodb) is the app's.
    packages: 'external',
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    outdir: 'bundle',
    metafile: true,
    logLevel: 'silent',
  });
  // The entry chunk and what it imports statically, transitively: loaded
  // with the page. The rest is reached only through a dynamic import().
  const outputs = built.metafile.outputs;
  const files = new Map(built.outputFiles.map((f) => [path.relative(path.dirname(dist), f.path), f.contents]));
  const entry = Object.keys(outputs).find((name) => outputs[name].entryPoint !== undefined);
  const eager = new Set([entry]);
  for (const name of eager) {
    for (const imported of outputs[name].imports) {
      if (imported.kind === 'import-statement' && !imported.external) eager.add(imported.path);
    }
  }
  let bundleBytes = 0;
  let bundleGzip = 0;
  let lazyGzip = 0;
  for (const [name, contents] of files) {
    if (eager.has(name)) {
      bundleBytes += contents.length;
      bundleGzip += gzip(contents);
    } else if (contents.length > 0) {
      lazyGzip += gzip(contents);
    }
  }
  let allJs = 0;
  for (const file of jsFiles(dist)) allJs += gzip(fs.readFileSync(file));
  const figures = {
    wasmBytes: wasm.length,
    wasmGzip: gzip(wasm),
    glueGzip: gzip(glue),
    bundleBytes,
    bundleGzip,
    lazyGzip,
    allJsGzip: allJs,
  };
  figures.totalGzip = figures.wasmGzip + figures.bundleGzip;
  figures.budget = BUDGET_BYTES;
  return figures;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--dist');
  const dist = i >= 0 ? path.resolve(args[i + 1]) : path.join(repo, 'dist');
  if (!fs.existsSync(path.join(dist, 'core', 'pocketdynamo-core.wasm'))) {
    console.error(`package-size: ${dist} holds no built package: run npm run build:js`);
    process.exit(2);
  }
  const f = await measure(dist);
  if (args.includes('--json')) {
    console.log(JSON.stringify(f));
  } else {
    const row = (name, value) => console.log(`${name.padEnd(44)} ${value.toLocaleString('en-US').padStart(10)}`);
    row('pocketdynamo-core.wasm (bytes)', f.wasmBytes);
    row('pocketdynamo-core.wasm, gzip -9', f.wasmGzip);
    row('glue pocketdynamo-core.js, gzip -9', f.glueGzip);
    row('browser bundle of dist/index.js (min), gzip -9', f.bundleGzip);
    row('lazy chunks (db.sync, importTable), gzip -9', f.lazyGzip);
    row('total: wasm + bundle, gzip -9', f.totalGzip);
    row('budget', f.budget);
    row('every .js of dist/, each gzip -9 (reference)', f.allJsGzip);
  }
  if (args.includes('--check') && f.totalGzip > f.budget) {
    console.error(`package-size: ${f.totalGzip} bytes gzipped exceeds the budget of ${f.budget}`);
    process.exit(1);
  }
}
