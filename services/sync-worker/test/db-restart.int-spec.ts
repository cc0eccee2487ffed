import {
  persistently,
  sleep,
  startFakeTelegram,
  startRestartablePostgres,
  waitUntil,
  type FakeTelegram,
  type RestartablePostgres,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { addPlayers, startWorker, workerEnv } from './helpers';

let pg: RestartablePostgres;
let telegram: FakeTelegram;
let db: TestDatabase;
let worker: SyncWorkerService | null = null;

beforeAll(async () => {
  pg = await startRestartablePostgres();
  telegram = await startFakeTelegram();
  const { url, pool } = await pg.migratedDatabase();
  db = { url, pool, drop: async () => {} } as unknown as TestDatabase;
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await db?.pool.end();
  await telegram?.close();
  await pg?.stop();
});

it('rides out a PostgreSQL restart and a crash under load: every event delivered exactly once', async () => {
  worker = await startWorker(workerEnv(db, { telegram: telegram.url }, { SYNC_POLL_MS: '200' }));
  const players = await addPlayers(db, 20, 90_000);
  const readyz: number[] = [];
  const committed: string[] = [];
  let loading = true;
  const load = (async () => {
    for (let n = 0; loading; n++) {
      const p = players[n % players.length]!;
      const key = `r${n}`;
      // A dedupe key makes a retried insert (its commit unknown) land once.
      await persistently(() =>
        db.pool.query(
          `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
           VALUES ($1, 'achievement_unlocked', 'discord', jsonb_build_object('achievement', $2::text), $2)
           ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
          [p.userId, key],
        ),
      );
      committed.push(key);
      await sleep(10);
    }
  })();
  const probe = setInterval(() => {
    fetch(`http://127.0.0.1:${worker!.port}/readyz`).then(
      (r) => readyz.push(r.status),
      () => readyz.push(0),
    );
  }, 50);
  try {
    await sleep(1_500);
    await pg.restart('fast');
    await sleep(1_500);
    await pg.restart('immediate');
    await sleep(1_500);
  } finally {
    loading = false;
    await load;
  }
  const pending = () =>
    persistently(() =>
      db.pool.query(`SELECT count(*)::int AS n FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL`),
    );
  await waitUntil(async () => (await pending()).rows[0].n === 0, 60_000, 'the worker to catch up');
  clearInterval(probe);
  await sleep(200);

  const { rows } = await db.pool.query(
    `SELECT count(*) FILTER (WHERE processed)::int AS processed, count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead,
            count(*)::int AS total FROM cross_platform_events`,
  );
  expect(rows[0]).toEqual({ processed: committed.length, dead: 0, total: committed.length });
  const sent = new Map<string, number>();
  for (const m of telegram.messages) {
    const key = /: (\S+)$/.exec(m.text ?? '')?.[1] ?? '';
    sent.set(key, (sent.get(key) ?? 0) + 1);
  }
  expect(committed.filter((k) => sent.get(k) !== 1)).toEqual([]);
  expect(telegram.messages).toHaveLength(committed.length);
  // /readyz said so while the database was away, and is back.
  expect(readyz.filter((s) => s !== 200).length).toBeGreaterThan(0);
  expect(readyz.at(-1)).toBe(200);
}, 120_000);
