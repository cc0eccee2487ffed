// Workspace packages load from their sources here too (jest maps them only for test files).
import './source-aliases.cjs';
import { Client } from 'pg';
import { applyMigrations, createDataSource } from '@ttfd/shared';
import { startTestPostgres, type TestPostgres } from './postgres-server';
import { TEMPLATE_DATABASE, withDatabase } from './test-database';

declare global {
  var __TTFD_TEST_PG__: TestPostgres | undefined;
}

/** Starts the run's one PostgreSQL and a migrated template every test database is copied from. */
export default async function globalSetup(): Promise<void> {
  const pg = await startTestPostgres();
  globalThis.__TTFD_TEST_PG__ = pg;
  process.env.TTFD_TEST_ADMIN_URL = pg.adminUrl;
  process.stderr.write(`\n[test] PostgreSQL: ${pg.kind}\n`);
  const admin = new Client({ connectionString: pg.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const dataSource = createDataSource(withDatabase(pg.adminUrl, TEMPLATE_DATABASE), { poolSize: 2 });
  await dataSource.initialize();
  try {
    await applyMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
