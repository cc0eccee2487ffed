import { closeSeason, createProgression, createWake, type Progression } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let progression: Progression;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
});
afterAll(async () => {
  await db.drop();
});

describe('closeSeason', () => {
  it('archives standings, notifies each player, resets season XP and keeps total XP', async () => {
    const a = await progression.award({
      player: { platform: 'telegram', id: 1 },
      xp: 300,
      reason: 'quest',
      source: 'telegram',
    });
    const b = await progression.award({
      player: { platform: 'discord', id: '2' },
      xp: 500,
      reason: 'quest',
      source: 'discord',
    });
    const c = await progression.award({
      player: { platform: 'website', id: 'c@example.org' },
      xp: 300,
      reason: 'quest',
      source: 'website',
    });
    await progression.ensureUser({ platform: 'telegram', id: 4 });

    const result = await closeSeason(db.pool, createWake(db.pool), 'Winter');
    expect(result).toEqual({
      closedSeason: { id: 1, name: 'Season 1' },
      openedSeason: { id: 2, name: 'Winter' },
      ranked: 3,
    });

    const { rows: standings } = await db.pool.query(
      'SELECT user_id, position, season_xp::int FROM season_results ORDER BY position, user_id',
    );
    expect(standings).toEqual([
      { user_id: b.userId, position: 1, season_xp: 500 },
      { user_id: a.userId, position: 2, season_xp: 300 },
      { user_id: c.userId, position: 2, season_xp: 300 },
    ]);
    const { rows: events } = await db.pool.query(
      `SELECT user_id, data FROM cross_platform_events WHERE event_type = 'season_closed' ORDER BY user_id`,
    );
    expect(events.map((e) => [e.user_id, e.data.position, e.data.season_name])).toEqual([
      [a.userId, 2, 'Season 1'],
      [b.userId, 1, 'Season 1'],
      [c.userId, 2, 'Season 1'],
    ]);
    const { rows: users } = await db.pool.query(
      'SELECT id, xp::int, current_season_xp::int FROM unified_users WHERE id = $1',
      [b.userId],
    );
    expect(users[0]).toEqual({ id: b.userId, xp: 500, current_season_xp: 0 });

    const after = await progression.award({
      player: { platform: 'discord', id: '2' },
      xp: 20,
      reason: 'quest',
      source: 'discord',
    });
    expect([after.xp, after.seasonXp]).toEqual([520, 20]);
  });

  it('loses no season XP from awards that race the close', async () => {
    const player = { platform: 'telegram' as const, id: 99 };
    await progression.award({ player, xp: 10, reason: 'quest', source: 'telegram' });
    const awards = Array.from({ length: 40 }, () =>
      progression.award({ player, xp: 1, reason: 'message', source: 'telegram' }),
    );
    const close = closeSeason(db.pool, createWake(db.pool));
    await Promise.all([close, ...awards]);
    const { rows } = await db.pool.query(
      `SELECT u.xp::int, u.current_season_xp::int AS season, coalesce(r.season_xp, 0)::int AS archived
       FROM unified_users u LEFT JOIN season_results r ON r.user_id = u.id AND r.season_id = 2 WHERE u.telegram_id = 99`,
    );
    expect(rows[0].xp).toBe(50);
    expect(rows[0].season + rows[0].archived).toBe(50);
  });

  it('refuses when no season is open, changing nothing', async () => {
    await db.pool.query('UPDATE seasons SET closed_at = now() WHERE closed_at IS NULL');
    await expect(closeSeason(db.pool, createWake(db.pool))).rejects.toThrow('No open season to close');
  });
});
