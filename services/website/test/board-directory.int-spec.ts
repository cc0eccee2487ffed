/**
 * The replica's kept counters (board-cache.ts) find the same pages and places as the
 * one-statement reads of the shared view, on a board with a crowded score over several
 * blocks of ids, sparse scores, merged and anonymised players, and changes not folded yet.
 */
import { findLeaderboard, findLeaderboardPosition, type Board } from '@ttfd/shared';
import type { Pool } from 'pg';
import { createTestDatabase, sleep, type TestDatabase } from '@ttfd/testing';
import { createBoardCache } from '../src/leaderboard/board-cache';

let db: TestDatabase;
let ids: string[];
const PAGE = 20;

beforeAll(async () => {
  db = await createTestDatabase();
  // 3,000 players (ids over three blocks of 1,024): half at XP 0 (a crowded score read by
  // blocks), a hundred at 7 (a score read from its first player), the rest spread thin.
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp, current_season_xp)
     SELECT 900000 + g, 'telegram', 'Dir ' || g,
            CASE WHEN g % 2 = 0 THEN 0 WHEN g % 15 = 1 THEN 7 ELSE (g * 7919) % 5000 END,
            CASE WHEN g % 3 = 0 THEN 0 ELSE (g * 104729) % 900 END
     FROM generate_series(1, 3000) g ORDER BY g RETURNING id`,
  );
  ids = rows.map((r) => r.id);
  await db.pool.query('SELECT leaderboard_compact()');
  // Changes after the fold: moves, a merged account, a hidden player, a new player.
  await db.pool.query(`UPDATE unified_users SET xp = xp + 3 WHERE id = ANY($1::bigint[])`, [ids.slice(0, 40)]);
  await db.pool.query(`UPDATE unified_users SET merged_into = $1, merged_at = now() WHERE id = $2`, [ids[10], ids[11]]);
  await db.pool.query(`UPDATE unified_users SET leaderboard_anonymous = true WHERE id = $1`, [ids[2500]]);
  await db.pool.query(
    `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp) VALUES (990001, 'telegram', 'Late', 0)`,
  );
  const { rows: pending } = await db.pool.query('SELECT count(*)::int AS n FROM leaderboard_changes');
  expect(pending[0].n).toBeGreaterThan(0);
});
afterAll(() => db.drop());

const BOARDS: Board[] = ['overall', 'season'];

/** The test database's pool, each statement shown to `see` first; what `see` throws, the statement fails with. */
function watched(see: (statement: { name?: string; values?: unknown[] }) => void): Pool {
  return {
    query: async (statement: { name?: string; values?: unknown[] }, ...rest: unknown[]) => {
      see(statement);
      return (db.pool.query as (...args: unknown[]) => unknown)(statement, ...rest);
    },
  } as unknown as Pool;
}

describe('a page from the kept counters', () => {
  it.each(BOARDS)('is the %s board page the one-statement read finds, every page and past the end', async (board) => {
    const boards = createBoardCache(db.pool, 60_000);
    const { players } = await findLeaderboard(db.pool, { board, viewerId: null, limit: 1 });
    expect(players).toBe(3000); // 3,000 + the late one - the merged one
    for (let offset = 0; offset <= players + PAGE; offset += PAGE) {
      const kept = await boards.page(board, offset, PAGE);
      const once = await findLeaderboard(db.pool, { board, viewerId: null, offset, limit: PAGE });
      expect({ offset, page: kept.found }).toEqual({ offset, page: once });
    }
    // Pages that start between page boundaries, inside the crowded score's blocks.
    for (const offset of [1, 1023, 1024, 1500, 2047, 2999]) {
      expect((await boards.page(board, offset, 7)).found).toEqual(
        await findLeaderboard(db.pool, { board, viewerId: null, offset, limit: 7 }),
      );
    }
  });
});

describe("a player's place from the kept counters", () => {
  it.each(BOARDS)('is the place the one-statement read finds on the %s board', async (board) => {
    const boards = createBoardCache(db.pool, 60_000);
    for (let i = 0; i < ids.length; i += 37) {
      const id = ids[i]!;
      expect({ id, place: await boards.position(board, id) }).toEqual({
        id,
        place: await findLeaderboardPosition(db.pool, { board, viewerId: id }),
      });
    }
    // A merged account has no place; neither has an unknown one.
    expect(await boards.position(board, ids[11]!)).toBeNull();
    expect(await boards.position(board, '999999999')).toBeNull();
  });

  it("keeps a place with the counters: a move shows once they are dropped (the boards' notice)", async () => {
    const boards = createBoardCache(db.pool, 60_000);
    const mover = ids[2001]!;
    const before = (await boards.position('overall', mover))!;
    await db.pool.query('UPDATE unified_users SET xp = 1000000 WHERE id = $1', [mover]);
    expect(await boards.position('overall', mover)).toEqual(before);
    boards.clear();
    expect((await boards.position('overall', mover))!.position).toBe(1);
    // Someone else's move is seen after the counters and places are dropped.
    await db.pool.query('UPDATE unified_users SET xp = 2000000 WHERE id = $1', [ids[2003]]);
    expect((await boards.position('overall', mover))!.position).toBe(1);
    boards.clear();
    expect((await boards.position('overall', mover))!.position).toBe(2);
    await db.pool.query('UPDATE unified_users SET xp = $2 WHERE id = ANY($1::bigint[])', [
      [mover, ids[2003]],
      before.score,
    ]);
  });
});

it('reads a page in one statement when grains read at different moments disagree', async () => {
  const boards = createBoardCache(db.pool, 60_000);
  const { players } = (await boards.page('overall', 0, PAGE)).found;
  // The bands are kept; then thirty players at XP 0 (the lowest band) climb to the top band
  // before that band's scores are read: the kept bands still count them at the bottom.
  const { rows: climbers } = await db.pool.query<{ id: string }>(
    `SELECT id FROM unified_users WHERE merged_into IS NULL AND xp = 0 ORDER BY id DESC LIMIT 30`,
  );
  const moved = climbers.map((r) => r.id);
  await db.pool.query(`UPDATE unified_users SET xp = 4999 WHERE id = ANY($1::bigint[])`, [moved]);
  const last = await boards.page('overall', players - 10, 10);
  const truth = await findLeaderboard(db.pool, { board: 'overall', viewerId: null, offset: players - 10, limit: 10 });
  expect(truth.entries).toHaveLength(10);
  expect(last.found.entries).toEqual(truth.entries);
  await db.pool.query(`UPDATE unified_users SET xp = 0 WHERE id = ANY($1::bigint[])`, [moved]);
});

it('keeps no failed read: the page after a failed read of a grain reads it again', async () => {
  // The board pool loses its connection in the middle of the scores of a band, once.
  let failures = 0;
  const flaky = watched((statement) => {
    if (statement.name !== 'board-scores' || failures > 0) return;
    failures++;
    throw new Error('Connection terminated unexpectedly');
  });
  const boards = createBoardCache(flaky, 60_000);
  await expect(boards.page('overall', 1000, PAGE)).rejects.toThrow('Connection terminated unexpectedly');
  expect(failures).toBe(1);
  expect((await boards.page('overall', 1000, PAGE)).found).toEqual(
    await findLeaderboard(db.pool, { board: 'overall', viewerId: null, offset: 1000, limit: PAGE }),
  );
  expect(await boards.position('overall', ids[1500]!)).toEqual(
    await findLeaderboardPosition(db.pool, { board: 'overall', viewerId: ids[1500]! }),
  );
});

it('keeps at most its limit of grains, the oldest going first, and still finds every place', async () => {
  const reads: number[] = [];
  const counting = watched((statement) => {
    if (statement.name === 'board-blocks') reads.push(Number(statement.values![1]));
  });
  const boards = createBoardCache(counting, 60_000, { pages: 10, grains: 2 });
  // Three players at three different scores: each place reads the blocks of its score.
  const players = [ids[100]!, ids[101]!, ids[102]!];
  const { rows } = await db.pool.query<{ xp: string }>(
    'SELECT xp::text FROM unified_users WHERE id = ANY($1::bigint[])',
    [players],
  );
  expect(new Set(rows.map((r) => r.xp)).size).toBe(3);
  const place = async (id: string) => {
    expect(await boards.position('overall', id)).toEqual(
      await findLeaderboardPosition(db.pool, { board: 'overall', viewerId: id }),
    );
  };
  await place(players[0]!);
  await place(players[1]!);
  await place(players[0]!); // kept: no read
  expect(reads).toHaveLength(2);
  await place(players[2]!); // a third score: the oldest kept (the first player's) goes
  await place(players[0]!); // read again
  expect(reads).toHaveLength(4);
  expect(reads[3]).toBe(reads[0]);
});

it('shows a change nobody announced once LEADERBOARD_CACHE_MS has passed (a notice lost to a crash or a restart)', async () => {
  const boards = createBoardCache(db.pool, 300);
  const mover = ids[2005]!;
  const first = async () => (await boards.page('overall', 0, 1)).found.entries[0]!.userId;
  const { rows: before } = await db.pool.query<{ id: string; xp: string }>(
    'SELECT id::text, xp::text FROM unified_users WHERE id = ANY($1::bigint[])',
    [[mover, ids[2007]!]],
  );
  const top = await first();
  const place = (await boards.position('overall', mover))!.position;
  // Committed, but the process that made it died before its notice went out.
  await db.pool.query('UPDATE unified_users SET xp = 3000000 WHERE id = $1', [mover]);
  const other = ids[2007]!;
  await db.pool.query('UPDATE unified_users SET xp = 4000000 WHERE id = $1', [other]);
  expect(await first()).toBe(top);
  expect((await boards.position('overall', mover))!.position).toBe(place);
  await sleep(350);
  expect(await first()).toBe(other);
  expect((await boards.position('overall', mover))!.position).toBe(2);
  expect(place).toBeGreaterThan(2);
  for (const r of before) await db.pool.query('UPDATE unified_users SET xp = $2 WHERE id = $1', [r.id, r.xp]);
});
