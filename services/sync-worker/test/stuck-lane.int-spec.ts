import { Client } from 'pg';
import { createLogger } from '@ttfd/shared';
import { createTestDatabase, waitUntil, type TestDatabase } from '@ttfd/testing';
import { parseSyncWorkerConfig } from '../src/config';
import { createWorkerPool, workerTuning } from '../src/service';
import { createSyncWorker } from '../src/sync-worker';
import { addEvents, addPlayers, waitForDrain } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(async () => {
  await db.drop();
});

it('reports a lane stuck in one batch (a send that never returns), and clears once it moves', async () => {
  const config = parseSyncWorkerConfig({ DATABASE_URL: db.url, SYNC_LEASE_MS: '1000', SYNC_POLL_MS: '200' });
  const pool = createWorkerPool(config, 'ttfd-stuck-test');
  let release: () => void = () => {};
  let sends = 0;
  const worker = createSyncWorker({
    pool,
    listener: () => new Client({ connectionString: db.url }),
    drivers: {
      telegram: {
        platform: 'telegram',
        fault: null,
        notify: () => {
          sends++;
          return new Promise((resolve) => (release = () => resolve({ messageId: '1' })));
        },
      },
      discord: null,
      website: { platform: 'website', publish: async () => {} },
    },
    log: createLogger('sync-worker', 'silent'),
    ...workerTuning(config),
    // Only the lease bounds the batch here: stuck after two leases.
    queryTimeoutMs: 0,
  });
  try {
    const [p] = await addPlayers(db, 1, 71_000);
    await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: { achievement: 'stuck' } }]);
    await waitUntil(() => sends === 1, 10_000, 'the send to start');
    expect(worker.fault()).toBeNull();
    const fault = await waitUntil(() => worker.fault(), 10_000, 'the lane to count as stuck');
    expect(fault).toMatch(/^1 of 2 lanes stuck in one batch for over 2000 ms$/);
    release();
    await waitForDrain(db);
    expect(worker.fault()).toBeNull();
  } finally {
    release();
    await worker.stop();
    await pool.end();
  }
});
