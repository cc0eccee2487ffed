import { createProgression, createWake } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(async () => {
  await db.drop();
});

describe('the daily reward (computed by the progress statement alone)', () => {
  it('grows with the streak up to its cap', async () => {
    let now = new Date('2026-01-01T09:00:00Z');
    const progression = createProgression({ pool: db.pool, wake: createWake(db.pool), now: () => now });
    const rewards = new Map<number, [number, number]>();
    for (let day = 1; day <= 30; day++) {
      const res = await progression.claimDaily({ player: { platform: 'telegram', id: 6001 }, source: 'telegram' });
      if (res.status !== 'ok') throw new Error(`day ${day}: ${res.status}`);
      rewards.set(res.dailyStreak, [res.xpDelta, res.coinsDelta]);
      now = new Date(now.getTime() + 86_400_000);
    }
    expect([1, 2, 7, 11, 30].map((streak) => [streak, ...rewards.get(streak)!])).toEqual([
      [1, 50, 20],
      [2, 60, 25],
      [7, 110, 50],
      [11, 150, 70],
      [30, 150, 70],
    ]);
  });
});
