import type { Pool } from 'pg';
import type { PlatformIdentity } from '../platform';

const SQL: Record<PlatformIdentity['platform'], string> = {
  telegram: `SELECT id FROM unified_users WHERE telegram_id = $1::bigint AND merged_into IS NULL`,
  discord: `SELECT id FROM unified_users WHERE discord_id = $1::text AND merged_into IS NULL`,
  website: `SELECT id FROM unified_users WHERE lower(website_email) = lower($1::text) AND merged_into IS NULL`,
};

/**
 * The live account of a platform identity, or null when that person has none yet: for
 * showing someone else's profile without creating an account for them.
 */
export async function findPlayerId(pool: Pool, identity: PlatformIdentity): Promise<string | null> {
  const { rows } = await pool.query<{ id: string }>({
    name: `player-id-${identity.platform}`,
    text: SQL[identity.platform],
    values: [String(identity.id)],
  });
  return rows[0]?.id ?? null;
}
