import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
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
});
