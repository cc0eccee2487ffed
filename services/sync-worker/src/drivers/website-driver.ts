import { LIVE_CHANNEL, type Queryable } from '@ttfd/shared';

/** Live updates for the website. */
export interface WebsiteDriver {
  readonly platform: 'website';
  /**
   * Publishes the given events in the given transaction: PostgreSQL delivers a NOTIFY only
   * when its transaction commits, so the website sees an event exactly when it is settled.
   */
  publish(eventIds: string[], db: Queryable): Promise<void>;
}

/**
 * Builds the updates from the event rows and packs them into notifications: each update
 * is at most 3,900 bytes (else sent truncated) and a notification starts a new one past
 * 3,900 bytes, so none reaches PostgreSQL's 8,000-byte payload limit.
 */
const PUBLISH = `
WITH updates AS (
  SELECT e.seq, CASE WHEN octet_length(u.j) <= 3900 THEN u.j ELSE json_build_object(
           'id', e.id, 'seq', e.seq::text, 'user_id', e.user_id::text, 'type', e.event_type,
           'source', e.source_platform, 'created_at', e.created_at, 'data', '{}'::json, 'truncated', true)::text
         END AS j
  FROM cross_platform_events e
  CROSS JOIN LATERAL (
    SELECT json_build_object('id', e.id, 'seq', e.seq::text, 'user_id', e.user_id::text, 'type', e.event_type,
                             'source', e.source_platform, 'created_at', e.created_at, 'data', e.data)::text AS j
  ) u
  WHERE e.id = ANY($1::uuid[])
),
placed AS (
  SELECT seq, j, coalesce(sum(octet_length(j) + 1) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) / 3900 AS chunk
  FROM updates
),
payloads AS (
  SELECT chunk, '[' || string_agg(j, ',' ORDER BY seq) || ']' AS payload FROM placed GROUP BY chunk ORDER BY chunk
)
SELECT pg_notify('${LIVE_CHANNEL}', payload) FROM payloads`;

export function createWebsiteDriver(): WebsiteDriver {
  return {
    platform: 'website',
    async publish(eventIds, db) {
      if (eventIds.length === 0) return;
      await db.query({ name: 'ttfd-publish-live', text: PUBLISH, values: [eventIds] });
    },
  };
}
