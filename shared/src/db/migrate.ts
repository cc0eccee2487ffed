import { MigrationExecutor, type DataSource } from 'typeorm';

/** One lock for every migration runner on a database, so two Job pods never both apply. */
const MIGRATION_LOCK = "hashtext('ttfd:schema-migrations')";

export interface MigrationReport {
  applied: string[];
}

export interface MigrationOptions {
  /**
   * How long one statement of a migration waits for a table lock before it gives up (the
   * session's lock_timeout). Without it, an ALTER TABLE behind a long transaction waits in the
   * lock queue, and every reader and writer of that table queues behind the ALTER.
   */
  lockTimeoutMs?: number;
  /** Runs of the pending migrations before giving up on lock timeouts. */
  attempts?: number;
  /** Wait before the first retry; doubles each time. */
  retryDelayMs?: number;
  /** Told about each lock timeout that will be retried. */
  onLockTimeout?: (attempt: number, err: Error) => void;
}

const LOCK_NOT_AVAILABLE = '55P03';

const isLockTimeout = (err: unknown) => {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === LOCK_NOT_AVAILABLE || e?.driverError?.code === LOCK_NOT_AVAILABLE;
};

/**
 * Applies pending migrations while holding a session advisory lock. A second runner waits
 * for the first, then finds nothing left to do. Each migration runs in its own transaction
 * under a lock_timeout: one that cannot get its table lock in time rolls back and the pending
 * migrations are run again after a pause, up to `attempts` times.
 */
export async function applyMigrations(
  dataSource: DataSource,
  options: MigrationOptions = {},
): Promise<MigrationReport> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  const attempts = options.attempts ?? 10;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      // Set after the advisory lock: waiting for another runner is not a table lock to give up on.
      await runner.query(`SELECT set_config('lock_timeout', $1, false)`, [`${lockTimeoutMs}ms`]);
      // Run on the connection that holds the lock, so a one-connection pool cannot deadlock.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied: string[] = [];
      let delay = options.retryDelayMs ?? 1_000;
      for (let attempt = 1; ; attempt++) {
        try {
          applied.push(...(await executor.executePendingMigrations()).map((m) => m.name));
          return { applied };
        } catch (err) {
          if (!isLockTimeout(err)) throw err;
          if (attempt >= attempts) {
            throw new Error(
              `could not take the lock on a table a migration changes within ${lockTimeoutMs} ms (lock_timeout), ` +
                `${attempts} times: a long transaction holds it; ${(err as Error).message}`,
              { cause: err },
            );
          }
          options.onLockTimeout?.(attempt, err as Error);
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay *= 2;
        }
      }
    } finally {
      await runner.query(`SELECT set_config('lock_timeout', '0', false)`);
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await runner.release();
  }
}

/** Names of migrations that exist in code but are not applied to the database. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const table = await runner.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
    const done = new Set<string>(
      table[0].present
        ? (await runner.query(`SELECT name FROM schema_migrations`)).map((r: { name: string }) => r.name)
        : [],
    );
    return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !done.has(name));
  } finally {
    await runner.release();
  }
}
