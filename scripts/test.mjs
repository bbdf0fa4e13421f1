// The test runner behind `npm test` (scripts/test.sh runs it).
//
//   node scripts/test.mjs [lint] [native] [wasm] [js] [browser] [--area NAME]...
//                         [--browser chromium|firefox|webkit]...
//
// Parts, in this order (default: all five):
//   lint     ESLint (eslint.config.js) over the JavaScript of web/ scripts/
//            tests/ bench/ demo/, each problem one failed test; then one test
//            each: scripts/check-format.sh (clang-format over the C++ lines
//            changed since that script was added), scripts/check-commits.mjs
//            (commit subjects since it was added at most 72 characters) and
//            scripts/check-layers.mjs (core/ includes follow the layer map).
//   native   configure build/native (Debug, ASan + UBSan), build pd_core, then
//            for each tests/cpp/<area>/ holding *_test.cc: build <area>_test
//            and run it. Then the suites that drive the Engine (chaosAreas:
//            api, backup, engine, index, partiql, streams) run a second time
//            in chaos paging (PD_CHAOS_PAGING=1, core/engine.h: every
//            evictable page evicted after every call, every miss resolved by
//            fault-and-retry) with the same binaries: a runtime switch, no
//            second build. A chaos run must print the doctest main's count of
//            faults it resolved (more than none for backup, engine, index),
//            so it cannot pass with the mode off. For time, the chaos runs
//            take fewer model seeds/steps (PD_MODEL_SEEDS=8,
//            PD_BACKUP_MODEL_STEPS=200) and leave out the one engine case
//            whose page-by-page walk is quadratic under chaos ("Query and
//            Scan pages add up to the unpaged result", 51 s there) and
//            partiql's cases that create no Engine (parse, lower, the parser
//            fuzz: chaosExcluded).
//            PD_CHAOS_AREAS=none skips the chaos runs, =all runs every area,
//            or a list picks areas.
//   wasm     the same in build/wasm with Emscripten (scripts/build-wasm.sh),
//            each suite run as `node <area>_test.js`; then the targets in
//            wasm-bindings/ (the package's module). By default only the
//            areas about what differs in wasm (api, keys, pager, util, value); the
//            others run natively under ASan and in wasm through the package's
//            module (js, browser parts). PD_WASM_AREAS=all (npm run
//            test:engines) or a list, or --area, picks others.
//   js       when tests/js holds test files: `npm run build:js` if
//            package.json defines it, then `node --test tests/js/`. Then the
//            suites that open replicated databases (jsChaosFiles:
//            persistence-node, -migration, -paging, data-loss, backups) run
//            again with PD_CHAOS_PAGING=1 (open() gives the core a tiny page
//            cache: every non-pinned page read faults once and is read back
//            from a replica); the witness test in persistence-paging must
//            pass there, so the run cannot pass with the mode off. About 45 s
//            (load 11-13); PD_CHAOS_AREAS=none skips it too.
//   browser  when tests/browser/*.test.js exist: `node --test` on them, once
//            per browser engine (PD_BROWSER=chromium, firefox, webkit: see
//            tests/browser/harness.js), one engine after the other (two
//            cores: the engines in parallel would only slow each other).
//            --browser NAME (repeatable) or PD_BROWSERS=name,name picks the
//            engines (PD_BROWSERS=all: every suite in all three); NAME:lean
//            runs an engine's lean suite. Default: every suite in Chromium,
//            the lean suite in Firefox and in WebKit (chromium,firefox:lean,
//            webkit:lean): idb, persist, replicas, migration, crash (3
//            SIGKILL rounds, PD_CRASH_KILLS), server, then the playground's
//            first three steps. A full Firefox or WebKit pass costs about
//            as much as Chromium's (6-7 min); the lean ones 3-4 min and
//            2-3 min (loaded machine). `npm run test:engines` runs
//            everything in all three.
// Time budget (a clean run on 2 quiet cores, 2026-12-07: 23m12s before the
// chaos runs, which add about 2 minutes: engine 52 s, backup 24 s, index
// 23 s, partiql 14 s): the whole run must stay under 30 minutes on two cores, and
// the builds are most of it: precompiled headers (PD_PCH), -g1 in the ASan
// build, wasm suites linked at -O1 (CMakeLists.txt, tests/cpp/).
// scripts/setup.sh always runs first. --area NAME (repeatable) limits the
// doctest suites to those areas.
//
// Every build step and suite is reported as it finishes, with its time. A
// suite's counts come from its own summary: doctest's
// "[doctest] test cases: N | P passed | F failed | S skipped", node's
// "pass N" / "fail M" / "cancelled C" (cancelled counts as failed). A failed
// build, a crash, a timeout, or a non-zero exit after a summary without
// failures (a sanitizer report at exit, say) counts as one failed test. The
// output ends with one line over all suites: "N passed, M failed".
// Exit status: 0 when nothing failed, 1 otherwise.
//
// Environment: PD_JOBS (build jobs, default 2), PD_SUITE_TIMEOUT (seconds per
// suite, default 900), PD_SOAK=1 (passed through to the suites: the randomised
// C++ suites run at their long size, tests/cpp/support/soak.h; npm run
// test:soak). Full build logs go to build/test-logs/.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jobs = process.env.PD_JOBS || '2';
const suiteTimeoutMs = Number(process.env.PD_SUITE_TIMEOUT || 900) * 1000;
const logDir = path.join(repo, 'build', 'test-logs');
const allParts = ['lint', 'native', 'wasm', 'js', 'browser'];
const lintDirs = ['web', 'scripts', 'tests', 'bench', 'demo'];
// The doctest suites the wasm part builds and runs by default: the ones about
// what differs in wasm (32-bit sizes, the value and key encodings, the pager's
// memory and the JSON API at the boundary). The other areas run natively under
// ASan, and in wasm through the package's module in the js and browser parts;
// PD_WASM_AREAS=all (npm run test:engines) builds and runs every one.
const defaultWasmAreas = ['api', 'keys', 'pager', 'util', 'value'];
const allEngines = ['chromium', 'firefox', 'webkit'];
// Default: Chromium's full set, Firefox's and WebKit's lean suites (header: time budget).
const defaultEngines = ['chromium', 'firefox:lean', 'webkit:lean'];
// Native suites that run again in chaos paging (header), and what they need
// to show: a fault count, above zero where the suite commits and reopens.
const chaosAreas = ['api', 'backup', 'engine', 'index', 'partiql', 'streams'];
const chaosMustFault = ['backup', 'engine', 'index'];
const chaosEnv = { PD_CHAOS_PAGING: '1', PD_MODEL_SEEDS: '8', PD_BACKUP_MODEL_STEPS: '200' };
// Test cases the chaos runs leave out (doctest --test-case-exclude patterns; a comma would split
// one, so '?' stands for it): the engine case quadratic under chaos (header), and partiql's cases
// that never create an Engine (parse, lower, the 200,000-statement parser fuzz: 9 of its 11 s of
// CPU; chaos paging changes nothing there).
const chaosExcluded = {
  engine: ['Query and Scan pages add up to the unpaged result'],
  partiql: ['parse: *', 'lower: *', 'fuzz: 200?000 random and mutated statements through Parse and Lower'],
};
// JS suites that open replicated databases, run again with PD_CHAOS_PAGING=1 (open() then gives
// the core a tiny cache that misses on every non-pinned page once); the witness test must pass.
const jsChaosFiles = ['tests/js/persistence-node.test.js', 'tests/js/persistence-migration.test.js',
  'tests/js/persistence-paging.test.js', 'tests/js/data-loss.test.js', 'tests/js/backups.test.js'];
const jsChaosWitness = 'PD_CHAOS_PAGING=1: replicated databases open lazily';
// The lean per-engine suite: where the engines differ (IndexedDB persistence
// and reload, persist(), replicas and repair, migration, SIGKILLs mid-write,
// the server's CORS page), then the playground's first steps.
const leanFiles = ['idb', 'persist', 'replicas', 'migration', 'crash', 'server'];
const leanPlayground = '^(loads fast|create table|items: create)';
const leanKills = '3'; // SIGKILL rounds of crash.test.js in a lean suite (about 30 s each)

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const parts = [];
  const areas = [];
  let engines = (process.env.PD_BROWSERS || '').split(',').map((e) => e.trim()).filter(Boolean);
  if (engines.length === 1 && engines[0] === 'all') engines = [...allEngines];
  const fromArgs = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (allParts.includes(arg)) {
      parts.push(arg);
    } else if (arg === '--area' && i + 1 < argv.length) {
      areas.push(argv[++i]);
    } else if (arg === '--browser' && i + 1 < argv.length) {
      fromArgs.push(...argv[++i].split(','));
    } else if (arg === '-h' || arg === '--help') {
      console.log('usage: npm test -- [lint] [native] [wasm] [js] [browser] [--area NAME]... [--browser chromium|firefox|webkit|all|NAME:lean]...');
      process.exit(0);
    } else {
      console.error(`test: unknown argument ${JSON.stringify(arg)} (see --help)`);
      process.exit(2);
    }
  }
  if (fromArgs.length) engines = fromArgs.includes('all') ? [...allEngines] : fromArgs;
  if (!engines.length) engines = defaultEngines;
  // 'name' runs every browser suite in that engine, 'name:lean' the lean set.
  const specs = engines.map((e) => {
    const [engine, mode = 'full', extra] = e.split(':');
    if (!allEngines.includes(engine) || !['full', 'lean'].includes(mode) || extra !== undefined) {
      console.error(`test: unknown browser ${JSON.stringify(e)} (engines: ${allEngines.join(', ')}, each optionally :lean)`);
      process.exit(2);
    }
    return { engine, lean: mode === 'lean' };
  });
  return {
    parts: parts.length ? allParts.filter((p) => parts.includes(p)) : allParts,
    areas,
    engines: allEngines.map((name) => specs.filter((s) => s.engine === name).at(-1)).filter(Boolean),
  };
}

// ------------------------------------------------------------------ output

function seconds(ms) {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

// CPU time (user + system) of this process's finished children, from
// /proc/self/stat (cutime, cstime; Linux clock ticks are 1/100 s), or null.
// Wall time alone says little on a machine shared with other builds.
function childCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

// "12.3s" or "12.3s, cpu 20.1s" when the CPU time is known.
function took(ms, cpuMs) {
  return cpuMs == null ? seconds(ms) : `${seconds(ms)}, cpu ${seconds(cpuMs)}`;
}

function heading(text) {
  console.log(`\n== ${text} ${'='.repeat(Math.max(3, 74 - text.length))}`);
}

// eslint-disable-next-line no-control-regex -- the escape character is what it matches
const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;

// Prints a child's output indented, whole lines at a time, as it arrives.
class Indenter {
  constructor(prefix) {
    this.prefix = prefix;
    this.pending = '';
  }
  write(text) {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop();
    for (const line of lines) process.stdout.write(`${this.prefix}${line.replace(ansi, '')}\n`);
  }
  flush() {
    if (this.pending) process.stdout.write(`${this.prefix}${this.pending.replace(ansi, '')}\n`);
    this.pending = '';
  }
}

// ------------------------------------------------------------- processes

let current = null; // the running child, so Ctrl-C can stop its process group

// Runs a command with stdin closed and stdout+stderr merged. Resolves to
// { code, signal, output, timedOut, ms, cpuMs }; never rejects (a command that
// cannot start resolves with code 127 and the reason in output).
function run(cmd, args, { env = {}, echo = false, log = null, timeoutMs = 0 } = {}) {
  return new Promise((resolve) => {
    const start = Date.now();
    const cpuStart = childCpuMs();
    const indenter = echo ? new Indenter('    ') : null;
    const logStream = log ? fs.createWriteStream(log) : null;
    let output = '';
    let timedOut = false;
    const child = spawn(cmd, args, {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: a timeout kills the whole tree
    });
    current = child;
    const onData = (chunk) => {
      const text = chunk.toString('utf8');
      output += text;
      if (indenter) indenter.write(text);
      if (logStream) logStream.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child);
        }, timeoutMs)
      : null;
    let finished = false;
    const finish = (code, signal, extra = '') => {
      if (finished) return; // 'error' can be followed by 'close'
      finished = true;
      if (timer) clearTimeout(timer);
      current = null;
      output += extra;
      if (indenter) {
        if (extra) indenter.write(extra);
        indenter.flush();
      }
      const cpuEnd = childCpuMs();
      const cpuMs = cpuStart == null || cpuEnd == null ? null : cpuEnd - cpuStart;
      const done = () => resolve({ code, signal, output, timedOut, ms: Date.now() - start, cpuMs });
      if (logStream) logStream.end(extra, done);
      else done();
    };
    child.on('error', (err) => finish(127, null, `\ncannot run ${cmd}: ${err.message}\n`));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) killGroup(current);
    console.log(`\ntest: interrupted (${sig})`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------- results

const results = []; // { name, passed, failed, skipped, ms, cpuMs, note }

function record(name, { passed = 0, failed = 0, skipped = 0, ms = 0, cpuMs = null, note = '' }) {
  results.push({ name, passed, failed, skipped, ms, cpuMs, note });
  const verdict = failed ? 'FAIL' : 'PASS';
  const counts = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  console.log(`${verdict}  ${name}: ${note || counts} (${took(ms, cpuMs)})`);
}

function lastMatch(text, regex) {
  let found = null;
  for (const m of text.replace(ansi, '').matchAll(regex)) found = m;
  return found;
}

// Turns a finished suite run into counts, adding one failure for anything
// abnormal that the suite's own counts do not show.
function judge(res, counts) {
  const notes = [];
  let { passed, failed, skipped } = counts ?? { passed: 0, failed: 0, skipped: 0 };
  if (res.timedOut) notes.push(`timed out after ${seconds(suiteTimeoutMs)}`);
  else if (!counts) notes.push(`no summary found (${exitText(res)})`);
  else if (res.code !== 0 && failed === 0) notes.push(`${exitText(res)} after reporting no failures`);
  if (notes.length) failed += 1;
  const countText = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  return { passed, failed, skipped, ms: res.ms, cpuMs: res.cpuMs, note: notes.length ? `${countText}; ${notes.join('; ')}` : '' };
}

function exitText(res) {
  return res.signal ? `killed by ${res.signal}` : `exit code ${res.code}`;
}

function doctestCounts(output) {
  const m = lastMatch(output, /\[doctest\] test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed\s*\|\s*(\d+) skipped/g);
  return m ? { passed: Number(m[2]), failed: Number(m[3]), skipped: Number(m[4]) } : null;
}

function nodeTestCounts(output) {
  const get = (word) => {
    const m = lastMatch(output, new RegExp(`^\\s*(?:#|ℹ) ${word} (\\d+)\\s*$`, 'gm'));
    return m ? Number(m[1]) : null;
  };
  const pass = get('pass');
  const fail = get('fail');
  if (pass === null || fail === null) return null;
  return { passed: pass, failed: fail + (get('cancelled') ?? 0), skipped: (get('skipped') ?? 0) + (get('todo') ?? 0) };
}

// ------------------------------------------------------------------ builds

// Runs one build step quietly into a log; prints the log only when it fails.
// Returns true on success.
async function buildStep(name, cmd, args, env = {}) {
  fs.mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.log`);
  const res = await run(cmd, args, { env, log });
  if (res.code === 0) {
    console.log(`ok    build ${name} (${took(res.ms, res.cpuMs)})`);
    return true;
  }
  record(`build ${name}`, { failed: 1, ms: res.ms, cpuMs: res.cpuMs, note: `BUILD FAILED (${exitText(res)}), full log: ${path.relative(repo, log)}` });
  const lines = res.output.replace(ansi, '').trimEnd().split('\n');
  const shown = lines.length <= 300 ? lines : [...lines.slice(0, 150), `... (${lines.length - 200} lines left out) ...`, ...lines.slice(-50)];
  for (const line of shown) console.log(`    ${line}`);
  return false;
}

function testAreas(only) {
  const root = path.join(repo, 'tests', 'cpp');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'support')
    .map((d) => d.name)
    .filter((area) => fs.readdirSync(path.join(root, area)).some((f) => f.endsWith('_test.cc')))
    .filter((area) => only.length === 0 || only.includes(area))
    .sort();
}

// ---------------------------------------------------------------- the parts

const nodeBin = process.execPath;

async function doctestPart(part, areas) {
  const native = part === 'native';
  if (!native) {
    const chosen = (process.env.PD_WASM_AREAS || '').split(',').map((a) => a.trim()).filter(Boolean);
    if (!areas.explicit && !chosen.includes('all')) {
      const wanted = chosen.length ? chosen : defaultWasmAreas;
      const left = areas.filter((a) => !wanted.includes(a));
      areas = areas.filter((a) => wanted.includes(a));
      if (left.length) console.log(`skip  wasm suites ${left.join(', ')}: native only by default (PD_WASM_AREAS=all runs them)`);
    }
  }
  const dir = path.join(repo, 'build', part);
  const configured = native
    ? await buildStep(`${part}/configure`, 'cmake', ['--preset', 'native-asan', '-B', dir])   // CMakePresets.json
    : await buildStep(`${part}/configure`, 'bash', ['scripts/build-wasm.sh', '--configure-only']);
  const build = (target) => buildStep(`${part}/${target}`, 'cmake', ['--build', dir, '-j', jobs, '--target', target]);
  const coreBuilt = configured && (await build('pd_core'));
  for (const area of areas) {
    const name = `${part}/${area}_test`;
    if (!coreBuilt) {
      record(name, { failed: 1, note: `not run: ${configured ? 'pd_core' : 'configure'} failed` });
      continue;
    }
    if (!(await build(`${area}_test`))) continue;
    const exe = path.join(dir, 'tests', 'cpp', `${area}_test${native ? '' : '.js'}`);
    const [cmd, args] = native ? [exe, []] : [nodeBin, [exe]];
    console.log(`run   ${name}`);
    const res = await run(cmd, [...args, '--no-colors=true', '--no-version=true'], {
      echo: true,
      timeoutMs: suiteTimeoutMs,
      env: native
        ? {
            ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:strict_string_checks=1',
            UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1:halt_on_error=1',
          }
        : {},
    });
    record(name, judge(res, doctestCounts(res.output)));
    if (native && chaosWanted(area)) await chaosRun(exe, area);
  }
  if (!native && coreBuilt) {
    await build('pd_bindings'); // every target in wasm-bindings/ (top-level CMakeLists.txt)
  }
}

function chaosWanted(area) {
  const chosen = (process.env.PD_CHAOS_AREAS || '').split(',').map((a) => a.trim()).filter(Boolean);
  if (chosen.includes('none')) return false;
  if (chosen.includes('all')) return true;
  return (chosen.length ? chosen : chaosAreas).includes(area);
}

// One native suite again in chaos paging (header).
async function chaosRun(exe, area) {
  const name = `native/${area}_test (chaos paging)`;
  const args = ['--no-colors=true', '--no-version=true'];
  if (chaosExcluded[area]) args.push(`--test-case-exclude=${chaosExcluded[area].join(',')}`);
  console.log(`run   ${name}`);
  const res = await run(exe, args, {
    echo: true,
    timeoutMs: suiteTimeoutMs,
    env: {
      ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:strict_string_checks=1',
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1:halt_on_error=1',
      ...chaosEnv,
      ...(process.env.PD_MODEL_SEEDS ? { PD_MODEL_SEEDS: process.env.PD_MODEL_SEEDS } : {}),
      ...(process.env.PD_BACKUP_MODEL_STEPS ? { PD_BACKUP_MODEL_STEPS: process.env.PD_BACKUP_MODEL_STEPS } : {}),
    },
  });
  const verdict = judge(res, doctestCounts(res.output));
  const faults = lastMatch(res.output, /\[chaos paging\] page faults resolved by fault-and-retry: (\d+)/g);
  const problem = !faults
    ? 'no chaos-paging fault count printed (was the mode on?)'
    : chaosMustFault.includes(area) && Number(faults[1]) === 0
      ? 'chaos paging resolved no page fault'
      : '';
  if (problem) {
    verdict.failed += 1;
    verdict.note = `${verdict.passed} passed, ${verdict.failed} failed; ${problem}`;
  }
  record(name, verdict);
}

const nodeTestFile = /(^test\.[cm]?js$)|(^test-.*\.[cm]?js$)|([.\-_]test\.[cm]?js$)/;

function hasTestFiles(dir) {
  if (!fs.existsSync(dir)) return false;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() ? hasTestFiles(full) : nodeTestFile.test(entry.name)) return true;
  }
  return false;
}

let jsBuilt = null; // result of `npm run build:js`, run at most once

async function buildJsPackage() {
  if (jsBuilt === null) {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
    jsBuilt = pkg.scripts && pkg.scripts['build:js']
      ? await buildStep('js/build:js', 'npm', ['run', '--silent', 'build:js'])
      : true;
  }
  return jsBuilt;
}

async function nodeTestPart(name, files, env = {}, options = []) {
  if (!(await buildJsPackage())) {
    record(name, { failed: 1, note: 'not run: npm run build:js failed' });
    return;
  }
  console.log(`run   ${name}`);
  const res = await run(nodeBin, ['--test', '--test-reporter=spec', ...options, ...files], { echo: true, timeoutMs: suiteTimeoutMs, env });
  record(name, judge(res, nodeTestCounts(res.output)));
}

// The JS suites that open replicated databases, again in chaos paging (header).
async function jsChaosPart() {
  const files = jsChaosFiles.filter((f) => fs.existsSync(path.join(repo, f)));
  const name = 'js/replicas (chaos paging)';
  console.log(`run   ${name}`);
  const res = await run(nodeBin, ['--test', '--test-reporter=spec', ...files],
    { echo: true, timeoutMs: suiteTimeoutMs, env: { PD_CHAOS_PAGING: '1' } });
  const verdict = judge(res, nodeTestCounts(res.output));
  if (!verdict.failed && !res.output.split('\n').some((line) => line.includes('\u2714 ' + jsChaosWitness))) {
    verdict.failed = 1;
    verdict.note = `"${jsChaosWitness}" did not pass (was the mode on?)`;
  }
  record(name, verdict);
}

// ESLint over lintDirs: one passed test when clean, else one failed test per error reported.
async function lintPart() {
  const eslint = path.join(repo, 'node_modules', 'eslint', 'bin', 'eslint.js');
  if (!fs.existsSync(eslint)) {
    record('lint', { failed: 1, note: 'eslint is not installed (npm ci)' });
    return;
  }
  const res = await run(nodeBin, [eslint, '--max-warnings', '0', ...lintDirs], { echo: true, timeoutMs: suiteTimeoutMs });
  const problems = lastMatch(res.output, /(\d+) problems? \((\d+) errors?, (\d+) warnings?\)/g);
  const failed = res.code === 0 ? 0 : Math.max(1, problems ? Number(problems[2]) + Number(problems[3]) : 1);
  record('lint', { passed: failed ? 0 : 1, failed, ms: res.ms, cpuMs: res.cpuMs,
    note: res.code === 0 || problems ? '' : `eslint failed (${exitText(res)})` });
  const format = await run('bash', ['scripts/check-format.sh'], { echo: true, timeoutMs: suiteTimeoutMs });
  record('lint/c++ format', { passed: format.code === 0 ? 1 : 0, failed: format.code === 0 ? 0 : 1,
    ms: format.ms, cpuMs: format.cpuMs });
  const commits = await run(nodeBin, ['scripts/check-commits.mjs'], { echo: true, timeoutMs: suiteTimeoutMs });
  record('lint/commit subjects', { passed: commits.code === 0 ? 1 : 0, failed: commits.code === 0 ? 0 : 1,
    ms: commits.ms, cpuMs: commits.cpuMs });
  const layers = await run(nodeBin, ['scripts/check-layers.mjs'], { echo: true, timeoutMs: suiteTimeoutMs });
  record('lint/core layers', { passed: layers.code === 0 ? 1 : 0, failed: layers.code === 0 ? 0 : 1,
    ms: layers.ms, cpuMs: layers.cpuMs });
}

// -------------------------------------------------------------------- main

async function main() {
  const { parts, areas: onlyAreas, engines } = parseArgs(process.argv.slice(2));
  const areas = testAreas(onlyAreas);
  areas.explicit = onlyAreas.length > 0; // --area given: the wasm part runs those too
  const partTimes = [];
  const started = Date.now();
  const doctests = parts.includes('native') || parts.includes('wasm');
  console.log(`pocketdynamo tests: ${parts.join(', ')}` +
    (doctests ? `; doctest areas: ${areas.join(', ') || '(none)'}; builds -j${jobs}` : '') +
    (parts.includes('browser') ? `; browsers: ${engines.map((e) => e.engine + (e.lean ? ' (lean)' : '')).join(', ')}` : ''));

  heading('setup (scripts/setup.sh)');
  const setup = await run('bash', ['scripts/setup.sh'], { echo: true });
  partTimes.push(['setup', setup.ms, setup.cpuMs]);
  if (setup.code !== 0) {
    record('setup', { failed: 1, ms: setup.ms, note: `FAILED (${exitText(setup)}): cannot build or test without it` });
  } else {
    console.log(`ok    setup (${seconds(setup.ms)})`);
    for (const part of parts) {
      const partStart = Date.now();
      const partCpu = childCpuMs();
      if (part === 'lint') {
        heading(`lint: eslint ${lintDirs.join(' ')}`);
        await lintPart();
      } else if (part === 'native') {
        heading('native: build/native (Debug, AddressSanitizer + UndefinedBehaviorSanitizer)');
        await doctestPart('native', areas);
      } else if (part === 'wasm') {
        heading('wasm: build/wasm (Emscripten, Release), suites run under node');
        await doctestPart('wasm', areas);
      } else if (part === 'js') {
        heading('js: node --test tests/js/');
        if (hasTestFiles(path.join(repo, 'tests', 'js'))) {
          await nodeTestPart('js/tests', ['tests/js/']);
          if (process.env.PD_CHAOS_AREAS !== 'none') await jsChaosPart();
        } else {
          console.log('skip  no test files in tests/js');
        }
      } else if (part === 'browser') {
        const dir = path.join(repo, 'tests', 'browser');
        const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort() : [];
        for (const { engine, lean } of engines) {
          const env = { PD_BROWSER: engine };
          const engineStart = Date.now();
          const engineCpu = childCpuMs();
          if (!files.length) {
            heading(`browser: ${engine}`);
            console.log('skip  no tests/browser/*.test.js');
          } else if (lean) {
            const chosen = leanFiles.filter((f) => files.includes(`${f}.test.js`)).map((f) => `tests/browser/${f}.test.js`);
            heading(`browser: the lean suite in ${engine} (PD_BROWSER=${engine})`);
            await nodeTestPart(`browser/${engine} (lean)`, chosen, { ...env, PD_CRASH_KILLS: process.env.PD_CRASH_KILLS || leanKills });
            if (files.includes('playground.test.js')) {
              await nodeTestPart(`browser/${engine} playground smoke`, ['tests/browser/playground.test.js'], env,
                [`--test-name-pattern=${leanPlayground}`]);
            }
          } else {
            heading(`browser: node --test tests/browser/*.test.js in ${engine} (PD_BROWSER=${engine})`);
            await nodeTestPart(`browser/${engine}`, files.map((f) => `tests/browser/${f}`), env);
          }
          const cpuNow = childCpuMs();
          partTimes.push([`  ${engine}${lean ? ' lean' : ''}`, Date.now() - engineStart, engineCpu == null || cpuNow == null ? null : cpuNow - engineCpu]);
        }
      }
      const cpuNow = childCpuMs();
      partTimes.push([part, Date.now() - partStart, partCpu == null || cpuNow == null ? null : cpuNow - partCpu]);
    }
  }

  heading('summary');
  const width = Math.max(10, ...results.map((r) => r.name.length));
  for (const r of results) {
    const counts = r.note || `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
    console.log(`${r.failed ? 'FAIL' : 'PASS'}  ${r.name.padEnd(width)}  ${seconds(r.ms).padStart(7)}  ${counts}`);
  }
  for (const [part, ms, cpuMs] of partTimes) console.log(`time  ${part.padEnd(10)} ${took(ms, cpuMs)}`);
  console.log(`time  total      ${took(Date.now() - started, childCpuMs())}`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
