// The include check of `npm test` (part lint): every #include "layer/..."
// in core/ goes down the layer map of docs/design.md ("What each core layer
// may include"), never up or sideways. A folder of core/ not in the map is
// reported, not failed, until it is added here and in docs/design.md.
//
//   node scripts/check-layers.mjs
//
// Exit status: 0 when every include is allowed, 1 otherwise (each listed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = path.join(repo, 'core');

// layer -> the layers its files may include (besides its own).
const MAY_INCLUDE = {
  util: [],
  value: ['util'],
  keys: ['util', 'value'],
  pager: ['util'],
  btree: ['util', 'pager'],
  table: ['util', 'value', 'keys', 'pager', 'btree'],
  expr: ['util', 'value'],
  api: ['util', 'value', 'keys', 'pager', 'btree', 'table', 'expr', 'partiql'],
  partiql: ['util', 'value'],  // and of api/ two headers (SHARED_HEADERS)
};

// Single api/ headers a lower layer may include: api/messages.h (DynamoDB's
// shared message texts; it includes nothing of the core) for the texts
// value/, expr/ and table/ return in a Status::Validation and partiql/ in
// its errors; api/error.h (DdbError, which includes only messages.h) for
// partiql/, whose parser fails with DynamoDB's error types.
const SHARED_HEADERS = {
  'api/messages.h': ['value', 'expr', 'table', 'partiql'],
  'api/error.h': ['partiql'],
};

const problems = [];
const unknown = new Set();
for (const layer of fs.readdirSync(core, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
  if (!Object.hasOwn(MAY_INCLUDE, layer)) {
    unknown.add(layer);
    continue;
  }
  const allowed = new Set([layer, ...MAY_INCLUDE[layer]]);
  const dir = path.join(core, layer);
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    if (!/\.(cc|h)$/.test(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const [, target] of text.matchAll(/^#include "([^"]+)"/gm)) {
      const top = target.includes('/') ? target.split('/')[0] : '(core root)';
      if (SHARED_HEADERS[target]?.includes(layer)) continue;
      if (top === '(core root)' || (Object.hasOwn(MAY_INCLUDE, top) && !allowed.has(top))) {
        problems.push(`core/${layer}/${file} includes "${target}": ${layer}/ may include ${[...allowed].join(', ')}`);
      }
    }
  }
}
for (const layer of unknown) {
  console.log(`check-layers: core/${layer}/ is not in the layer map (scripts/check-layers.mjs, docs/design.md): not checked`);
}
if (problems.length > 0) {
  console.log('check-layers: includes that go against the layer map (docs/design.md):');
  for (const p of problems) console.log(`  ${p}`);
  process.exit(1);
}
console.log('check-layers: every include in core/ follows the layer map');
