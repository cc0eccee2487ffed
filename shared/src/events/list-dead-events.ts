import type { Queryable } from './queryable';

export interface DeadEventRow {
  id: string;
  seq: string;
  /** Null for an event of no player (the release smoke test's). */
  userId: string | null;
  eventType: string;
  sourcePlatform: string;
  attempts: number;
  createdAt: Date;
  deadAt: Date;
  lastError: string | null;
}

const LIST_DEAD_EVENTS = `
SELECT id, seq, user_id, event_type, source_platform, attempts, created_at, dead_at, last_error
FROM cross_platform_events
WHERE dead_at IS NOT NULL
ORDER BY dead_at DESC, seq DESC
LIMIT $1`;

/** The most recently dead-lettered events, newest first. */
export async function listDeadEvents(db: Queryable, limit: number): Promise<DeadEventRow[]> {
  const { rows } = await db.query(LIST_DEAD_EVENTS, [limit]);
  return rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    userId: r.user_id,
    eventType: r.event_type,
    sourcePlatform: r.source_platform,
    attempts: r.attempts,
    createdAt: r.created_at,
    deadAt: r.dead_at,
    lastError: r.last_error,
  }));
}
