import type { Queryable } from './queryable';

export interface DeadEvent {
  /** The claimed row's ctid (ClaimedEvent.ctid). */
  ctid: string;
  error: string;
}

const DEAD_LETTER_EVENTS = `
UPDATE cross_platform_events e
SET dead_at = clock_timestamp(), outcome = 'dead', attempts = e.attempts + 1, run_at = NULL, last_error = o.error
FROM unnest($1::tid[], $2::text[]) AS o(ctid, error)
WHERE e.ctid = o.ctid`;

/**
 * Moves claimed events to the dead-letter state with the error that put them there.
 * A dead event no longer holds back its user's later events; `replayEvents` revives it.
 */
export async function deadLetterEvents(db: Queryable, events: DeadEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query({
    name: 'ttfd-dead-letter-events',
    text: DEAD_LETTER_EVENTS,
    values: [events.map((e) => e.ctid), events.map((e) => e.error)],
  });
}
