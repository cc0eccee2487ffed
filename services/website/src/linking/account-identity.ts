import type { Pool } from 'pg';
import type { PlatformIdentity } from '@ttfd/shared';

const IDENTITIES_SQL = `
SELECT telegram_id, discord_id, website_email FROM unified_users WHERE id = $1::bigint AND merged_into IS NULL`;

/**
 * The identity the website acts as for a signed-in account when it creates or enters a
 * link code: its email, else its Discord id (signed in with Discord), else its Telegram id.
 */
export async function websiteSideIdentity(pool: Pool, userId: string): Promise<PlatformIdentity | null> {
  const { rows } = await pool.query<{
    telegram_id: string | null;
    discord_id: string | null;
    website_email: string | null;
  }>(IDENTITIES_SQL, [userId]);
  const row = rows[0];
  if (!row) return null;
  if (row.website_email) return { platform: 'website', id: row.website_email };
  if (row.discord_id) return { platform: 'discord', id: row.discord_id };
  if (row.telegram_id) return { platform: 'telegram', id: row.telegram_id };
  return null;
}
