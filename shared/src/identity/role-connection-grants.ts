import type { Queryable } from '../events/queryable';
import { openToken, sealToken, type TokenKey } from '../token-cipher';

/** The OAuth scope that lets the application set a user's role connection (Discord Linked Roles). */
export const ROLE_CONNECTIONS_SCOPE = 'role_connections.write';

/** A player's Discord OAuth grant, as the token endpoint answered it. */
export interface RoleConnectionTokens {
  accessToken: string;
  refreshToken: string;
  /** `expires_in` of the token response. */
  expiresInSeconds: number;
  /** The granted scopes, space-separated. */
  scope: string;
}

/** The metadata a role connection carries; the keys are the ones registered with Discord. */
export interface RoleConnectionMetadata {
  level: number;
  games_won: number;
  daily_streak: number;
}

const sealedFor = (discordId: string, which: 'access' | 'refresh') => `role-connection:${discordId}:${which}`;

export class MissingScopeError extends Error {
  constructor(readonly scope: string) {
    super(`The Discord grant lacks the ${ROLE_CONNECTIONS_SCOPE} scope (granted: "${scope}")`);
    this.name = 'MissingScopeError';
  }
}

const SAVE_GRANT = `
WITH saved AS (
  INSERT INTO role_connection_grants (discord_id, access_token_sealed, refresh_token_sealed, expires_at, scope)
  VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)
  ON CONFLICT (discord_id) DO UPDATE SET
    access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,
    expires_at = excluded.expires_at, scope = excluded.scope, revoked_at = NULL, pushed_metadata = NULL,
    granted_at = now(), updated_at = now()
  RETURNING discord_id
)
INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
SELECT u.id, 'linked_roles_granted', 'website', jsonb_build_object('discord_id', s.discord_id)
FROM saved s JOIN unified_users u ON u.discord_id = s.discord_id AND u.merged_into IS NULL
RETURNING id`;

/**
 * Saves (or replaces) the grant a player gave on the website with `role_connections.write`,
 * tokens sealed with `key`, and records `linked_roles_granted` for the player's account so
 * the worker sets their role connection at once. Signal the wake-up after it commits.
 * Returns the event id, or null when no account has this Discord identity (yet).
 */
export async function saveRoleConnectionGrant(
  db: Queryable,
  key: TokenKey,
  grant: RoleConnectionTokens & { discordId: string },
): Promise<{ eventId: string | null }> {
  if (!grant.scope.split(/\s+/).includes(ROLE_CONNECTIONS_SCOPE)) throw new MissingScopeError(grant.scope);
  const { rows } = await db.query<{ id: string }>({
    name: 'ttfd-save-role-connection-grant',
    text: SAVE_GRANT,
    values: [
      grant.discordId,
      sealToken(key, grant.accessToken, sealedFor(grant.discordId, 'access')),
      sealToken(key, grant.refreshToken, sealedFor(grant.discordId, 'refresh')),
      grant.expiresInSeconds,
      grant.scope,
    ],
  });
  return { eventId: rows[0]?.id ?? null };
}

/** Forgets a Discord identity's grant (unlinked, or the player withdrew it on the website). */
export async function dropRoleConnectionGrant(db: Queryable, discordId: string): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM role_connection_grants WHERE discord_id = $1`, [discordId]);
  return (rowCount ?? 0) > 0;
}

/** A player's live grant with their current standing, for the worker. */
export interface RoleConnection {
  accountId: string;
  discordId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  /** What Discord last accepted (null: nothing yet, or a new grant). */
  pushed: RoleConnectionMetadata | null;
  /** Shown by Discord next to the platform name. */
  username: string;
  metadata: RoleConnectionMetadata;
}

const LOAD_ROLE_CONNECTIONS = `
SELECT a.id AS account_id, g.discord_id, g.access_token_sealed, g.refresh_token_sealed, g.expires_at,
       g.pushed_metadata, coalesce(a.display_name, a.username, g.discord_id) AS username,
       a.rank_id, a.games_won, a.daily_streak
FROM unified_users a
JOIN role_connection_grants g ON g.discord_id = a.discord_id AND g.revoked_at IS NULL
WHERE a.id = ANY($1::bigint[]) AND a.merged_into IS NULL`;

/** The live grants of these accounts, tokens opened, with each player's current level, games won and streak. */
export async function loadRoleConnections(
  db: Queryable,
  key: TokenKey,
  accountIds: string[],
): Promise<Map<string, RoleConnection>> {
  const out = new Map<string, RoleConnection>();
  if (accountIds.length === 0) return out;
  const { rows } = await db.query({
    name: 'ttfd-load-role-connections',
    text: LOAD_ROLE_CONNECTIONS,
    values: [accountIds],
  });
  for (const r of rows) {
    out.set(r.account_id, {
      accountId: r.account_id,
      discordId: r.discord_id,
      accessToken: openToken(key, r.access_token_sealed, sealedFor(r.discord_id, 'access')),
      refreshToken: openToken(key, r.refresh_token_sealed, sealedFor(r.discord_id, 'refresh')),
      expiresAt: r.expires_at,
      pushed: r.pushed_metadata,
      username: r.username,
      metadata: { level: r.rank_id, games_won: Number(r.games_won), daily_streak: Number(r.daily_streak) },
    });
  }
  return out;
}

const STORE_REFRESHED = `
UPDATE role_connection_grants
SET access_token_sealed = $2, refresh_token_sealed = $3, expires_at = now() + make_interval(secs => $4),
    scope = $5, updated_at = now()
WHERE discord_id = $1 AND revoked_at IS NULL`;

/** Keeps the tokens a refresh returned (Discord rotates the refresh token too). */
export async function storeRefreshedTokens(
  db: Queryable,
  key: TokenKey,
  discordId: string,
  tokens: RoleConnectionTokens,
): Promise<void> {
  await db.query({
    name: 'ttfd-store-refreshed-tokens',
    text: STORE_REFRESHED,
    values: [
      discordId,
      sealToken(key, tokens.accessToken, sealedFor(discordId, 'access')),
      sealToken(key, tokens.refreshToken, sealedFor(discordId, 'refresh')),
      tokens.expiresInSeconds,
      tokens.scope,
    ],
  });
}

/** The player withdrew the grant on Discord: nothing more is sent for it until they grant it again. */
export async function markGrantRevoked(db: Queryable, discordId: string): Promise<void> {
  await db.query(
    `UPDATE role_connection_grants SET revoked_at = now(), updated_at = now() WHERE discord_id = $1 AND revoked_at IS NULL`,
    [discordId],
  );
}

/** Discord accepted this metadata: the same state is not sent again. */
export async function recordRoleConnectionPushed(
  db: Queryable,
  discordId: string,
  metadata: RoleConnectionMetadata,
): Promise<void> {
  await db.query(`UPDATE role_connection_grants SET pushed_metadata = $2, updated_at = now() WHERE discord_id = $1`, [
    discordId,
    JSON.stringify(metadata),
  ]);
}
