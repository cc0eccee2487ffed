import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Linking: one-time link codes (stored as SHA-256, never in clear), failed redemptions per
 * identity for the attempt limit, merges waiting for the player's confirmation, and an
 * index to re-point tombstones when an account that absorbed others is itself merged.
 */
export class Identity1764200000000 implements MigrationInterface {
  name = 'Identity1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link_codes (
        code_hash bytea PRIMARY KEY CHECK (octet_length(code_hash) = 32),
        platform text NOT NULL CHECK (platform IN ('telegram', 'discord', 'website')),
        identity text NOT NULL,
        user_id bigint NOT NULL REFERENCES unified_users (id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by_platform text CHECK (used_by_platform IN ('telegram', 'discord', 'website')),
        used_by_identity text,
        CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX link_codes_creator_idx ON link_codes (platform, identity) WHERE used_at IS NULL`);
    await q.query(`CREATE INDEX link_codes_expires_idx ON link_codes (expires_at)`);

    await q.query(`
      CREATE TABLE link_code_failures (
        platform text NOT NULL CHECK (platform IN ('telegram', 'discord', 'website')),
        identity text NOT NULL,
        attempted_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX link_code_failures_identity_idx ON link_code_failures (platform, identity, attempted_at)`,
    );

    await q.query(`
      CREATE TABLE merge_confirmations (
        token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
        user_id bigint NOT NULL REFERENCES unified_users (id),
        other_user_id bigint NOT NULL REFERENCES unified_users (id),
        platform text NOT NULL CHECK (platform IN ('telegram', 'discord', 'website')),
        identity text NOT NULL,
        via text NOT NULL CHECK (via IN ('code', 'discord_oauth', 'telegram_login')),
        source text NOT NULL CHECK (source IN ('telegram', 'discord', 'website', 'system')),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        outcome text CHECK (outcome IN ('confirmed', 'cancelled', 'revoked')),
        CHECK ((used_at IS NULL) = (outcome IS NULL))
      )`);
    await q.query(
      `CREATE INDEX merge_confirmations_identity_idx ON merge_confirmations (platform, identity) WHERE used_at IS NULL`,
    );

    await q.query(
      `CREATE INDEX unified_users_merged_into_idx ON unified_users (merged_into) WHERE merged_into IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX unified_users_merged_into_idx`);
    await q.query(`DROP TABLE merge_confirmations, link_code_failures, link_codes`);
  }
}
