import { Client, type Pool } from 'pg';
import { createTestDatabase, waitUntil, type TestDatabase } from '@ttfd/testing';
import { createPool, createWake, EVENTS_CHANNEL, type Wake } from '@ttfd/shared';

let db: TestDatabase;
let listener: Client;
let wakeUps: number[];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  listener = new Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', () => wakeUps.push(performance.now()));
  await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await db.drop();
});

let pool: Pool;
let wake: Wake;
let errors: unknown[];
beforeEach(() => {
  wakeUps = [];
  errors = [];
  pool = createPool(db.url, { applicationName: 'ttfd-wake-test', max: 1 });
  wake = createWake(pool, { onError: (err) => errors.push(err) });
});
afterEach(async () => {
  await wake.close();
  await pool.end();
});

const wakeBackends = async () => (await db.backends('ttfd-wake-test:wake')).map((b) => b.pid);

describe('createWake', () => {
  it('wakes the worker promptly while every connection of the pool is busy', async () => {
    const busy = pool.query('SELECT pg_sleep(3)');
    const signalledAt = performance.now();
    wake.signal();
    await waitUntil(async () => wakeUps.length > 0, 3_000, 'a wake-up while the pool is busy');
    expect(wakeUps[0]! - signalledAt).toBeLessThan(1_000);
    await busy;
    expect(errors).toEqual([]);
  });

  it('opens a new connection when the server ended its own, and the wake-up still arrives', async () => {
    wake.signal();
    await wake.flush();
    await waitUntil(async () => wakeUps.length === 1, 2_000, 'the first wake-up');
    const [first] = await wakeBackends();
    expect(first).toBeDefined();

    await db.pool.query('SELECT pg_terminate_backend($1)', [first]);
    wake.signal();
    await wake.flush();
    await waitUntil(async () => wakeUps.length === 2, 2_000, 'the wake-up after the connection was ended');
    // The ended backend may linger in pg_stat_activity for a moment.
    await waitUntil(
      async () => {
        const after = await wakeBackends();
        return after.length === 1 && after[0] !== first;
      },
      2_000,
      'one wake connection, a new one',
    );
    expect(errors).toEqual([]);
  });

  it('coalesces the signals of a burst into few wake-ups, the last one after the last signal', async () => {
    const slow = createWake(pool, { minIntervalMs: 50 });
    try {
      for (let i = 0; i < 100; i++) slow.signal();
      const lastSignal = performance.now();
      await slow.flush();
      await waitUntil(async () => wakeUps.length >= 2, 2_000, 'the trailing wake-up');
      expect(wakeUps.length).toBe(2);
      expect(wakeUps[1]!).toBeGreaterThan(lastSignal);
    } finally {
      await slow.close();
    }
  });

  it('closes its connection at close() and ignores later signals', async () => {
    wake.signal();
    await wake.flush();
    expect(await wakeBackends()).toHaveLength(1);
    await wake.close();
    await waitUntil(async () => (await wakeBackends()).length === 0, 2_000, 'the wake connection to close');
    wake.signal();
    await wake.flush();
    expect(await wakeBackends()).toEqual([]);
  });
});
