import type { Queryable } from './queryable';

export interface CompletedEvent {
  /** The claimed row's ctid (ClaimedEvent.ctid). */
  ctid: string;
  outcome: 'ok' | 'skipped';
  /** Why it was skipped; kept in last_error so `events dead`-style listings can show it. */
  note?: string | null;
}

const COMPLETE_EVENTS = `
UPDATE cross_platform_events e
SET processed = true, processed_at = clock_timestamp(), outcome = o.outcome, attempts = e.attempts + 1,
    run_at = NULL, last_error = coalesce(o.note, e.last_error)
FROM unnest($1::tid[], $2::text[], $3::text[]) AS o(ctid, outcome, note)
WHERE e.ctid = o.ctid`;

/** Marks claimed events processed. Runs in the claiming transaction. */
export async function completeEvents(db: Queryable, events: CompletedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query({
    name: 'ttfd-complete-events',
    text: COMPLETE_EVENTS,
    values: [events.map((e) => e.ctid), events.map((e) => e.outcome), events.map((e) => e.note ?? null)],
  });
}
