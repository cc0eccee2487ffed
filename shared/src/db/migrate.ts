import { MigrationExecutor, type DataSource } from 'typeorm';

/** One lock for every migration runner on a database, so two Job pods never both apply. */
const MIGRATION_LOCK = "hashtext('ttfd:schema-migrations')";

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies pending migrations while holding a session advisory lock. A second runner waits
 * for the first, then finds nothing left to do.
 */
export async function applyMigrations(dataSource: DataSource): Promise<MigrationReport> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      // Run on the connection that holds the lock, so a one-connection pool cannot deadlock.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return { applied: applied.map((m) => m.name) };
    } finally {
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
