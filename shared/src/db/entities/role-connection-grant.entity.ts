import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A player's Discord OAuth grant with `role_connections.write` (Discord Linked Roles), for
 * the Discord identity that gave it. Tokens are sealed (AES-256-GCM), never in clear.
 *
 * Read-only outside @ttfd/shared: `saveRoleConnectionGrant` / `dropRoleConnectionGrant`
 * (the website) and the worker's role-connection queries write it.
 */
@Entity({ name: 'role_connection_grants' })
@Check('role_connection_grants_discord_id_check', `discord_id ~ '^[0-9]{1,20}$'`)
export class RoleConnectionGrant {
  @PrimaryColumn({ name: 'discord_id', type: 'text', primaryKeyConstraintName: 'role_connection_grants_pkey' })
  discordId!: string;

  @Column({ name: 'access_token_sealed', type: 'bytea' })
  accessTokenSealed!: Buffer;

  @Column({ name: 'refresh_token_sealed', type: 'bytea' })
  refreshTokenSealed!: Buffer;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** The metadata Discord last accepted. */
  @Column({ name: 'pushed_metadata', type: 'jsonb', nullable: true })
  pushedMetadata!: Record<string, number> | null;

  @Column({ name: 'granted_at', type: 'timestamptz', default: () => 'now()' })
  grantedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
