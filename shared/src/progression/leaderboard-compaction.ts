import type { Pool } from 'pg';

export interface LeaderboardCompaction {
  /** Call after a change of XP has committed. */
  signal(): void;
}

/**
 * Folds the leaderboard's score changes into its counters (`leaderboard_compact()`) at
 * most once per `everyMs` per process, after commits and outside them, so the changes a
 * reader adds up stay a second's worth. Nothing is lost when it fails or never runs:
 * readers count the changes not folded yet, and the next run folds them.
 */
export function createLeaderboardCompaction(pool: Pool, everyMs = 1000): LeaderboardCompaction {
  let timer: NodeJS.Timeout | null = null;
  return {
    signal() {
      if (timer) return;
      timer = setTimeout(() => {
        pool
          .query('SELECT leaderboard_compact()')
          .catch(() => {})
          .finally(() => {
            timer = null;
          });
      }, everyMs);
      timer.unref();
    },
  };
}
