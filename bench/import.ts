/**
 * `make bench BENCH=import`: the legacy import against a plain COPY, on one embedded
 * PostgreSQL 18 (stock settings, fsync on) in one run.
 *
 * Three legacy databases are generated beside the unified one: ROWS legacy rows in all
 * (default 1,000,000): half Telegram users, a quarter Discord members, a quarter website
 * accounts, a third of the accounts linked to a member by OAuth, a tenth of the members and
 * an eighth of the accounts naming a Telegram id, counters sometimes null.
 *   (a) `ttfd import-legacy` (the built CLI, its own process) reading the three and
 *       writing the unified database;
 *   (b) the peer: each legacy table streamed with `COPY ... TO STDOUT` into `COPY ... FROM
 *       STDIN` of a scratch table of the same columns in the unified database;
 *   (c) the rows (a) wrote (accounts, history events, legacy-id map) copied the same way
 *       into copies of their tables without any index, constraint or trigger: what writing
 *       the import's output costs at the very least, with no reading, matching or index.
 * Prints progress on stderr and one JSON line on stdout, with ratio = rows/s of (a) / (b)
 * and ceiling_ratio = (b)'s time / (c)'s: the ratio an import writing those rows could not
 * pass whatever it did.
 * NODE_OPTIONS reaches the import's process (e.g. `--cpu-prof` to see where its time goes).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { startBenchDatabase } from './lib/bench-database';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const BATCH_SIZE = Number(process.env.BATCH_SIZE ?? 5000);
const CLI = path.join(__dirname, '../../services/migrate/dist/main.js');
const log = (line: string) => process.stderr.write(`${line}\n`);

const LEGACY = {
  telegram: {
    table: 'users',
    schema: `user_id bigint PRIMARY KEY, username text, first_name text, xp bigint, coins bigint, rank text,
      games_played int, games_won int, daily_streak int, last_daily date, created_at timestamptz`,
    fill: (
      n: number,
    ) => `INSERT INTO users SELECT g, 'tg_' || g, CASE WHEN g % 7 = 0 THEN 'Зоя 🎲' ELSE 'Player ' || g END,
      CASE WHEN g % 11 = 0 THEN NULL ELSE (g * 37) % 5000 END, g % 300, 'Gold', g % 40, (g % 40) / 4, g % 9,
      DATE '2024-05-01', TIMESTAMPTZ '2023-01-01' + g * INTERVAL '1 minute'
      FROM generate_series(1, ${n}) g`,
  },
  discord: {
    table: 'members',
    schema: `discord_id text PRIMARY KEY, username text, xp bigint, level int, messages int, voice_seconds bigint,
      telegram_id bigint NULL, created_at timestamptz`,
    fill: (n: number) => `INSERT INTO members SELECT (100000000000000000 + g)::text, 'member#' || g,
      CASE WHEN g % 6 = 0 THEN NULL ELSE (g * 53) % 4000 END, 1, g % 500, (g * 97) % 50000,
      CASE WHEN g % 10 = 0 THEN g ELSE NULL END, TIMESTAMPTZ '2023-06-01' + g * INTERVAL '1 minute'
      FROM generate_series(1, ${n}) g`,
  },
  website: {
    table: 'accounts',
    schema: `id serial PRIMARY KEY, email text UNIQUE, email_verified boolean, password_hash text, username text,
      discord_id text NULL, telegram_id bigint NULL, created_at timestamptz`,
    fill: (n: number) => `INSERT INTO accounts SELECT g, 'Player' || g || '@Example.org', g % 5 <> 0,
      'pbkdf2:sha256:600000$salt' || g || '$' || repeat('ab', 32), 'web ' || g,
      CASE WHEN g % 3 = 0 THEN (100000000000000000 + g)::text END, CASE WHEN g % 8 = 0 THEN g + 1 END,
      TIMESTAMPTZ '2024-01-01' + g * INTERVAL '1 minute'
      FROM generate_series(1, ${n}) g`,
  },
} as const;
type Source = keyof typeof LEGACY;

async function query(url: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Streams one legacy table into a scratch table of the unified database with COPY on both ends. */
async function copyTable(from: string, to: string, source: Source): Promise<void> {
  const { table, schema } = LEGACY[source];
  const reader = new Client({ connectionString: from });
  const writer = new Client({ connectionString: to });
  await Promise.all([reader.connect(), writer.connect()]);
  try {
    await writer.query(
      `CREATE TABLE scratch_${table} (${schema.replace(/ PRIMARY KEY| UNIQUE|serial/g, (m) => (m === 'serial' ? 'int' : ''))})`,
    );
    await pipeline(
      reader.query(copyTo(`COPY ${table} TO STDOUT`)),
      writer.query(copyFrom(`COPY scratch_${table} FROM STDIN`)),
    );
  } finally {
    await Promise.all([reader.end(), writer.end()]);
  }
}

/** The tables the import writes; (c) copies their rows into index-free copies. */
const WRITTEN = ['unified_users', 'cross_platform_events', 'legacy_ids'] as const;

/** (c): the import's rows into copies of their tables with no index, constraint or trigger; seconds and rows. */
async function copyWritten(url: string): Promise<{ seconds: number; rows: number }> {
  const reader = new Client({ connectionString: url });
  const writer = new Client({ connectionString: url });
  await Promise.all([reader.connect(), writer.connect()]);
  try {
    let rows = 0;
    for (const table of WRITTEN) {
      await writer.query(`CREATE TABLE bare_${table} (LIKE ${table} INCLUDING DEFAULTS INCLUDING GENERATED)`);
      const { rows: n } = await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      rows += n[0]!.n;
    }
    const t = process.hrtime.bigint();
    for (const table of WRITTEN) {
      // Generated columns are computed again, not copied.
      const { rows: columns } = await reader.query<{ list: string }>(
        `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS list FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`,
        [table],
      );
      const list = columns[0]!.list;
      await pipeline(
        reader.query(copyTo(`COPY ${table} (${list}) TO STDOUT`)),
        writer.query(copyFrom(`COPY bare_${table} (${list}) FROM STDIN`)),
      );
    }
    return { seconds: Number(process.hrtime.bigint() - t) / 1e9, rows };
  } finally {
    await Promise.all([reader.end(), writer.end()]);
  }
}

function runImport(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
        ...env,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    const started = Date.now();
    child.stderr.on('data', (d) => {
      err += d;
      for (const line of String(d).trim().split('\n')) log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
    });
    child.once('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`ttfd import-legacy exited ${code}:\n${err.slice(-2000)}`));
    });
  });
}

async function main(): Promise<void> {
  const counts: Record<Source, number> = {
    telegram: Math.floor(ROWS / 2),
    discord: Math.floor(ROWS / 4),
    website: ROWS - Math.floor(ROWS / 2) - Math.floor(ROWS / 4),
  };
  log(`import bench: ${ROWS} legacy rows (${JSON.stringify(counts)}), batch size ${BATCH_SIZE}`);
  const db = await startBenchDatabase('import', 0);
  try {
    const admin = db.url.replace(/\/bench$/, '/postgres');
    const urls = {} as Record<Source, string>;
    for (const source of Object.keys(LEGACY) as Source[]) {
      await query(admin, `CREATE DATABASE legacy_${source}`);
      urls[source] = db.url.replace(/\/bench$/, `/legacy_${source}`);
      await query(urls[source], `CREATE TABLE ${LEGACY[source].table} (${LEGACY[source].schema})`);
      await query(urls[source], LEGACY[source].fill(counts[source]));
      await query(urls[source], 'VACUUM ANALYZE');
    }
    log('legacy databases ready');

    let t = process.hrtime.bigint();
    for (const source of Object.keys(LEGACY) as Source[]) await copyTable(urls[source], db.url, source);
    const copySeconds = Number(process.hrtime.bigint() - t) / 1e9;
    log(`COPY: ${copySeconds.toFixed(2)} s`);

    t = process.hrtime.bigint();
    const out = await runImport(
      [
        'import-legacy',
        '--telegram',
        urls.telegram,
        '--discord',
        urls.discord,
        '--website',
        urls.website,
        '--batch-size',
        String(BATCH_SIZE),
      ],
      { DATABASE_URL: db.url },
    );
    const importSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const report = JSON.parse(out) as { accounts: { created: number }; sources: Record<Source, { imported: number }> };
    const imported = Object.values(report.sources).reduce((n, s) => n + s.imported, 0);
    log(`import: ${importSeconds.toFixed(2)} s, ${report.accounts.created} accounts from ${imported} rows`);

    const written = await copyWritten(db.url);
    log(`the import's ${written.rows} rows into tables without indexes: ${written.seconds.toFixed(2)} s`);

    const importRate = ROWS / importSeconds;
    const copyRate = ROWS / copySeconds;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'import',
        rows: ROWS,
        rows_imported: imported,
        accounts_created: report.accounts.created,
        batch_size: BATCH_SIZE,
        import_seconds: +importSeconds.toFixed(3),
        import_rows_per_s: Math.round(importRate),
        copy_seconds: +copySeconds.toFixed(3),
        copy_rows_per_s: Math.round(copyRate),
        ratio: +(importRate / copyRate).toFixed(3),
        target_ratio: 0.3,
        rows_written: written.rows,
        written_copy_seconds: +written.seconds.toFixed(3),
        ceiling_ratio: +(copySeconds / written.seconds).toFixed(3),
        settings: db.settings,
      })}\n`,
    );
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
