import type { Pool } from 'pg';
import { createPool, createProgression, createWake, type Wake } from '@ttfd/shared';
import { createTestDatabase, waitUntil, type TestDatabase } from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { addPlayers, eventRows, startWorker, workerEnv } from './helpers';

let db: TestDatabase;
let worker: SyncWorkerService;
let writer: Pool;
let wake: Wake;

beforeAll(async () => {
  db = await createTestDatabase();
  // No poll to fall back on within the test: only the wake-up can bring the event in time.
  worker = await startWorker(workerEnv(db, {}, { SYNC_POLL_MS: '60000' }));
  writer = createPool(db.url, { applicationName: 'ttfd-busy-writer', max: 1 });
  wake = createWake(writer);
});
afterAll(async () => {
  await worker?.stop();
  await wake?.close();
  await writer?.end();
  await db?.drop();
});

describe('waking the worker', () => {
  it('handles an event promptly while every connection of the writer’s pool is busy', async () => {
    const [player] = await addPlayers(db, 1, 31_000);
    const progression = createProgression({ pool: writer, wake });
    const award = progression.award({ player: { userId: player!.userId }, xp: 5, reason: 'test', source: 'telegram' });
    // Queued right behind the award: it holds the writer's only connection once the award commits.
    const busy = writer.query('SELECT pg_sleep(4)');
    const { events } = await award;
    expect(events.length).toBeGreaterThan(0);
    const ids = events.map((e) => e.id);
    await waitUntil(
      async () => (await eventRows(db, 'id = ANY($1)', [ids])).every((r) => r.processed),
      2_500,
      'the worker to handle the award while the writer is busy',
    );
    await busy;
  });
});
