import { EVENTS_CHANNEL } from './event-types';
import type { Queryable } from './queryable';

/**
 * The release smoke test's event (`ttfd smoke-test`, run by `helm test`): one `smoke_test`
 * row of no player, with no effect, that a sync worker claims and settles like any other.
 * Nothing outside the database happens and no player sees it; the test removes it after.
 */
export interface SmokeTestEvent {
  id: string;
  /** Settled by a worker. */
  processed: boolean;
  /** Dead-lettered (a worker older than the event type does not know it). */
  dead: boolean;
  attempts: number;
  lastError: string | null;
}

const RECORD_SMOKE_TEST = `
INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
VALUES (NULL, 'smoke_test', 'system', jsonb_build_object('run', $1::text))
RETURNING id`;

const FIND_SMOKE_TEST = `
SELECT id, processed, dead_at IS NOT NULL AS dead, attempts, last_error
FROM cross_platform_events WHERE id = $1::uuid AND event_type = 'smoke_test'`;

/** Waits for a worker still holding it (its batch commits within a lease). */
const REMOVE_SMOKE_TEST = `DELETE FROM cross_platform_events WHERE id = $1::uuid AND event_type = 'smoke_test' AND user_id IS NULL`;

const REMOVE_STALE_SMOKE_TESTS = `
DELETE FROM cross_platform_events
WHERE event_type = 'smoke_test' AND user_id IS NULL AND created_at < now() - make_interval(secs => $1::double precision)`;

/** Appends a smoke test event for `run` (autocommit) and wakes the workers; returns its id. */
export async function recordSmokeTest(db: Queryable, run: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(RECORD_SMOKE_TEST, [run]);
  await wakeWorkers(db);
  return rows[0]!.id;
}

/** The NOTIFY the write path sends after commit. */
export async function wakeWorkers(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
}

/** The smoke test event's state; null once it is gone. */
export async function findSmokeTest(db: Queryable, id: string): Promise<SmokeTestEvent | null> {
  const { rows } = await db.query(FIND_SMOKE_TEST, [id]);
  const r = rows[0];
  return r ? { id: r.id, processed: r.processed, dead: r.dead, attempts: r.attempts, lastError: r.last_error } : null;
}

/** Deletes the smoke test event (settled or not): it leaves no row behind. */
export async function removeSmokeTest(db: Queryable, id: string): Promise<void> {
  await db.query(REMOVE_SMOKE_TEST, [id]);
}

/** Deletes smoke test events older than `seconds`, left by runs that were stopped midway; returns how many. */
export async function removeStaleSmokeTests(db: Queryable, seconds: number): Promise<number> {
  const { rowCount } = await db.query(REMOVE_STALE_SMOKE_TESTS, [seconds]);
  return rowCount ?? 0;
}
