// Errors: every DynamoDB exception is a class; catch by class or by name.
//
//   try { await orders.put(item, { ifNotExists: true }) }
//   catch (e) { if (e instanceof ConditionalCheckFailedException) ... }
//   catch (e) { if ((e as Error).name === 'ConditionalCheckFailedException') ... }

/** Base class of every error a DynamoDB operation raises. */
export declare class DynamoDBError extends Error {
  constructor(message?: string, options?: { __type?: string; cause?: unknown });
  /** The exception name, e.g. 'ValidationException'. */
  name: string;
  /** The full wire type, e.g. 'com.amazon.coral.validate#ValidationException'. */
  __type: string;
  /** Further fields of the wire error (CancellationReasons, Item, ...). */
  [field: string]: unknown;
}

/** An error of pocketdynamo itself (closed database, unsupported storage, bad options). */
export declare class PocketDynamoError extends Error {}

/**
 * open() rejects with this when all three replicas are empty although the
 * database held data (a marker in localStorage says so, or the browser
 * reported dataLoss): the browser discarded the origin's IndexedDB storage
 * (Chromium does when it finds its LevelDB store corrupt, e.g. after a crash).
 * No database was created. Restore from an export kept outside the browser,
 * or open with { acceptDataLoss: true } to start empty.
 */
export declare class DataLossError extends PocketDynamoError {
  name: 'DataLossError';
  /** The database name. */
  database: string | null;
  /** The last LSN the marker recorded (null: no marker, only the browser's report). */
  lastLsn: number | null;
  /** When the marker was written (ISO time), or null. */
  markedAt: string | null;
  /** The browser's IDBVersionChangeEvent.dataLoss ('total'), or null when it reported none. */
  dataLoss: string | null;
  /** The browser's dataLossMessage, or null. */
  dataLossMessage: string | null;
}

/** The names of the DynamoDB exceptions that have their own class. */
export type ExceptionName =
  | 'ValidationException' | 'SerializationException' | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'AccessDeniedException'
  | 'ThrottlingException' | 'InternalFailure' | 'ConditionalCheckFailedException'
  | 'ResourceNotFoundException' | 'ResourceInUseException' | 'LimitExceededException'
  | 'ProvisionedThroughputExceededException' | 'RequestLimitExceeded'
  | 'ItemCollectionSizeLimitExceededException' | 'TransactionCanceledException'
  | 'TransactionConflictException' | 'TransactionInProgressException'
  | 'IdempotentParameterMismatchException' | 'DuplicateItemException' | 'InternalServerError'
  | 'TableNotFoundException' | 'TableAlreadyExistsException' | 'TableInUseException'
  | 'IndexNotFoundException' | 'BackupNotFoundException' | 'BackupInUseException'
  | 'ContinuousBackupsUnavailableException' | 'PointInTimeRecoveryUnavailableException'
  | 'GlobalTableNotFoundException' | 'GlobalTableAlreadyExistsException' | 'ReplicaNotFoundException'
  | 'ReplicaAlreadyExistsException' | 'PolicyNotFoundException' | 'ExportNotFoundException'
  | 'ExportConflictException' | 'ImportNotFoundException' | 'ImportConflictException'
  | 'InvalidExportTimeException' | 'InvalidRestoreTimeException'
  | 'ExpiredIteratorException' | 'TrimmedDataAccessException';

/** The class of one DynamoDB exception: `new X(message?)`; X.name is the exception name. */
export interface ExceptionClass<N extends ExceptionName = ExceptionName> {
  new (message?: string, options?: { cause?: unknown }): DynamoDBError & { name: N };
  readonly prototype: DynamoDBError & { name: N };
}

/** Every exception class by name. */
export declare const errorClasses: { readonly [N in ExceptionName]: ExceptionClass<N> };

export declare const ValidationException: ExceptionClass<'ValidationException'>;
export declare const SerializationException: ExceptionClass<'SerializationException'>;
export declare const UnknownOperationException: ExceptionClass<'UnknownOperationException'>;
export declare const MissingAuthenticationTokenException: ExceptionClass<'MissingAuthenticationTokenException'>;
export declare const UnrecognizedClientException: ExceptionClass<'UnrecognizedClientException'>;
export declare const AccessDeniedException: ExceptionClass<'AccessDeniedException'>;
export declare const ThrottlingException: ExceptionClass<'ThrottlingException'>;
export declare const InternalFailure: ExceptionClass<'InternalFailure'>;
export declare const ConditionalCheckFailedException: ExceptionClass<'ConditionalCheckFailedException'>;
export declare const ResourceNotFoundException: ExceptionClass<'ResourceNotFoundException'>;
export declare const ResourceInUseException: ExceptionClass<'ResourceInUseException'>;
export declare const LimitExceededException: ExceptionClass<'LimitExceededException'>;
export declare const ProvisionedThroughputExceededException: ExceptionClass<'ProvisionedThroughputExceededException'>;
export declare const RequestLimitExceeded: ExceptionClass<'RequestLimitExceeded'>;
export declare const ItemCollectionSizeLimitExceededException: ExceptionClass<'ItemCollectionSizeLimitExceededException'>;
export declare const TransactionCanceledException: ExceptionClass<'TransactionCanceledException'>;
export declare const TransactionConflictException: ExceptionClass<'TransactionConflictException'>;
export declare const TransactionInProgressException: ExceptionClass<'TransactionInProgressException'>;
export declare const IdempotentParameterMismatchException: ExceptionClass<'IdempotentParameterMismatchException'>;
export declare const DuplicateItemException: ExceptionClass<'DuplicateItemException'>;
export declare const InternalServerError: ExceptionClass<'InternalServerError'>;
export declare const TableNotFoundException: ExceptionClass<'TableNotFoundException'>;
export declare const TableAlreadyExistsException: ExceptionClass<'TableAlreadyExistsException'>;
export declare const TableInUseException: ExceptionClass<'TableInUseException'>;
export declare const IndexNotFoundException: ExceptionClass<'IndexNotFoundException'>;
export declare const BackupNotFoundException: ExceptionClass<'BackupNotFoundException'>;
export declare const BackupInUseException: ExceptionClass<'BackupInUseException'>;
export declare const ContinuousBackupsUnavailableException: ExceptionClass<'ContinuousBackupsUnavailableException'>;
export declare const PointInTimeRecoveryUnavailableException: ExceptionClass<'PointInTimeRecoveryUnavailableException'>;
export declare const GlobalTableNotFoundException: ExceptionClass<'GlobalTableNotFoundException'>;
export declare const GlobalTableAlreadyExistsException: ExceptionClass<'GlobalTableAlreadyExistsException'>;
export declare const ReplicaNotFoundException: ExceptionClass<'ReplicaNotFoundException'>;
export declare const ReplicaAlreadyExistsException: ExceptionClass<'ReplicaAlreadyExistsException'>;
export declare const PolicyNotFoundException: ExceptionClass<'PolicyNotFoundException'>;
export declare const ExportNotFoundException: ExceptionClass<'ExportNotFoundException'>;
export declare const ExportConflictException: ExceptionClass<'ExportConflictException'>;
export declare const ImportNotFoundException: ExceptionClass<'ImportNotFoundException'>;
export declare const ImportConflictException: ExceptionClass<'ImportConflictException'>;
export declare const InvalidExportTimeException: ExceptionClass<'InvalidExportTimeException'>;
export declare const InvalidRestoreTimeException: ExceptionClass<'InvalidRestoreTimeException'>;
export declare const ExpiredIteratorException: ExceptionClass<'ExpiredIteratorException'>;
export declare const TrimmedDataAccessException: ExceptionClass<'TrimmedDataAccessException'>;

/** The exception name of a wire __type: the text after '#'. */
export declare function exceptionName(type: string): string;
/** True when a parsed response body is an error ({ __type, message }). */
export declare function isWireError(body: unknown): body is { __type: string; message?: string };
/** The Error for a parsed wire error body (the one place a wire error becomes an Error). */
export declare function fromWire(body: { __type: string; message?: string; [field: string]: unknown }): DynamoDBError;
/** The wire body of an error (inverse of fromWire). */
export declare function toWire(error: unknown): { __type: string; message: string; [field: string]: unknown };
