import { Pool, type Client } from 'pg';

/** Closes a client's socket at once, without waiting for a server that may never answer. */
export function destroyClient(client: Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Ends a client politely, waiting for the server at most `waitMs`, then closes its socket (a shutdown). */
export async function closeClient(client: Client, waitMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  destroyClient(client);
}

export interface PoolOptions {
  /** Shown in pg_stat_activity, so an SRE sees which service holds a connection. */
  applicationName: string;
  /** Connections in the pool (default 10). */
  max?: number;
  /** How long to wait for a connection before the query fails (default 10 s). */
  connectionTimeoutMillis?: number;
  /** The server cancels a statement that runs longer (default: no limit). */
  statementTimeoutMillis?: number;
  /** The client gives up on a query after this long (a half-open connection); default: never. */
  queryTimeoutMillis?: number;
  /** The server ends a session idle inside a transaction for longer (a lease); default: never. */
  idleInTransactionTimeoutMillis?: number;
  /**
   * An idle connection failed (the server restarted or dropped it): pg discards it and the
   * next query opens another. Without a listener that error would end the process.
   */
  onIdleError?: (err: Error) => void;
  /**
   * Settings for every connection of the pool, made with SET when it opens (not as startup
   * parameters, which PgBouncer refuses): e.g. the website's board reads plan once for any
   * page (`plan_cache_mode`). Default: none.
   */
  settings?: Record<string, string>;
}

/**
 * The plain pg pool every service and the test kit query through. The TypeORM DataSource
 * is only for migrations and entity reads.
 */
export function createPool(url: string, options: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: url,
    application_name: options.applicationName,
    max: options.max ?? 10,
    // A connection that the server dropped (restart, failover) is discarded, not reused.
    keepAlive: true,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    statement_timeout: options.statementTimeoutMillis,
    query_timeout: options.queryTimeoutMillis,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMillis,
    // Awaited by pg-pool before the connection serves its first query.
    onConnect: options.settings
      ? async (client) => {
          const settings = Object.entries(options.settings!);
          await client.query(
            'SELECT set_config(name, value, false) FROM unnest($1::text[], $2::text[]) AS s (name, value)',
            [settings.map(([name]) => name), settings.map(([, value]) => value)],
          );
        }
      : undefined,
  });
  pool.on('error', options.onIdleError ?? (() => {}));
  // pg-pool listens for a connection's errors only while it is idle or inside pool.query
  // (once). A server restart can end a checked-out connection between two queries, or
  // report a second error after the first: with no listener then, the 'error' event would
  // end the process. The connection is broken either way; its next query fails and the
  // caller releases it as broken.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
