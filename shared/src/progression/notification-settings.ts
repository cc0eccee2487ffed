import type { Pool } from 'pg';
import type { NotifiedPlatform, SourcePlatform } from '../platform';

export interface NotificationsChange {
  userId: string;
  /** The platform whose notifications are switched; the others keep theirs. */
  platform: NotifiedPlatform;
  enabled: boolean;
  source: SourcePlatform;
  /** The platform event that asked (`telegram:<bot id>:update:<id>`); the same key never changes twice. */
  dedupeKey: string | null;
}

// Changes the platform's preference and appends its event in one statement; a key already
// seen or an unchanged preference writes nothing.
const SQL = `
WITH seen AS (
  SELECT 1 FROM cross_platform_events WHERE dedupe_key = $3::text
),
upd AS (
  UPDATE unified_users u
  SET telegram_notifications = CASE WHEN $5::text = 'telegram' THEN $2::boolean ELSE u.telegram_notifications END,
      discord_notifications = CASE WHEN $5::text = 'discord' THEN $2::boolean ELSE u.discord_notifications END,
      updated_at = now()
  WHERE u.id = $1::bigint AND u.merged_into IS NULL
    AND CASE WHEN $5::text = 'telegram' THEN u.telegram_notifications ELSE u.discord_notifications END <> $2::boolean
    AND NOT EXISTS (SELECT 1 FROM seen)
  RETURNING u.id
),
ev AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
  SELECT id, 'notification_settings_changed', $4::text,
         jsonb_build_object('platform', $5::text, 'enabled', $2::boolean), $3::text
  FROM upd
  RETURNING id
)
SELECT count(*)::int AS changed FROM ev`;

const UNIQUE_VIOLATION = '23505';

/** The statement behind `Progression.setNotifications`; the caller wakes the worker when it changed. */
export async function setNotifications(pool: Pool, input: NotificationsChange): Promise<boolean> {
  if (input.platform !== 'telegram' && input.platform !== 'discord') {
    throw new Error(`notifications are set per platform (telegram or discord), not for ${String(input.platform)}`);
  }
  try {
    const { rows } = await pool.query<{ changed: number }>({
      name: 'set-notifications',
      text: SQL,
      values: [input.userId, input.enabled, input.dedupeKey, input.source, input.platform],
    });
    return rows[0]!.changed > 0;
  } catch (err) {
    // The same request raced itself: the other delivery made the change.
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
    throw err;
  }
}
