import {
  createProgression,
  createWake,
  describeEvent,
  findDailyStatus,
  findNotificationSettings,
  findProfile,
  markReachable,
  markUnreachable,
  wasRecorded,
  type Progression,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let progression: Progression;
let clock = new Date('2026-03-10T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 8 });
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool), now: () => clock });
});
afterAll(async () => {
  await db.drop();
});

describe('findProfile', () => {
  it('shows totals, the way to the next rank, stats, achievements, platforms and the latest events', async () => {
    const player = { platform: 'telegram', id: 5001 } as const;
    await progression.ensureUser(player, { username: 'ann', displayName: 'Ann', locale: 'en' });
    await progression.recordGame({ player, game: 'dice', won: true, xp: 25, coins: 5, source: 'telegram' });
    const daily = await progression.claimDaily({ player, source: 'telegram' });
    await progression.award({ player, xp: 400, reason: 'quest', source: 'website' });
    const p = await findProfile(db.pool, daily.userId, { recent: 5 });
    expect(p).toMatchObject({
      userId: daily.userId,
      username: 'ann',
      displayName: 'Ann',
      locale: 'en',
      xp: 475,
      coins: 25,
      seasonXp: 475,
      rank: { id: 3, name: 'Corporal', minXp: 300 },
      // 175 of the 400 XP from Corporal (300) to Sergeant (700).
      next: { id: 4, name: 'Sergeant', minXp: 700, missing: 225, percent: 43 },
      stats: { gamesPlayed: 1, gamesWon: 1, messagesSent: 0, voiceTime: 0, dailyStreak: 1 },
      achievements: ['first_game', 'rank_2', 'rank_3'],
      platforms: ['telegram'],
      notifications: { telegram: true, discord: true },
    });
    expect(
      p!.recentActivity.map((e) => [e.type, e.source, e.xpDelta, e.coinsDelta, e.createdAt instanceof Date]),
    ).toEqual([
      ['achievement_unlocked', 'website', null, null, true],
      ['achievement_unlocked', 'website', null, null, true],
      ['rank_up', 'website', null, null, true],
      ['xp_change', 'website', 400, 0, true],
      ['daily_claimed', 'telegram', 50, 20, true],
    ]);
    expect(p!.recentActivity.map((e) => describeEvent(e, 'en'))).toEqual([
      'Achievement: Corporal',
      'Achievement: Private',
      'New rank: Corporal',
      '+400 XP on the website',
      '+50 XP, +20 coins: daily reward, day 1 in Telegram',
    ]);
  });

  it('shows no next rank at the top and nothing for an unknown or merged id', async () => {
    const top = await progression.award({
      player: { platform: 'discord', id: '5002' },
      xp: 60_000,
      reason: 'admin',
      source: 'system',
    });
    expect((await findProfile(db.pool, top.userId))!.next).toBeNull();
    expect(await findProfile(db.pool, '999999')).toBeNull();
  });
});

describe('findDailyStatus', () => {
  it('follows the injected clock: waiting, claimed until the next UTC midnight, broken after a missed day', async () => {
    clock = new Date('2026-03-10T12:00:00Z');
    const player = { platform: 'telegram', id: 5003 } as const;
    const { userId } = await progression.ensureUser(player);
    expect(await findDailyStatus(db.pool, userId, clock)).toEqual({
      claimedToday: false,
      streak: 0,
      nextClaimAt: clock,
    });
    await progression.claimDaily({ player, source: 'telegram' });
    expect(await findDailyStatus(db.pool, userId, new Date('2026-03-10T23:30:00Z'))).toEqual({
      claimedToday: true,
      streak: 1,
      nextClaimAt: new Date('2026-03-11T00:00:00Z'),
    });
    const nextDay = new Date('2026-03-11T08:00:00Z');
    expect(await findDailyStatus(db.pool, userId, nextDay)).toEqual({
      claimedToday: false,
      streak: 1,
      nextClaimAt: nextDay,
    });
    const dayAfter = new Date('2026-03-12T08:00:00Z');
    expect(await findDailyStatus(db.pool, userId, dayAfter)).toEqual({
      claimedToday: false,
      streak: 0,
      nextClaimAt: dayAfter,
    });
  });
});

describe('notification settings', () => {
  it('change through the event log once per request, and read back', async () => {
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: 5004 });
    expect(await findNotificationSettings(db.pool, userId)).toEqual({
      enabled: { telegram: true, discord: true },
      linked: ['telegram'],
      refused: [],
    });
    const off = {
      userId,
      platform: 'telegram',
      enabled: false,
      source: 'telegram',
      dedupeKey: 'telegram:update:5004',
    } as const;
    expect(await Promise.all([progression.setNotifications(off), progression.setNotifications(off)])).toEqual(
      expect.arrayContaining([true, false]),
    );
    expect(await progression.setNotifications({ ...off, dedupeKey: 'telegram:update:5005' })).toBe(false);
    expect(await findNotificationSettings(db.pool, userId)).toEqual({
      enabled: { telegram: false, discord: true },
      linked: ['telegram'],
      refused: [],
    });
    const { rows } = await db.pool.query(
      `SELECT event_type, source_platform, data, dedupe_key FROM cross_platform_events
       WHERE user_id = $1 AND event_type = 'notification_settings_changed'`,
      [userId],
    );
    expect(rows).toEqual([
      {
        event_type: 'notification_settings_changed',
        source_platform: 'telegram',
        data: { platform: 'telegram', enabled: false },
        dedupe_key: 'telegram:update:5004',
      },
    ]);
    expect(await wasRecorded(db.pool, 'telegram:update:5004')).toBe(true);
    expect(await wasRecorded(db.pool, 'telegram:update:5005')).toBe(false);
    expect(await findNotificationSettings(db.pool, '999999')).toBeNull();
  });

  it('say where a platform refused delivery, for the logins linked now, until the player is reachable again', async () => {
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: 5006 });
    await db.pool.query(`UPDATE unified_users SET discord_id = '500600000000000001' WHERE id = $1`, [userId]);
    await markUnreachable(db.pool, [
      { userId, target: 'discord:dm', identity: '500600000000000001', reason: 'discord: 50007 Cannot send messages' },
      { userId, target: 'telegram:message', identity: '5006', reason: 'telegram: 403 Forbidden: bot was blocked' },
      // Refused by a Discord login that has since left the account: not this player's concern.
      { userId, target: 'discord:roles', identity: '999900000000000001', reason: 'discord: 10007 Unknown Member' },
    ]);
    const settings = await findNotificationSettings(db.pool, userId);
    expect(settings).toEqual({
      enabled: { telegram: true, discord: true },
      linked: ['telegram', 'discord'],
      refused: [
        { target: 'telegram:message', since: expect.any(Date) },
        { target: 'discord:dm', since: expect.any(Date) },
      ],
    });
    expect(Date.now() - settings!.refused[0]!.since.getTime()).toBeLessThan(60_000);
    await markReachable(db.pool, { platform: 'telegram', id: 5006 }, 'telegram:message');
    expect((await findNotificationSettings(db.pool, userId))!.refused.map((r) => r.target)).toEqual(['discord:dm']);
  });
});
