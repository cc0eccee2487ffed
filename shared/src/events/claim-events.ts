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
  /** Null only for an event of no player (`smoke_test`). */
  userId: string | null;
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
  /** Its live update went out on an earlier attempt. */
  liveSent: boolean;
}

/**
 * Locks up to `limit` due events, in the order they became due, skipping rows another
 * worker holds, and returns those whose user has no earlier event still pending outside
 * this batch (an earlier one another worker holds, one waiting for its retry, or one this
 * batch had to skip). Call it inside a transaction: the row locks last until it commits,
 * and they are the lease. There is no high-water mark, so an event whose transaction
 * committed after later ones is simply picked by the next claim.
 *
 * An event becomes due at `run_at` when it has one (a retry, or an event held behind
 * one), else when it was created; the due index is ordered that way and the scan stops
 * at now, so the backlog of players waiting out a backoff is never read. A picked event
 * that waits behind its player's retry is given that retry's `run_at` here (its
 * `held_until`), so it leaves the front of the queue after one visit instead of filling
 * every later claim; `retryEvents` holds a retried player's later events the same way.
 *
 * Events of the `settleTypes` (nothing to do outside the database) are marked processed
 * by this same statement and come back with `settled`; they count as processed when the
 * transaction commits, together with whatever else the caller does in it.
 *
 * `live_sent`: the event's live update already went out (a receipt exists); looked up
 * only for an event tried before (a retry or a replay), so a fresh one costs nothing.
 */
const CLAIM_EVENTS = `
WITH picked AS (
  SELECT ctid, id, seq, user_id, event_type, source_platform, data, created_at, attempts, run_at, last_error
  FROM cross_platform_events
  WHERE NOT processed AND dead_at IS NULL AND coalesce(run_at, created_at) <= statement_timestamp()
  ORDER BY coalesce(run_at, created_at), seq
  LIMIT $1
  FOR NO KEY UPDATE SKIP LOCKED
),
checked AS (
  SELECT p.*, (
    -- A scalar subquery, not NOT EXISTS: it stays one index probe per claimed event,
    -- where an anti join would read the user-pending index whole on a long backlog.
    -- NULL: nothing earlier is pending; -infinity: something is, with no retry time.
    SELECT coalesce(b.run_at, '-infinity') FROM cross_platform_events b
    WHERE b.user_id = p.user_id AND b.seq < p.seq AND NOT b.processed AND b.dead_at IS NULL
      AND b.seq NOT IN (SELECT seq FROM picked)
    ORDER BY b.seq
    LIMIT 1
  ) AS held_until
  FROM picked p
),
held AS (
  UPDATE cross_platform_events e SET run_at = c.held_until
  FROM checked c
  WHERE e.ctid = c.ctid AND c.held_until > coalesce(c.run_at, c.created_at)
),
ready AS (
  SELECT * FROM checked WHERE held_until IS NULL
),
settled AS (
  UPDATE cross_platform_events e
  SET processed = true, processed_at = clock_timestamp(), outcome = 'ok', attempts = e.attempts + 1, run_at = NULL
  FROM ready r
  WHERE e.ctid = r.ctid AND r.event_type = ANY($2::text[])
)
-- Every ready row of a settle type is updated (this statement holds their locks), so
-- whether it was settled is read off its type: no join back to the update.
SELECT CASE WHEN NOT x.settled THEN r.ctid::text END AS ctid, r.id, r.seq, r.user_id, r.event_type,
       r.source_platform, CASE WHEN NOT x.settled THEN r.data::text END AS data,
       date_part('epoch', r.created_at) * 1000 AS created_ms, r.attempts, x.settled,
       CASE WHEN r.attempts = 0 AND r.last_error IS NULL THEN false
            ELSE EXISTS (SELECT 1 FROM delivery_receipts d WHERE d.event_id = r.id AND d.target = 'website:live')
       END AS live_sent
FROM ready r
CROSS JOIN LATERAL (SELECT r.event_type = ANY($2::text[]) AS settled) x
ORDER BY r.seq`;

/** A claim row, in the statement's column order (fetched as an array: cheaper than an object per row). */
type ClaimRow = [
  ctid: string | null,
  id: string,
  seq: string,
  userId: string | null,
  eventType: string,
  sourcePlatform: SourcePlatform,
  data: string | null,
  createdMs: number,
  attempts: number,
  settled: boolean,
  liveSent: boolean,
];

class Claimed implements ClaimedEvent {
  #data: Record<string, unknown> | null = null;
  constructor(
    readonly ctid: string | null,
    readonly id: string,
    readonly seq: string,
    readonly userId: string | null,
    readonly eventType: string,
    readonly sourcePlatform: SourcePlatform,
    readonly dataJson: string | null,
    readonly createdMs: number,
    readonly attempts: number,
    readonly settled: boolean,
    readonly liveSent: boolean,
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
    rowMode: 'array',
  });
  return rows.map((r) => new Claimed(...r));
}
