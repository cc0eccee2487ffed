import type { EventType } from './event-types';
import type { SourcePlatform } from '../platform';
import type { Queryable } from './queryable';

/** A claimed event. `data` is parsed on first use, and not fetched at all for an event the claim settled. */
export interface ClaimedEvent {
  id: string;
  /**
   * Where the locked row version is: the settle statements find it by this, without an
   * index lookup. Valid only in the claiming transaction (the lock keeps the row in place);
   * null for an event the claim settled.
   */
  ctid: string | null;
  seq: string;
  userId: string;
  /** As stored; the worker dead-letters anything that is not an EventType. */
  eventType: EventType | string;
  sourcePlatform: SourcePlatform;
  readonly data: Record<string, unknown>;
  /** Creation time in epoch milliseconds. */
  createdMs: number;
  /** Attempts before this one. */
  attempts: number;
  /** Already marked processed by the claim (one of its `settleTypes`). */
  settled: boolean;
}

/**
 * Locks up to `limit` due events, oldest first, skipping rows another worker holds, and
 * returns those whose user has no earlier event still pending outside this batch (an
 * earlier one another worker holds, one waiting for its retry, or one this batch had to
 * skip). Call it inside a transaction: the row locks last until it commits, and they are
 * the lease. There is no high-water mark, so an event whose transaction committed after
 * later ones is simply picked by the next claim.
 *
 * Events of the `settleTypes` (nothing to do outside the database) are marked processed
 * by this same statement and come back with `settled`; they count as processed when the
 * transaction commits, together with whatever else the caller does in it.
 */
const CLAIM_EVENTS = `
WITH picked AS (
  SELECT ctid, id, seq, user_id, event_type, source_platform, data, created_at, attempts
  FROM cross_platform_events
  WHERE NOT processed AND dead_at IS NULL AND (run_at IS NULL OR run_at <= now())
  ORDER BY seq
  LIMIT $1
  FOR NO KEY UPDATE SKIP LOCKED
),
ready AS (
  SELECT p.* FROM picked p
  WHERE (
    -- A scalar subquery, not NOT EXISTS: it stays one index probe per claimed event,
    -- where an anti join would read the user-pending index whole on a long backlog.
    SELECT 1 FROM cross_platform_events b
    WHERE b.user_id = p.user_id AND b.seq < p.seq AND NOT b.processed AND b.dead_at IS NULL
      AND b.seq NOT IN (SELECT seq FROM picked)
    LIMIT 1
  ) IS NULL
),
settled AS (
  UPDATE cross_platform_events e
  SET processed = true, processed_at = clock_timestamp(), outcome = 'ok', attempts = e.attempts + 1, run_at = NULL
  FROM ready r
  WHERE e.ctid = r.ctid AND r.event_type = ANY($2::text[])
  RETURNING e.id
)
SELECT CASE WHEN s.id IS NULL THEN r.ctid::text END AS ctid, r.id, r.seq, r.user_id, r.event_type, r.source_platform,
       CASE WHEN s.id IS NULL THEN r.data::text END AS data, date_part('epoch', r.created_at) * 1000 AS created_ms,
       r.attempts, s.id IS NOT NULL AS settled
FROM ready r
LEFT JOIN settled s ON s.id = r.id
ORDER BY r.seq`;

interface ClaimRow {
  ctid: string | null;
  id: string;
  seq: string;
  user_id: string;
  event_type: string;
  source_platform: SourcePlatform;
  data: string | null;
  created_ms: number;
  attempts: number;
  settled: boolean;
}

class Claimed implements ClaimedEvent {
  #data: Record<string, unknown> | null = null;
  constructor(
    readonly id: string,
    readonly ctid: string | null,
    readonly seq: string,
    readonly userId: string,
    readonly eventType: string,
    readonly sourcePlatform: SourcePlatform,
    readonly dataJson: string | null,
    readonly createdMs: number,
    readonly attempts: number,
    readonly settled: boolean,
  ) {}
  get data(): Record<string, unknown> {
    return (this.#data ??= this.dataJson === null ? {} : (JSON.parse(this.dataJson) as Record<string, unknown>));
  }
}

export async function claimEvents(
  db: Queryable,
  limit: number,
  settleTypes: readonly string[],
): Promise<ClaimedEvent[]> {
  const { rows } = await db.query<ClaimRow>({
    name: 'ttfd-claim-events',
    text: CLAIM_EVENTS,
    values: [limit, settleTypes],
  });
  return rows.map(
    (r) =>
      new Claimed(
        r.id,
        r.ctid,
        r.seq,
        r.user_id,
        r.event_type,
        r.source_platform,
        r.data,
        r.created_ms,
        r.attempts,
        r.settled,
      ),
  );
}
