// Change records (db.subscribe) and live queries (db.live).

/** A DynamoDB JSON attribute value ({ S: 'x' }, { N: '1' }, ...). */
export type WireValue = Record<string, any>;
/** A DynamoDB JSON item. */
export type WireItem = Record<string, WireValue>;

/**
 * One committed change, in DynamoDB Streams' Record shape. Subscribers get
 * NEW_AND_OLD_IMAGES whatever the table's StreamSpecification.
 */
export interface ChangeRecord {
  /** Unique per record. */
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    /** Epoch seconds, rounded down. */
    ApproximateCreationDateTime: number;
    /** The item's key attributes. */
    Keys: WireItem;
    /** The item after the write (INSERT, MODIFY). */
    NewImage?: WireItem;
    /** The item before the write (MODIFY, REMOVE). */
    OldImage?: WireItem;
    /** The stream's sequence number, only for tables with an enabled stream (21 digits). */
    SequenceNumber?: string;
    SizeBytes: number;
    StreamViewType: 'NEW_AND_OLD_IMAGES';
  };
  /** Deletions by time to live: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' }. */
  userIdentity?: { PrincipalId: string; Type: string };
}

/** What db.live() returns. */
export interface LiveQuery<Output = Record<string, any>> {
  /** Resolves once the first result was delivered (or its error reported). */
  readonly ready: Promise<void>;
  /** The latest response delivered (undefined before the first). */
  readonly result: Output | undefined;
  /** Runs the query again now. */
  refresh(): Promise<void>;
  /** Stops re-running and calling back. Idempotent. */
  stop(): void;
}

export interface LiveOptions {
  /** Errors of a run (and exceptions thrown by the callback); default: rethrown asynchronously. */
  onError?: (error: Error) => void;
}
