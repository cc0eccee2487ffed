import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Discord Linked Roles: a player's OAuth grant with `role_connections.write`, so the worker
 * can keep their role-connection metadata (level, games won, daily streak) current.
 * The tokens are sealed with AES-256-GCM (key: DISCORD_TOKEN_KEY), never stored in clear.
 * `pushed_metadata` is what Discord last accepted: an unchanged state is not sent again.
 */
export class RoleConnectionGrants1765100000000 implements MigrationInterface {
  name = 'RoleConnectionGrants1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE role_connection_grants (
        discord_id text PRIMARY KEY CHECK (discord_id ~ '^[0-9]{1,20}$'),
        access_token_sealed bytea NOT NULL,
        refresh_token_sealed bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        scope text NOT NULL,
        revoked_at timestamptz,
        pushed_metadata jsonb,
        granted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE role_connection_grants`);
  }
}
