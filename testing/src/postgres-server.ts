import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@ttfd/dev';

export interface TestPostgres {
  /** Admin URL (a database this role may CREATE DATABASE from). */
  adminUrl: string;
  kind: 'DATABASE_URL' | 'testcontainers' | 'embedded';
  stop(): Promise<void>;
}

/** True when a Docker engine socket exists; never shells out, so it cannot hang. */
export function dockerAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DOCKER_HOST) return true;
  const uid = process.getuid?.() ?? 0;
  const sockets = [
    '/var/run/docker.sock',
    path.join(os.homedir(), '.docker/run/docker.sock'),
    `/run/user/${uid}/docker.sock`,
  ];
  return sockets.some((s) => {
    try {
      return fs.statSync(s).isSocket();
    } catch {
      return false;
    }
  });
}

/**
 * The one PostgreSQL of a test run: DATABASE_URL if set, else a Testcontainers
 * postgres:18 when a Docker engine answers, else an embedded PostgreSQL 18.
 */
export async function startTestPostgres(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  if (env.DATABASE_URL) {
    return { adminUrl: env.DATABASE_URL, kind: 'DATABASE_URL', stop: async () => {} };
  }
  if (dockerAvailable(env)) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:18-alpine')
      .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'])
      .start();
    return {
      adminUrl: container.getConnectionUri(),
      kind: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-test-pg-'));
  fs.chmodSync(dataDir, 0o777);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data'), persistent: false, fast: true });
  return {
    adminUrl: server.url,
    kind: 'embedded',
    stop: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
