import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import client from 'prom-client';
import { createLogger, createProgression, createWake, LIVE_CHANNEL, type Progression } from '@ttfd/shared';
import { createTestDatabase, sleep, waitUntil, type TestDatabase } from '@ttfd/testing';
import { createLiveHub, type LiveHub } from '../src/live/live-hub';
import { createLiveMetrics, type LiveMetrics } from '../src/live/live-metrics';
import { openLiveStream } from '../src/live/live-stream';
import { openSse, type SseClient } from './sse-client';

const APP = 'ttfd-website-live-test';
/** While set, the hub's reconnections fail (a database that cannot be reached). */
let refuseConnections = false;
let db: TestDatabase;
let progression: Progression;
let hub: LiveHub;
let metrics: LiveMetrics;
let registry: client.Registry;
let server: http.Server;
let base: string;
const opened: SseClient[] = [];

/** The stream of a player, as the website's route opens it (tests pass the player in the query). */
function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url!, 'http://x');
  openLiveStream(req, res, {
    pool: db.pool,
    hub,
    log: createLogger('website-test', 'silent'),
    userId: url.searchParams.get('user')!,
    after: (req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('after'),
    heartbeatMs: Number(url.searchParams.get('heartbeat') ?? 60_000),
    maxQueuedBytes: 256 * 1024,
    resumeLimit: 100,
  });
}

async function open(user: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const query = new URLSearchParams({ user, ...params });
  const sse = await openSse(`${base}/events?${query}`, headers);
  opened.push(sse);
  return sse;
}

/** What the sync worker does for these events: settles them and publishes them on the live channel. */
async function announce(userId: string) {
  await db.pool.query(
    `WITH settled AS (
       UPDATE cross_platform_events SET processed = true, processed_at = now()
       WHERE user_id = $1 AND NOT processed RETURNING *
     )
     SELECT pg_notify($2, json_agg(json_build_object('id', id, 'seq', seq::text, 'user_id', user_id::text,
              'type', event_type, 'source', source_platform, 'created_at', created_at, 'data', data) ORDER BY seq)::text)
     FROM settled HAVING count(*) > 0`,
    [userId, LIVE_CHANNEL],
  );
}

let telegramId = 610000;
async function newPlayer() {
  const player = { platform: 'telegram', id: ++telegramId } as const;
  const { userId } = await progression.ensureUser(player, { username: `p${telegramId}`, displayName: 'P' });
  await announce(userId);
  return { player, userId };
}

const updates = (sse: SseClient) => sse.events.filter((e) => e.event === 'update').map((e) => JSON.parse(e.data));

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
  registry = new client.Registry();
  metrics = createLiveMetrics(registry);
  hub = createLiveHub({
    connect: () =>
      refuseConnections
        ? new Client({ host: '127.0.0.1', port: 1 })
        : new Client({ connectionString: db.url, application_name: APP }),
    log: createLogger('website-test', 'silent'),
    metrics,
  });
  await waitUntil(() => hub.listening, 10_000, 'the LISTEN connection');
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const sse of opened.splice(0)) sse.close();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await hub.stop();
  await db.drop();
});

describe('live updates as server-sent events', () => {
  it('sends a player their own updates as they are published, with the seq as the event id', async () => {
    const ann = await newPlayer();
    const bob = await newPlayer();
    const annStream = await open(ann.userId);
    const bobStream = await open(bob.userId);
    expect(annStream.status).toBe(200);
    await waitUntil(() => hub.subscribers === 2, 5_000, 'two subscribers');
    await progression.award({ player: ann.player, xp: 40, reason: 'quest', source: 'telegram' });
    await announce(ann.userId);
    const [update] = await waitUntil(() => updates(annStream).length > 0 && updates(annStream), 5_000, 'an update');
    expect(update).toMatchObject({ user_id: ann.userId, type: 'xp_change', source: 'telegram' });
    expect(annStream.events.find((e) => e.event === 'update')!.id).toBe(update.seq);
    await sleep(200);
    expect(updates(bobStream)).toEqual([]);
  });

  it('resumes after Last-Event-ID from the event log, then goes on live, each update once', async () => {
    const ann = await newPlayer();
    for (const xp of [1, 2, 3])
      await progression.award({ player: ann.player, xp, reason: 'quest', source: 'telegram' });
    await announce(ann.userId);
    const { rows } = await db.pool.query<{ seq: string }>(
      `SELECT seq::text FROM cross_platform_events WHERE user_id = $1 AND event_type = 'xp_change' ORDER BY seq`,
      [ann.userId],
    );
    const sse = await open(ann.userId, {}, { 'Last-Event-ID': rows[0]!.seq });
    await waitUntil(() => updates(sse).length >= 2, 5_000, 'the missed updates');
    expect(updates(sse).map((u) => u.data.xp_delta)).toEqual([2, 3]);
    await progression.award({ player: ann.player, xp: 4, reason: 'quest', source: 'telegram' });
    await announce(ann.userId);
    await waitUntil(() => updates(sse).length >= 3, 5_000, 'the live update');
    await sleep(100);
    expect(updates(sse).map((u) => u.data.xp_delta)).toEqual([2, 3, 4]);
    const ids = sse.events.filter((e) => e.event === 'update').map((e) => BigInt(e.id!));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('keeps an idle stream open with heartbeats', async () => {
    const ann = await newPlayer();
    const sse = await open(ann.userId, { heartbeat: '50' });
    await waitUntil(() => sse.comments.filter((c) => c === 'heartbeat').length >= 3, 5_000, 'heartbeats');
    expect(sse.ended).toBe(false);
  });

  it('closes the stream of a browser that stops reading, tells it to resume, and counts it', async () => {
    const ann = await newPlayer();
    const slow = await open(ann.userId);
    const quick = await open(ann.userId);
    await waitUntil(() => hub.subscribers >= 2, 5_000, 'subscribers');
    slow.pause();
    const streamsBefore = (await registry.getSingleMetric('ttfd_website_sse_streams')!.get()).values[0]!.value;
    const dropped = registry.getSingleMetric('ttfd_website_sse_slow_clients_dropped_total')!;
    // The rounds' updates only: the player's registration may reach a stream opened after it
    // was announced, when the LISTEN connection hands it over late (a loaded machine).
    const rounds = (sse: SseClient) => updates(sse).filter((u) => u.seq !== undefined && BigInt(u.seq) > 10_000_000n);
    const droppedCount = async () => (await dropped.get()).values[0]!.value;
    // 3,000 updates of 3.5 kB (10 MB) in rounds of 40 that a reading browser takes in stride.
    for (let round = 0; round < 75; round++) {
      await db.pool.query(
        `SELECT pg_notify($2, json_build_array(json_build_object('id', gen_random_uuid(), 'seq', (10000000 + g)::text,
                  'user_id', $1::text, 'type', 'xp_change', 'source', 'telegram', 'created_at', now(),
                  'data', json_build_object('pad', repeat('x', 3500))))::text)
         FROM generate_series($3::int * 40 + 1, $3::int * 40 + 40) g`,
        [ann.userId, LIVE_CHANNEL, round],
      );
      await waitUntil(
        () => rounds(quick).length === (round + 1) * 40,
        10_000,
        `round ${round} for the quick browser`,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}: it has ${rounds(quick).length}, ended ${quick.ended}, listening ${hub.listening}`,
        );
      });
      // The slow browser, reading again once dropped, finds the end of its stream telling it to resume.
      if ((await droppedCount()) === 1) slow.resume();
    }
    expect(await droppedCount()).toBe(1);
    const streamsAfter = (await registry.getSingleMetric('ttfd_website_sse_streams')!.get()).values[0]!.value;
    expect(streamsAfter).toBe(streamsBefore - 1);
    // The browser that kept up got everything and is still open.
    expect(rounds(quick)).toHaveLength(3000);
    expect(quick.ended).toBe(false);
    await waitUntil(() => slow.ended, 10_000, 'the slow stream ended');
    expect(slow.events.at(-1)).toEqual({ event: 'overflow', data: '{"resume":true}' });
    expect(rounds(slow).length).toBeLessThan(3000);
  });

  it('serves many streams from one LISTEN connection', async () => {
    const players = await Promise.all(Array.from({ length: 10 }, () => newPlayer()));
    const before = hub.subscribers;
    const streams = await Promise.all(players.flatMap((p) => [open(p.userId), open(p.userId), open(p.userId)]));
    await waitUntil(() => hub.subscribers === before + 30, 5_000, '30 subscribers');
    expect(await db.backends(APP)).toHaveLength(1);
    for (const p of players) await progression.award({ player: p.player, xp: 5, reason: 'quest', source: 'telegram' });
    for (const p of players) await announce(p.userId);
    await waitUntil(() => streams.every((s) => updates(s).length >= 1), 5_000, 'an update on every stream');
    streams.forEach((s, i) =>
      expect(updates(s).every((u) => u.user_id === players[Math.floor(i / 3)]!.userId)).toBe(true),
    );
  });

  it('catches up from the event log when the LISTEN connection was lost meanwhile', async () => {
    const ann = await newPlayer();
    const { rows } = await db.pool.query<{ seq: string }>(
      `SELECT max(seq)::text AS seq FROM cross_platform_events WHERE user_id = $1`,
      [ann.userId],
    );
    const sse = await open(ann.userId, { after: rows[0]!.seq });
    refuseConnections = true;
    await db.terminate(APP);
    await waitUntil(() => !hub.listening, 5_000, 'the listener to notice');
    // Published while nobody listens: the notification is lost.
    await progression.award({ player: ann.player, xp: 9, reason: 'quest', source: 'telegram' });
    await announce(ann.userId);
    await sleep(300);
    expect(updates(sse)).toEqual([]);
    refuseConnections = false;
    await waitUntil(() => updates(sse).length > 0, 15_000, 'the missed update after reconnecting');
    expect(updates(sse).map((u) => u.data.xp_delta)).toEqual([9]);
    expect(sse.ended).toBe(false);
  });
});
