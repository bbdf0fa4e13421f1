// The document API over one table: plain JS values in and out, generic over
// the item type (and the key type, by default a partial item).
//
//   interface Order { pk: string; sk: string; status: string; total: number; tags?: Set<string> }
//   const orders = db.table<Order>('Orders');
//   const o: Order | undefined = await orders.get({ pk: 'u#1', sk: 'o#1' });

import type { MarshallOptions, UnmarshallOptions } from './marshall.js';

/** A document path: a top-level attribute name, or [name, ...map keys / list indexes]. */
export type Path = string | [string, ...(string | number)[]];

/** One test on an attribute (several keys in one test are ANDed). */
export interface Test<V = unknown> {
  eq?: V; ne?: V; lt?: V; le?: V; gt?: V; ge?: V;
  between?: [V, V];
  in?: V[];
  beginsWith?: string | Uint8Array;
  contains?: unknown;
  /** attribute_type: 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS'. */
  type?: 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS';
  /** true: attribute_exists; false: attribute_not_exists. */
  exists?: boolean;
  /** A test on size(attribute), or a number for equality. */
  size?: number | Test<number>;
  not?: Test<V>;
}

/** A raw expression with its own placeholders; values are plain JS values. */
export interface RawExpression {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/**
 * A condition: `attribute: value` (equality) or `attribute: test`, all ANDed;
 * `or` / `and` combine nested conditions. Or a raw expression.
 */
export type Condition<Item = Record<string, any>> =
  | RawExpression
  | ({ [K in keyof Item & string]?: Item[K] | Test<Item[K]> } &
      { [name: string]: unknown; or?: Condition<Item>[]; and?: Condition<Item>[] });

/** A Query key condition: the partition key's value, and at most one sort key test. */
export type KeyCondition =
  | RawExpression
  | Record<string, string | number | bigint | Uint8Array | Pick<Test, 'eq' | 'lt' | 'le' | 'gt' | 'ge' | 'between' | 'beginsWith'>>;

/** [path, value] pairs, for nested paths. */
export type PathValues = [Path, unknown][];

/** An update: sections become SET / REMOVE / ADD / DELETE clauses of one UpdateExpression. */
export type UpdateSpec<Item = Record<string, any>> = RawExpression | {
  /** SET name = value. */
  set?: Partial<Item> | PathValues;
  /** SET name = if_not_exists(name, value). */
  setIfNotExists?: Partial<Item> | PathValues;
  /** ADD: adds to a number (created as the value if missing) or unions into a set. */
  add?: { [K in keyof Item & string]?: number | bigint | Item[K] } | PathValues;
  /** REMOVE these attributes / paths (one name, or an array of paths). */
  remove?: (keyof Item & string) | Path[];
  /** DELETE: removes these elements from a set. */
  delete?: { [K in keyof Item & string]?: Item[K] } | PathValues;
  /** SET name = list_append(name or [], values): values go at the end of a list. */
  append?: Record<string, unknown> | PathValues;
  /** SET name = list_append(values, name or []): values go at the front. */
  prepend?: Record<string, unknown> | PathValues;
};

/** ReturnValues of a write. */
export type ReturnValues = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

/** Extra DynamoDB request fields, merged into the request as given. */
export interface ParamsOption {
  params?: Record<string, unknown>;
}

export interface PutOptions<Item> extends ParamsOption {
  /** Fail with ConditionalCheckFailedException if an item with this key exists. */
  ifNotExists?: boolean;
  condition?: Condition<Item>;
  /** 'ALL_OLD' makes put() resolve to the replaced item. */
  returnValues?: 'NONE' | 'ALL_OLD';
}

export interface GetOptions extends ParamsOption {
  /** Strongly consistent read. */
  consistent?: boolean;
  /** Paths to return (ProjectionExpression). */
  attributes?: Path[];
}

export interface UpdateOptions<Item> extends ParamsOption {
  /** Fail with ConditionalCheckFailedException instead of creating a missing item. */
  ifExists?: boolean;
  condition?: Condition<Item>;
  /** Default 'ALL_NEW'. */
  returnValues?: ReturnValues;
}

export interface DeleteOptions<Item> extends ParamsOption {
  /** Fail with ConditionalCheckFailedException if there is no such item. */
  ifExists?: boolean;
  condition?: Condition<Item>;
  /** 'ALL_OLD' makes delete() resolve to the deleted item. */
  returnValues?: 'NONE' | 'ALL_OLD';
}

export interface ReadOptions<Item, Key> extends ParamsOption {
  /** A secondary index to read instead of the table. */
  index?: string;
  /** FilterExpression: applied after reading, before returning. */
  filter?: Condition<Item>;
  /** Most items to evaluate in this page. */
  limit?: number;
  consistent?: boolean;
  attributes?: Path[];
  /** The lastKey of the previous page. */
  startKey?: Key;
  select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
}

export interface QueryOptions<Item, Key> extends ReadOptions<Item, Key> {
  /** Descending sort key order (ScanIndexForward = false). */
  reverse?: boolean;
}

export interface ScanOptions<Item, Key> extends ReadOptions<Item, Key> {
  /** Parallel scan: this worker's segment, of totalSegments. */
  segment?: number;
  totalSegments?: number;
}

/** One page of a Query or Scan. */
export interface Page<Item, Key> {
  items: Item[];
  count: number;
  scannedCount: number;
  /** Pass as startKey for the next page; undefined on the last page. */
  lastKey: Key | undefined;
}

export interface TableOptions {
  marshallOptions?: MarshallOptions;
  unmarshallOptions?: UnmarshallOptions;
}

export declare class Table<Item extends object = Record<string, any>, Key extends object = Partial<Item>> {
  /** Use db.table(name, options). */
  constructor(db: { send(operation: string, input?: object): Promise<any> }, name: string, options?: TableOptions);
  /** The table's name. */
  readonly name: string;

  /** Writes a whole item (replacing any with its key). Resolves to the old item with returnValues 'ALL_OLD'. */
  put(item: Item, options?: PutOptions<Item>): Promise<Item | undefined>;
  /** Reads one item by its full key: the item, or undefined when there is none. */
  get(key: Key, options?: GetOptions): Promise<Item | undefined>;
  /** Changes attributes of one item; resolves to the new item (returnValues 'ALL_NEW' by default). */
  update(key: Key, spec: UpdateSpec<Item>, options?: UpdateOptions<Item>): Promise<Item | undefined>;
  /** Deletes one item by its full key. Resolves to the deleted item with returnValues 'ALL_OLD'. */
  delete(key: Key, options?: DeleteOptions<Item>): Promise<Item | undefined>;
  /** One page of a Query. */
  query(keyCondition: KeyCondition, options?: QueryOptions<Item, Key>): Promise<Page<Item, Key>>;
  /** Every item of a Query, across pages. */
  queryAll(keyCondition: KeyCondition, options?: QueryOptions<Item, Key>): AsyncGenerator<Item, void, undefined>;
  /** One page of a Scan. */
  scan(options?: ScanOptions<Item, Key>): Promise<Page<Item, Key>>;
  /** Every item of a Scan, across pages. */
  scanAll(options?: ScanOptions<Item, Key>): AsyncGenerator<Item, void, undefined>;
}
