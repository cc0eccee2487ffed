import type { Pool } from 'pg';

const SQL = `SELECT notifications_enabled FROM unified_users WHERE id = $1::bigint AND merged_into IS NULL`;

/**
 * Whether the player gets cross-platform notifications; null when the id is not a live
 * account. The setting changes through `Progression.setNotifications` (the event write path).
 */
export async function findNotificationSettings(pool: Pool, userId: string): Promise<{ enabled: boolean } | null> {
  const { rows } = await pool.query<{ notifications_enabled: boolean }>({
    name: 'notification-settings',
    text: SQL,
    values: [userId],
  });
  return rows[0] ? { enabled: rows[0].notifications_enabled } : null;
}
