// Table: the document API over one table, on plain JS values.
//
//   const orders = db.table('Orders');
//   await orders.put({ pk: 'u#1', sk: 'o#1', status: 'new', total: 12.5 });
//   await orders.put(item, { ifNotExists: true });          // no overwrite
//   const o = await orders.get({ pk: 'u#1', sk: 'o#1' });   // item or undefined
//   await orders.update({ pk: 'u#1', sk: 'o#1' },
//                       { set: { status: 'shipped' }, add: { count: 1 }, remove: ['tmp'] });
//   const { items, lastKey } = await orders.query({ pk: 'u#1', sk: { beginsWith: 'o#' } });
//   for await (const o of orders.queryAll({ pk: 'u#1' }, { filter: { status: 'new' } })) ...
//   await orders.delete({ pk: 'u#1', sk: 'o#1' }, { condition: { status: 'shipped' } });
//
// Condition, key condition and update specs are described in expressions.js.
// Values are marshalled and unmarshalled as @aws-sdk/lib-dynamodb does, with
// the table's marshallOptions / unmarshallOptions (marshall.js). Every method
// also takes `params`: extra DynamoDB request fields merged into the request
// as given (e.g. { ReturnConsumedCapacity: 'TOTAL' }).
//
// Errors are the database's DynamoDB errors (errors.js); invalid specs throw
// TypeError before anything is sent.

import { ExpressionContext, buildCondition, buildKeyCondition, buildProjection, buildUpdate } from './expressions.js';
import { marshall, unmarshall } from './marshall.js';

export class Table {
  #db;
  #marshallOptions;
  #unmarshallOptions;
  #keyNames;        // Promise<string[]>: the partition key's name, from DescribeTable

  /**
   * REQUIRES: db has send(operation, input). Use db.table(name, options).
   */
  constructor(db, name, options = {}) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('A table name is a non-empty string');
    this.#db = db;
    this.name = name;
    this.#marshallOptions = { ...options.marshallOptions };
    this.#unmarshallOptions = { ...options.unmarshallOptions };
  }

  /**
   * Writes a whole item. Options: ifNotExists (fail with
   * ConditionalCheckFailedException if an item with this key exists),
   * condition, returnValues ('ALL_OLD' returns the replaced item), params.
   * Resolves to the old item when returnValues is 'ALL_OLD', else undefined.
   */
  async put(item, options = {}) {
    const ctx = this.#context();
    const request = { TableName: this.name, Item: marshall(item, this.#marshallOptions) };
    await this.#addCondition(request, ctx, options, 'ifNotExists');
    if (options.returnValues) request.ReturnValues = options.returnValues;
    const out = await this.#send('PutItem', ctx, request, options);
    return this.#item(out.Attributes);
  }

  /**
   * Reads one item by its full key. Options: consistent, attributes (paths to
   * project), params. Resolves to the item, or undefined if there is none.
   */
  async get(key, options = {}) {
    const ctx = this.#context();
    const request = { TableName: this.name, Key: marshall(key, this.#marshallOptions) };
    if (options.consistent) request.ConsistentRead = true;
    if (options.attributes) request.ProjectionExpression = buildProjection(ctx, options.attributes);
    const out = await this.#send('GetItem', ctx, request, options);
    return this.#item(out.Item);
  }

  /**
   * Changes attributes of one item (creating it unless ifExists is set).
   * spec: { set, setIfNotExists, add, remove, delete, append, prepend } or
   * { expression, names, values }. Options: ifExists, condition,
   * returnValues (default 'ALL_NEW'), params. Resolves to the returned
   * attributes (the whole new item by default), or undefined for 'NONE'.
   */
  async update(key, spec, options = {}) {
    const ctx = this.#context();
    const request = { TableName: this.name, Key: marshall(key, this.#marshallOptions) };
    request.UpdateExpression = buildUpdate(ctx, spec);
    await this.#addCondition(request, ctx, options, 'ifExists');
    request.ReturnValues = options.returnValues ?? 'ALL_NEW';
    const out = await this.#send('UpdateItem', ctx, request, options);
    return this.#item(out.Attributes);
  }

  /**
   * Deletes one item by its full key. Options: ifExists, condition,
   * returnValues ('ALL_OLD' returns the deleted item), params.
   */
  async delete(key, options = {}) {
    const ctx = this.#context();
    const request = { TableName: this.name, Key: marshall(key, this.#marshallOptions) };
    await this.#addCondition(request, ctx, options, 'ifExists');
    if (options.returnValues) request.ReturnValues = options.returnValues;
    const out = await this.#send('DeleteItem', ctx, request, options);
    return this.#item(out.Attributes);
  }

  /**
   * One page of a Query. keyCondition: { pk: value, sk: { beginsWith: ... } }.
   * Options: index, filter, limit, reverse, consistent, attributes,
   * startKey, select, params. Resolves to { items, count, scannedCount,
   * lastKey } (lastKey undefined on the last page).
   */
  async query(keyCondition, options = {}) {
    const ctx = this.#context();
    const request = { TableName: this.name };
    request.KeyConditionExpression = buildKeyCondition(ctx, keyCondition);
    if (options.reverse) request.ScanIndexForward = false;
    this.#addReadOptions(request, ctx, options);
    return this.#page(await this.#send('Query', ctx, request, options));
  }

  /** Every item a Query returns, page after page (options as query()). */
  async *queryAll(keyCondition, options = {}) {
    let startKey = options.startKey;
    do {
      const page = await this.query(keyCondition, { ...options, startKey });
      yield* page.items;
      startKey = page.lastKey;
    } while (startKey !== undefined);
  }

  /**
   * One page of a Scan. Options: index, filter, limit, consistent,
   * attributes, startKey, select, segment, totalSegments, params. Resolves
   * to { items, count, scannedCount, lastKey }.
   */
  async scan(options = {}) {
    const ctx = this.#context();
    const request = { TableName: this.name };
    if (options.segment !== undefined) request.Segment = options.segment;
    if (options.totalSegments !== undefined) request.TotalSegments = options.totalSegments;
    this.#addReadOptions(request, ctx, options);
    return this.#page(await this.#send('Scan', ctx, request, options));
  }

  /** Every item a Scan returns, page after page (options as scan()). */
  async *scanAll(options = {}) {
    let startKey = options.startKey;
    do {
      const page = await this.scan({ ...options, startKey });
      yield* page.items;
      startKey = page.lastKey;
    } while (startKey !== undefined);
  }

  #context() {
    return new ExpressionContext(this.#marshallOptions);
  }

  async #send(operation, ctx, request, options) {
    ctx.applyTo(request);
    if (options.params) Object.assign(request, options.params);
    return this.#db.send(operation, request);
  }

  #item(attributes) {
    return attributes === undefined ? undefined : unmarshall(attributes, this.#unmarshallOptions);
  }

  #page(out) {
    return {
      items: (out.Items ?? []).map((item) => unmarshall(item, this.#unmarshallOptions)),
      count: out.Count,
      scannedCount: out.ScannedCount,
      lastKey: this.#item(out.LastEvaluatedKey),
    };
  }

  #addReadOptions(request, ctx, options) {
    if (options.index) request.IndexName = options.index;
    if (options.filter) request.FilterExpression = buildCondition(ctx, options.filter);
    if (options.limit !== undefined) request.Limit = options.limit;
    if (options.consistent) request.ConsistentRead = true;
    if (options.attributes) request.ProjectionExpression = buildProjection(ctx, options.attributes);
    if (options.select) request.Select = options.select;
    if (options.startKey !== undefined) {
      request.ExclusiveStartKey = marshall(options.startKey, this.#marshallOptions);
    }
  }

  // ConditionExpression from options.condition and the ifExists/ifNotExists
  // shorthand (which needs the key attribute names: one DescribeTable, cached).
  async #addCondition(request, ctx, options, shorthand) {
    const parts = [];
    if (options[shorthand]) {
      const keyNames = await this.#keys();
      const fn = shorthand === 'ifExists' ? 'attribute_exists' : 'attribute_not_exists';
      parts.push(`${fn}(${ctx.name(keyNames[0])})`);
    }
    if (options.condition) parts.push(`(${buildCondition(ctx, options.condition)})`);
    if (parts.length > 0) request.ConditionExpression = parts.join(' AND ');
  }

  #keys() {
    if (this.#keyNames === undefined) {
      this.#keyNames = this.#db.send('DescribeTable', { TableName: this.name }).then(
        (out) => out.Table.KeySchema.filter((k) => k.KeyType === 'HASH').map((k) => k.AttributeName),
        (error) => { this.#keyNames = undefined; throw error; });
    }
    return this.#keyNames;
  }
}
