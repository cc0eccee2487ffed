import type { Pool } from 'pg';

export type Board = 'overall' | 'season';

export interface Leaderboard {
  seasonName: string | null;
  top: { userId: string; position: number; name: string | null; score: number }[];
  /** The player's own place; null when they have no account. */
  me: { position: number; score: number } | null;
}

const SCORE: Record<Board, string> = { overall: 'xp', season: 'current_season_xp' };

// Ties are broken by account id, the same order in the list and in the player's position.
const sql = (board: Board) => `
WITH top AS (
  SELECT u.id, coalesce(u.display_name, u.username) AS name, u.${SCORE[board]} AS score
  FROM unified_users u
  WHERE u.merged_into IS NULL
  ORDER BY u.${SCORE[board]} DESC, u.id
  LIMIT $2
),
me AS (
  SELECT u.${SCORE[board]} AS score,
         (SELECT count(*) FROM unified_users o
          WHERE o.merged_into IS NULL
            AND (o.${SCORE[board]} > u.${SCORE[board]} OR (o.${SCORE[board]} = u.${SCORE[board]} AND o.id < u.id))) + 1 AS position
  FROM unified_users u
  WHERE u.id = $1 AND u.merged_into IS NULL
)
SELECT 'top' AS part, t.id, t.name, t.score, NULL::bigint AS position FROM top t
UNION ALL
SELECT 'me', NULL, NULL, m.score, m.position FROM me m
UNION ALL
SELECT 'season', NULL, s.name, NULL, NULL FROM seasons s WHERE s.closed_at IS NULL`;

/** The top players by XP (overall) or season XP, and where the player stands. */
export async function findLeaderboard(pool: Pool, board: Board, userId: string, limit = 10): Promise<Leaderboard> {
  const { rows } = await pool.query({ name: `telegram-top-${board}`, text: sql(board), values: [userId, limit] });
  const top = rows
    .filter((r) => r.part === 'top')
    .map((r, i) => ({
      userId: r.id as string,
      position: i + 1,
      name: r.name as string | null,
      score: Number(r.score),
    }));
  const me = rows.find((r) => r.part === 'me');
  return {
    seasonName: rows.find((r) => r.part === 'season')?.name ?? null,
    top,
    me: me ? { position: Number(me.position), score: Number(me.score) } : null,
  };
}
