import type { Queryable } from './queryable';

export interface EventStats {
  /** Not yet processed nor dead, including those waiting for a retry. */
  pending: number;
  /** Of the pending, those waiting for a retry or a rate limit, or held behind their player's. */
  waitingRetry: number;
  /** Age of the oldest pending event in seconds (0 when none). */
  oldestPendingAgeSeconds: number;
  dead: number;
}

const EVENT_STATS = `
SELECT
  (SELECT count(*) FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL) AS pending,
  (SELECT count(*) FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL AND run_at > now()) AS waiting_retry,
  coalesce((SELECT extract(epoch FROM now() - created_at) FROM cross_platform_events
            WHERE NOT processed AND dead_at IS NULL ORDER BY seq LIMIT 1), 0) AS oldest_pending_age_seconds,
  (SELECT count(*) FROM cross_platform_events WHERE dead_at IS NOT NULL) AS dead`;

/** The backlog as the database sees it, so every replica (and the CLI) reports the same. */
export async function eventStats(db: Queryable): Promise<EventStats> {
  const { rows } = await db.query({ name: 'ttfd-event-stats', text: EVENT_STATS });
  const r = rows[0];
  return {
    pending: Number(r.pending),
    waitingRetry: Number(r.waiting_retry),
    oldestPendingAgeSeconds: Number(r.oldest_pending_age_seconds),
    dead: Number(r.dead),
  };
}

const PROCESSED_SINCE = `
SELECT count(*) AS processed FROM cross_platform_events
WHERE id >= uuidv7(-interval '1 day') AND processed_at >= now() - $1::int * interval '1 second'`;

/**
 * Events processed in the last `seconds`. It reads the primary key range of the events
 * created in the last day (uuidv7 ids are time-ordered), so it stays cheap on a long
 * history; an event created earlier than that and processed just now is not counted.
 */
export async function processedSince(db: Queryable, seconds: number): Promise<number> {
  const { rows } = await db.query(PROCESSED_SINCE, [seconds]);
  return Number(rows[0].processed);
}
