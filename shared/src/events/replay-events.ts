import type { Queryable } from './queryable';

const REPLAY_EVENTS = `
UPDATE cross_platform_events
SET dead_at = NULL, outcome = NULL, attempts = 0, run_at = NULL
WHERE dead_at IS NOT NULL AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
RETURNING id`;

/**
 * Returns dead events to the queue with a fresh attempt budget: the given ids, or every
 * dead event when `ids` is 'all-dead'. Returns the ids revived (an id that is not dead is
 * left alone). The caller wakes the workers after commit.
 */
export async function replayEvents(db: Queryable, ids: string[] | 'all-dead'): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(REPLAY_EVENTS, [ids === 'all-dead' ? null : ids]);
  return rows.map((r) => r.id);
}
