import { createTestDatabase, sleep, waitUntil, type TestDatabase } from '@ttfd/testing';
import { createPool } from '@ttfd/shared';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await db.drop();
});

describe('createPool', () => {
  it('survives the server ending a checked-out connection between two queries', async () => {
    const pool = createPool(db.url, { applicationName: 'ttfd-pool-held', max: 2 });
    try {
      const held = await pool.connect();
      const { rows } = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // What a restart does to every session: FATAL 57P01, sent while no query runs on it.
      // Unheard, that 'error' event would end the process (and fail this test).
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await sleep(300); // the FATAL arrives while the connection is checked out and idle
      await waitUntil(
        async () =>
          held.query('SELECT 1').then(
            () => false,
            () => true,
          ),
        5_000,
        'the held connection to fail',
      );
      held.release(true);
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('makes its settings on every connection it opens, and only there', async () => {
    const settings = { plan_cache_mode: 'force_generic_plan', enable_bitmapscan: 'off' };
    const tuned = createPool(db.url, { applicationName: 'ttfd-pool-tuned', max: 2, settings });
    const plain = createPool(db.url, { applicationName: 'ttfd-pool-plain', max: 1 });
    const show = 'SELECT current_setting($1) AS plan, current_setting($2) AS bitmap';
    const names = ['plan_cache_mode', 'enable_bitmapscan'];
    try {
      const held = await Promise.all([tuned.connect(), tuned.connect()]);
      const shown = await Promise.all(held.map((c) => c.query(show, names)));
      for (const c of held) c.release();
      expect(shown.map((r) => r.rows[0])).toEqual([
        { plan: 'force_generic_plan', bitmap: 'off' },
        { plan: 'force_generic_plan', bitmap: 'off' },
      ]);
      expect((await plain.query(show, names)).rows[0]).toEqual({ plan: 'auto', bitmap: 'on' });
    } finally {
      await tuned.end();
      await plain.end();
    }
  });

  it('names its connections and cancels a statement past the statement timeout', async () => {
    const pool = createPool(db.url, { applicationName: 'ttfd-pool-test', max: 2, statementTimeoutMillis: 200 });
    try {
      const { rows } = await pool.query<{ name: string; timeout: string }>(
        `SELECT current_setting('application_name') AS name, current_setting('statement_timeout') AS timeout`,
      );
      expect(rows[0]).toEqual({ name: 'ttfd-pool-test', timeout: '200ms' });
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('sets no statement timeout unless asked', async () => {
    const pool = createPool(db.url, { applicationName: 'ttfd-pool-test' });
    try {
      const { rows } = await pool.query(`SELECT current_setting('statement_timeout') AS timeout`);
      expect(rows[0].timeout).toBe('0');
    } finally {
      await pool.end();
    }
  });

  it('survives the server dropping an idle connection, and the next query opens another', async () => {
    const lost: Error[] = [];
    const pool = createPool(db.url, { applicationName: 'ttfd-pool-idle', onIdleError: (err) => lost.push(err) });
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await sleep(300); // the FATAL arrives while the connection is checked out and idle
      await waitUntil(() => lost.length > 0, 5_000, 'the idle connection to fail');
      expect(lost[0]!.message).toMatch(/terminating connection/);
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
