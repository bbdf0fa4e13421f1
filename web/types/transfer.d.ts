// Table export and import (db.exportTable, db.importTable): DynamoDB JSON
// lines, the format of DynamoDB's export to S3, and the AWS CLI's scan JSON.

import type { AttributeMap } from './marshall.js';

/** stream() / blob() options. */
export interface ExportOutputOptions {
  /** gzip-compress the lines (as DynamoDB's S3 export writes .json.gz files). Needs CompressionStream. */
  gzip?: boolean;
}

/**
 * A table as of one moment: every item, one `{"Item": {...}}` per line, each
 * line ending in "\n". Read it any number of times, any of these ways.
 * Async iteration gives each line without its "\n".
 */
export interface TableExport extends AsyncIterable<string> {
  /** The exported table. */
  readonly tableName: string;
  /** How many items it holds. */
  readonly itemCount: number;
  /** DynamoDB's name for the format. */
  readonly format: 'DYNAMODB_JSON';
  /** The lines as UTF-8 bytes (gzip-compressed with { gzip: true }). */
  stream(options?: ExportOutputOptions): ReadableStream<Uint8Array>;
  /** The lines as a Blob: type application/x-ndjson, or application/gzip with { gzip: true }. */
  blob(options?: ExportOutputOptions): Promise<Blob>;
  /** The lines as one string. */
  text(): Promise<string>;
  /** Each item as DynamoDB JSON. */
  items(): IterableIterator<AttributeMap>;
}

/** What importTable reads: text or UTF-8 bytes (gzip is detected and undone). */
export type ImportSource =
  | string
  | Blob
  | ReadableStream<Uint8Array | string>
  | ArrayBuffer
  | ArrayBufferView
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** Progress of an import, after each durable group of batches. */
export interface ImportProgress {
  /** Items written (durable) so far. */
  items: number;
  /** Bytes of the source read so far. */
  bytes: number;
  /** Batches (one BatchWriteItem each, written whole or not at all) written so far. */
  batches: number;
}

export interface ImportOptions {
  /**
   * Create the table first from these parameters (CreateTable's input
   * without TableName, like ImportTable's TableCreationParameters;
   * BillingMode defaults to PAY_PER_REQUEST). An existing table then fails
   * with ResourceInUseException. Without it the table must exist.
   */
  createTable?: {
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
    TableName?: string;
    BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
    [parameter: string]: unknown;
  };
  /** Called after every durable group of batches (and once at the end). A throw stops the import. */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  tableName: string;
  /** Items written. */
  items: number;
  /** Batches written. */
  batches: number;
  /** Bytes of the source read. */
  bytes: number;
  /** True if options.createTable created the table. */
  created: boolean;
}

/**
 * The error an import stops with at a bad line (a DynamoDBError such as
 * ValidationException, with these fields): every batch before the one
 * holding that line was written, that batch and everything after it not.
 */
export interface ImportErrorFields {
  tableName: string;
  /** The 1-based line of the source where the bad item (or envelope) starts. */
  line: number;
  itemsWritten: number;
  batchesWritten: number;
}
