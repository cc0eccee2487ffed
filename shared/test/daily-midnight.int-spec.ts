import { createProgression, createWake, type DailyResult } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterAll(async () => {
  await db.drop();
});

const at = (iso: string) => createProgression({ pool: db.pool, wake: createWake(db.pool), now: () => new Date(iso) });

async function waitingForLocks(n: number) {
  for (;;) {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Two claims of one player, each on its own connection, committed in the given order: a
 * third transaction holds the player's row, each claim queues behind it in turn, and the
 * holder commits. (Row lock waiters are served in the order they queued.)
 */
async function claimsCommittedInOrder(telegramId: number, first: string, second: string): Promise<DailyResult[]> {
  const player = { platform: 'telegram' as const, id: telegramId };
  const holder = await db.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM unified_users WHERE telegram_id = $1 FOR UPDATE', [telegramId]);
    const a = at(first).claimDaily({ player, source: 'telegram' });
    await waitingForLocks(1);
    const b = at(second).claimDaily({ player, source: 'discord' });
    await waitingForLocks(2);
    await holder.query('COMMIT');
    return [await a, await b];
  } finally {
    holder.release();
  }
}

async function player(telegramId: number) {
  // Claimed the day before, so a claim on day D continues the streak.
  const claimed = await at('2026-05-09T12:00:00Z').claimDaily({
    player: { platform: 'telegram', id: telegramId },
    source: 'telegram',
  });
  return claimed.userId;
}

async function state(userId: string) {
  const { rows } = await db.pool.query(
    `SELECT u.xp::int, u.daily_streak, u.last_daily_claim,
            (SELECT array_agg(e.data->>'day' ORDER BY e.seq) FROM cross_platform_events e
             WHERE e.user_id = u.id AND e.event_type = 'daily_claimed') AS days
     FROM unified_users u WHERE u.id = $1`,
    [userId],
  );
  return rows[0];
}

describe('daily claims either side of midnight', () => {
  it('pays both and grows the streak when day D commits before day D+1', async () => {
    const userId = await player(991001);
    const [d, next] = await claimsCommittedInOrder(991001, '2026-05-10T23:59:59Z', '2026-05-11T00:00:01Z');
    expect([d, next]).toMatchObject([
      { status: 'ok', dailyStreak: 2 },
      { status: 'ok', dailyStreak: 3 },
    ]);
    expect(await state(userId)).toEqual({
      xp: 50 + 60 + 70,
      daily_streak: 3,
      last_daily_claim: '2026-05-11',
      days: ['2026-05-09', '2026-05-10', '2026-05-11'],
    });
  });

  it('refuses day D once day D+1 has committed first: no second payment, no streak reset', async () => {
    const userId = await player(991002);
    const [next, d] = await claimsCommittedInOrder(991002, '2026-05-11T00:00:01Z', '2026-05-10T23:59:59Z');
    expect(next).toMatchObject({ status: 'ok', dailyStreak: 1 });
    // The next claim is on the day after the last one paid, not the day after the caller's clock.
    expect(d).toEqual({ status: 'already_claimed', userId, nextClaimAt: new Date('2026-05-12T00:00:00Z') });
    expect(await state(userId)).toEqual({
      xp: 50 + 50,
      daily_streak: 1,
      last_daily_claim: '2026-05-11',
      days: ['2026-05-09', '2026-05-11'],
    });
  });
});
