import type { Pool, PoolClient } from 'pg';

/**
 * The NOTIFY channel that says the boards changed (no payload): the website drops the
 * pages it keeps. Sent after commit, at most once per compaction interval per process.
 */
export const BOARDS_CHANNEL = 'ttfd_boards';
/** The notice itself, sent by the compaction below, a season close, a merge and a privacy change. */
export const BOARDS_CHANGED_SQL = `SELECT pg_notify('${BOARDS_CHANNEL}', '')`;

/**
 * Sends the notice after a change has committed. One that fails is not worth failing the
 * change for: readers keep what they read for LEADERBOARD_CACHE_MS at most anyway.
 */
export async function announceBoardsChanged(db: Pool | PoolClient): Promise<void> {
  await db.query(BOARDS_CHANGED_SQL).catch(() => undefined);
}

export interface LeaderboardCompaction {
  /** Call after a change of XP has committed. */
  signal(): void;
}

/**
 * Folds the leaderboard's score changes into its counters (`leaderboard_compact()`) at
 * most once per `everyMs` per process, after commits and outside them, so the changes a
 * reader adds up stay a second's worth. Nothing is lost when it fails or never runs:
 * readers count the changes not folded yet, and the next run folds them.
 * It also tells readers the boards changed (NOTIFY on BOARDS_CHANNEL): at once for the
 * first change after a quiet interval, then once more with the fold for those that came
 * during it.
 */
export function createLeaderboardCompaction(pool: Pool, everyMs = 1000): LeaderboardCompaction {
  let timer: NodeJS.Timeout | null = null;
  let notifiedAt = -Infinity;
  let unannounced = false;
  const notify = () => {
    notifiedAt = performance.now();
    unannounced = false;
    void announceBoardsChanged(pool);
  };
  return {
    signal() {
      if (performance.now() - notifiedAt >= everyMs) notify();
      else unannounced = true;
      if (timer) return;
      timer = setTimeout(() => {
        pool
          .query('SELECT leaderboard_compact()')
          .catch(() => {})
          .finally(() => {
            timer = null;
            if (unannounced) notify();
          });
      }, everyMs);
      timer.unref();
    },
  };
}
