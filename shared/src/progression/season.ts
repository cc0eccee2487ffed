import type { Pool } from 'pg';
import type { Wake } from './wake';

export interface SeasonCloseResult {
  closedSeason: { id: number; name: string };
  openedSeason: { id: number; name: string };
  /** Players who earned season XP, archived with their final position. */
  ranked: number;
}

/**
 * Closes the open season in one transaction: archives every player's season XP and
 * position in `season_results`, appends a `season_closed` event to each of them, resets
 * season XP to zero and opens the next season. Awards that arrive meanwhile wait for
 * their row and count towards the new season.
 */
export async function closeSeason(pool: Pool, wake: Wake, nextName?: string): Promise<SeasonCloseResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: open } = await client.query<{ id: number; name: string }>(
      'SELECT id, name FROM seasons WHERE closed_at IS NULL FOR UPDATE',
    );
    if (!open[0]) throw new Error('No open season to close');
    const season = open[0];
    const name = nextName ?? `Season ${season.id + 1}`;
    const { rows } = await client.query<{ ranked: number }>(
      `WITH locked AS (
         SELECT id, current_season_xp FROM unified_users
         WHERE current_season_xp > 0 AND merged_into IS NULL
         FOR UPDATE
       ),
       standings AS (
         SELECT id, current_season_xp AS season_xp, rank() OVER (ORDER BY current_season_xp DESC) AS position
         FROM locked
       ),
       archived AS (
         INSERT INTO season_results (season_id, user_id, position, season_xp)
         SELECT $1, id, position, season_xp FROM standings
       ),
       events AS (
         INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
         SELECT id, 'season_closed', 'system',
                jsonb_build_object('season_id', $1::int, 'season_name', $2::text, 'position', position, 'season_xp', season_xp)
         FROM standings
       ),
       reset AS (
         UPDATE unified_users u SET current_season_xp = 0, updated_at = now()
         FROM standings s WHERE u.id = s.id
       )
       SELECT count(*)::int AS ranked FROM standings`,
      [season.id, season.name],
    );
    await client.query('UPDATE seasons SET closed_at = now() WHERE id = $1', [season.id]);
    const { rows: opened } = await client.query<{ id: number; name: string }>(
      'INSERT INTO seasons (name) VALUES ($1) RETURNING id, name',
      [name],
    );
    await client.query('COMMIT');
    // Every season score went to zero: fold those changes now rather than leave them to
    // readers. The season is closed either way; a failed fold is redone by the next one.
    await pool.query('SELECT leaderboard_compact()').catch(() => undefined);
    if (rows[0]!.ranked > 0) wake.signal();
    return { closedSeason: season, openedSeason: opened[0]!, ranked: rows[0]!.ranked };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
