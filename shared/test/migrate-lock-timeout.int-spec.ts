import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { applyMigrations } from '@ttfd/shared';

/** A migration that needs an ACCESS EXCLUSIVE lock on a busy table. */
class RanksProbeColumn1765500000001 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE ranks ADD COLUMN lock_probe integer`);
  }
  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE ranks DROP COLUMN lock_probe`);
  }
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await db?.drop();
});

function probeDataSource(): DataSource {
  // The database is migrated already: the probe is the one pending migration.
  return new DataSource({
    type: 'postgres',
    url: db.url,
    migrations: [RanksProbeColumn1765500000001],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    poolSize: 2,
  });
}

/** A long transaction that has read the table (ACCESS SHARE), as a slow report would. */
async function holdRanks(): Promise<Client> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT count(*) FROM ranks');
  return client;
}

const probeColumn = async () =>
  (
    await db.pool.query(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'ranks' AND column_name = 'lock_probe'`,
    )
  ).rows[0].n;

describe('a migration behind a long transaction', () => {
  afterEach(async () => {
    await db.pool.query(`ALTER TABLE ranks DROP COLUMN IF EXISTS lock_probe`);
    await db.pool.query(`DELETE FROM schema_migrations WHERE name = 'RanksProbeColumn1765500000001'`);
  });

  it('gives up its lock wait quickly, so readers do not queue behind it, and retries until it applies', async () => {
    const blocker = await holdRanks();
    const dataSource = await probeDataSource().initialize();
    const timeouts: number[] = [];
    try {
      const migrating = applyMigrations(dataSource, {
        lockTimeoutMs: 100,
        retryDelayMs: 100,
        attempts: 20,
        onLockTimeout: (attempt) => timeouts.push(attempt),
      });
      // While the migration retries, a reader of the table is served at once. Without a
      // lock_timeout it would wait behind the ALTER TABLE until the long transaction ends.
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        await db.pool.query('SELECT count(*) FROM ranks');
        expect(Date.now() - started).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(timeouts.length).toBeGreaterThan(0);
      await blocker.query('COMMIT');
      expect(await migrating).toEqual({ applied: ['RanksProbeColumn1765500000001'] });
      expect(await probeColumn()).toBe(1);
    } finally {
      await blocker.end();
      await dataSource.destroy();
    }
  });

  it('fails with a message that names the lock timeout when the transaction outlasts every retry', async () => {
    const blocker = await holdRanks();
    const dataSource = await probeDataSource().initialize();
    try {
      await expect(applyMigrations(dataSource, { lockTimeoutMs: 50, retryDelayMs: 10, attempts: 3 })).rejects.toThrow(
        /could not take the lock on a table a migration changes within 50 ms \(lock_timeout\), 3 times/,
      );
      expect(await probeColumn()).toBe(0);
      // The session is left as it was found.
      const runner = dataSource.createQueryRunner();
      try {
        expect((await runner.query(`SELECT current_setting('lock_timeout') AS t`))[0].t).toBe('0');
      } finally {
        await runner.release();
      }
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      await dataSource.destroy();
    }
  });
});
