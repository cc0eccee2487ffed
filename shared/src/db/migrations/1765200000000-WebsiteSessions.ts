import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The website's sessions (the connect-pg-simple store's layout: sid, sess, expire) and its
 * sign-in throttle, so every replica sees the same sessions and the same failed attempts.
 */
export class WebsiteSessions1765200000000 implements MigrationInterface {
  name = 'WebsiteSessions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE website_sessions (
        sid text PRIMARY KEY,
        sess jsonb NOT NULL,
        expire timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX website_sessions_expire_idx ON website_sessions (expire)`);
    await q.query(`
      CREATE TABLE website_login_throttles (
        scope text NOT NULL CHECK (scope IN ('account', 'address')),
        key_hash bytea NOT NULL CHECK (octet_length(key_hash) = 32),
        attempts integer NOT NULL CHECK (attempts >= 0),
        window_started_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key_hash)
      )`);
    await q.query(`CREATE INDEX website_login_throttles_window_idx ON website_login_throttles (window_started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE website_login_throttles`);
    await q.query(`DROP TABLE website_sessions`);
  }
}
