import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, createDataSource } from '@ttfd/shared';
import { startEmbeddedPostgres } from '@ttfd/dev';

const SETTINGS = ['server_version', 'shared_buffers', 'max_connections', 'fsync', 'synchronous_commit', 'wal_level'];

export interface BenchDatabase {
  url: string;
  /** A scratch folder removed on stop (pgbench scripts go here). */
  dir: string;
  /** The server settings that matter to the figures. */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A throw-away embedded PostgreSQL 18 (stock settings, fsync on) with the migrated schema
 * and `users` players whose Telegram ids are 1..users.
 */
export async function startBenchDatabase(name: string, users: number): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ttfd-bench-${name}-`));
  fs.chmodSync(dir, 0o777);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), persistent: false });
  const stop = async () => {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const url = pg.url.replace(/\/postgres$/, '/bench');
    const ds = createDataSource(url, { poolSize: 2 });
    await ds.initialize();
    await applyMigrations(ds);
    await ds.query(
      `INSERT INTO unified_users (telegram_id, primary_platform) SELECT g, 'telegram' FROM generate_series(1, ${users}) g`,
    );
    await ds.query('VACUUM ANALYZE');
    const settings = Object.fromEntries(
      await Promise.all(SETTINGS.map(async (s) => [s, String((await ds.query(`SHOW ${s}`))[0][s])])),
    );
    await ds.destroy();
    return { url, dir, settings, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
