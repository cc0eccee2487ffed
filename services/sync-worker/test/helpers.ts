import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger, type Locale, type NotifiedPlatform } from '@ttfd/shared';
import { REGISTER_TS, waitUntil, type TestDatabase } from '@ttfd/testing';
import { parseSyncWorkerConfig } from '../src/config';
import { startSyncWorkerService, type SyncWorkerService } from '../src/service';

export const TELEGRAM_TOKEN = '123456:TEST-token';
export const DISCORD_TOKEN = 'discord-test-token';
export const GUILD_ID = '111111111111111111';
const MAIN = path.resolve(__dirname, '../src/main.ts');
const CLI = path.resolve(__dirname, '../../migrate/src/main.ts');

export interface Player {
  userId: string;
  telegramId: string | null;
  discordId: string | null;
}

/**
 * Players linked on the given platforms, ids derived from `base`. `muted`: every platform's
 * notifications off; `mutedOn`: only these platforms'.
 */
export async function addPlayers(
  db: TestDatabase,
  count: number,
  base: number,
  options: {
    telegram?: boolean;
    discord?: boolean;
    locale?: Locale;
    muted?: boolean;
    mutedOn?: NotifiedPlatform[];
  } = {},
): Promise<Player[]> {
  const { telegram = true, discord = false, locale = 'ru', muted = false } = options;
  const mutedOn: NotifiedPlatform[] = muted ? ['telegram', 'discord'] : (options.mutedOn ?? []);
  const { rows } = await db.pool.query(
    `INSERT INTO unified_users (telegram_id, discord_id, website_email, primary_platform, locale,
                                telegram_notifications, discord_notifications)
     SELECT CASE WHEN $2 THEN $1::bigint + g END, CASE WHEN $3 THEN (800000000000000000 + $1::bigint + g)::text END,
            CASE WHEN NOT $2 AND NOT $3 THEN 'p' || ($1::bigint + g) || '@example.org' END,
            CASE WHEN $2 THEN 'telegram' WHEN $3 THEN 'discord' ELSE 'website' END, $4,
            NOT ('telegram' = ANY($5::text[])), NOT ('discord' = ANY($5::text[]))
     FROM generate_series(1, $6) g ORDER BY g
     RETURNING id, telegram_id, discord_id`,
    [base, telegram, discord, locale, mutedOn, count],
  );
  return rows.map((r) => ({ userId: r.id, telegramId: r.telegram_id, discordId: r.discord_id }));
}

export interface NewEvent {
  userId: string;
  type: string;
  data: object;
  source?: string;
}

/** Appends events in one statement, in the order given; returns their ids. */
export async function addEvents(db: TestDatabase, events: NewEvent[]): Promise<string[]> {
  const { rows } = await db.pool.query(
    `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
     SELECT u, t, s, d FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS x(u, t, s, d, n)
     ORDER BY n
     RETURNING id`,
    [
      events.map((e) => e.userId),
      events.map((e) => e.type),
      events.map((e) => e.source ?? 'discord'),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  await db.pool.query(`SELECT pg_notify('ttfd_events', '')`);
  return rows.map((r) => r.id);
}

export async function eventRows(db: TestDatabase, where = 'true', params: unknown[] = []) {
  const { rows } = await db.pool.query(
    `SELECT id, seq, user_id, event_type, processed, outcome, attempts, dead_at, last_error, run_at, processed_at
     FROM cross_platform_events WHERE ${where} ORDER BY seq`,
    params,
  );
  return rows;
}

export async function pendingCount(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL`,
  );
  return rows[0].n;
}

export function waitForDrain(db: TestDatabase, timeoutMs = 30_000) {
  return waitUntil(async () => (await pendingCount(db)) === 0, timeoutMs, 'every event to be settled');
}

export type WorkerEnv = Record<string, string | undefined>;

/** The environment a worker gets in tests: fakes for both platforms, quick retries. */
export function workerEnv(db: TestDatabase, fakes: { telegram?: string; discord?: string }, extra: WorkerEnv = {}) {
  return {
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TELEGRAM_BOT_TOKEN: fakes.telegram ? TELEGRAM_TOKEN : undefined,
    TELEGRAM_API_ROOT: fakes.telegram,
    DISCORD_TOKEN: fakes.discord ? DISCORD_TOKEN : undefined,
    DISCORD_API_ROOT: fakes.discord,
    DISCORD_GUILD_ID: fakes.discord ? GUILD_ID : undefined,
    SYNC_BACKOFF_BASE_MS: '100',
    SYNC_BACKOFF_MAX_MS: '2000',
    SYNC_POLL_MS: '500',
    SYNC_MAX_ATTEMPTS: '5',
    ...extra,
  };
}

/** A worker in this process, as main.ts starts it. */
export async function startWorker(env: WorkerEnv): Promise<SyncWorkerService> {
  const config = parseSyncWorkerConfig(env);
  return startSyncWorkerService(config, createLogger('sync-worker', config.LOG_LEVEL));
}

export interface ChildWorker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A worker in its own process, running main.ts from source. */
export function spawnWorker(env: WorkerEnv): ChildWorker {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const child = spawn(process.execPath, ['-r', REGISTER_TS, MAIN], {
    env: { PATH: process.env.PATH ?? '', ...clean, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Waits until the child worker logged that it is up. */
export function workerUp(worker: ChildWorker, timeoutMs = 20_000) {
  return waitUntil(
    () => {
      if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
      return worker.output().includes('listening for new events');
    },
    timeoutMs,
    'the worker to start',
  );
}

/** Runs the ops CLI (`ttfd ...`) from source against the test database. */
export function runCli(
  db: TestDatabase,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', REGISTER_TS, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
