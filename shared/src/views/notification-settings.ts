import type { Pool } from 'pg';
import type { PlayerTarget } from '../events/unreachable-targets';

/** A target the player refused (blocked the bot, closed DMs, left the guild): nothing is sent there now. */
export interface RefusedDelivery {
  target: PlayerTarget;
  since: Date;
}

export interface NotificationSettings {
  enabled: boolean;
  /** For the identities linked now, in a fixed order (Telegram, then Discord DMs, then roles). */
  refused: RefusedDelivery[];
}

const SQL = `
SELECT u.notifications_enabled,
       coalesce((SELECT json_agg(json_build_object('target', t.target, 'since', t.since)
                                 ORDER BY array_position(ARRAY['telegram:message', 'discord:dm', 'discord:roles'], t.target))
                 FROM unreachable_targets t
                 WHERE t.user_id = u.id
                   AND t.identity = CASE WHEN t.target = 'telegram:message' THEN u.telegram_id::text ELSE u.discord_id END),
                '[]') AS refused
FROM unified_users u WHERE u.id = $1::bigint AND u.merged_into IS NULL`;

/**
 * Whether the player gets cross-platform notifications, and where a platform refused
 * them; null when the id is not a live account. The setting changes through
 * `Progression.setNotifications` (the event write path); refusals are recorded by the
 * sync worker and lifted by `markReachable`.
 */
export async function findNotificationSettings(pool: Pool, userId: string): Promise<NotificationSettings | null> {
  const { rows } = await pool.query<{
    notifications_enabled: boolean;
    refused: { target: PlayerTarget; since: string }[];
  }>({ name: 'notification-settings', text: SQL, values: [userId] });
  const r = rows[0];
  if (!r) return null;
  return {
    enabled: r.notifications_enabled,
    refused: r.refused.map((t) => ({ target: t.target, since: new Date(t.since) })),
  };
}
