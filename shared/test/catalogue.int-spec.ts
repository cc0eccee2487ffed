import { ACHIEVEMENT_NAMES, achievementName, LOCALES, RANK_NAMES, rankName } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('the catalogue against the migrated database', () => {
  it('names every rank in every language, in English as the ranks table does', async () => {
    const { rows } = await db.pool.query<{ id: number; name: string }>('SELECT id, name FROM ranks ORDER BY id');
    expect(rows.length).toBeGreaterThan(0);
    const missing = rows.flatMap((r) =>
      LOCALES.filter((l) => !RANK_NAMES[r.id]?.[l]).map((l) => `rank ${r.id} (${l})`),
    );
    expect(missing).toEqual([]);
    expect(rows.map((r) => rankName(r.id, 'en'))).toEqual(rows.map((r) => r.name));
  });

  it('names every achievement rule and every rank achievement in every language', async () => {
    const { rows } = await db.pool.query<{ key: string }>(
      `SELECT key FROM achievement_rules UNION ALL SELECT 'rank_' || id FROM ranks WHERE min_xp > 0 ORDER BY 1`,
    );
    const missing = rows.flatMap((r) =>
      LOCALES.filter(
        (l) => achievementName(r.key, l) === r.key || /^(Rank #|Ранг №)/.test(achievementName(r.key, l)),
      ).map((l) => `${r.key} (${l})`),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(ACHIEVEMENT_NAMES).every((k) => rows.some((r) => r.key === k))).toBe(true);
  });

  it('names a rank achievement after the rank, as the rank-up screens do', () => {
    expect(achievementName('rank_4', 'ru')).toBe('Сержант');
    expect(achievementName('rank_4', 'en')).toBe('Sergeant');
    expect(achievementName('ten_wins', 'ru')).toBe('10 побед');
    expect(achievementName('ten_wins', 'en')).toBe('10 wins');
  });
});
