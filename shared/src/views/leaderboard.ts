import type { Pool } from 'pg';

export type Board = 'overall' | 'season';

export interface LeaderboardEntry {
  userId: string;
  position: number;
  name: string | null;
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
}

const SCORE: Record<Board, string> = { overall: 'xp', season: 'current_season_xp' };

/*
 * Players are ordered by score, best first, ties by account id: the same order in the page
 * and in the viewer's position. Neither counts the players ahead one by one: the players
 * at each score above zero are `leaderboard_scores` plus the changes not folded into it
 * yet (`leaderboard_score_changes`, see the LeaderboardScores migration), so "ahead of me"
 * is a sum over the distinct scores above mine plus the ties with a lower id, and a deep
 * page starts at the score where the running sum passes its offset.
 * At 1,000,000 players: see bench/leaderboard.ts and its figures in bench/README.md.
 */
const scoresAbove = (board: Board, score: string) => `
  coalesce((SELECT sum(s.players) FROM leaderboard_scores s WHERE s.board = '${board}' AND s.score > ${score}), 0)
  + coalesce((SELECT sum(c.delta) FROM leaderboard_score_changes c WHERE c.board = '${board}' AND c.score > ${score}), 0)`;

// Where a page starts: its first score, and how many players rank above that score.
const FIRST_PAGE = (board: Board) => `
start AS (
  SELECT coalesce(max(u.${SCORE[board]}), 0) AS score, 0::bigint AS ahead
  FROM (SELECT ${SCORE[board]} FROM unified_users WHERE merged_into IS NULL ORDER BY ${SCORE[board]} DESC, id LIMIT 1) u
)`;
const DEEP_PAGE = (board: Board) => `
merged AS (
  SELECT score, sum(players) AS players FROM (
    SELECT score, players FROM leaderboard_scores WHERE board = '${board}'
    UNION ALL
    SELECT score, delta FROM leaderboard_score_changes WHERE board = '${board}'
  ) x
  GROUP BY score
),
running AS (
  SELECT score, players, sum(players) OVER (ORDER BY score DESC) - players AS ahead FROM merged
),
start AS (
  SELECT score, ahead FROM (
    (SELECT r.score, r.ahead FROM running r WHERE r.ahead + r.players > $2::bigint ORDER BY r.score DESC LIMIT 1)
    UNION ALL
    SELECT 0, coalesce(sum(players), 0) FROM merged
  ) c
  ORDER BY score DESC LIMIT 1
)`;

const sql = (board: Board, deep: boolean) => `
WITH me AS (
  SELECT u.id, u.${SCORE[board]} AS score FROM unified_users u WHERE u.id = $1::bigint AND u.merged_into IS NULL
),
me_position AS (
  SELECT me.score,
         1 + ${scoresAbove(board, 'me.score')}
           + (SELECT count(*) FROM unified_users o
              WHERE o.merged_into IS NULL AND o.${SCORE[board]} = me.score AND o.id < me.id) AS position
  FROM me
),
${deep ? DEEP_PAGE(board) : FIRST_PAGE(board)},
page AS (
  SELECT * FROM (
    (SELECT u.id, u.display_name, u.username, u.${SCORE[board]} AS score
     FROM unified_users u
     WHERE u.merged_into IS NULL AND u.${SCORE[board]} = (SELECT score FROM start)
     ORDER BY u.id OFFSET (SELECT greatest($2::bigint - ahead, 0) FROM start) LIMIT $3)
    UNION ALL
    (SELECT u.id, u.display_name, u.username, u.${SCORE[board]}
     FROM unified_users u
     WHERE u.merged_into IS NULL AND u.${SCORE[board]} < (SELECT score FROM start)
     ORDER BY u.${SCORE[board]} DESC, u.id LIMIT $3)
  ) p
  ORDER BY score DESC, id LIMIT $3
)
SELECT 'page' AS part, p.id, coalesce(p.display_name, p.username) AS name, p.score, NULL::bigint AS position FROM page p
UNION ALL
SELECT 'me', NULL, NULL, m.score, m.position FROM me_position m
UNION ALL
SELECT 'season', NULL, s.name, NULL, NULL FROM seasons s WHERE s.closed_at IS NULL`;

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
      score: Number(r.score),
    }));
  const me = rows.find((r) => r.part === 'me');
  return {
    board: query.board,
    seasonName: rows.find((r) => r.part === 'season')?.name ?? null,
    entries,
    viewer: me ? { position: Number(me.position), score: Number(me.score) } : null,
  };
}
