// Plain JS values <-> DynamoDB attribute values, with the same rules and
// options as @aws-sdk/util-dynamodb (marshall / unmarshall / convertToAttr /
// convertToNative / NumberValue), so code moving between pocketdynamo and the
// AWS SDK sees the same values:
//
//   JS value                          attribute value
//   ------------------------------    ---------------------------------------
//   string                            {S}     ('' -> {NULL:true} with convertEmptyValues)
//   number, Number                    {N}     (NaN/Infinity throw; beyond
//                                              Number.MAX_SAFE_INTEGER throws unless
//                                              allowImpreciseNumbers)
//   bigint                            {N}     exact
//   NumberValue                       {N}     exact decimal text, e.g. '0.1000000000000000000001'
//   boolean, Boolean                  {BOOL}
//   null                              {NULL: true}
//   Uint8Array and other binary       {B}     (Uint8Array; base64 on the wire)
//   Array                             {L}
//   plain object, Map, null-proto obj {M}     (class instances need convertClassInstanceToMap)
//   Set of string / number / bigint / {SS} / {NS} / {BS}; an empty Set throws unless
//   NumberValue / binary                      convertEmptyValues
//   undefined                         throws, or is dropped from maps/lists/sets with
//                                     removeUndefinedValues
//
// Unmarshalling: N becomes a number, or a BigInt for integers beyond the safe
// range (a non-integer beyond it throws); with wrapNumbers every N becomes a
// NumberValue (or whatever a wrapNumbers function returns). B becomes a
// Uint8Array whether it arrives as bytes or as base64 text. SS/NS/BS become Sets.
//
// Differences from util-dynamodb, all on purpose: attribute names are taken
// from an object's OWN enumerable keys (not inherited ones), and every map is
// built so that any name — '__proto__', 'constructor', 'toString' —
// round-trips as an ordinary own property and nothing can reach
// Object.prototype.

import { bytesFromBase64 } from '../base64.js';

/**
 * An exact DynamoDB number kept as its decimal text, for values a JS number
 * cannot hold exactly (as @aws-sdk/util-dynamodb's NumberValue).
 */
export class NumberValue {
  constructor(value) {
    if (typeof value === 'object' && value !== null && 'N' in value) {
      this.value = String(value.N);
    } else {
      this.value = String(value);
    }
    const primitive = typeof value?.valueOf() === 'number' ? value.valueOf() : 0;
    if (primitive > Number.MAX_SAFE_INTEGER || primitive < Number.MIN_SAFE_INTEGER ||
        Math.abs(primitive) === Infinity || Number.isNaN(primitive)) {
      throw new Error(
        `NumberValue should not be initialized with an imprecise number=${primitive}. Use a string instead.`);
    }
  }

  static from(value) { return new NumberValue(value); }
  toAttributeValue() { return { N: this.toString() }; }
  toBigInt() { return BigInt(this.toString()); }
  toString() { return String(this.value); }
  valueOf() { return this.toString(); }
}

const BINARY_TYPES = new Set([
  'ArrayBuffer', 'Blob', 'Buffer', 'DataView', 'File', 'Int8Array', 'Uint8Array',
  'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);

/** True for the binary types util-dynamodb accepts as B. */
export function isBinary(data) {
  return BINARY_TYPES.has(className(data));
}

// The name of the class of an object, read from its prototype so that an own
// property named 'constructor' (a legal attribute name) cannot fake or hide it.
// undefined for primitives and null-prototype objects.
function className(data) {
  if (data === null || (typeof data !== 'object' && typeof data !== 'function')) return undefined;
  return Object.getPrototypeOf(data)?.constructor?.name;
}

function isNumberValue(data) {
  // Also accepts @aws-sdk/util-dynamodb's own NumberValue.
  return data instanceof NumberValue ||
      (className(data) === 'NumberValue' && typeof data.toAttributeValue === 'function');
}

/** Sets obj[key] = value as an own data property, whatever key is (even '__proto__'). */
export function setOwn(obj, key, value) {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

const UNDEFINED_MESSAGE =
  'Pass options.removeUndefinedValues=true to remove undefined values from map/array/set.';

/** One JS value -> one attribute value ({S: ...}, {M: ...}, ...). */
export function convertToAttr(data, options) {
  if (data === undefined) throw new Error(UNDEFINED_MESSAGE);
  if (data === null) return { NULL: true };
  if (Array.isArray(data)) return listToAttr(data, options);
  const ctor = className(data);
  if (ctor === 'Set') return setToAttr(data, options);
  if (ctor === 'Map') return mapToAttr(data.entries(), options);
  if (typeof data === 'object' && (ctor === 'Object' || Object.getPrototypeOf(data) === null)) {
    return mapToAttr(Object.keys(data).map((k) => [k, data[k]]), options);
  }
  if (isBinary(data)) {
    if (binaryLength(data) === 0 && options?.convertEmptyValues) return { NULL: true };
    return { B: toBytes(data) };
  }
  if (typeof data === 'boolean' || ctor === 'Boolean') return { BOOL: data.valueOf() };
  if (typeof data === 'number' || ctor === 'Number') return numberToAttr(data, options);
  if (isNumberValue(data)) return data.toAttributeValue();
  if (typeof data === 'bigint') return { N: data.toString() };
  if (typeof data === 'string' || ctor === 'String') {
    if (data.length === 0 && options?.convertEmptyValues) return { NULL: true };
    return { S: data.toString() };
  }
  if (options?.convertClassInstanceToMap && typeof data === 'object') {
    return mapToAttr(Object.keys(data).map((k) => [k, data[k]]), options);
  }
  throw new Error(`Unsupported type passed: ${String(data)}. Pass options.convertClassInstanceToMap=true ` +
      'to marshall typeof object as map attribute.');
}

function listToAttr(list, options) {
  const out = [];
  for (const item of list) {
    if (typeof item === 'function') continue;
    if (item === undefined && options?.removeUndefinedValues) continue;
    out.push(convertToAttr(item, options));
  }
  return { L: out };
}

function mapToAttr(entries, options) {
  const out = {};
  for (const [key, value] of entries) {
    if (typeof value === 'function') continue;
    if (value === undefined && options?.removeUndefinedValues) continue;
    setOwn(out, String(key), convertToAttr(value, options));
  }
  return { M: out };
}

function setToAttr(set, options) {
  let values = [...set];
  if (options?.removeUndefinedValues) values = values.filter((v) => v !== undefined);
  else if (values.includes(undefined)) throw new Error(UNDEFINED_MESSAGE);
  if (values.length === 0) {
    if (options?.convertEmptyValues) return { NULL: true };
    throw new Error('Pass a non-empty set, or options.convertEmptyValues=true.');
  }
  const first = values[0];
  if (isNumberValue(first)) return { NS: values.map((v) => v.toString()) };
  if (typeof first === 'number') return { NS: values.map((v) => numberToAttr(v, options).N) };
  if (typeof first === 'bigint') return { NS: values.map((v) => v.toString()) };
  if (typeof first === 'string') return { SS: values.map((v) => v.toString()) };
  if (isBinary(first)) return { BS: values.map(toBytes) };
  throw new Error('Only Number Set (NS), Binary Set (BS) or String Set (SS) are allowed.');
}

function numberToAttr(num, options) {
  const text = num.toString();
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') {
    throw new Error(`Special numeric value ${text} is not allowed`);
  }
  if (!options?.allowImpreciseNumbers) {
    const advice = 'Use NumberValue from @aws-sdk/lib-dynamodb.';
    if (Number(num) > Number.MAX_SAFE_INTEGER) {
      throw new Error(`Number ${text} is greater than Number.MAX_SAFE_INTEGER. ${advice}`);
    }
    if (Number(num) < Number.MIN_SAFE_INTEGER) {
      throw new Error(`Number ${text} is lesser than Number.MIN_SAFE_INTEGER. ${advice}`);
    }
  }
  return { N: text };
}

function binaryLength(data) {
  if (typeof data.byteLength === 'number') return data.byteLength;
  return data.size ?? data.length ?? 0;  // Blob / File
}

/** The bytes of a binary value as a Uint8Array (a view where possible, no copy). */
function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`Binary value of type ${className(data)} must be read into a Uint8Array first`);
}

/**
 * A JS object -> a DynamoDB item (attribute name -> attribute value). With
 * convertTopLevelContainer a top-level object or array stays wrapped ({M}/{L});
 * a top-level scalar gives its attribute value.
 */
export function marshall(data, options) {
  const attr = convertToAttr(data, options);
  if ('M' in attr && !options?.convertTopLevelContainer) return attr.M;
  if ('L' in attr && !options?.convertTopLevelContainer) return attr.L;
  return attr;
}

/** One attribute value -> one JS value. */
export function convertToNative(data, options) {
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (value === undefined) continue;
    switch (key) {
      case 'NULL': return null;
      case 'BOOL': return Boolean(value);
      case 'N': return convertNumber(value, options);
      case 'B': return convertBinary(value);
      case 'S': return value;
      case 'L': return value.map((item) => convertToNative(item, options));
      case 'M': return convertMap(value, options);
      case 'NS': return new Set(value.map((item) => convertNumber(item, options)));
      case 'BS': return new Set(value.map(convertBinary));
      case 'SS': return new Set(value);
      default: throw new Error(`Unsupported type passed: ${key}`);
    }
  }
  throw new Error(`No value defined: ${JSON.stringify(data)}`);
}

function convertMap(map, options) {
  const out = {};
  for (const key of Object.keys(map)) setOwn(out, key, convertToNative(map[key], options));
  return out;
}

function convertNumber(text, options) {
  if (typeof options?.wrapNumbers === 'function') return options.wrapNumbers(text);
  if (options?.wrapNumbers) return NumberValue.from(text);
  const num = Number(text);
  if ((num > Number.MAX_SAFE_INTEGER || num < Number.MIN_SAFE_INTEGER) && Number.isFinite(num)) {
    try {
      return BigInt(text);
    } catch {
      throw new Error(`${text} can't be converted to BigInt. Set options.wrapNumbers to get string value.`);
    }
  }
  return num;
}

function convertBinary(value) {
  return typeof value === 'string' ? bytesFromBase64(value) : value;
}

/**
 * A DynamoDB item -> a JS object. With convertWithoutMapWrapper, data is one
 * attribute value rather than an item.
 */
export function unmarshall(data, options) {
  if (options?.convertWithoutMapWrapper) return convertToNative(data, options);
  return convertToNative({ M: data }, options);
}
