import { createProgression, createWake, releaseCooldown, takeCooldown } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let userId: string;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 12 });
  ({ userId } = await createProgression({ pool: db.pool, wake: createWake(db.pool) }).ensureUser({
    platform: 'telegram',
    id: 1,
  }));
});
afterAll(async () => {
  await db.drop();
});

describe('activity cooldowns', () => {
  it('gives the slot to exactly one of ten racing requests and tells the others how long to wait', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => takeCooldown(db.pool, userId, 'dice', 30)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok)) expect(r).toEqual({ ok: false, retryInSeconds: 30 });
  });

  it('keeps activities apart, and frees the slot when released or when the time has passed', async () => {
    expect(await takeCooldown(db.pool, userId, 'duel', 30)).toEqual({ ok: true });
    await releaseCooldown(db.pool, userId, 'dice');
    expect(await takeCooldown(db.pool, userId, 'dice', 30)).toEqual({ ok: true });
    await db.pool.query(
      `UPDATE activity_cooldowns SET available_at = now() - interval '1 second' WHERE activity = 'duel'`,
    );
    expect(await takeCooldown(db.pool, userId, 'duel', 30)).toEqual({ ok: true });
  });
});
