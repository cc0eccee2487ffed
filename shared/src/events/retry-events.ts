import type { Queryable } from './queryable';

export interface RetriedEvent {
  /** The claimed row's ctid (ClaimedEvent.ctid). */
  ctid: string;
  delayMs: number;
  error: string;
  /** False for a rate limit: waiting is not a failed attempt. */
  countsAsAttempt: boolean;
}

const RETRY_EVENTS = `
WITH retried AS (
  UPDATE cross_platform_events e
  SET attempts = e.attempts + CASE WHEN o.counts THEN 1 ELSE 0 END,
      run_at = clock_timestamp() + o.delay_ms * interval '1 millisecond',
      last_error = o.error
  FROM unnest($1::tid[], $2::bigint[], $3::text[], $4::boolean[]) AS o(ctid, delay_ms, error, counts)
  WHERE e.ctid = o.ctid
  RETURNING e.user_id, e.seq, e.run_at
),
followers AS (
  SELECT f.ctid, r.run_at FROM retried r
  CROSS JOIN LATERAL (
    SELECT f.ctid FROM cross_platform_events f
    WHERE f.user_id = r.user_id AND f.seq > r.seq AND NOT f.processed AND f.dead_at IS NULL
      AND coalesce(f.run_at, f.created_at) < r.run_at
    FOR NO KEY UPDATE SKIP LOCKED
  ) f
)
UPDATE cross_platform_events e SET run_at = f.run_at
FROM followers f
WHERE e.ctid = f.ctid`;

/**
 * Schedules claimed events for another try, and holds each one's later events (those of
 * its player still pending) until the same time, so claims in between do not read them;
 * a later event another worker has locked right now is left to the claim to hold. Give at
 * most one event per player (the first one of theirs that failed). Runs in the claiming
 * transaction.
 */
export async function retryEvents(db: Queryable, events: RetriedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query({
    name: 'ttfd-retry-events',
    text: RETRY_EVENTS,
    values: [
      events.map((e) => e.ctid),
      events.map((e) => Math.max(0, Math.round(e.delayMs))),
      events.map((e) => e.error),
      events.map((e) => e.countsAsAttempt),
    ],
  });
}
