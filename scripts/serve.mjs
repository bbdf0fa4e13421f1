// A small static file server for the playground and browser tests. Plain
// Node, no dependencies, bound to 127.0.0.1 only.
//
//   node scripts/serve.mjs [--port N] [--root DIR] [--mount /PREFIX/=DIR]... [--quiet]
//
// Defaults (what `npm start` serves):
//   /       demo/ (the playground)
//   /pkg/   the package as npm would publish it: package.json plus the
//           top-level entries named in package.json "files" (web/ and dist/
//           while there is no "files" field), so a page can import
//           "/pkg/<entry>" exactly as the published package lays it out, or
//           map the bare name with an import map:
//           <script type="importmap">{"imports":{"pocketdynamo":"/pkg/<entry>"}}</script>
// The port is --port, else $PORT, else 8080. --mount adds or replaces a
// mount (relative DIRs are taken from the repository root).
//
// GET and HEAD only. A directory serves its index.html, or a listing when it
// has none. Names starting with "." and paths outside a mount are 404.
// Responses carry Cache-Control: no-store (every reload sees the last build)
// and the MIME type by extension (.wasm is application/wasm, which
// WebAssembly.instantiateStreaming requires).
//
// As a module: startServer(options) resolves to { url, port, close() } once
// listening, so tests can serve pages themselves; options are
// { port (0 = any free port), root, mounts: { '/prefix/': dir }, quiet }.
// SIGINT/SIGTERM stop the command-line server cleanly (exit status 0).

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const host = '127.0.0.1';

const mimeTypes = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

export function mimeType(file) {
  return mimeTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

// The top-level names of the package that /pkg/ may serve.
function packageEntries() {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  const files = Array.isArray(pkg.files) ? pkg.files : ['web', 'dist'];
  const entries = new Set(['package.json']);
  for (const pattern of files) {
    const first = String(pattern).replace(/^\.?\//, '').split('/')[0];
    if (first && !/[*?[\]{}!]/.test(first)) entries.add(first);
  }
  return entries;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

// Maps a URL path to a file inside one mount, or null. `filter`, when set,
// limits the first path segment below the mount.
function resolve(mounts, urlPath) {
  for (const { prefix, dir, filter } of mounts) {
    if (urlPath !== prefix.slice(0, -1) && !urlPath.startsWith(prefix)) continue;
    const rel = urlPath.slice(prefix.length);
    const segments = rel.split('/').filter(Boolean);
    if (segments.some((s) => s.startsWith('.'))) return null;
    if (filter && segments.length > 0 && !filter().has(segments[0])) return null;
    const file = path.join(dir, ...segments);
    if (file !== dir && !file.startsWith(dir + path.sep)) return null;
    return { file, dir, prefix, filter };
  }
  return null;
}

function listing(res, urlPath, target) {
  let names = fs
    .readdirSync(target.file, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.'));
  if (target.filter && target.file === target.dir) names = names.filter((d) => target.filter().has(d.name));
  const items = names
    .map((d) => d.name + (d.isDirectory() ? '/' : ''))
    .sort()
    .map((n) => `<li><a href="${escapeHtml(encodeURI(n))}">${escapeHtml(n)}</a></li>`);
  const body =
    `<!doctype html><meta charset="utf-8"><title>${escapeHtml(urlPath)}</title>` +
    `<h1>${escapeHtml(urlPath)}</h1><ul>${items.join('') || '<li>(empty)</li>'}</ul>`;
  send(res, 200, body, mimeTypes['.html']); // node drops the body of a HEAD response
}

function handle(mounts, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(req.url, `http://${host}`).pathname);
  } catch {
    return send(res, 400, 'bad request\n');
  }
  if (urlPath.includes('\0') || urlPath.includes('\\')) return send(res, 400, 'bad request\n');
  const target = resolve(mounts, urlPath);
  if (!target) return send(res, 404, 'not found\n');
  let stat;
  try {
    // Follow symlinks, but only to places inside the mount.
    const real = fs.realpathSync(target.file);
    const realDir = fs.realpathSync(target.dir);
    if (real !== realDir && !real.startsWith(realDir + path.sep)) return send(res, 404, 'not found\n');
    stat = fs.statSync(real);
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (stat.isDirectory()) {
    if (!urlPath.endsWith('/')) {
      res.writeHead(301, { Location: `${encodeURI(urlPath)}/`, 'Cache-Control': 'no-store' });
      return res.end();
    }
    const index = path.join(target.file, 'index.html');
    if (!fs.existsSync(index)) return listing(res, urlPath, target);
    target.file = index;
    stat = fs.statSync(index);
  }
  res.writeHead(200, {
    'Content-Type': mimeType(target.file),
    'Content-Length': stat.size,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  const stream = fs.createReadStream(target.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function startServer({ port = 8080, root = 'demo', mounts = {}, quiet = false } = {}) {
  const abs = (dir) => path.resolve(repo, dir);
  const table = [];
  const all = { '/pkg/': null, ...mounts };
  for (const [prefix, dir] of Object.entries(all)) {
    if (!prefix.startsWith('/') || !prefix.endsWith('/') || prefix === '/') {
      throw new Error(`mount prefix must look like /name/: ${prefix}`);
    }
    if (dir === null) table.push({ prefix, dir: repo, filter: packageEntries });
    else table.push({ prefix, dir: abs(dir), filter: null });
  }
  table.sort((a, b) => b.prefix.length - a.prefix.length); // longest prefix first
  table.push({ prefix: '/', dir: abs(root), filter: null });

  const server = http.createServer((req, res) => {
    // 'close', not 'finish': a client that has Content-Length bytes may hang
    // up before a piped response has ended.
    res.on('close', () => {
      if (!quiet) console.log(`${req.method} ${req.url} ${res.statusCode}`);
    });
    try {
      handle(table, req, res);
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
      console.error(`serve: ${req.url}: ${err.message}`);
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolvePromise({
        url: `http://${host}:${actual}/`,
        port: actual,
        mounts: table.map(({ prefix, dir }) => ({ prefix, dir })),
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const options = { port: Number(process.env.PORT || 8080), root: 'demo', mounts: {}, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--root') options.root = argv[++i];
    else if (arg === '--quiet') options.quiet = true;
    else if (arg === '--mount') {
      const spec = argv[++i] ?? '';
      const eq = spec.indexOf('=');
      if (eq < 0) throw new Error(`--mount wants /prefix/=dir, got ${JSON.stringify(spec)}`);
      options.mounts[spec.slice(0, eq)] = spec.slice(eq + 1);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`bad port: ${options.port}`);
  }
  return options;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`serve: ${err.message}`);
    process.exit(2);
  }
  let server;
  try {
    server = await startServer(options);
  } catch (err) {
    const why = err.code === 'EADDRINUSE' ? `port ${options.port} is in use (set PORT to use another)` : err.message;
    console.error(`serve: cannot listen on ${host}:${options.port}: ${why}`);
    process.exit(1);
  }
  for (const { prefix, dir } of server.mounts) {
    const rel = path.relative(repo, dir);
    const shown = rel === '' ? '. (package.json and its "files")' : rel.startsWith('..') ? dir : rel;
    console.log(`serve: ${prefix.padEnd(8)} -> ${shown}${fs.existsSync(dir) ? '' : ' (does not exist yet)'}`);
  }
  console.log(`serve: listening on ${server.url} (Ctrl-C to stop)`);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    await server.close();
    console.log(`serve: stopped (${signal})`);
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // `npm start` runs npm -> sh -> node. A SIGTERM to npm is forwarded to sh
  // only, which dies and leaves this process behind, still holding the port:
  // when the parent goes away, stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('parent exited');
  }, 500).unref();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
