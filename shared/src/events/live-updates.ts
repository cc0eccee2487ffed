import type { Queryable } from './queryable';

/** The NOTIFY channel the website turns into server-sent events. */
export const LIVE_CHANNEL = 'ttfd_live';

/**
 * One change the website shows live. Each notification on LIVE_CHANNEL carries a JSON
 * array of these, oldest first. When an event's data is too large for a notification it
 * comes with `"truncated": true` and an empty `data` (the website reloads the profile).
 */
export interface LiveUpdate {
  id: string;
  seq: string;
  user_id: string;
  type: string;
  source: string;
  /** ISO 8601 with offset. */
  created_at: string;
  data: Record<string, unknown>;
  truncated?: true;
}

/*
 * The updates a player has already been sent live (processed, dead, or announced before a
 * retry), after a given one: what a reconnecting browser missed. A player's events are
 * appended under their row's lock and announced in that order, so "after seq" misses none.
 */
const LIVE_UPDATES_SINCE = `
SELECT e.id, e.seq::text AS seq, e.user_id::text AS user_id, e.event_type AS type, e.source_platform AS source,
       to_json(e.created_at) #>> '{}' AS created_at, e.data
FROM cross_platform_events e
WHERE e.user_id = $1::bigint AND e.seq > $2::bigint
  AND (e.processed OR e.dead_at IS NOT NULL
       OR EXISTS (SELECT 1 FROM delivery_receipts d WHERE d.event_id = e.id AND d.target = 'website:live'))
ORDER BY e.seq
LIMIT $3`;

/** Up to `limit` updates of `userId` after `afterSeq`, oldest first. */
export async function findLiveUpdatesSince(
  db: Queryable,
  userId: string,
  afterSeq: string,
  limit: number,
): Promise<LiveUpdate[]> {
  const { rows } = await db.query<LiveUpdate>({
    name: 'ttfd-live-updates-since',
    text: LIVE_UPDATES_SINCE,
    values: [userId, afterSeq, limit],
  });
  return rows;
}

const LATEST_LIVE_SEQ = `SELECT coalesce(max(seq), 0)::text AS seq FROM cross_platform_events WHERE user_id = $1::bigint`;

/**
 * The newest event of the player, announced or not: a page rendered now shows everything
 * up to it, so its live stream starts after it.
 */
export async function findLatestLiveSeq(db: Queryable, userId: string): Promise<string> {
  const { rows } = await db.query({ name: 'ttfd-latest-live-seq', text: LATEST_LIVE_SEQ, values: [userId] });
  return rows[0].seq as string;
}
