import { createTestDatabase, waitUntil, type TestDatabase } from '@ttfd/testing';
import { createPool } from '@ttfd/shared';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await db.drop();
});

describe('createPool', () => {
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
      await waitUntil(() => lost.length > 0, 5_000, 'the idle connection to fail');
      expect(lost[0]!.message).toMatch(/terminating connection/);
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
