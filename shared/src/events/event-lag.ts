import type { Queryable } from './queryable';

/** Lag (created → processed) of the events processed in one minute. */
export interface EventLagMinute {
  /** The minute's start. */
  minute: Date;
  events: number;
  p50Seconds: number;
  p95Seconds: number;
  p99Seconds: number;
}

/*
 * It reads the primary key range of the events created in the last `minutes` plus an
 * hour (uuidv7 ids are time-ordered), so the cost follows the recent traffic, not the
 * history; an event that waited more than an hour before being processed is left out.
 */
const EVENT_LAG_BY_MINUTE = `
SELECT date_bin('1 minute', processed_at, 'epoch') AS minute, count(*) AS events,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY lag) AS p95,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99
FROM (
  SELECT processed_at, extract(epoch FROM processed_at - created_at) AS lag
  FROM cross_platform_events
  WHERE id >= uuidv7(-($1::int + 60) * interval '1 minute')
    AND processed AND processed_at >= date_bin('1 minute', now(), 'epoch') - ($1::int - 1) * interval '1 minute'
) e
GROUP BY 1
ORDER BY 1`;

/** Lag percentiles per minute over the last `minutes` (this minute included), oldest first; minutes without events are absent. */
export async function eventLagByMinute(db: Queryable, minutes: number): Promise<EventLagMinute[]> {
  if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new RangeError(`minutes must be a whole number from 1 to 1440, got ${minutes}`);
  }
  const { rows } = await db.query({ name: 'ttfd-event-lag-by-minute', text: EVENT_LAG_BY_MINUTE, values: [minutes] });
  return rows.map((r) => ({
    minute: r.minute,
    events: Number(r.events),
    p50Seconds: Number(r.p50),
    p95Seconds: Number(r.p95),
    p99Seconds: Number(r.p99),
  }));
}
