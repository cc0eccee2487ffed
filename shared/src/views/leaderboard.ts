import type { Pool } from 'pg';
import { LEADERBOARD_BAND_BITS, LEADERBOARD_BLOCK_BITS } from '../db/migrations/1764600000000-LeaderboardScores';

export { LEADERBOARD_BAND_BITS, LEADERBOARD_BLOCK_BITS };

export type Board = 'overall' | 'season';

export interface LeaderboardEntry {
  userId: string;
  position: number;
  /** Null when the player has no name, or chose to appear anonymised (except to themself). */
  name: string | null;
  /** The player chose to appear anonymised: show neither name nor a link to their page. */
  anonymous: boolean;
  score: number;
}

export interface Leaderboard {
  board: Board;
  /** The open season's name (both boards carry it). */
  seasonName: string | null;
  /** The requested page, best first. */
  entries: LeaderboardEntry[];
  /** The viewer's own place and score; null when the viewer has no live account. */
  viewer: { position: number; score: number } | null;
  /** Live players on the board (for the number of pages), from the counters: no count of the players. */
  players: number;
  /** Players skipped before the page. */
  offset: number;
}

const SCORE: Record<Board, string> = { overall: 'xp', season: 'current_season_xp' };

/*
 * Players are ordered by score, best first, ties by account id: the same order in the page
 * and in the viewer's position. Neither counts the players ahead one by one. The
 * LeaderboardScores migration keeps exact counts per band of scores, per score and per
 * score and block of ids (plus the changes not folded into them yet), so "ahead of me" is
 * the bands above mine, the scores above mine in my band, the blocks before mine at my
 * score, and the players before me in my block: a few hundred rows and at most a block of
 * index entries, whatever the number of players. A deep page finds its first player the
 * same way, band, then score, then block.
 * At 1,000,000 players (bench/leaderboard.ts, bench/README.md): the own position 1.3-1.5 ms
 * for the top, middle and bottom player, page 40,000 5 ms, where counting everyone ahead
 * took 230-370 ms (5-9 ms, 11 ms and 1.2-1.3 s on a four times slower run).
 */
const W = LEADERBOARD_BAND_BITS;
const K = LEADERBOARD_BLOCK_BITS;

/** Whether a player appears anonymised on public boards (their privacy setting). */
const ANONYMOUS = (u: string) => `${u}.leaderboard_anonymous`;

const PLAYERS = (board: Board) => `
  coalesce((SELECT sum(players) FROM leaderboard_bands WHERE board = '${board}'), 0)
  + coalesce((SELECT sum(delta) FROM leaderboard_changes WHERE board = '${board}'), 0)`;

const viewerSql = (board: Board) => `
me AS (
  SELECT u.id, u.${SCORE[board]} AS score, u.${SCORE[board]} >> ${W} AS band, u.id >> ${K} AS block,
         coalesce(u.display_name, u.username) AS name
  FROM unified_users u WHERE u.id = $1::bigint AND u.merged_into IS NULL
),
me_position AS (
  SELECT me.score, me.name, 1
    + coalesce((SELECT sum(players) FROM leaderboard_bands WHERE board = '${board}' AND band > me.band), 0)
    + coalesce((SELECT sum(players) FROM leaderboard_scores
                WHERE board = '${board}' AND score > me.score AND score < (me.band + 1) << ${W}), 0)
    + coalesce((SELECT sum(players) FROM leaderboard_cells
                WHERE board = '${board}' AND score = me.score AND block < me.block), 0)
    + coalesce((SELECT sum(delta) FROM leaderboard_changes WHERE board = '${board}' AND score > me.score), 0)
    + coalesce((SELECT sum(delta) FROM leaderboard_changes
                WHERE board = '${board}' AND score = me.score AND block < me.block), 0)
    + (SELECT count(*) FROM unified_users o
       WHERE o.merged_into IS NULL AND o.${SCORE[board]} = me.score AND o.id >= me.block << ${K} AND o.id < me.id)
    AS position
  FROM me
)`;

const firstPageSql = (board: Board) => `
page AS (
  SELECT u.id, u.display_name, u.username, ${ANONYMOUS('u')} AS anonymous, u.${SCORE[board]} AS score
  FROM unified_users u WHERE u.merged_into IS NULL
  ORDER BY u.${SCORE[board]} DESC, u.id OFFSET $2::bigint LIMIT $3
)`;

// $2 players are skipped: the page starts in the band, then the score, then the block
// where the running count of players passes $2.
const deepPageSql = (board: Board) => `
pending AS (
  SELECT score, block, sum(delta) AS delta FROM leaderboard_changes WHERE board = '${board}' GROUP BY score, block
),
bands_now AS (
  SELECT band, sum(players) AS players FROM (
    SELECT band, players FROM leaderboard_bands WHERE board = '${board}'
    UNION ALL SELECT score >> ${W}, delta FROM pending
  ) x GROUP BY band
),
band_start AS (
  SELECT band, ahead FROM (
    SELECT band, players, sum(players) OVER (ORDER BY band DESC) - players AS ahead FROM bands_now
  ) r WHERE ahead + players > $2::bigint ORDER BY band DESC LIMIT 1
),
scores_now AS (
  SELECT score, sum(players) AS players FROM (
    SELECT s.score, s.players FROM leaderboard_scores s, band_start b
    WHERE s.board = '${board}' AND s.score >= b.band << ${W} AND s.score < (b.band + 1) << ${W}
    UNION ALL SELECT p.score, p.delta FROM pending p, band_start b WHERE p.score >> ${W} = b.band
  ) x GROUP BY score
),
score_start AS (
  SELECT r.score, b.ahead + r.within AS ahead FROM band_start b, (
    SELECT score, players, sum(players) OVER (ORDER BY score DESC) - players AS within FROM scores_now
  ) r WHERE b.ahead + r.within + r.players > $2::bigint ORDER BY r.score DESC LIMIT 1
),
cells_now AS (
  SELECT block, sum(players) AS players FROM (
    SELECT c.block, c.players FROM leaderboard_cells c, score_start s WHERE c.board = '${board}' AND c.score = s.score
    UNION ALL SELECT p.block, p.delta FROM pending p, score_start s WHERE p.score = s.score
  ) x GROUP BY block
),
start AS (
  SELECT s.score, r.block, s.ahead + r.within AS ahead FROM score_start s, (
    SELECT block, players, sum(players) OVER (ORDER BY block) - players AS within FROM cells_now
  ) r WHERE s.ahead + r.within + r.players > $2::bigint ORDER BY r.block LIMIT 1
),
page AS (
  SELECT * FROM (
    (SELECT u.id, u.display_name, u.username, ${ANONYMOUS('u')} AS anonymous, u.${SCORE[board]} AS score
     FROM unified_users u
     WHERE u.merged_into IS NULL AND u.${SCORE[board]} = (SELECT score FROM start)
       AND u.id >= (SELECT block FROM start) << ${K}
     ORDER BY u.id OFFSET (SELECT $2::bigint - ahead FROM start) LIMIT $3)
    UNION ALL
    (SELECT u.id, u.display_name, u.username, ${ANONYMOUS('u')} AS anonymous, u.${SCORE[board]}
     FROM unified_users u
     WHERE u.merged_into IS NULL AND u.${SCORE[board]} < (SELECT score FROM start)
     ORDER BY u.${SCORE[board]} DESC, u.id LIMIT $3)
  ) p
  ORDER BY score DESC, id LIMIT $3
)`;

const sql = (board: Board, deep: boolean) => `
WITH ${viewerSql(board)},
${deep ? deepPageSql(board) : firstPageSql(board)}
SELECT 'page' AS part, p.id,
       CASE WHEN p.anonymous AND p.id IS DISTINCT FROM $1::bigint THEN NULL ELSE coalesce(p.display_name, p.username) END AS name,
       p.anonymous, p.score, NULL::bigint AS position
FROM page p
UNION ALL
SELECT 'me', NULL, NULL, NULL, m.score, m.position FROM me_position m
UNION ALL
SELECT 'season', NULL, s.name, NULL, NULL, NULL FROM seasons s WHERE s.closed_at IS NULL
UNION ALL
SELECT 'players', NULL, NULL, NULL, NULL, ${PLAYERS(board)}`;

const positionSql = (board: Board) => `
WITH ${viewerSql(board)}
SELECT position, score, name FROM me_position`;

export interface LeaderboardQuery {
  board: Board;
  /** Whose position to find (an account id); null for an anonymous visitor. */
  viewerId: string | null;
  /** Players skipped before the page (default 0). */
  offset?: number;
  /** Players on the page (default 10, at most 100). */
  limit?: number;
}

/** A page of the overall (XP) or season (season XP) board and the viewer's own place. */
export async function findLeaderboard(pool: Pool, query: LeaderboardQuery): Promise<Leaderboard> {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 10;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`offset must be a whole number ≥ 0, got ${offset}`);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) {
    throw new RangeError(`limit must be a whole number from 1 to 100, got ${limit}`);
  }
  const deep = offset > 0;
  const { rows } = await pool.query({
    name: `leaderboard-${query.board}${deep ? '-deep' : ''}`,
    text: sql(query.board, deep),
    values: [query.viewerId, offset, limit],
  });
  const entries = rows
    .filter((r) => r.part === 'page')
    .map((r, i) => ({
      userId: r.id as string,
      position: offset + i + 1,
      name: r.name as string | null,
      anonymous: r.anonymous === true,
      score: Number(r.score),
    }));
  const me = rows.find((r) => r.part === 'me');
  return {
    board: query.board,
    seasonName: rows.find((r) => r.part === 'season')?.name ?? null,
    entries,
    viewer: me ? { position: Number(me.position), score: Number(me.score) } : null,
    players: Number(rows.find((r) => r.part === 'players')?.position ?? 0),
    offset,
  };
}

export interface LeaderboardPosition {
  position: number;
  score: number;
  /** The viewer's own name (shown to them even when they appear anonymised). */
  name: string | null;
}

/** The viewer's place on a board alone (no page); null when the viewer has no live account. */
export async function findLeaderboardPosition(
  pool: Pool,
  query: { board: Board; viewerId: string },
): Promise<LeaderboardPosition | null> {
  const { rows } = await pool.query({
    name: `leaderboard-${query.board}-position`,
    text: positionSql(query.board),
    values: [query.viewerId],
  });
  const row = rows[0];
  return row ? { position: Number(row.position), score: Number(row.score), name: row.name as string | null } : null;
}

/*
 * The same counters read one grain at a time, for a replica that keeps them (the website's
 * board cache): the bands of the whole board, the scores of one band, the blocks of one
 * score, each with the changes not folded yet. With them kept, a deep page is one index
 * read from a known first player (findLeaderboardFrom) and a player's place is their own
 * row and the players before them in their block (findPlaceInBlock).
 */

/** Live players under one key of a grain: a band, a score or a block. */
export interface BoardCount {
  key: number;
  players: number;
}

/** A grain's live players per key, the changes not folded yet added: `where` narrows both tables alike. */
const countsSql = (table: string, key: string, pendingKey: string, where: string, order: string) => `
SELECT key, sum(players)::bigint AS players FROM (
  SELECT ${key} AS key, players FROM ${table} WHERE board = $1 ${where}
  UNION ALL SELECT ${pendingKey}, delta FROM leaderboard_changes WHERE board = $1 ${where}
) x GROUP BY key HAVING sum(players) > 0 ORDER BY key ${order}`;

const BANDS_SQL = countsSql('leaderboard_bands', 'band', `score >> ${W}`, '', 'DESC');
const SCORES_SQL = countsSql(
  'leaderboard_scores',
  'score',
  'score',
  `AND score >= $2::bigint << ${W} AND score < ($2::bigint + 1) << ${W}`,
  'DESC',
);
const BLOCKS_SQL = countsSql('leaderboard_cells', 'block', 'block', 'AND score = $2', '');

const toCounts = (rows: { key: string; players: string }[]): BoardCount[] =>
  rows.map((r) => ({ key: Number(r.key), players: Number(r.players) }));

/** The board's bands, best first, and the open season's name. */
export async function findBoardBands(
  pool: Pool,
  board: Board,
): Promise<{ bands: BoardCount[]; seasonName: string | null }> {
  const [bands, season] = await Promise.all([
    pool.query({ name: 'board-bands', text: BANDS_SQL, values: [board] }),
    pool.query({ name: 'open-season-name', text: 'SELECT name FROM seasons WHERE closed_at IS NULL' }),
  ]);
  return { bands: toCounts(bands.rows), seasonName: (season.rows[0]?.name as string | undefined) ?? null };
}

/** The scores of one band (`score >> LEADERBOARD_BAND_BITS`), best first. */
export async function findBoardScores(pool: Pool, board: Board, band: number): Promise<BoardCount[]> {
  return toCounts((await pool.query({ name: 'board-scores', text: SCORES_SQL, values: [board, band] })).rows);
}

/** The blocks of account ids (`id >> LEADERBOARD_BLOCK_BITS`) holding players at one score, lowest first. */
export async function findBoardBlocks(pool: Pool, board: Board, score: number): Promise<BoardCount[]> {
  return toCounts((await pool.query({ name: 'board-blocks', text: BLOCKS_SQL, values: [board, score] })).rows);
}

/** Where a page starts: `skip` players after the first at `score` whose id is `fromId` or more. */
export interface PageStart {
  score: number;
  fromId: number;
  skip: number;
}

/*
 * The page's first player is found by skipping `skip` ids in the score's index alone (an
 * index-only scan: the skipped players' rows are not read), then the page's players are
 * read from there.
 */
const fromSql = (board: Board) => `
SELECT p.id, CASE WHEN p.anonymous THEN NULL ELSE coalesce(p.display_name, p.username) END AS name, p.anonymous, p.score
FROM (
  (SELECT u.id, u.display_name, u.username, ${ANONYMOUS('u')} AS anonymous, u.${SCORE[board]} AS score
   FROM unified_users u
   WHERE u.merged_into IS NULL AND u.${SCORE[board]} = $1::bigint
     AND u.id >= (SELECT f.id FROM unified_users f
                  WHERE f.merged_into IS NULL AND f.${SCORE[board]} = $1::bigint AND f.id >= $2::bigint
                  ORDER BY f.id OFFSET $3::bigint LIMIT 1)
   ORDER BY u.id LIMIT $4)
  UNION ALL
  (SELECT u.id, u.display_name, u.username, ${ANONYMOUS('u')}, u.${SCORE[board]}
   FROM unified_users u
   WHERE u.merged_into IS NULL AND u.${SCORE[board]} < $1::bigint
   ORDER BY u.${SCORE[board]} DESC, u.id LIMIT $4)
) p
ORDER BY p.score DESC, p.id LIMIT $4`;

/**
 * `limit` players from a known start, as a visitor sees them (anonymised players without a
 * name); `position` counts from `offset`, the players the start stands for.
 */
export async function findLeaderboardFrom(
  pool: Pool,
  board: Board,
  start: PageStart,
  offset: number,
  limit: number,
): Promise<LeaderboardEntry[]> {
  const { rows } = await pool.query({
    name: `leaderboard-${board}-from`,
    text: fromSql(board),
    values: [start.score, start.fromId, start.skip, limit],
  });
  return rows.map((r, i) => ({
    userId: r.id as string,
    position: offset + i + 1,
    name: r.name as string | null,
    anonymous: r.anonymous === true,
    score: Number(r.score),
  }));
}

const placeSql = (board: Board) => `
SELECT u.${SCORE[board]} AS score, coalesce(u.display_name, u.username) AS name,
       (SELECT count(*) FROM unified_users o
        WHERE o.merged_into IS NULL AND o.${SCORE[board]} = u.${SCORE[board]}
          AND o.id >= (u.id >> ${K}) << ${K} AND o.id < u.id) AS before
FROM unified_users u WHERE u.id = $1::bigint AND u.merged_into IS NULL`;

/** A live player's score and name, and the players at their score before them in their block; null when not live. */
export async function findPlaceInBlock(
  pool: Pool,
  board: Board,
  viewerId: string,
): Promise<{ score: number; block: number; name: string | null; before: number } | null> {
  const { rows } = await pool.query({ name: `leaderboard-${board}-place`, text: placeSql(board), values: [viewerId] });
  const row = rows[0];
  if (!row) return null;
  return {
    score: Number(row.score),
    block: Number(BigInt(viewerId) >> BigInt(K)),
    name: row.name as string | null,
    before: Number(row.before),
  };
}
