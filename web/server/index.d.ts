// pocketdynamo/server: a database as a local DynamoDB endpoint over HTTP.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Database, DatabaseBase } from '../types/database.js';
import type { OpenOptions } from '../types/options.js';

/** A key pair the server accepts (options.credentials). */
export interface ServerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Options of createRequestListener (and startServer). */
export interface RequestListenerOptions {
  /** Only requests SigV4-signed with one of these are accepted (default: any request). */
  credentials?: ServerCredentials | ServerCredentials[];
  /** Largest request body accepted (default 16 MiB, DynamoDB's limit); larger ones get 413. */
  maxBodyBytes?: number;
  /** Answer browsers' CORS requests (default true). */
  cors?: boolean;
  /** Called with each failure of the database itself (answered 500 InternalServerError). */
  onError?: (error: unknown) => void;
}

/** Options of startServer. */
export interface ServerOptions extends RequestListenerOptions {
  /** An open database to serve; the caller closes it. Default: one opened by the server. */
  db?: DatabaseBase;
  /** Node: keep the server's database in three file replicas under this directory. */
  path?: string;
  /** Options for open() when the server opens the database (default: in memory). */
  open?: OpenOptions;
  /** Port (default 0: a free port). */
  port?: number;
  /** Address (default '127.0.0.1'). */
  host?: string;
  /** A request whose headers and body have not arrived by then is answered 408 (default 60 000 ms). */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this long (default 600 000 ms; close() closes them at once). */
  keepAliveTimeoutMs?: number;
  /** close() waits this long for requests in flight before cutting connections (default 10 000 ms). */
  closeTimeoutMs?: number;
}

/** A node:http request listener answering DynamoDB's wire protocol. */
export interface RequestListener {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Requests received and not yet answered. */
  readonly active: number;
  /** Resolves when no request is being answered. */
  idle(): Promise<void>;
  /** From now on every answer closes its connection. */
  shutdown(): void;
}

/** A running server. */
export declare class LocalDynamoServer {
  /** The database answering. */
  readonly db: Database | DatabaseBase;
  readonly httpServer: Server;
  readonly port: number;
  readonly host: string;
  /** The endpoint URL for DynamoDB clients, e.g. 'http://127.0.0.1:8000'. */
  readonly endpoint: string;
  readonly activeRequests: number;
  readonly closing: boolean;
  /**
   * Stops accepting connections, answers the requests already received,
   * then closes the database if the server opened it. Idempotent.
   */
  close(): Promise<void>;
}

/** DynamoDB's limit on a request body: 16 MiB. */
export declare const MAX_BODY_BYTES: number;

/** CRC32 (IEEE) of bytes, as the x-amz-crc32 header carries it. */
export declare function crc32(bytes: Uint8Array): number;

/** Starts a server; resolves once it listens. */
export declare function startServer(options?: ServerOptions): Promise<LocalDynamoServer>;

/** A request listener for a node:http server of your own. */
export declare function createRequestListener(db: DatabaseBase, options?: RequestListenerOptions): RequestListener;
