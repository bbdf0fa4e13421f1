// Plain JS values <-> DynamoDB attribute values, as @aws-sdk/util-dynamodb.

/** One DynamoDB attribute value in DynamoDB JSON. B/BS are Uint8Array (or base64 text on the wire). */
export type AttributeValue =
  | { S: string } | { N: string } | { B: Uint8Array | string } | { BOOL: boolean } | { NULL: true }
  | { L: AttributeValue[] } | { M: Record<string, AttributeValue> }
  | { SS: string[] } | { NS: string[] } | { BS: (Uint8Array | string)[] };

/** A DynamoDB item or key: attribute name -> attribute value. */
export type AttributeMap = Record<string, AttributeValue>;

/** Options for JS -> DynamoDB (as util-dynamodb's marshallOptions). */
export interface MarshallOptions {
  /** '' , empty binary and empty sets become NULL instead of failing. */
  convertEmptyValues?: boolean;
  /** undefined in maps, lists and sets is dropped instead of failing. */
  removeUndefinedValues?: boolean;
  /** Objects of other classes are stored as maps of their own enumerable properties. */
  convertClassInstanceToMap?: boolean;
  /** Numbers beyond Number.MAX_SAFE_INTEGER are accepted (stored as JS prints them). */
  allowImpreciseNumbers?: boolean;
  /** marshall() keeps a top-level object/array wrapped as {M}/{L}. */
  convertTopLevelContainer?: boolean;
}

/** Options for DynamoDB -> JS (as util-dynamodb's unmarshallOptions). */
export interface UnmarshallOptions {
  /** true: every N becomes a NumberValue; a function: N text -> whatever it returns. */
  wrapNumbers?: boolean | ((value: string) => unknown);
  /** unmarshall() takes one attribute value instead of an item. */
  convertWithoutMapWrapper?: boolean;
}

/** An exact DynamoDB number kept as its decimal text. */
export declare class NumberValue {
  /** From decimal text (preferred), a safe number, a bigint, or { N }. Throws for imprecise numbers. */
  constructor(value: string | number | bigint | { N: string });
  static from(value: string | number | bigint | { N: string }): NumberValue;
  /** The decimal text. */
  readonly value: string;
  toAttributeValue(): { N: string };
  toBigInt(): bigint;
  toString(): string;
  valueOf(): string;
}

/** A JS object -> a DynamoDB item. */
export declare function marshall(data: Record<string, unknown> | Map<string, unknown>, options?: MarshallOptions): AttributeMap;
export declare function marshall(data: unknown, options?: MarshallOptions): AttributeMap | AttributeValue | AttributeValue[];
/** A DynamoDB item -> a JS object (every name, even '__proto__', an own property). */
export declare function unmarshall<T = Record<string, any>>(data: AttributeMap, options?: UnmarshallOptions): T;
/** One JS value -> one attribute value. */
export declare function convertToAttr(data: unknown, options?: MarshallOptions): AttributeValue;
/** One attribute value -> one JS value. */
export declare function convertToNative(data: AttributeValue, options?: UnmarshallOptions): any;
