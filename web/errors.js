// Errors: every DynamoDB exception as a JS class, generated from one list,
// and fromWire(), THE one place where an error response from the core
// ({"__type": "...#Name", "message": "..."}) becomes a thrown Error.
//
//   try { await db.send('PutItem', input) }
//   catch (e) {
//     if (e instanceof ConditionalCheckFailedException) ...   // by class
//     if (e.name === 'ConditionalCheckFailedException') ...   // or by name, as with the AWS SDK
//   }
//
// Every error from the database extends DynamoDBError and has:
//   name      the exception name, e.g. 'ValidationException'
//   message   DynamoDB's message (the class's default message when there is none)
//   __type    the full wire type, e.g. 'com.amazon.coral.validate#ValidationException'
// plus any further fields of the wire error (CancellationReasons, Item, ...)
// as own properties.
//
// Errors raised by pocketdynamo itself rather than by a DynamoDB operation
// (closed database, unsupported storage) are PocketDynamoError; DataLossError
// (a PocketDynamoError) is open()'s refusal to start empty in place of data
// the browser discarded.

/** Base class of every error a DynamoDB operation can raise. */
export class DynamoDBError extends Error {
  constructor(message, options) {
    super(message, options);
    this.__type = options?.__type ?? `com.amazonaws.dynamodb.v20120810#${new.target.name}`;
  }
}
Object.defineProperty(DynamoDBError.prototype, 'name', {
  value: 'DynamoDBError', writable: true, configurable: true,
});

/** An error of pocketdynamo itself (lifecycle, options), not of DynamoDB. */
export class PocketDynamoError extends Error {}
Object.defineProperty(PocketDynamoError.prototype, 'name', {
  value: 'PocketDynamoError', writable: true, configurable: true,
});

/**
 * open() found all three replicas empty although the database held data: the
 * browser discarded the origin's IndexedDB storage (recovery.js). Nothing was
 * created. Fields: database, lastLsn (from the marker, or null), markedAt,
 * dataLoss ('total' | ... | null) and dataLossMessage (Chromium's, or null).
 */
export class DataLossError extends PocketDynamoError {
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.database = details.database ?? null;
    this.lastLsn = details.lastLsn ?? null;
    this.markedAt = details.markedAt ?? null;
    this.dataLoss = details.dataLoss ?? null;
    this.dataLossMessage = details.dataLossMessage ?? null;
  }
}
Object.defineProperty(DataLossError.prototype, 'name', {
  value: 'DataLossError', writable: true, configurable: true,
});

// [exception name, wire namespace, default message]. The namespaces are the
// ones DynamoDB itself puts in __type.
const DDB = 'com.amazonaws.dynamodb.v20120810';
const CORAL = 'com.amazon.coral.service';
const EXCEPTIONS = [
  ['ValidationException', 'com.amazon.coral.validate', 'The request is not valid'],
  ['SerializationException', CORAL, 'The request could not be read'],
  ['UnknownOperationException', CORAL, 'The operation is not known'],
  ['MissingAuthenticationTokenException', CORAL, 'Request is missing Authentication Token'],
  ['UnrecognizedClientException', CORAL, 'The security token included in the request is invalid'],
  ['AccessDeniedException', CORAL, 'Access denied'],
  ['ThrottlingException', CORAL, 'Rate of requests exceeds the allowed throughput'],
  ['InternalFailure', CORAL, 'The request processing has failed because of an unknown error'],
  ['ConditionalCheckFailedException', DDB, 'The conditional request failed'],
  ['ResourceNotFoundException', DDB, 'Requested resource not found'],
  ['ResourceInUseException', DDB, 'Resource in use'],
  ['LimitExceededException', DDB, 'Too many operations for a given subscriber'],
  ['ProvisionedThroughputExceededException', DDB,
    'The level of configured provisioned throughput for the table was exceeded'],
  ['RequestLimitExceeded', DDB, 'Throughput exceeds the current throughput limit for your account'],
  ['ItemCollectionSizeLimitExceededException', DDB, 'Item collection size limit exceeded'],
  ['TransactionCanceledException', DDB, 'Transaction cancelled'],
  ['TransactionConflictException', DDB,
    'Transaction is ongoing for the item: another transaction touches it'],
  ['TransactionInProgressException', DDB, 'The transaction with the given request token is already in progress'],
  ['IdempotentParameterMismatchException', DDB,
    'Request token was already used with different parameters'],
  ['DuplicateItemException', DDB, 'Duplicate primary key exists in the table'],
  ['InternalServerError', DDB, 'Internal server error'],
  ['TableNotFoundException', DDB, 'Table not found'],
  ['TableAlreadyExistsException', DDB, 'Table already exists'],
  ['TableInUseException', DDB, 'Table in use'],
  ['IndexNotFoundException', DDB, 'Index not found'],
  ['BackupNotFoundException', DDB, 'Backup not found'],
  ['BackupInUseException', DDB, 'Backup in use'],
  ['ContinuousBackupsUnavailableException', DDB, 'Continuous backups are unavailable'],
  ['PointInTimeRecoveryUnavailableException', DDB, 'Point in time recovery is unavailable'],
  ['GlobalTableNotFoundException', DDB, 'Global table not found'],
  ['GlobalTableAlreadyExistsException', DDB, 'Global table already exists'],
  ['ReplicaNotFoundException', DDB, 'Replica not found'],
  ['ReplicaAlreadyExistsException', DDB, 'Replica already exists'],
  ['PolicyNotFoundException', DDB, 'Resource policy not found'],
  ['ExportNotFoundException', DDB, 'Export not found'],
  ['ExportConflictException', DDB, 'Export conflict'],
  ['ImportNotFoundException', DDB, 'Import not found'],
  ['ImportConflictException', DDB, 'Import conflict'],
  ['InvalidExportTimeException', DDB, 'Invalid export time'],
  ['InvalidRestoreTimeException', DDB, 'Invalid restore time'],
  // DynamoDB Streams.
  ['ExpiredIteratorException', DDB, 'Shard iterator has expired'],
  ['TrimmedDataAccessException', DDB, 'The operation attempted to read past the oldest stream record in a shard.'],
];

/** name -> class, for every exception in EXCEPTIONS. Null prototype: safe to index by wire input. */
export const errorClasses = Object.create(null);
const namespaces = Object.create(null);

for (const [name, namespace, defaultMessage] of EXCEPTIONS) {
  const cls = class extends DynamoDBError {
    constructor(message, options) {
      super(message ?? defaultMessage, { __type: `${namespace}#${name}`, ...options });
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  errorClasses[name] = cls;
  namespaces[name] = namespace;
}

export const {
  ValidationException, SerializationException, UnknownOperationException,
  MissingAuthenticationTokenException, UnrecognizedClientException, AccessDeniedException,
  ThrottlingException, InternalFailure, ConditionalCheckFailedException,
  ResourceNotFoundException, ResourceInUseException, LimitExceededException,
  ProvisionedThroughputExceededException, RequestLimitExceeded,
  ItemCollectionSizeLimitExceededException, TransactionCanceledException,
  TransactionConflictException, TransactionInProgressException,
  IdempotentParameterMismatchException, DuplicateItemException, InternalServerError,
  TableNotFoundException, TableAlreadyExistsException, TableInUseException,
  IndexNotFoundException, BackupNotFoundException, BackupInUseException,
  ContinuousBackupsUnavailableException, PointInTimeRecoveryUnavailableException,
  GlobalTableNotFoundException, GlobalTableAlreadyExistsException, ReplicaNotFoundException,
  ReplicaAlreadyExistsException, PolicyNotFoundException, ExportNotFoundException,
  ExportConflictException, ImportNotFoundException, ImportConflictException,
  InvalidExportTimeException, InvalidRestoreTimeException,
  ExpiredIteratorException, TrimmedDataAccessException,
} = errorClasses;

/** The exception name of a wire __type: the text after '#' (or all of it). */
export function exceptionName(type) {
  const text = String(type);
  return text.slice(text.lastIndexOf('#') + 1);
}

/** True when a parsed response body is an error ({"__type": "...", ...}). */
export function isWireError(body) {
  return body !== null && typeof body === 'object' && typeof body.__type === 'string';
}

/**
 * The Error for a parsed wire error body. An unknown exception name still
 * gives a DynamoDBError whose .name is that name. The message is DynamoDB's
 * ("message", or "Message" as some services spell it). Every other field of
 * the body is copied onto the error as an own property (never onto a
 * prototype, whatever its name).
 */
export function fromWire(body) {
  const name = exceptionName(body.__type);
  const wireMessage = body.message ?? body.Message;
  const message = wireMessage === undefined ? undefined : String(wireMessage);
  const cls = errorClasses[name];
  let error;
  if (cls) {
    error = new cls(message, { __type: body.__type });
  } else {
    error = new DynamoDBError(message ?? name, { __type: body.__type });
    Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  }
  for (const key of Object.keys(body)) {
    if (key === '__type' || key === 'message' || key === 'Message') continue;
    Object.defineProperty(error, key, {
      value: body[key], writable: true, configurable: true, enumerable: true,
    });
  }
  return error;
}

/** The wire body of an error (the inverse of fromWire, for transports). */
export function toWire(error) {
  if (error instanceof DynamoDBError) {
    const body = { __type: error.__type, message: error.message };
    for (const key of Object.keys(error)) {
      if (key === '__type' || key === 'message') continue;
      Object.defineProperty(body, key, {
        value: error[key], writable: true, configurable: true, enumerable: true,
      });
    }
    return body;
  }
  return {
    __type: `${namespaces.InternalFailure}#InternalFailure`,
    message: error instanceof Error ? error.message : String(error),
  };
}
