import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a player may next do a rate-limited activity (a dice game), shared by every replica. */
export class ActivityCooldowns1764400000000 implements MigrationInterface {
  name = 'ActivityCooldowns1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE activity_cooldowns (
        user_id bigint NOT NULL REFERENCES unified_users (id),
        activity text NOT NULL CHECK (activity ~ '^[a-z0-9_]+$'),
        available_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, activity)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE activity_cooldowns`);
  }
}
