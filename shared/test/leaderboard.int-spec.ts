import {
  closeSeason,
  createLinking,
  createProgression,
  createWake,
  findLeaderboard,
  type Board,
  type Linking,
  type Progression,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let progression: Progression;
let linking: Linking;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 16 });
  const wake = createWake(db.pool);
  progression = createProgression({ pool: db.pool, wake });
  linking = createLinking({ pool: db.pool, wake });
});
afterAll(async () => {
  await db.drop();
});

const SCORE = { overall: 'xp', season: 'current_season_xp' } as const;

/** Every live player's position counted the slow way: the order the boards promise. */
async function expectedBoard(board: Board) {
  const { rows } = await db.pool.query<{ id: string; score: string; position: string }>(
    `SELECT id, ${SCORE[board]} AS score, row_number() OVER (ORDER BY ${SCORE[board]} DESC, id) AS position
     FROM unified_users WHERE merged_into IS NULL ORDER BY position`,
  );
  return rows.map((r) => ({ userId: r.id, score: Number(r.score), position: Number(r.position) }));
}

/** Every player's own position and every page of 7 agree with the slow count. */
async function expectExact(board: Board) {
  const expected = await expectedBoard(board);
  const positions = await Promise.all(
    expected.map(async (e) => ({
      userId: e.userId,
      ...(await findLeaderboard(db.pool, { board, viewerId: e.userId })).viewer,
    })),
  );
  expect(positions).toEqual(expected.map((e) => ({ userId: e.userId, position: e.position, score: e.score })));
  for (let offset = 0; offset < expected.length + 7; offset += 7) {
    const { entries } = await findLeaderboard(db.pool, { board, viewerId: null, offset, limit: 7 });
    expect(entries.map((e) => [e.userId, e.position, e.score])).toEqual(
      expected.slice(offset, offset + 7).map((e) => [e.userId, e.position, e.score]),
    );
  }
}

async function foldChanges() {
  await db.pool.query('SELECT leaderboard_compact()');
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM leaderboard_changes');
  expect(rows[0].n).toBe(0);
}

describe('leaderboard positions', () => {
  it('stay exact, ties by account id, through concurrent awards, spends, merges and a season close', async () => {
    // 60 players with ids spread over many blocks of ids, on few distinct scores over
    // several bands of scores, so that most of them tie with players in other blocks.
    await db.pool.query(
      `INSERT INTO unified_users (id, telegram_id, display_name, primary_platform) OVERRIDING SYSTEM VALUE
       SELECT 100000 + g * 700, 8000 + g, 'P' || g, 'telegram' FROM generate_series(0, 59) g`,
    );
    const jobs = [];
    for (let i = 0; i < 300; i++) {
      const player = { platform: 'telegram', id: 8000 + (i % 60) } as const;
      jobs.push(progression.award({ player, xp: 70 * (i % 4), reason: 'quest', source: 'telegram' }));
    }
    for (let i = 0; i < 10; i++) await progression.ensureUser({ platform: 'discord', id: String(9000 + i) });
    await Promise.all(jobs);
    await progression.award({
      player: { platform: 'telegram', id: 8001 },
      xp: -20,
      reason: 'purchase',
      source: 'telegram',
    });
    await expectExact('overall');
    await expectExact('season');

    // Changes not folded yet count as much as folded ones.
    await foldChanges();
    await expectExact('overall');

    // Merges: a Discord account with progress joins a Telegram one; another without progress.
    await progression.award({
      player: { platform: 'discord', id: '9000' },
      xp: 35,
      reason: 'quest',
      source: 'discord',
    });
    for (const [telegram, discord] of [
      [8002, '9000'],
      [8003, '9001'],
    ] as const) {
      const { code } = await linking.createLinkCode({ platform: 'discord', id: discord });
      const asked = await linking.redeemLinkCode({ platform: 'telegram', id: telegram }, code);
      if (asked.status === 'needs_confirmation') {
        await linking.confirmMerge({ confirmToken: asked.confirmToken, by: { platform: 'telegram', id: telegram } });
      }
    }
    const { rows: merged } = await db.pool.query(
      'SELECT count(*)::int AS n FROM unified_users WHERE merged_into IS NOT NULL',
    );
    expect(merged[0].n).toBe(2);
    await expectExact('overall');
    await expectExact('season');

    await closeSeason(db.pool, createWake(db.pool), 'Spring');
    await progression.award({ player: { platform: 'telegram', id: 8010 }, xp: 5, reason: 'quest', source: 'telegram' });
    await expectExact('season');
    await expectExact('overall');
    await foldChanges();
    await expectExact('season');
    // Folded, the counters are exactly where the players stand, and none is left at zero.
    const { rows: counters } = await db.pool.query(
      `SELECT board, score::int, block::int, players::int FROM leaderboard_cells ORDER BY 1, 2, 3`,
    );
    const { rows: counted } = await db.pool.query(
      `SELECT b.board, b.score::int, (u.id >> 10)::int AS block, count(*)::int AS players
       FROM unified_users u
       CROSS JOIN LATERAL (VALUES ('overall', u.xp), ('season', u.current_season_xp)) AS b (board, score)
       WHERE u.merged_into IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(counters).toEqual(counted);
    const { rows: totals } = await db.pool.query(
      `SELECT (SELECT sum(players)::int FROM leaderboard_scores) AS scores,
              (SELECT sum(players)::int FROM leaderboard_bands) AS bands,
              (SELECT count(*)::int FROM leaderboard_scores WHERE players = 0) AS empty`,
    );
    const players = counted.reduce((n, c) => n + c.players, 0);
    expect(totals).toEqual([{ scores: players, bands: players, empty: 0 }]);
  });

  it('follows an update of many players as one change per score and block', async () => {
    await foldChanges();
    // Four players in one block of ids (the batched Discord flush updates thousands at once).
    await db.pool.query(
      `INSERT INTO unified_users (id, telegram_id, display_name, primary_platform) OVERRIDING SYSTEM VALUE
       SELECT 500000 + g, 8500 + g, 'B' || g, 'telegram' FROM generate_series(0, 3) g`,
    );
    await foldChanges();
    await db.pool.query(
      `UPDATE unified_users SET xp = 40, current_season_xp = 40 WHERE telegram_id BETWEEN 8500 AND 8503`,
    );
    await db.pool.query(`UPDATE unified_users SET display_name = 'renamed' WHERE telegram_id BETWEEN 8500 AND 8503`);
    const { rows } = await db.pool.query(
      `SELECT board, score::int, block::int, delta::int FROM leaderboard_changes ORDER BY board, score`,
    );
    const block = 500000 >> 10;
    expect(rows).toEqual([
      { board: 'overall', score: 0, block, delta: -4 },
      { board: 'overall', score: 40, block, delta: 4 },
      { board: 'season', score: 0, block, delta: -4 },
      { board: 'season', score: 40, block, delta: 4 },
    ]);
    await expectExact('overall');
    await expectExact('season');
  });

  it('has no position for an unknown viewer and refuses a bad page', async () => {
    expect((await findLeaderboard(db.pool, { board: 'overall', viewerId: '999999' })).viewer).toBeNull();
    await expect(findLeaderboard(db.pool, { board: 'overall', viewerId: null, offset: -1 })).rejects.toThrow(
      RangeError,
    );
    await expect(findLeaderboard(db.pool, { board: 'overall', viewerId: null, limit: 101 })).rejects.toThrow(
      RangeError,
    );
  });
});
