/**
 * `make run`: the whole platform on this machine. Starts an embedded PostgreSQL with its
 * data under .data/ (unless DATABASE_URL is set), applies migrations, then starts every
 * built service with prefixed logs.
 *
 * Ctrl-C: a terminal sends SIGINT to its whole foreground process group, which would reach
 * every service and PostgreSQL at once (and each service a second time when the launcher
 * forwards it). So the launcher runs its supervisor in a process group of its own: the
 * terminal's signal reaches only this outer process, which passes one signal on; the
 * supervisor sends each service one SIGTERM, waits for every one to drain and exit, and
 * only then stops PostgreSQL. A second Ctrl-C stops the services at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
  /** Defaults for this machine when a variable is unset (e.g. a session secret for this run). */
  defaults?: (port: string) => Record<string, string>;
  /** What to open in a browser, besides /healthz. */
  site?: boolean;
}

const SERVICES: ServiceSpec[] = [
  { name: 'sync-worker', port: 8083, requires: [] },
  { name: 'telegram', port: 8081, requires: ['TELEGRAM_BOT_TOKEN'] },
  { name: 'discord', port: 8082, requires: ['DISCORD_TOKEN'] },
  {
    name: 'website',
    port: 3000,
    requires: [],
    site: true,
    // Sessions signed with a secret made for this run: a restart signs everyone out.
    defaults: (port) => ({ SESSION_SECRET: randomBytes(32).toString('hex'), PUBLIC_URL: `http://localhost:${port}` }),
  },
];

const root = path.resolve(__dirname, '../..');
const colors = [36, 35, 33, 32, 34];
const say = (line: string) => process.stdout.write(`\x1b[1m[platform]\x1b[0m ${line}\n`);
const SUPERVISOR = 'TTFD_SUPERVISOR';

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

/** The entry point of a service: its build, or (TTFD_RUN_FROM_SOURCE=1, for tests) its source. */
function entryOf(name: string): string | null {
  const fromSource = process.env.TTFD_RUN_FROM_SOURCE === '1';
  const entry = path.join(root, 'services', name, fromSource ? 'src/main.ts' : 'dist/main.js');
  return fs.existsSync(entry) ? entry : null;
}

/** Waits for a child to exit; resolves at once if it already has. */
function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function supervise() {
  let postgres: EmbeddedPostgres | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = reachableDataDir(process.env.TTFD_DEV_DATA_DIR ?? path.join(root, '.data', 'postgres'));
    const shown = dataDir.startsWith(root + path.sep) ? path.relative(root, dataDir) : dataDir;
    say(`starting embedded PostgreSQL (data in ${shown}/)`);
    postgres = await startEmbeddedPostgres({
      dataDir,
      persistent: true,
      port: Number(process.env.TTFD_DEV_PG_PORT) || undefined,
      stopOnSignals: false,
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

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping services');
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => exitOf(child)));
    if (postgres) {
      say('stopping PostgreSQL');
      await postgres.stop();
    }
    say('stopped');
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => {
    // The second one: no more waiting for drains.
    if (stopping) for (const { child } of children) child.kill('SIGKILL');
    void stop(0);
  });

  SERVICES.forEach((spec, i) => {
    const entry = entryOf(spec.name);
    if (!entry) return;
    const missing = spec.requires.filter((v) => !process.env[v]);
    if (missing.length) {
      say(`${spec.name}: off (set ${missing.join(', ')} to start it)`);
      return;
    }
    const port = process.env[`${spec.name.toUpperCase().replace('-', '_')}_PORT`] ?? String(spec.port);
    const defaults = Object.entries(spec.defaults?.(port) ?? {}).filter(([name]) => !process.env[name]);
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(defaults),
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: port,
    };
    const child = spawn(process.execPath, [...process.execArgv, entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const color = colors[i % colors.length]!;
    prefixed(child.stdout!, spec.name, color, process.stdout);
    prefixed(child.stderr!, spec.name, color, process.stderr);
    child.on('exit', (code, signal) => {
      say(`${spec.name} exited (${signal ?? `code ${code}`})`);
      if (!stopping) void stop(1);
    });
    children.push({ name: spec.name, child });
    say(`${spec.name}: http://localhost:${env.PORT}/healthz`);
    if (spec.site) say(`${spec.name}: open ${env.PUBLIC_URL ?? `http://localhost:${env.PORT}`}/`);
  });
  if (children.length === 0) say('no service is built: run `make build`');
}

/** The outer process: holds the terminal, passes each signal once to the supervisor's own group. */
function launch() {
  const supervisor = spawn(process.execPath, [...process.execArgv, __filename], {
    env: { ...process.env, [SUPERVISOR]: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const forward = (signal: NodeJS.Signals) => {
    if (supervisor.exitCode === null) supervisor.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  // If this process dies without a signal it could pass on, the supervisor must not outlive it.
  process.on('exit', () => forward('SIGTERM'));
  supervisor.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.env[SUPERVISOR] === '1') {
  supervise().catch((err: unknown) => {
    process.stderr.write(`[platform] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else {
  launch();
}
