import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { applyMigrations, createDataSource, createPool } from '@ttfd/shared';
import { freePort, postgresPrograms } from '@ttfd/dev';

export interface RestartablePostgres {
  /** The `postgres` maintenance database. */
  url: string;
  /**
   * `pg_ctl restart -m fast` (a clean shutdown: sessions are ended, the server comes back)
   * or `-m immediate` (the server is killed and recovers from its WAL on start). Returns
   * once it accepts connections again; this process (a worker under test, a probe) keeps
   * running meanwhile, so it sees the outage.
   */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /**
   * Creates the database `ttfd` on this server with every migration applied, and a pool on
   * it whose idle connections may die with the server (the next query opens another).
   */
  migratedDatabase(): Promise<{ url: string; pool: Pool }>;
  stop(): void;
}

/** As root, the server runs as the `postgres` user (the test kit's server created it). */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL server of a test's own, durable (fsync on), that the test may restart or
 * kill with pg_ctl: never the run's shared server, which other test files are using.
 */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const programs = postgresPrograms();
  const bin = programs.bin;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-pg-'));
  const user = serverUser();
  if (user.uid !== undefined) fs.chownSync(root, user.uid, user.gid!);
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  const run = (program: string, args: string[]) => {
    const done = spawnSync(path.join(bin, program), args, { ...user, stdio: 'ignore', timeout: 120_000 });
    if (done.status !== 0)
      throw new Error(`${program} ${args.join(' ')} failed (${done.status ?? done.error?.message})`);
  };
  const pgCtl = (args: string[]) => run('pg_ctl', [...args, '-D', dataDir]);
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dataDir}`;
  const log = path.join(root, 'server.log');
  pgCtl(['start', '-w', '-t', '60', '-l', log, '-o', options]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    restart(mode) {
      const args = ['restart', '-m', mode, '-w', '-t', '60', '-l', log, '-o', options, '-D', dataDir];
      return new Promise((resolve, reject) => {
        const child = spawn(path.join(bin, 'pg_ctl'), args, { ...user, stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl restart failed (${code})`))));
      });
    },
    async migratedDatabase() {
      const admin = new Pool({ connectionString: url, max: 1 });
      await admin.query('CREATE DATABASE ttfd');
      await admin.end();
      const ttfd = url.replace(/\/postgres$/, '/ttfd');
      const dataSource = createDataSource(ttfd, { poolSize: 1 });
      await dataSource.initialize();
      await applyMigrations(dataSource);
      await dataSource.destroy();
      return { url: ttfd, pool: createPool(ttfd, { max: 4, applicationName: 'ttfd-test' }) };
    },
    stop() {
      pgCtl(['stop', '-m', 'fast', '-w']);
      fs.rmSync(root, { recursive: true, force: true });
      programs.remove();
    },
  };
}
