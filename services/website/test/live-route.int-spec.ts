import path from 'node:path';
import { createProgression, createWake, type Progression } from '@ttfd/shared';
import { killSpawned, spawnMain, waitUntil, type MainProcess } from '@ttfd/testing';
import { startTestWebsite, type TestWebsite } from './harness';
import { signedInAs } from './signed-in';
import { openSse, type SseClient } from './sse-client';

const WORKER_MAIN = path.join(__dirname, '../../sync-worker/src/main.ts');

let site: TestWebsite;
let worker: MainProcess;
let progression: Progression;
const opened: SseClient[] = [];

const updates = (sse: SseClient) => sse.events.filter((e) => e.event === 'update').map((e) => JSON.parse(e.data));

async function stream(cookie: string | null, headers: Record<string, string> = {}, query = '') {
  const sse = await openSse(`${site.url}/api/v1/me/events${query}`, {
    ...(cookie ? { Cookie: cookie } : {}),
    ...headers,
  });
  opened.push(sse);
  return sse;
}

beforeAll(async () => {
  site = await startTestWebsite();
  progression = createProgression({ pool: site.db.pool, wake: createWake(site.db.pool) });
  // The real sync worker: it settles each event and publishes it on the website's channel.
  worker = spawnMain(WORKER_MAIN, { DATABASE_URL: site.db.url, PORT: '0', SYNC_POLL_MS: '200', LOG_LEVEL: 'info' });
  await worker.logged('listening for new events', 30_000);
});
afterEach(() => {
  for (const sse of opened.splice(0)) sse.close();
});
afterAll(async () => {
  killSpawned();
  await site.stop();
});

describe('GET /api/v1/me/events', () => {
  it('asks a visitor to sign in, in the one error body', async () => {
    const res = await site.browser().get('/api/v1/me/events').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('refuses a Last-Event-ID or after that is not an event number', async () => {
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: 4242 }, { username: 'x' });
    const { browser } = await signedInAs(site, userId);
    const res = await browser.get('/api/v1/me/events').set('Last-Event-ID', '12; DROP').expect(400);
    expect(res.body.error.details[0].path).toBe('after');
    await browser.get('/api/v1/me/events?after=-5').expect(400);
  });

  it('streams XP earned in Telegram as the worker publishes it, and resumes after a reconnect', async () => {
    const player = { platform: 'telegram', id: 4243 } as const;
    const { userId } = await progression.ensureUser(player, { username: 'ann' });
    const { cookie } = await signedInAs(site, userId);
    const sse = await stream(cookie);
    expect(sse.status).toBe(200);
    await progression.award({ player, xp: 70, reason: 'game', source: 'telegram' });
    const [first] = await waitUntil(
      () => updates(sse).find((u) => u.type === 'xp_change') && updates(sse).filter((u) => u.type === 'xp_change'),
      15_000,
      'the XP update from the worker',
    );
    expect(first).toMatchObject({ user_id: userId, source: 'telegram', data: { xp_delta: 70, xp: 70 } });
    const lastId = sse.events.filter((e) => e.event === 'update').at(-1)!.id!;
    sse.close();
    // Earned while the page was away: the browser's reconnection gets it from the log.
    await progression.award({ player, xp: 5, reason: 'game', source: 'telegram' });
    await waitUntil(
      async () =>
        (
          await site.db.pool.query(
            `SELECT 1 FROM cross_platform_events WHERE user_id = $1 AND processed AND (data->>'xp_delta')::int = 5`,
            [userId],
          )
        ).rowCount === 1,
      15_000,
      'the worker to process the second award',
    );
    const resumed = await stream(cookie, { 'Last-Event-ID': lastId });
    await waitUntil(() => updates(resumed).some((u) => u.data.xp_delta === 5), 10_000, 'the missed update');
    expect(
      updates(resumed)
        .filter((u) => u.type === 'xp_change')
        .map((u) => u.data.xp),
    ).toEqual([75]);
  });

  it('holds every open stream of the replica on one LISTEN connection', async () => {
    const players = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        progression.ensureUser({ platform: 'telegram', id: 5000 + i }, { username: `p${i}` }),
      ),
    );
    const cookies = await Promise.all(players.map(async (p) => (await signedInAs(site, p.userId)).cookie));
    const streams = await Promise.all(cookies.flatMap((c) => Array.from({ length: 4 }, () => stream(c))));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    expect(await site.db.backends('ttfd-website-live')).toHaveLength(1);
    const metrics = await site.browser().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/ttfd_website_sse_streams\{service="website"\} 20/);
    for (let i = 0; i < players.length; i++) {
      await progression.award({
        player: { platform: 'telegram', id: 5000 + i },
        xp: 1,
        reason: 'game',
        source: 'telegram',
      });
    }
    await waitUntil(() => streams.every((s) => updates(s).some((u) => u.type === 'xp_change')), 15_000, 'every stream');
  });
});
