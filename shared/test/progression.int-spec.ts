import {
  createDataSource,
  createProgression,
  createWake,
  findLedgerMismatches,
  InsufficientBalanceError,
  type Progression,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let progression: Progression;
let clock = new Date('2026-03-10T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 16 });
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool), now: () => clock });
});
afterAll(async () => {
  await db.drop();
});

async function user(id: string) {
  const { rows } = await db.pool.query('SELECT * FROM unified_users WHERE id = $1', [id]);
  return rows[0];
}
async function events(userId: string, type?: string) {
  const { rows } = await db.pool.query(
    'SELECT event_type, data, dedupe_key FROM cross_platform_events WHERE user_id = $1 AND ($2::text IS NULL OR event_type = $2) ORDER BY seq',
    [userId, type ?? null],
  );
  return rows;
}

/** Players with all three identities, as linking (a later step) leaves them. */
async function linkedPlayers(n: number, base: number) {
  const ids: { userId: string; telegram: number; discord: string; email: string }[] = [];
  for (let i = 0; i < n; i++) {
    const telegram = base + i;
    const discord = String(900000000000000000n + BigInt(base + i));
    const email = `player${base + i}@example.org`;
    const { rows } = await db.pool.query(
      `INSERT INTO unified_users (telegram_id, discord_id, website_email, primary_platform) VALUES ($1, $2, $3, 'telegram') RETURNING id`,
      [telegram, discord, email],
    );
    ids.push({ userId: rows[0].id, telegram, discord, email });
  }
  return ids;
}

describe('find or create', () => {
  it('creates one player when the same Telegram id registers 50 times at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        progression.ensureUser({ platform: 'telegram', id: 777001 }, { username: 'racer' }),
      ),
    );
    const ids = new Set(results.map((r) => r.userId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM unified_users WHERE telegram_id = 777001');
    expect(rows[0].n).toBe(1);
    const [id] = ids;
    expect(await events(id!, 'user_registered')).toHaveLength(1);
    const u = await user(id!);
    expect(u.platforms).toEqual(['telegram']);
    expect(u.primary_platform).toBe('telegram');
  });

  it('treats website emails case-insensitively', async () => {
    const a = await progression.ensureUser({ platform: 'website', id: 'Mixed.Case@Example.org' });
    const b = await progression.ensureUser({ platform: 'website', id: 'mixed.case@example.ORG' });
    expect(b.userId).toBe(a.userId);
    expect(b.created).toBe(false);
  });

  it('creates the player on their first award', async () => {
    const res = await progression.award({
      player: { platform: 'discord', id: '123456789012345678' },
      xp: 5,
      reason: 'message',
      source: 'discord',
      stats: { messages_sent: 1 },
    });
    const u = await user(res.userId);
    expect(u.discord_id).toBe('123456789012345678');
    expect(Number(u.xp)).toBe(5);
    expect(Number(u.messages_sent)).toBe(1);
    expect((await events(res.userId)).map((e) => e.event_type)).toEqual(['user_registered', 'xp_change']);
  });
});

describe('award', () => {
  it('loses nothing under 2,000 concurrent awards from three platforms to 20 players', async () => {
    const players = await linkedPlayers(20, 5000);
    const expected = new Map<string, { xp: number; coins: number; messages: number }>();
    const jobs: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 2000; i++) {
      const p = players[i % players.length]!;
      const platform = (['telegram', 'discord', 'website'] as const)[i % 3];
      const xp = 1 + (i % 17);
      const coins = i % 5;
      const e = expected.get(p.userId) ?? { xp: 0, coins: 0, messages: 0 };
      expected.set(p.userId, { xp: e.xp + xp, coins: e.coins + coins, messages: e.messages + 1 });
      const player =
        platform === 'telegram'
          ? { platform, id: p.telegram }
          : platform === 'discord'
            ? { platform, id: p.discord }
            : { platform, id: p.email.toUpperCase() };
      jobs.push(() =>
        progression.award({ player, xp, coins, stats: { messages_sent: 1 }, reason: 'message', source: platform }),
      );
    }
    await Promise.all(jobs.map((j) => j()));
    const { rows: ranks } = await db.pool.query('SELECT id, min_xp FROM ranks ORDER BY min_xp');
    for (const p of players) {
      const u = await user(p.userId);
      const e = expected.get(p.userId)!;
      expect({ xp: Number(u.xp), coins: Number(u.coins), messages: Number(u.messages_sent) }).toEqual(e);
      const rank = ranks.filter((r) => Number(r.min_xp) <= e.xp).pop();
      expect(u.rank_id).toBe(rank.id);
      expect(Number(u.current_season_xp)).toBe(e.xp);
      const rankUps = await events(p.userId, 'rank_up');
      expect(rankUps.map((r) => r.data.to_rank_id)).toEqual(
        ranks.filter((r) => Number(r.min_xp) > 0 && Number(r.min_xp) <= e.xp).map((r) => r.id),
      );
    }
    const ledger = await findLedgerMismatches(db.pool);
    expect(ledger.mismatches).toEqual([]);
  });

  it('awards once when the same dedupe key races, and returns the first result to both', async () => {
    const player = { platform: 'telegram' as const, id: 880001 };
    await progression.ensureUser(player);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        progression.award({
          player,
          xp: 40,
          coins: 3,
          reason: 'message',
          source: 'telegram',
          dedupeKey: 'telegram:update:42',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    for (const r of results)
      expect({ xpDelta: r.xpDelta, coinsDelta: r.coinsDelta, xp: r.xp }).toEqual({
        xpDelta: 40,
        coinsDelta: 3,
        xp: 40,
      });
    const u = await user(results[0]!.userId);
    expect(Number(u.xp)).toBe(40);
    expect(await events(u.id, 'xp_change')).toHaveLength(1);
  });

  it('refuses a spend beyond the balance with a clear error and changes nothing', async () => {
    const player = { platform: 'telegram' as const, id: 880002 };
    const first = await progression.award({ player, xp: 10, coins: 30, reason: 'quest', source: 'telegram' });
    const before = await events(first.userId);
    await expect(progression.award({ player, coins: -50, reason: 'purchase', source: 'website' })).rejects.toThrow(
      new InsufficientBalanceError('coins', 30, 50),
    );
    const u = await user(first.userId);
    expect(Number(u.coins)).toBe(30);
    expect(Number(u.xp)).toBe(10);
    expect(await events(first.userId)).toEqual(before);
    const spent = await progression.award({ player, coins: -30, reason: 'purchase', source: 'website' });
    expect(spent.coins).toBe(0);
  });

  it('emits rank_up and each achievement exactly once, and rank_down when XP is taken away', async () => {
    const player = { platform: 'discord' as const, id: '555000000000000001' };
    const win = () => progression.recordGame({ player, game: 'dice', won: true, xp: 30, coins: 1, source: 'discord' });
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await win());
    const userId = results[0]!.userId;
    expect(results[0]!.achievementsUnlocked).toEqual(['first_game']);
    // The tenth win brings 300 XP: Corporal and ten wins at once.
    expect(results[9]!.achievementsUnlocked).toEqual(['rank_3', 'ten_wins']);
    const unlocked = (await events(userId, 'achievement_unlocked')).map((e) => e.data.achievement);
    expect(unlocked.sort()).toEqual(['first_game', 'rank_2', 'rank_3', 'ten_wins']);
    expect((await events(userId, 'rank_up')).map((e) => [e.data.from_rank_id, e.data.to_rank_id])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(await events(userId, 'game_played')).toHaveLength(12);
    const u = await user(userId);
    expect([u.games_played, u.games_won, Number(u.xp), u.rank_id]).toEqual([12, 12, 360, 3]);
    expect(u.achievements.sort()).toEqual(['first_game', 'rank_2', 'rank_3', 'ten_wins']);

    const penalty = await progression.award({ player, xp: -100, reason: 'admin', source: 'system' });
    expect([penalty.previousRankId, penalty.rankId]).toEqual([3, 2]);
    expect((await events(userId, 'rank_down')).map((e) => e.data.to_rank_id)).toEqual([2]);
    // Regaining the rank does not unlock its achievement a second time.
    const back = await progression.award({ player, xp: 100, reason: 'admin', source: 'system' });
    expect(back.achievementsUnlocked).toEqual([]);
    expect(await findLedgerMismatches(db.pool)).toMatchObject({ mismatches: [] });
  });

  it('refuses XP below zero and fractional amounts', async () => {
    const player = { platform: 'telegram' as const, id: 880003 };
    await progression.award({ player, xp: 5, reason: 'quest', source: 'telegram' });
    await expect(progression.award({ player, xp: -6, reason: 'admin', source: 'system' })).rejects.toThrow(
      'Not enough xp',
    );
    await expect(progression.award({ player, xp: 1.5, reason: 'quest', source: 'telegram' })).rejects.toThrow(
      'xp must be a whole number',
    );
  });
});

describe('claimDaily', () => {
  const player = { platform: 'telegram' as const, id: 990001 };

  it('rewards once per UTC day, grows the streak on consecutive days and restarts it after a gap', async () => {
    clock = new Date('2026-03-10T00:00:01Z');
    const day1 = await progression.claimDaily({ player, source: 'telegram' });
    expect(day1).toMatchObject({ status: 'ok', dailyStreak: 1, xpDelta: 50, coinsDelta: 20 });
    clock = new Date('2026-03-10T23:59:59Z');
    const again = await Promise.all([
      progression.claimDaily({ player, source: 'discord' }),
      progression.claimDaily({ player, source: 'website' }),
    ]);
    expect(again).toEqual([
      { status: 'already_claimed', userId: day1.userId, nextClaimAt: new Date('2026-03-11T00:00:00Z') },
      { status: 'already_claimed', userId: day1.userId, nextClaimAt: new Date('2026-03-11T00:00:00Z') },
    ]);
    clock = new Date('2026-03-11T08:00:00Z');
    expect(await progression.claimDaily({ player, source: 'telegram' })).toMatchObject({
      dailyStreak: 2,
      xpDelta: 60,
      coinsDelta: 25,
    });
    clock = new Date('2026-03-13T08:00:00Z');
    expect(await progression.claimDaily({ player, source: 'telegram' })).toMatchObject({ dailyStreak: 1, xpDelta: 50 });
    const u = await user(day1.userId);
    expect([Number(u.xp), Number(u.coins), u.daily_streak, u.last_daily_claim]).toEqual([160, 65, 1, '2026-03-13']);
    expect((await events(day1.userId, 'daily_claimed')).map((e) => e.data.streak)).toEqual([1, 2, 1]);
  });

  it('caps the reward and unlocks the 7-day streak once', async () => {
    const p = { platform: 'telegram' as const, id: 990002 };
    const rewards = [];
    for (let d = 1; d <= 15; d++) {
      clock = new Date(Date.UTC(2026, 3, d, 9));
      const r = await progression.claimDaily({ player: p, source: 'telegram' });
      if (r.status !== 'ok') throw new Error('expected a claim');
      rewards.push(r.xpDelta);
      if (d === 7) expect(r.achievementsUnlocked).toContain('week_streak');
    }
    expect(rewards).toEqual([50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 150, 150, 150, 150]);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id WHERE u.telegram_id = 990002 AND e.data->>'achievement' = 'week_streak'`,
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('schema', () => {
  it('keeps platforms equal to the linked ids, whatever the write', async () => {
    const { rows } = await db.pool.query(
      `INSERT INTO unified_users (discord_id, primary_platform) VALUES ('42', 'discord') RETURNING id, platforms`,
    );
    expect(rows[0].platforms).toEqual(['discord']);
    const { rows: after } = await db.pool.query(
      `UPDATE unified_users SET telegram_id = 4242, website_email = 'a@b.c' WHERE id = $1 RETURNING platforms`,
      [rows[0].id],
    );
    expect(after[0].platforms).toEqual(['telegram', 'discord', 'website']);
    await expect(
      db.pool.query(`UPDATE unified_users SET platforms = '[]' WHERE id = $1`, [rows[0].id]),
    ).rejects.toThrow(/can only be updated to DEFAULT/);
    await expect(db.pool.query(`UPDATE unified_users SET coins = -1 WHERE id = $1`, [rows[0].id])).rejects.toThrow(
      /check constraint/,
    );
  });

  it('maps the tables through the TypeORM entities', async () => {
    const ds = createDataSource(db.url, { poolSize: 1 });
    await ds.initialize();
    try {
      const ranks = await ds.getRepository('Rank').find({ order: { id: 'ASC' } });
      expect(ranks.map((r) => r.name)).toEqual([
        'Recruit',
        'Private',
        'Corporal',
        'Sergeant',
        'Lieutenant',
        'Captain',
        'Major',
        'Colonel',
        'General',
        'Legend',
      ]);
      const u = await ds.getRepository('UnifiedUser').findOneByOrFail({ telegramId: '777001' });
      expect(u.platforms).toEqual(['telegram']);
    } finally {
      await ds.destroy();
    }
  });
});
