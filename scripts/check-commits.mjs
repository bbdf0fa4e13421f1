// The commit-subject check of `npm test` (part lint): every commit after the
// one that added this script has a subject of at most 72 characters (the
// detail goes in the body). Earlier history is left as it is.
//
//   node scripts/check-commits.mjs
//
// Exit status: 0 when they all fit (or the history is not there: says so), 1 otherwise.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const MAX = 72;
// Commits on main whose subject is over MAX, left as they are (main's history is never rewritten):
// full hash -> why it is listed. Add one only for a commit already on main.
const LANDED_LONG = new Map([
  ['0fc8dc679a147e02090c0a3c09abb09cd31b720a', '73 characters, landed on main 2026-12-07 before this check ran'],
  ['786d7ff6fce1e752e939607cb8b8f7d22d7d1b81', '73 characters, landed on main 2026-12-07 (session 7, bulk)'],
  ['dfa4557e9d5c49e945063feeedef490526cf402a', '74 characters, landed on main 2026-12-07 (session 9, storage)'],
  ['29db74b2c46de66b3e48231bb3d895714d10fb90', '73 characters, landed on main 2026-12-07 (session 9, lead)'],
]);

let base = '';
try {
  base = git('log', '--diff-filter=A', '--format=%H', '--', 'scripts/check-commits.mjs').split('\n').pop();
  if (base) git('cat-file', '-e', `${base}^{commit}`);
} catch {
  base = '';
}
if (!base) {
  console.log('check-commits: the commit that added this script is not in the history (shallow clone?): skipped');
  process.exit(0);
}
const long = git('log', '--format=%h%x00%s%x00%H', `${base}..HEAD`).split('\n').filter(Boolean)
  .map((line) => line.split('\0'))
  .filter(([, subject, full]) => [...subject].length > MAX && !LANDED_LONG.has(full));
if (long.length > 0) {
  console.log(`check-commits: commit subjects longer than ${MAX} characters (put the detail in the body):`);
  for (const [hash, subject] of long) console.log(`  ${hash} (${[...subject].length}): ${subject}`);
  process.exit(1);
}
console.log(`check-commits: every subject since ${base.slice(0, 12)} fits in ${MAX} characters`);
