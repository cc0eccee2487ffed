import type { Pool } from 'pg';

// A fifth never played (XP 0), the rest spread thin at the top like a real ladder; the
// season, two fifths at 0. Names for the page's columns.
const LOAD = `
INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp, current_season_xp)
SELECT g, 'telegram', 'Player ' || g,
       CASE WHEN random() < 0.2 THEN 0 ELSE 1 + floor(60000 * random() ^ 3) END,
       CASE WHEN random() < 0.4 THEN 0 ELSE 1 + floor(5000 * random() ^ 3) END
FROM generate_series(1, $1::int) g`;

// What the migration does for players already there: one change each, folded.
const BACKFILL = `
INSERT INTO leaderboard_changes (board, score, block, delta)
SELECT b.board, b.score, u.id >> 10, 1
FROM unified_users u CROSS JOIN LATERAL (VALUES ('overall', u.xp), ('season', u.current_season_xp)) AS b (board, score)
WHERE u.merged_into IS NULL`;

/**
 * `players` players on the ladder, loaded the way the leaderboard migration meets an
 * existing database: rows first (trigger off), counters after, compacted and analysed.
 */
export async function loadLadder(pool: Pool, players: number): Promise<void> {
  await pool.query('ALTER TABLE unified_users DISABLE TRIGGER leaderboard_follow_insert');
  await pool.query(LOAD, [players]);
  await pool.query('ALTER TABLE unified_users ENABLE TRIGGER leaderboard_follow_insert');
  await pool.query(BACKFILL);
  await pool.query('SELECT leaderboard_compact()');
  await pool.query('VACUUM ANALYZE');
}
