/**
 * Where a player's Linked Roles grant (their OAuth2 tokens with `role_connections.write`)
 * is kept so the sync worker can update their role connection as their rank changes.
 *
 * SEAM: the Discord roles work provides `saveRoleConnectionGrant` in @ttfd/shared (tokens
 * encrypted with DISCORD_TOKEN_KEY). Until it is there, no store is wired (`null`): the
 * website still writes the first role connection at once, and says the grant was not kept.
 */
export interface RoleConnectionGrant {
  userId: string;
  discordUserId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scopes: string[];
}

export interface RoleConnectionGrants {
  save(grant: RoleConnectionGrant): Promise<void>;
}

export const ROLE_CONNECTION_GRANTS = Symbol('role connection grants');
