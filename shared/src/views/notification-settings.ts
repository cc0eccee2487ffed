import type { Pool } from 'pg';
import type { NotifiedPlatform } from '../platform';
import type { PlayerTarget } from '../events/unreachable-targets';

/** A target the player refused (blocked the bot, closed DMs, left the guild): nothing is sent there now. */
export interface RefusedDelivery {
  target: PlayerTarget;
  since: Date;
}

/** Whether each platform's bot sends the player notifications (kept for platforms not linked now, too). */
export type PlatformNotifications = Record<NotifiedPlatform, boolean>;

export interface NotificationSettings {
  enabled: PlatformNotifications;
  /** The notified platforms linked now (Telegram, then Discord): the ones a settings page offers. */
  linked: NotifiedPlatform[];
  /** For the identities linked now, in a fixed order (Telegram, then Discord DMs, then roles). */
  refused: RefusedDelivery[];
}

const SQL = `
SELECT u.telegram_notifications, u.discord_notifications,
       u.telegram_id IS NOT NULL AS telegram_linked, u.discord_id IS NOT NULL AS discord_linked,
       coalesce((SELECT json_agg(json_build_object('target', t.target, 'since', t.since)
                                 ORDER BY array_position(ARRAY['telegram:message', 'discord:dm', 'discord:roles'], t.target))
                 FROM unreachable_targets t
                 WHERE t.user_id = u.id
                   AND t.identity = CASE WHEN t.target = 'telegram:message' THEN u.telegram_id::text ELSE u.discord_id END),
                '[]') AS refused
FROM unified_users u WHERE u.id = $1::bigint AND u.merged_into IS NULL`;

/**
 * Which platforms send the player notifications, which of them are linked, and where a
 * platform refused them; null when the id is not a live account. The settings change
 * through `Progression.setNotifications` (the event write path, one platform at a time);
 * refusals are recorded by the sync worker and lifted by `markReachable`.
 */
export async function findNotificationSettings(pool: Pool, userId: string): Promise<NotificationSettings | null> {
  const { rows } = await pool.query<{
    telegram_notifications: boolean;
    discord_notifications: boolean;
    telegram_linked: boolean;
    discord_linked: boolean;
    refused: { target: PlayerTarget; since: string }[];
  }>({ name: 'notification-settings', text: SQL, values: [userId] });
  const r = rows[0];
  if (!r) return null;
  const linked: NotifiedPlatform[] = [];
  if (r.telegram_linked) linked.push('telegram');
  if (r.discord_linked) linked.push('discord');
  return {
    enabled: { telegram: r.telegram_notifications, discord: r.discord_notifications },
    linked,
    refused: r.refused.map((t) => ({ target: t.target, since: new Date(t.since) })),
  };
}
