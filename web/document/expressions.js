// Builds DynamoDB expressions from small plain-object specs, always through
// #name / :value placeholders, so reserved words (status, count, name...) and
// odd attribute names (dots, spaces, '__proto__') need no care from callers.
//
// Paths
//   'status'                 one top-level attribute, named exactly so (dots included)
//   ['address', 'city']      nested: map keys are strings, list indexes numbers
//   ['items', 0, 'qty']
//
// Conditions (ConditionExpression, FilterExpression): an object whose entries
// are ANDed, each `name: test`:
//   value                     name = value
//   { eq | ne | lt | le | gt | ge: v }     comparison (several keys are ANDed)
//   { between: [lo, hi] }     { in: [a, b, ...] }
//   { beginsWith: 'x' }       { contains: v }      { type: 'S' }
//   { exists: true | false }  { size: <test> }     e.g. { size: { gt: 3 } }
//   { not: <test> }
// An object counts as a test only if all its keys are test keys; to compare
// against a map that looks like one, write { eq: theMap }. Alternatives:
//   { or: [cond, cond, ...] } and { and: [...] } at the top level (and nested),
//   or a raw expression: { expression: 'a > :x', names: {...}, values: {...} }
//   (values there are plain JS values, marshalled like everything else).
//
// Key conditions (Query): { userId: 'u#1', orderId: { beginsWith: 'o#' } }
//   equality for the partition key; for the sort key one of eq, lt, le, gt,
//   ge, between, beginsWith.
//
// Updates: { set, setIfNotExists, add, remove, delete, append, prepend }
//   set / setIfNotExists / add / delete / append / prepend take either an object
//   { name: value } (top-level names) or an array of [path, value] pairs;
//   remove takes an array of paths, or one attribute name: remove: ['tmp', ['a', 'b']].
//   add: numbers add, sets union;  delete: removes Set elements;
//   append/prepend: list_append onto a list (created empty if missing).

import { convertToAttr, setOwn } from './marshall.js';

const TEST_KEYS = new Set([
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'in', 'beginsWith', 'contains',
  'type', 'exists', 'size', 'not',
]);
const COMPARATORS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** True for a plain object all of whose keys are test keys. */
function isTest(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => TEST_KEYS.has(k));
}

/** Entries of an update section: an object (top-level names) or [path, value] pairs. */
function entriesOf(section, what) {
  if (Array.isArray(section)) {
    for (const pair of section) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`${what}: each entry must be a [path, value] pair`);
      }
    }
    return section;
  }
  if (section !== null && typeof section === 'object') {
    return Object.keys(section).map((k) => [k, section[k]]);
  }
  throw new TypeError(`${what} must be an object or an array of [path, value] pairs`);
}

/**
 * The placeholders of one request: every expression in a request shares the
 * same ExpressionAttributeNames / ExpressionAttributeValues.
 */
export class ExpressionContext {
  #names = new Map();      // attribute name -> '#nK'
  #valueCount = 0;
  #marshallOptions;
  /** ExpressionAttributeNames: placeholder -> name. */
  names = {};
  /** ExpressionAttributeValues: placeholder -> attribute value. */
  values = {};

  constructor(marshallOptions) {
    this.#marshallOptions = marshallOptions;
  }

  /** '#nK' for an attribute name (one placeholder per distinct name). */
  name(name) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`An attribute name must be a non-empty string, got ${String(name)}`);
    }
    let placeholder = this.#names.get(name);
    if (placeholder === undefined) {
      placeholder = `#n${this.#names.size}`;
      this.#names.set(name, placeholder);
      this.names[placeholder] = name;
    }
    return placeholder;
  }

  /** ':vK' for a JS value, marshalled with the table's options. */
  value(value) {
    const placeholder = `:v${this.#valueCount++}`;
    this.values[placeholder] = convertToAttr(value, this.#marshallOptions);
    return placeholder;
  }

  /** A document path: 'a' -> '#n0'; ['a', 2, 'b'] -> '#n0[2].#n1'. */
  path(path) {
    if (typeof path === 'string') return this.name(path);
    if (!Array.isArray(path) || path.length === 0 || typeof path[0] !== 'string') {
      throw new TypeError('A path is an attribute name or an array starting with one');
    }
    let out = '';
    for (const part of path) {
      if (typeof part === 'number') {
        if (!Number.isInteger(part) || part < 0) throw new TypeError(`Bad list index in path: ${part}`);
        out += `[${part}]`;
      } else {
        out += (out === '' ? '' : '.') + this.name(part);
      }
    }
    return out;
  }

  /** Adds a raw expression's own names/values; returns its text unchanged. */
  raw({ expression, names, values }) {
    if (typeof expression !== 'string') throw new TypeError('A raw expression needs an expression string');
    for (const key of Object.keys(names ?? {})) setOwn(this.names, key, names[key]);
    for (const key of Object.keys(values ?? {})) {
      setOwn(this.values, key, convertToAttr(values[key], this.#marshallOptions));
    }
    return expression;
  }

  /** Attaches ExpressionAttributeNames/Values to a request when non-empty. */
  applyTo(request) {
    if (Object.keys(this.names).length > 0) request.ExpressionAttributeNames = this.names;
    if (Object.keys(this.values).length > 0) request.ExpressionAttributeValues = this.values;
    return request;
  }
}

/** A condition spec -> ConditionExpression / FilterExpression text. */
export function buildCondition(ctx, spec) {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError('A condition is an object of { attribute: test }');
  }
  if (typeof spec.expression === 'string') return ctx.raw(spec);
  const parts = [];
  for (const key of Object.keys(spec)) {
    const value = spec[key];
    if ((key === 'or' || key === 'and') && Array.isArray(value)) {
      if (value.length === 0) throw new TypeError(`${key}: needs at least one condition`);
      const joined = value.map((c) => `(${buildCondition(ctx, c)})`).join(key === 'or' ? ' OR ' : ' AND ');
      parts.push(value.length === 1 ? joined : `(${joined})`);
      continue;
    }
    parts.push(buildTest(ctx, ctx.path(key), value));
  }
  if (parts.length === 0) throw new TypeError('A condition needs at least one test');
  return parts.join(' AND ');
}

function buildTest(ctx, operand, test) {
  if (!isTest(test)) return `${operand} = ${ctx.value(test)}`;
  const parts = [];
  for (const op of Object.keys(test)) {
    const arg = test[op];
    if (op in COMPARATORS) {
      parts.push(`${operand} ${COMPARATORS[op]} ${ctx.value(arg)}`);
    } else if (op === 'between') {
      if (!Array.isArray(arg) || arg.length !== 2) throw new TypeError('between takes [low, high]');
      parts.push(`${operand} BETWEEN ${ctx.value(arg[0])} AND ${ctx.value(arg[1])}`);
    } else if (op === 'in') {
      if (!Array.isArray(arg) || arg.length === 0) throw new TypeError('in takes a non-empty array');
      parts.push(`${operand} IN (${arg.map((v) => ctx.value(v)).join(', ')})`);
    } else if (op === 'beginsWith') {
      parts.push(`begins_with(${operand}, ${ctx.value(arg)})`);
    } else if (op === 'contains') {
      parts.push(`contains(${operand}, ${ctx.value(arg)})`);
    } else if (op === 'type') {
      parts.push(`attribute_type(${operand}, ${ctx.value(arg)})`);
    } else if (op === 'exists') {
      parts.push(arg ? `attribute_exists(${operand})` : `attribute_not_exists(${operand})`);
    } else if (op === 'size') {
      if (operand.startsWith('size(')) throw new TypeError('size cannot be nested');
      parts.push(buildTest(ctx, `size(${operand})`, isTest(arg) ? arg : { eq: arg }));
    } else if (op === 'not') {
      parts.push(`NOT (${buildTest(ctx, operand, arg)})`);
    }
  }
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

const SORT_KEY_TESTS = new Set(['eq', 'lt', 'le', 'gt', 'ge', 'between', 'beginsWith']);

/** A key condition spec -> KeyConditionExpression text. */
export function buildKeyCondition(ctx, spec) {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError('A key condition is an object like { pk: value, sk: { beginsWith: x } }');
  }
  if (typeof spec.expression === 'string') return ctx.raw(spec);
  const keys = Object.keys(spec);
  if (keys.length === 0 || keys.length > 2) {
    throw new TypeError('A key condition names the partition key and at most the sort key');
  }
  return keys.map((key) => {
    const test = spec[key];
    if (isTest(test)) {
      const ops = Object.keys(test);
      if (ops.length !== 1 || !SORT_KEY_TESTS.has(ops[0])) {
        throw new TypeError(`Key condition on ${key}: use one of ${[...SORT_KEY_TESTS].join(', ')}`);
      }
    }
    return buildTest(ctx, ctx.path(key), test);
  }).join(' AND ');
}

/** An update spec -> UpdateExpression text. */
export function buildUpdate(ctx, spec) {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError('An update is an object like { set: {...}, add: {...}, remove: [...] }');
  }
  if (typeof spec.expression === 'string') return ctx.raw(spec);
  const set = [];
  const add = [];
  const del = [];
  const remove = [];
  for (const section of Object.keys(spec)) {
    const body = spec[section];
    if (body === undefined) continue;
    switch (section) {
      case 'set':
        for (const [p, v] of entriesOf(body, 'set')) set.push(`${ctx.path(p)} = ${ctx.value(v)}`);
        break;
      case 'setIfNotExists':
        for (const [p, v] of entriesOf(body, 'setIfNotExists')) {
          const path = ctx.path(p);
          set.push(`${path} = if_not_exists(${path}, ${ctx.value(v)})`);
        }
        break;
      case 'append':
      case 'prepend':
        for (const [p, v] of entriesOf(body, section)) {
          const path = ctx.path(p);
          const list = ctx.value(Array.isArray(v) ? v : [v]);
          const existing = `if_not_exists(${path}, ${ctx.value([])})`;
          set.push(section === 'append'
            ? `${path} = list_append(${existing}, ${list})`
            : `${path} = list_append(${list}, ${existing})`);
        }
        break;
      case 'add':
        for (const [p, v] of entriesOf(body, 'add')) add.push(`${ctx.path(p)} ${ctx.value(v)}`);
        break;
      case 'delete':
        for (const [p, v] of entriesOf(body, 'delete')) del.push(`${ctx.path(p)} ${ctx.value(v)}`);
        break;
      case 'remove': {
        const paths = typeof body === 'string' ? [body] : body;
        if (!Array.isArray(paths)) throw new TypeError('remove takes an array of paths');
        for (const p of paths) remove.push(ctx.path(p));
        break;
      }
      default:
        throw new TypeError(`Unknown update section '${section}' (use set, setIfNotExists, add, ` +
            'remove, delete, append, prepend, or expression)');
    }
  }
  const clauses = [];
  if (set.length) clauses.push(`SET ${set.join(', ')}`);
  if (remove.length) clauses.push(`REMOVE ${remove.join(', ')}`);
  if (add.length) clauses.push(`ADD ${add.join(', ')}`);
  if (del.length) clauses.push(`DELETE ${del.join(', ')}`);
  if (clauses.length === 0) throw new TypeError('An update needs at least one action');
  return clauses.join(' ');
}

/** ProjectionExpression for a list of paths. */
export function buildProjection(ctx, paths) {
  if (!Array.isArray(paths) || paths.length === 0) {
    throw new TypeError('attributes must be a non-empty array of paths');
  }
  return paths.map((p) => ctx.path(p)).join(', ');
}
