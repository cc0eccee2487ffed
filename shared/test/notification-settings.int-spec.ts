import {
  createProgression,
  createWake,
  describeEvent,
  findNotificationSettings,
  findProfile,
  loadRecipients,
  markUnreachable,
  type Progression,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { NotificationsPerPlatform1765400000000 } from '../src/db/migrations/1765400000000-NotificationsPerPlatform';

let db: TestDatabase;
let progression: Progression;

beforeAll(async () => {
  db = await createTestDatabase();
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
});
afterAll(async () => {
  await db.drop();
});

async function player(telegram: number | null, discord: string | null): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO unified_users (telegram_id, discord_id, website_email, primary_platform)
     VALUES ($1, $2, CASE WHEN $1::bigint IS NULL AND $2::text IS NULL THEN 'w' || $3 || '@example.org' END,
             CASE WHEN $1::bigint IS NOT NULL THEN 'telegram' WHEN $2::text IS NOT NULL THEN 'discord' ELSE 'website' END)
     RETURNING id`,
    [telegram, discord, Math.random().toString(36).slice(2)],
  );
  return rows[0].id;
}

async function changes(userId: string) {
  const { rows } = await db.pool.query(
    `SELECT source_platform, data, dedupe_key FROM cross_platform_events
     WHERE user_id = $1 AND event_type = 'notification_settings_changed' ORDER BY seq`,
    [userId],
  );
  return rows;
}

describe('notifications per platform', () => {
  it('switches one platform and leaves the other, with one event naming the platform per change', async () => {
    const userId = await player(6001, '96001000000000000');
    expect(await findNotificationSettings(db.pool, userId)).toEqual({
      enabled: { telegram: true, discord: true },
      linked: ['telegram', 'discord'],
      refused: [],
    });
    expect(
      await progression.setNotifications({
        userId,
        platform: 'telegram',
        enabled: false,
        source: 'telegram',
        dedupeKey: 'telegram:1:update:1',
      }),
    ).toBe(true);
    // The same request again, and an unchanged choice, write nothing.
    expect(
      await progression.setNotifications({
        userId,
        platform: 'telegram',
        enabled: true,
        source: 'telegram',
        dedupeKey: 'telegram:1:update:1',
      }),
    ).toBe(false);
    expect(
      await progression.setNotifications({
        userId,
        platform: 'telegram',
        enabled: false,
        source: 'website',
        dedupeKey: null,
      }),
    ).toBe(false);
    expect(
      await progression.setNotifications({
        userId,
        platform: 'discord',
        enabled: false,
        source: 'discord',
        dedupeKey: null,
      }),
    ).toBe(true);
    expect(
      await progression.setNotifications({
        userId,
        platform: 'discord',
        enabled: true,
        source: 'website',
        dedupeKey: null,
      }),
    ).toBe(true);

    expect((await findNotificationSettings(db.pool, userId))!.enabled).toEqual({ telegram: false, discord: true });
    expect((await findProfile(db.pool, userId, { recent: 5 }))!.notifications).toEqual({
      telegram: false,
      discord: true,
    });
    expect((await loadRecipients(db.pool, [userId])).get(userId)!.notifications).toEqual({
      telegram: false,
      discord: true,
    });
    expect(await changes(userId)).toEqual([
      {
        source_platform: 'telegram',
        data: { platform: 'telegram', enabled: false },
        dedupe_key: 'telegram:1:update:1',
      },
      { source_platform: 'discord', data: { platform: 'discord', enabled: false }, dedupe_key: null },
      { source_platform: 'website', data: { platform: 'discord', enabled: true }, dedupe_key: null },
    ]);
    // The activity log says which platform changed.
    const [latest] = (await findProfile(db.pool, userId, { recent: 1 }))!.recentActivity;
    expect(describeEvent(latest!, 'en')).toMatch(/^Discord notifications on/);
  });

  it('refuses a platform without notifications rather than switching another', async () => {
    const userId = await player(6002, null);
    await expect(
      progression.setNotifications({
        userId,
        platform: 'website' as 'telegram',
        enabled: false,
        source: 'website',
        dedupeKey: null,
      }),
    ).rejects.toThrow('notifications are set per platform (telegram or discord), not for website');
    expect(await changes(userId)).toEqual([]);
    expect((await findNotificationSettings(db.pool, userId))!.enabled).toEqual({ telegram: true, discord: true });
  });

  it('lists only linked platforms, and refusals only for the identities linked now', async () => {
    const userId = await player(null, '96003000000000000');
    await markUnreachable(db.pool, [
      { userId, target: 'discord:dm', identity: '96003000000000000', reason: 'closed' },
      { userId, target: 'telegram:message', identity: '6003', reason: 'blocked, by an identity no longer linked' },
    ]);
    const settings = await findNotificationSettings(db.pool, userId);
    expect(settings).toMatchObject({
      linked: ['discord'],
      refused: [{ target: 'discord:dm', since: expect.any(Date) }],
    });
    expect(await findNotificationSettings(db.pool, '999999999')).toBeNull();
  });
});

describe('the migration to per-platform settings', () => {
  it('keeps every player’s choice: the old flag off turns every platform off', async () => {
    const migration = new NotificationsPerPlatform1765400000000();
    const runner = db.dataSource.createQueryRunner();
    try {
      const on = await player(6101, '96101000000000000');
      const off = await player(6102, '96102000000000000');
      const half = await player(6103, '96103000000000000');
      await db.pool.query(`UPDATE unified_users SET discord_notifications = false WHERE id = $1`, [half]);
      await migration.down(runner);
      // Going back, only a player with every platform on keeps notifications.
      const { rows: before } = await db.pool.query(
        `SELECT id, notifications_enabled FROM unified_users WHERE id = ANY($1::bigint[]) ORDER BY id`,
        [[on, off, half]],
      );
      expect(before.map((r) => r.notifications_enabled)).toEqual([true, true, false]);
      await db.pool.query(`UPDATE unified_users SET notifications_enabled = false WHERE id = $1`, [off]);
      await migration.up(runner);
      const { rows: after } = await db.pool.query(
        `SELECT telegram_notifications AS telegram, discord_notifications AS discord
         FROM unified_users WHERE id = ANY($1::bigint[]) ORDER BY id`,
        [[on, off, half]],
      );
      expect(after).toEqual([
        { telegram: true, discord: true },
        { telegram: false, discord: false },
        { telegram: false, discord: false },
      ]);
    } finally {
      await runner.release();
    }
  });
});
