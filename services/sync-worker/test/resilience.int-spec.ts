import { spawnSync } from 'node:child_process';
import {
  createTestDatabase,
  sleep,
  startFakeTelegram,
  startTcpProxy,
  waitUntil,
  type FakeTelegram,
  type TcpProxy,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { addEvents, addPlayers, eventRows, startWorker, waitForDrain, workerEnv } from './helpers';

let db: TestDatabase;
let telegram: FakeTelegram;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  telegram = await startFakeTelegram();
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await telegram.close();
  await db.drop();
});

async function worker(extra: Record<string, string> = {}): Promise<SyncWorkerService> {
  const w = await startWorker(workerEnv(db, { telegram: telegram.url }, extra));
  stops.push(() => w.stop());
  return w;
}

const achievement = (key: string) => ({ achievement: key });
const metricsOf = async (w: SyncWorkerService) => (await fetch(`http://127.0.0.1:${w.port}/metrics`)).text();
/** The value of a series in the exposition text, whatever the order of its labels (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

function promtool(input: string) {
  const run = spawnSync('promtool', ['check', 'metrics'], { input, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool could not run (apt-get install prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

it('reconnects by itself when its database sessions are terminated mid-stream, losing and repeating nothing', async () => {
  const w = await worker({ WORKER_ID: 'terminated', SYNC_BATCH_SIZE: '50' });
  const players = await addPlayers(db, 100, 50_000);
  telegram.delayMs = 3;
  const events = players.flatMap((p) =>
    Array.from({ length: 6 }, (_, k) => ({
      userId: p.userId,
      type: 'achievement_unlocked',
      data: achievement(`t${p.userId}_${k}`),
    })),
  );
  const ids = await addEvents(db, events);
  for (let round = 0; round < 3; round++) {
    await waitUntil(() => telegram.messages.length > 100 * (round + 1), 20_000, 'deliveries to progress');
    expect(await db.terminate('ttfd-sync:terminated%')).toBeGreaterThan(0);
  }
  await waitForDrain(db, 30_000);
  telegram.delayMs = 0;

  const rows = await eventRows(db, 'id = ANY($1)', [ids]);
  expect(rows.filter((r) => !r.processed)).toEqual([]);
  const mine = new Set(players.map((p) => p.telegramId));
  const texts = telegram.messages.filter((m) => mine.has(m.chat_id)).map((m) => `${m.chat_id}/${m.text}`);
  expect(duplicates(texts)).toEqual([]);
  // A message in flight when its session died may have arrived without its receipt saying
  // so; it is then marked unknown, never sent again.
  const { rows: receipts } = await db.pool.query(
    `SELECT status, count(*)::int AS n FROM delivery_receipts WHERE event_id = ANY($1) GROUP BY status ORDER BY status`,
    [ids],
  );
  const count = (status: string) => receipts.find((r) => r.status === status)?.n ?? 0;
  expect(count('sent') + count('unknown')).toBe(600);
  expect(texts.length).toBeGreaterThanOrEqual(count('sent'));
  expect(texts.length).toBeLessThanOrEqual(600);
  expect(await metricsOf(w)).toContain('ttfd_events_pending{service="sync-worker"} 0');
  await w.stop();
});

it('keeps the lag bounded by the safety-net poll when the listener connection silently dies, then listens again', async () => {
  const { hostname, port } = new URL(db.url);
  const proxy: TcpProxy = await startTcpProxy(hostname, Number(port));
  stops.push(() => proxy.close());
  const w = await worker({
    WORKER_ID: 'stalled',
    SYNC_LISTEN_DATABASE_URL: proxy.rewrite(db.url),
    SYNC_POLL_MS: '300',
    SYNC_LISTEN_CHECK_MS: '3000',
  });
  await waitUntil(() => proxy.connections === 1, 5_000, 'the listener to connect through the proxy');
  const [p] = await addPlayers(db, 1, 51_000);
  proxy.stall();
  for (let i = 0; i < 5; i++) {
    const [id] = await addEvents(db, [
      { userId: p!.userId, type: 'achievement_unlocked', data: achievement(`stall${i}`) },
    ]);
    // Well under the listener check: only the poll can have found it.
    await waitUntil(async () => (await eventRows(db, 'id = $1 AND processed', [id])).length === 1, 2_000, 'the poll');
  }
  await waitUntil(() => proxy.connections === 2, 10_000, 'the listener to reconnect');
  await w.stop();
});

it('serves /metrics that promtool accepts, with the lag histogram moving, and /readyz that follows the database', async () => {
  const { hostname, port } = new URL(db.url);
  const proxy = await startTcpProxy(hostname, Number(port));
  stops.push(() => proxy.close());
  const w = await worker({ DATABASE_URL: proxy.rewrite(db.url), SYNC_POLL_MS: '200' });
  const before = await metricsOf(w);
  const xp = { event_type: 'xp_change' };
  const [p] = await addPlayers(db, 1, 52_000);
  await addEvents(
    db,
    Array.from({ length: 25 }, () => ({
      userId: p!.userId,
      type: 'xp_change',
      data: { xp_delta: 1, coins_delta: 0, reason: 'm' },
    })),
  );
  await waitForDrain(db);
  await sleep(1_100);
  const after = await metricsOf(w);
  const count = 'ttfd_event_lag_seconds_count';
  expect(sample(after, count, xp) - sample(before, count, xp)).toBe(25);
  expect(sample(after, 'ttfd_events_processed_total', { ...xp, outcome: 'ok' })).toBe(25);
  expect(sample(after, 'ttfd_event_lag_seconds_bucket', { ...xp, le: '300' })).toBe(25);
  expect(sample(after, 'ttfd_event_lag_seconds_bucket', { ...xp, le: '0.001' })).toBeLessThan(25);
  expect(sample(after, 'ttfd_events_pending')).toBe(0);
  expect(after).toMatch(/^ttfd_sync_last_processed_timestamp_seconds\{service="sync-worker"\} \d+/m);
  expect(after).toContain('ttfd_events_dead{service="sync-worker"} 0');
  expect(after).toContain('ttfd_events_oldest_pending_age_seconds{service="sync-worker"} 0');

  // The whole page parses; the only lint findings are prom-client's own nodejs_*_total gauges.
  const all = promtool(after);
  expect(all.status === 0 || all.status === 3).toBe(true);
  expect(all.output.split('\n').filter((l) => l && !/^nodejs_active_\w+_total non-counter/.test(l))).toEqual([]);
  const ours = after
    .split('\n')
    .filter((l) => /^(# (HELP|TYPE) )?ttfd_/.test(l))
    .join('\n');
  expect(promtool(`${ours}\n`)).toEqual({ status: 0, output: '' });

  expect((await fetch(`http://127.0.0.1:${w.port}/readyz`)).status).toBe(200);
  await proxy.close();
  const down = await fetch(`http://127.0.0.1:${w.port}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.text()).toMatch(/^not ready: /);
});
