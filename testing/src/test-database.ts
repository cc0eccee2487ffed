import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, createPool } from '@ttfd/shared';

export const TEMPLATE_DATABASE = 'ttfd_test_template';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function adminUrl(): string {
  const url = process.env.TTFD_TEST_ADMIN_URL;
  if (!url)
    throw new Error(
      'TTFD_TEST_ADMIN_URL is not set: run tests with jest from the repository root (its globalSetup starts PostgreSQL)',
    );
  return url;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** For migrations and entity reads. */
  dataSource: DataSource;
  /** What the code under test queries through, as services do. */
  pool: Pool;
  /**
   * This database's server sessions whose application_name is LIKE `application`; with
   * `waitingOnLock`, only those waiting on a lock, with `state` only those in it. Other test
   * files' databases on the same server are never seen.
   */
  backends(application: string, filter?: BackendFilter): Promise<{ pid: number; application: string }[]>;
  /** Ends the sessions `backends` finds (a crash or a failover, as the code under test sees it); how many. */
  terminate(application: string, filter?: BackendFilter): Promise<number>;
  /** Closes the pool and the DataSource and drops the database. */
  drop(): Promise<void>;
}

export interface BackendFilter {
  waitingOnLock?: boolean;
  state?: 'active' | 'idle' | 'idle in transaction';
}

const BACKENDS_SQL = `
SELECT pid, application_name AS application FROM pg_stat_activity
WHERE datname = current_database() AND application_name LIKE $1
  AND ($2::boolean IS NOT TRUE OR wait_event_type = 'Lock') AND ($3::text IS NULL OR state = $3)`;

/**
 * A fresh database for one test file: a copy of the migrated template, or empty with
 * `{ migrated: false }` (to test the migrations themselves).
 */
export async function createTestDatabase(
  options: { migrated?: boolean; poolSize?: number } = {},
): Promise<TestDatabase> {
  const name = `ttfd_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : TEMPLATE_DATABASE;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = withDatabase(adminUrl(), name);
  const dataSource = createDataSource(url, { poolSize: 2, applicationName: 'ttfd-test' });
  await dataSource.initialize();
  const pool = createPool(url, { max: options.poolSize ?? 20, applicationName: 'ttfd-test' });
  return {
    name,
    url,
    dataSource,
    pool,
    async backends(application, filter = {}) {
      const { rows } = await pool.query<{ pid: number; application: string }>(BACKENDS_SQL, [
        application,
        filter.waitingOnLock ?? null,
        filter.state ?? null,
      ]);
      return rows;
    },
    async terminate(application, filter = {}) {
      const { rows } = await pool.query(`SELECT pg_terminate_backend(pid) FROM (${BACKENDS_SQL}) b`, [
        application,
        filter.waitingOnLock ?? null,
        filter.state ?? null,
      ]);
      return rows.length;
    },
    async drop() {
      if (!pool.ended) await pool.end();
      if (dataSource.isInitialized) await dataSource.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
