import type { Pool } from 'pg';
import { z } from 'zod';
import {
  eventLagByMinute,
  eventStats,
  listDeadEvents,
  replayEvents,
  type DeadEventRow,
  type EventLagMinute,
  type EventStats,
  type Wake,
} from '@ttfd/shared';

/** The admin view's window for the lag chart. */
export const LAG_WINDOW_MINUTES = 60;

/** Whether a signed-in account is one of the configured admins (ADMIN_EMAILS), by its email. */
export function isAdmin(email: string | null | undefined, adminEmails: ReadonlySet<string>): boolean {
  return typeof email === 'string' && adminEmails.has(email.trim().toLowerCase());
}

export interface EventsOverview {
  stats: EventStats;
  lag: EventLagMinute[];
}

/** The backlog as the database sees it and the lag percentiles per minute over the last hour. */
export async function showEventsOverview(pool: Pool): Promise<EventsOverview> {
  const [stats, lag] = await Promise.all([eventStats(pool), eventLagByMinute(pool, LAG_WINDOW_MINUTES)]);
  return { stats, lag };
}

export const deadEventsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();

/** The most recently dead-lettered events with their errors, newest first. */
export async function showDeadEvents(pool: Pool, limit: number): Promise<DeadEventRow[]> {
  return listDeadEvents(pool, limit);
}

export const eventIdParam = z.uuid();

/**
 * Returns a dead event to the queue with a fresh attempt budget and wakes the workers.
 * False when the event is not dead (unknown, pending, or already processed or replayed).
 */
export async function replayDeadEvent(pool: Pool, wake: Wake, eventId: string): Promise<boolean> {
  const revived = await replayEvents(pool, [eventId]);
  if (revived.length === 0) return false;
  wake.signal();
  return true;
}
