/**
 * `make run`: the whole platform on this machine. Starts an embedded PostgreSQL with its
 * data under .data/ (unless DATABASE_URL is set), applies migrations, then starts every
 * built service with prefixed logs. Ctrl-C stops the services, then PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, createDataSource } from '@ttfd/shared';
import { reachableDataDir, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

interface ServiceSpec {
  name: string;
  port: number;
  /** Variables without which the service cannot do its job: it is left off, and we say so. */
  requires: string[];
}

const SERVICES: ServiceSpec[] = [
  { name: 'sync-worker', port: 8083, requires: [] },
  { name: 'telegram', port: 8081, requires: ['TELEGRAM_BOT_TOKEN'] },
  { name: 'discord', port: 8082, requires: ['DISCORD_TOKEN'] },
  { name: 'website', port: 3000, requires: [] },
];

const root = path.resolve(__dirname, '../..');
const colors = [36, 35, 33, 32, 34];
const say = (line: string) => process.stdout.write(`\x1b[1m[platform]\x1b[0m ${line}\n`);

function prefixed(stream: NodeJS.ReadableStream, label: string, color: number, out: NodeJS.WritableStream) {
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) out.write(`\x1b[${color}m[${label}]\x1b[0m ${line}\n`);
  });
}

async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main() {
  let postgres: EmbeddedPostgres | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = reachableDataDir(path.join(root, '.data', 'postgres'));
    const shown = dataDir.startsWith(root + path.sep) ? path.relative(root, dataDir) : dataDir;
    say(`starting embedded PostgreSQL (data in ${shown}/)`);
    postgres = await startEmbeddedPostgres({
      dataDir,
      persistent: true,
      port: Number(process.env.TTFD_DEV_PG_PORT) || undefined,
    });
    databaseUrl = await ensureDatabase(postgres.url, 'ttfd');
    say(`PostgreSQL ready: ${databaseUrl}`);
  }

  const dataSource = createDataSource(databaseUrl, { poolSize: 1, applicationName: 'ttfd-run' });
  await dataSource.initialize();
  const { applied } = await applyMigrations(dataSource);
  await dataSource.destroy();
  say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date');

  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;
  SERVICES.forEach((spec, i) => {
    const entry = path.join(root, 'services', spec.name, 'dist', 'main.js');
    if (!fs.existsSync(entry)) return;
    const missing = spec.requires.filter((v) => !process.env[v]);
    if (missing.length) {
      say(`${spec.name}: off (set ${missing.join(', ')} to start it)`);
      return;
    }
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: process.env[`${spec.name.toUpperCase().replace('-', '_')}_PORT`] ?? String(spec.port),
    };
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const color = colors[i % colors.length]!;
    prefixed(child.stdout!, spec.name, color, process.stdout);
    prefixed(child.stderr!, spec.name, color, process.stderr);
    child.on('exit', (code, signal) => {
      say(`${spec.name} exited (${signal ?? `code ${code}`})`);
      if (!stopping) void stop(1);
    });
    children.push({ name: spec.name, child });
    say(`${spec.name}: http://localhost:${env.PORT}/healthz`);
  });
  if (children.length === 0) say('no service is built: run `make build`');

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping services');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    if (postgres) {
      say('stopping PostgreSQL');
      await postgres.stop();
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`[platform] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
