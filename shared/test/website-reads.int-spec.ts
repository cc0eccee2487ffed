import {
  createProgression,
  createWake,
  eventLagByMinute,
  findLatestLiveSeq,
  findLeaderboard,
  findLeaderboardPosition,
  findLiveUpdatesSince,
  type Progression,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let progression: Progression;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
});
afterAll(async () => {
  await db.drop();
});

describe('leaderboard pages for the website', () => {
  let ids: string[];
  beforeAll(async () => {
    // 25 players with XP 2500, 2400, ... 100: ids in the order of the board.
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp, current_season_xp)
       SELECT 900000 + g, 'telegram', 'Board ' || g, (26 - g) * 100, g FROM generate_series(1, 25) g RETURNING id`,
    );
    ids = rows.map((r) => r.id);
  });

  it('counts the players on each board from the counters, folded or not', async () => {
    const before = await findLeaderboard(db.pool, { board: 'overall', viewerId: null });
    expect(before.players).toBe(25);
    await db.pool.query('SELECT leaderboard_compact()');
    const after = await findLeaderboard(db.pool, { board: 'season', viewerId: null, offset: 20, limit: 10 });
    expect(after.players).toBe(25);
    expect(after.offset).toBe(20);
    expect(after.entries.map((e) => e.position)).toEqual([21, 22, 23, 24, 25]);
    expect(after.entries.every((e) => e.anonymous === false && e.name?.startsWith('Board '))).toBe(true);
  });

  it("finds the viewer's own place, score and name on either board", async () => {
    expect(await findLeaderboardPosition(db.pool, { board: 'overall', viewerId: ids[12]! })).toEqual({
      position: 13,
      score: 1300,
      name: 'Board 13',
    });
    expect((await findLeaderboardPosition(db.pool, { board: 'overall', viewerId: ids[24]! }))?.position).toBe(25);
    // On the season board the order is reversed: the first id has the least season XP.
    expect((await findLeaderboardPosition(db.pool, { board: 'season', viewerId: ids[0]! }))?.position).toBe(25);
  });

  it('has no place for a viewer without a live account', async () => {
    expect(await findLeaderboardPosition(db.pool, { board: 'overall', viewerId: '999999999' })).toBeNull();
  });
});

describe('live updates read back from the event log', () => {
  it('returns the announced updates after a seq, oldest first, and the newest seq', async () => {
    const player = { platform: 'telegram', id: 777001 } as const;
    const first = await progression.award({ player, xp: 10, reason: 'quest', source: 'telegram' });
    await progression.award({ player, xp: 20, reason: 'quest', source: 'telegram' });
    const userId = first.userId;
    const latest = await findLatestLiveSeq(db.pool, userId);
    // Not processed yet: nothing has been announced, so there is nothing to resume.
    expect(await findLiveUpdatesSince(db.pool, userId, '0', 10)).toEqual([]);
    await db.pool.query(`UPDATE cross_platform_events SET processed = true, processed_at = now() WHERE user_id = $1`, [
      userId,
    ]);
    const all = await findLiveUpdatesSince(db.pool, userId, '0', 10);
    expect(all.map((u) => u.type)).toEqual(expect.arrayContaining(['xp_change']));
    expect(all.at(-1)!.seq).toBe(latest);
    expect(all.every((u) => u.user_id === userId && u.source === 'telegram')).toBe(true);
    expect(all.map((u) => BigInt(u.seq))).toEqual([...all.map((u) => BigInt(u.seq))].sort((a, b) => (a < b ? -1 : 1)));
    const after = await findLiveUpdatesSince(db.pool, userId, all[0]!.seq, 10);
    expect(after).toEqual(all.slice(1));
    expect(await findLiveUpdatesSince(db.pool, userId, '0', 1)).toEqual(all.slice(0, 1));
  });
});

describe('event lag by minute', () => {
  it('gives p50, p95 and p99 of created → processed for each minute of the window', async () => {
    const player = { platform: 'telegram', id: 777002 } as const;
    const { userId } = await progression.award({ player, xp: 1, reason: 'quest', source: 'telegram' });
    // Five minutes ago, 100 events processed with lags of 1..100 ms; one more still pending.
    const { rows: at } = await db.pool.query<{ minute: Date }>(
      `SELECT date_bin('1 minute', now(), 'epoch') - interval '5 minutes' AS minute`,
    );
    const minute = at[0]!.minute;
    await db.pool.query(
      `INSERT INTO cross_platform_events (user_id, event_type, source_platform, created_at, processed, processed_at)
       SELECT $1, 'xp_change', 'telegram', $2::timestamptz + interval '30 seconds' - g * interval '1 millisecond',
              g <= 100, CASE WHEN g <= 100 THEN $2::timestamptz + interval '30 seconds' END
       FROM generate_series(1, 101) g`,
      [userId, minute],
    );
    const rows = await eventLagByMinute(db.pool, 60);
    const that = rows.find((r) => r.minute.getTime() === minute.getTime())!;
    expect(that).toEqual({
      minute,
      events: 100,
      p50Seconds: expect.closeTo(0.0505, 6),
      p95Seconds: expect.closeTo(0.09505, 6),
      p99Seconds: expect.closeTo(0.09901, 6),
    });
    expect(rows.map((r) => r.minute.getTime())).toEqual([...rows.map((r) => r.minute.getTime())].sort());
    // Six minutes ago is outside a five-minute window.
    expect((await eventLagByMinute(db.pool, 5)).some((r) => r.minute.getTime() === minute.getTime())).toBe(false);
    await expect(eventLagByMinute(db.pool, 0)).rejects.toThrow(/minutes must be/);
  });
});
