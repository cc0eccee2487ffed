import type { Pool, PoolClient } from 'pg';
import type { Wake } from './wake';
import { announceBoardsChanged } from './leaderboard-compaction';

export interface SeasonCloseResult {
  closedSeason: { id: number; name: string };
  openedSeason: { id: number; name: string };
  /** Players who earned season XP, archived with their final position. */
  ranked: number;
}

/** Players archived per transaction: an award or a merge waits for at most one batch. */
export const SEASON_CLOSE_BATCH = 1000;

/**
 * The standings at the moment of the close, from the transaction's snapshot: reading
 * takes no row lock, so awards and merges carry on. A temporary table of this session.
 */
const SNAPSHOT_SQL = `
CREATE TEMP TABLE season_standings ON COMMIT PRESERVE ROWS AS
SELECT id AS user_id, current_season_xp AS season_xp,
       rank() OVER (ORDER BY current_season_xp DESC)::int AS position
FROM unified_users
WHERE current_season_xp > 0 AND merged_into IS NULL`;

/** The next batch's players, and the accounts that absorbed any of them since, locked in id order. $1 after, $2 size. */
const LOCK_BATCH_SQL = `
WITH chunk AS (
  SELECT user_id FROM season_standings WHERE user_id > $1::bigint ORDER BY user_id LIMIT $2::int
),
ids AS (
  SELECT user_id AS id FROM chunk
  UNION
  SELECT x.merged_into FROM unified_users x JOIN chunk c ON x.id = c.user_id WHERE x.merged_into IS NOT NULL
)
SELECT u.id FROM unified_users u JOIN ids ON u.id = ids.id
ORDER BY u.id
FOR UPDATE OF u`;

/**
 * Archives one batch: its results, a season_closed event to each player (on the account
 * that absorbed them, if they merged since), and takes the archived XP off their season
 * XP, so XP earned since the snapshot stays for the new season.
 * $1 after, $2 size, $3 season id, $4 season name. Returns the last id, or null when done.
 */
const ARCHIVE_BATCH_SQL = `
WITH chunk AS (
  SELECT s.user_id, s.season_xp, s.position, coalesce(u.merged_into, u.id) AS target
  FROM season_standings s JOIN unified_users u ON u.id = s.user_id
  WHERE s.user_id > $1::bigint
  ORDER BY s.user_id LIMIT $2::int
),
archived AS (
  INSERT INTO season_results (season_id, user_id, position, season_xp)
  SELECT $3::int, user_id, position, season_xp FROM chunk
),
events AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
  SELECT target, 'season_closed', 'system',
         jsonb_build_object('season_id', $3::int, 'season_name', $4::text, 'position', position, 'season_xp', season_xp)
  FROM chunk ORDER BY user_id
),
reset AS (
  UPDATE unified_users u SET current_season_xp = GREATEST(u.current_season_xp - t.season_xp, 0), updated_at = now()
  FROM (SELECT target, sum(season_xp) AS season_xp FROM chunk GROUP BY target) t
  WHERE u.id = t.target
)
SELECT max(user_id)::text AS last FROM chunk`;

/** The accounts a batch's archive will change (a player's, or the one that absorbed them). $1 after, $2 size. */
const BATCH_TARGETS_SQL = `
SELECT DISTINCT coalesce(u.merged_into, u.id)::text AS id
FROM (SELECT user_id FROM season_standings WHERE user_id > $1::bigint ORDER BY user_id LIMIT $2::int) c
JOIN unified_users u ON u.id = c.user_id`;

async function inTransaction<T>(client: PoolClient, run: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await run();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Closes the open season: the standings are taken from one snapshot and the next season
 * opens at once; then the players are archived in batches of SEASON_CLOSE_BATCH, each its
 * own transaction holding only its players' rows (in id order, as merges lock theirs), so
 * awards keep flowing and a merge never deadlocks with the close. Each ranked player gets
 * their position in `season_results` and a `season_closed` event; the archived season XP
 * is taken off theirs, and whatever they earned since the snapshot counts for the new
 * season. The snapshot lives in this database session: a close interrupted half-way
 * leaves the rest of its players unarchived, with their XP in the new season.
 */
export async function closeSeason(pool: Pool, wake: Wake, nextName?: string): Promise<SeasonCloseResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    const { season, opened, ranked } = await inTransaction(client, async () => {
      const { rows: open } = await client.query<{ id: number; name: string }>(
        'SELECT id, name FROM seasons WHERE closed_at IS NULL FOR UPDATE',
      );
      if (!open[0]) throw new Error('No open season to close');
      const season = open[0];
      await client.query('DROP TABLE IF EXISTS season_standings');
      const { rowCount } = await client.query(SNAPSHOT_SQL);
      await client.query('ALTER TABLE season_standings ADD PRIMARY KEY (user_id)');
      await client.query('ANALYZE season_standings');
      await client.query('UPDATE seasons SET closed_at = now() WHERE id = $1', [season.id]);
      const { rows: opened } = await client.query<{ id: number; name: string }>(
        'INSERT INTO seasons (name) VALUES ($1) RETURNING id, name',
        [nextName ?? `Season ${season.id + 1}`],
      );
      return { season, opened: opened[0]!, ranked: rowCount ?? 0 };
    });

    let after: string | null = '0';
    while (after !== null) {
      const from: string = after;
      after = await inTransaction(client, async () => {
        const { rows: locked } = await client.query<{ id: string }>(LOCK_BATCH_SQL, [from, SEASON_CLOSE_BATCH]);
        const held = new Set(locked.map((r) => r.id));
        // Held, the batch's players cannot be merged any more; one merged while the lock
        // waited has a survivor this batch does not hold: roll back and take the batch again.
        const { rows: targets } = await client.query<{ id: string }>(BATCH_TARGETS_SQL, [from, SEASON_CLOSE_BATCH]);
        if (targets.some((t) => !held.has(t.id))) throw new RetryBatch();
        const { rows } = await client.query<{ last: string | null }>(ARCHIVE_BATCH_SQL, [
          from,
          SEASON_CLOSE_BATCH,
          season.id,
          season.name,
        ]);
        return rows[0]!.last;
      }).catch((err: unknown) => {
        if (err instanceof RetryBatch) return from;
        throw err;
      });
    }
    await client.query('DROP TABLE season_standings');
    // Every season score went to zero: fold those changes now rather than leave them to
    // readers. The season is closed either way; a failed fold is redone by the next one.
    await client.query('SELECT leaderboard_compact()').catch(() => undefined);
    await announceBoardsChanged(client);
    if (ranked > 0) wake.signal();
    return { closedSeason: season, openedSeason: opened, ranked };
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    client.release(broken);
  }
}

class RetryBatch extends Error {}
