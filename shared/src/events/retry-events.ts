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
UPDATE cross_platform_events e
SET attempts = e.attempts + CASE WHEN o.counts THEN 1 ELSE 0 END,
    run_at = clock_timestamp() + o.delay_ms * interval '1 millisecond',
    last_error = o.error
FROM unnest($1::tid[], $2::bigint[], $3::text[], $4::boolean[]) AS o(ctid, delay_ms, error, counts)
WHERE e.ctid = o.ctid`;

/** Schedules claimed events for another try. Runs in the claiming transaction. */
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
