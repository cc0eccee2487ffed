import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, REGISTER_TS, waitUntil, type TestDatabase } from '@ttfd/testing';
import { runCli } from '../src/cli';
import type { ImportReport } from '../src/legacy-import/import-legacy';
import { createLegacyDatabases, generateLegacyData, type LegacyDatabases } from './legacy-databases';

const MAIN = path.join(__dirname, '../src/main.ts');

let legacy: LegacyDatabases;
let whole: TestDatabase;
let killed: TestDatabase;

beforeAll(async () => {
  legacy = await createLegacyDatabases(generateLegacyData(3000));
  [whole, killed] = await Promise.all([createTestDatabase(), createTestDatabase()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([whole?.drop(), killed?.drop()]);
  await legacy?.drop();
});

const sourceArgs = () => [
  '--telegram',
  legacy.urls.telegram,
  '--discord',
  legacy.urls.discord,
  '--website',
  legacy.urls.website,
];

async function importInProcess(db: TestDatabase, batchSize: number) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['import-legacy', ...sourceArgs(), '--batch-size', String(batchSize)],
    { DATABASE_URL: db.url },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  expect({ code, err: err.filter((l) => !l.startsWith('import-legacy: ')) }).toEqual({ code: 0, err: [] });
  return JSON.parse(out.join('\n')) as ImportReport;
}

/** Every account the import wrote, keyed by its legacy rows (account ids differ between databases). */
async function result(db: TestDatabase) {
  const { rows } = await db.pool.query(`
    SELECT (SELECT array_agg(l.source || ':' || l.legacy_id ORDER BY l.source, l.legacy_id) FROM legacy_ids l WHERE l.user_id = u.id) AS legacy,
           u.telegram_id::text, u.discord_id, u.website_email, u.username, u.display_name, u.xp::int, u.coins::int,
           u.rank_id, u.games_played, u.games_won, u.messages_sent::int, u.total_voice_time::int, u.daily_streak,
           u.last_daily_claim, u.achievements, u.primary_platform, u.created_at, c.password_hash,
           (SELECT array_agg(p.telegram_id || '<-' || p.claimant_platform || ':' || p.claimant_identity ORDER BY 1)
              FROM legacy_link_proposals p WHERE p.user_id = u.id) AS proposals,
           (SELECT array_agg(e.event_type || ':' || coalesce(e.data->>'xp_delta', '') || ':' || e.processed ORDER BY e.event_type, e.data->>'xp_delta')
              FROM cross_platform_events e WHERE e.user_id = u.id) AS events
    FROM unified_users u LEFT JOIN website_credentials c ON c.user_id = u.id
    ORDER BY 1`);
  return rows;
}

describe('ttfd import-legacy killed half-way', () => {
  it('resumes where it stopped and ends as an uninterrupted run does', async () => {
    const uninterrupted = await importInProcess(whole, 200);
    expect(uninterrupted.accounts.created).toBeGreaterThan(4000);

    // The real CLI in its own process, killed (SIGKILL) after a few batches have committed.
    const child = spawn(
      process.execPath,
      ['-r', REGISTER_TS, MAIN, 'import-legacy', ...sourceArgs(), '--batch-size', '25'],
      {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: killed.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`the import ended before it was killed:\n${output}`);
        return (output.match(/import-legacy: wrote /g) ?? []).length >= 20;
      },
      60_000,
      'twenty written batches',
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { rows: partial } = await killed.pool.query(`SELECT count(*)::int AS n FROM legacy_ids`);
    const total = Object.values(uninterrupted.sources).reduce((n, s) => n + s.imported, 0);
    expect(partial[0].n).toBeGreaterThanOrEqual(20 * 25);
    expect(partial[0].n).toBeLessThan(total);

    const resumed = await importInProcess(killed, 200);
    expect(resumed.accounts.already_imported).toBeGreaterThan(0);
    expect(resumed.accounts.created + resumed.accounts.already_imported).toBe(uninterrupted.accounts.created);
    expect(resumed.totals).toEqual(uninterrupted.totals);
    expect(resumed.conflicts).toEqual(uninterrupted.conflicts);

    expect(await result(killed)).toEqual(await result(whole));
    const reconcile: string[] = [];
    expect(
      await runCli(['reconcile'], { DATABASE_URL: killed.url }, { out: (l) => reconcile.push(l), err: () => {} }),
    ).toBe(0);

    // And then it is done: one more run changes nothing.
    const again = await importInProcess(killed, 200);
    expect(again.no_op).toBe(true);
  }, 240_000);
});
