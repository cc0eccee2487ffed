import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Linking that nobody can be tricked into: a confirmation may attach an identity that has
 * no account yet (no other account), and remembers the code's creator so the press can
 * check it still stands for its account; Telegram Login Widget flows are started by a
 * session and accept one payload, once.
 */
export class LinkingHardening1764800000000 implements MigrationInterface {
  name = 'LinkingHardening1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE merge_confirmations ALTER COLUMN other_user_id DROP NOT NULL`);
    await q.query(`
      ALTER TABLE merge_confirmations
        ADD COLUMN creator_platform text CHECK (creator_platform IN ('telegram', 'discord', 'website')),
        ADD COLUMN creator_identity text,
        ADD CHECK ((creator_platform IS NULL) = (creator_identity IS NULL))`);
    await q.query(`
      CREATE TABLE telegram_login_flows (
        nonce_hash bytea PRIMARY KEY CHECK (octet_length(nonce_hash) = 32),
        user_id bigint NOT NULL REFERENCES unified_users (id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        payload_hash bytea UNIQUE CHECK (octet_length(payload_hash) = 32),
        CHECK ((used_at IS NULL) = (payload_hash IS NULL))
      )`);
    await q.query(`CREATE INDEX telegram_login_flows_expires_idx ON telegram_login_flows (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE telegram_login_flows`);
    await q.query(`DELETE FROM merge_confirmations WHERE other_user_id IS NULL`);
    await q.query(`ALTER TABLE merge_confirmations DROP COLUMN creator_platform, DROP COLUMN creator_identity`);
    await q.query(`ALTER TABLE merge_confirmations ALTER COLUMN other_user_id SET NOT NULL`);
  }
}
