import { Client } from 'pg';
import {
  createLogger,
  createProgression,
  createProgressionMetrics,
  createRegistry,
  createWake,
  EVENTS_CHANNEL,
  startOpsServer,
  type OpsServer,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let ops: OpsServer;
let databaseUp = true;
const registry = createRegistry('test-service');
const metrics = createProgressionMetrics(registry);

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  ops = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    registry,
    log: createLogger('test', 'silent'),
    ready: async () => {
      if (!databaseUp) throw new Error('database unreachable');
      await db.pool.query('SELECT 1');
    },
    routes: { 'POST /hook': (_req, res) => void res.writeHead(204).end() },
  });
});
afterAll(async () => {
  await ops.close();
  await db.drop();
});

const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${ops.port}${path}`, init);

describe('ops server', () => {
  it('answers /healthz, and /readyz only while the database answers', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/readyz')).text()).toBe('ready\n');
    databaseUp = false;
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(await down.text()).toBe('not ready: database unreachable\n');
    databaseUp = true;
  });

  it('answers 503 when the readiness check hangs (a database that does not answer)', async () => {
    const hung = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      log: createLogger('test', 'silent'),
      ready: () => new Promise(() => {}),
      readyTimeoutMs: 50,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${hung.port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('not ready: no answer within 50 ms\n');
    } finally {
      await hung.close();
    }
  });

  it('serves default process metrics and XP awarded by platform, labelled with the service', async () => {
    const progression = createProgression({ pool: db.pool, wake: createWake(db.pool), metrics });
    await progression.award({
      player: { platform: 'discord', id: '31' },
      xp: 12,
      reason: 'message',
      source: 'discord',
    });
    await progression.award({ player: { platform: 'discord', id: '31' }, xp: 3, reason: 'message', source: 'discord' });
    const res = await get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('ttfd_xp_awarded_total{platform="discord",service="test-service"} 15');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="test-service"\} /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="test-service"\} /m);
  });

  it('routes extra endpoints and refuses unknown ones', async () => {
    expect((await get('/hook', { method: 'POST' })).status).toBe(204);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('worker wake-up', () => {
  it('NOTIFYs the events channel after an award commits, and coalesces a burst', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const received: number[] = [];
    listener.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL) received.push(Date.now());
    });
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
    const wake = createWake(db.pool);
    const progression = createProgression({ pool: db.pool, wake });
    const res = await progression.award({
      player: { platform: 'telegram', id: 4040 },
      xp: 1,
      reason: 'message',
      source: 'telegram',
    });
    await wake.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(received.length).toBeGreaterThanOrEqual(1);
    // The event is visible to whoever the notification woke.
    const { rows } = await listener.query('SELECT count(*)::int AS n FROM cross_platform_events WHERE user_id = $1', [
      res.userId,
    ]);
    expect(rows[0].n).toBe(2);

    // A burst of commits while one wake-up is in flight costs one more NOTIFY, not one each.
    received.length = 0;
    for (let i = 0; i < 100; i++) wake.signal();
    await wake.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toHaveLength(2);
    await listener.end();
  });
});
