import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A website account's password: an argon2id hash, or a legacy Werkzeug hash carried over
 * by the import (verified on first login, then rehashed). Null: the player must set a
 * new password through a reset.
 */
export class WebsiteCredentials1765300000000 implements MigrationInterface {
  name = 'WebsiteCredentials1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE website_credentials (
        user_id bigint PRIMARY KEY REFERENCES unified_users (id) ON DELETE CASCADE,
        password_hash text NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE website_credentials`);
  }
}
