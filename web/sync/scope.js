// The scope of a sync as a test on keys (docs/sync.md): the whole table,
// a set of partition key values, or a Query's key condition on the table
// (pk = :v [AND sk =|<|<=|>|>= :v | sk BETWEEN :a AND :b |
// begins_with(sk, :p)]), evaluated here on the keys of local items so that
// what the Query would not return is neither pulled nor pushed.

import { bytesFromBase64 } from '../base64.js';
import { PocketDynamoError } from '../errors.js';
import { compareN } from './numbers.js';

const utf8 = new TextEncoder();

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

// -1/0/1 as DynamoDB orders two values of one scalar type; null when the types differ.
function compare(a, b) {
  const [ta] = Object.keys(a ?? {});
  const [tb] = Object.keys(b ?? {});
  if (ta === undefined || ta !== tb) return null;
  if (ta === 'N') return compareN(a.N, b.N);
  if (ta === 'S') return Math.sign(compareBytes(utf8.encode(a.S), utf8.encode(b.S)));
  if (ta === 'B') return Math.sign(compareBytes(bytesFromBase64(a.B), bytesFromBase64(b.B)));
  return null;
}

const NAME = '(#?[A-Za-z0-9_.-]+)';
const VALUE = '(:[A-Za-z0-9_]+)';
const PATTERNS = [
  [new RegExp(`^begins_with\\s*\\(\\s*${NAME}\\s*,\\s*${VALUE}\\s*\\)`, 'i'), (m) => ({ name: m[1], op: 'begins_with', values: [m[2]] })],
  [new RegExp(`^${NAME}\\s+BETWEEN\\s+${VALUE}\\s+AND\\s+${VALUE}`, 'i'), (m) => ({ name: m[1], op: 'between', values: [m[2], m[3]] })],
  [new RegExp(`^${NAME}\\s*(<=|>=|=|<|>)\\s*${VALUE}`), (m) => ({ name: m[1], op: m[2], values: [m[3]] })],
];

/**
 * The key test of a Query scope { KeyConditionExpression,
 * ExpressionAttributeNames, ExpressionAttributeValues } (values in wire
 * form): key -> boolean. Throws PocketDynamoError for what it cannot read.
 */
export function keyConditionTest(query, keyNames) {
  const text = String(query.KeyConditionExpression ?? '').trim();
  const names = query.ExpressionAttributeNames ?? {};
  const values = query.ExpressionAttributeValues ?? {};
  const conditions = [];
  let rest = text;
  while (rest.length > 0) {
    const found = PATTERNS.map(([re, make]) => [re.exec(rest), make]).find(([m]) => m !== null);
    if (!found) {
      throw new PocketDynamoError(`db.sync(): scope.query: cannot read the key condition at "${rest}" ` +
          '(supported: pk = :v, optionally AND one sort key condition)');
    }
    const [m, make] = found;
    const c = make(m);
    c.attr = c.name.startsWith('#') ? names[c.name] : c.name;
    if (c.attr === undefined) throw new PocketDynamoError(`db.sync(): scope.query: ${c.name} is not in ExpressionAttributeNames`);
    c.operands = c.values.map((v) => {
      if (!(v in values)) throw new PocketDynamoError(`db.sync(): scope.query: ${v} is not in ExpressionAttributeValues`);
      return values[v];
    });
    conditions.push(c);
    rest = rest.slice(m[0].length).trim();
    if (rest.length > 0) {
      const and = /^AND\s+/i.exec(rest);
      if (!and) throw new PocketDynamoError(`db.sync(): scope.query: expected AND at "${rest}"`);
      rest = rest.slice(and[0].length);
    }
  }
  const pk = conditions.find((c) => c.attr === keyNames[0] && c.op === '=');
  if (!pk || conditions.length > 2 || conditions.some((c) => c !== pk && c.attr !== keyNames[1])) {
    throw new PocketDynamoError(`db.sync(): scope.query: the key condition must be ${keyNames[0]} = :value, ` +
        `optionally AND one condition on ${keyNames[1] ?? 'the sort key'}`);
  }
  return (key) => conditions.every((c) => {
    const v = key[c.attr];
    const [a, b] = c.operands;
    switch (c.op) {
      case '=': return compare(v, a) === 0;
      case '<': return compare(v, a) === -1;
      case '<=': { const r = compare(v, a); return r === -1 || r === 0; }
      case '>': return compare(v, a) === 1;
      case '>=': { const r = compare(v, a); return r === 1 || r === 0; }
      case 'between': { const lo = compare(v, a); const hi = compare(v, b); return (lo === 0 || lo === 1) && (hi === 0 || hi === -1); }
      case 'begins_with': {
        if (a?.S !== undefined && v?.S !== undefined) return v.S.startsWith(a.S);
        if (a?.B !== undefined && v?.B !== undefined) {
          const p = bytesFromBase64(a.B);
          const x = bytesFromBase64(v.B);
          return p.length <= x.length && compareBytes(p, x.subarray(0, p.length)) === 0;
        }
        return false;
      }
      default: return false;
    }
  });
}
