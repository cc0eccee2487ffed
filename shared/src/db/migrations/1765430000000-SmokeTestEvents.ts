import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ttfd smoke-test` writes an event of no player: `user_id` may be null, for that event type
 * only. Outside a transaction, so the check is added NOT VALID under a brief lock and then
 * validated while writers carry on (VALIDATE takes no lock that blocks them); each step can
 * be run again after a lock timeout.
 */
export class SmokeTestEvents1765430000000 implements MigrationInterface {
  name = 'SmokeTestEvents1765430000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'cross_platform_events_user_id_check') THEN
          ALTER TABLE cross_platform_events
            ALTER COLUMN user_id DROP NOT NULL,
            ADD CONSTRAINT cross_platform_events_user_id_check
              CHECK (user_id IS NOT NULL OR event_type = 'smoke_test') NOT VALID;
        END IF;
      END $$`);
    await q.query(`ALTER TABLE cross_platform_events VALIDATE CONSTRAINT cross_platform_events_user_id_check`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM cross_platform_events WHERE user_id IS NULL`);
    await q.query(`
      ALTER TABLE cross_platform_events
        DROP CONSTRAINT cross_platform_events_user_id_check,
        ALTER COLUMN user_id SET NOT NULL`);
  }
}
