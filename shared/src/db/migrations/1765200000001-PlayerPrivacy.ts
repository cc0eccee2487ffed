import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A player's privacy: a hidden public page, anonymised on public boards, and erasure (the
 * account keeps its totals and events, so the ledger and the boards stay whole, but no
 * identity and no name: `erased_at` lets it have no identity at all).
 */
export class PlayerPrivacy1765200000001 implements MigrationInterface {
  name = 'PlayerPrivacy1765200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE unified_users
        ADD COLUMN profile_hidden boolean NOT NULL DEFAULT false,
        ADD COLUMN leaderboard_anonymous boolean NOT NULL DEFAULT false,
        ADD COLUMN erased_at timestamptz NULL`);
    await q.query(`ALTER TABLE unified_users DROP CONSTRAINT unified_users_check1`);
    await q.query(`
      ALTER TABLE unified_users ADD CONSTRAINT unified_users_check1 CHECK (
        merged_into IS NOT NULL OR telegram_id IS NOT NULL OR discord_id IS NOT NULL OR website_email IS NOT NULL
        OR erased_at IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE unified_users DROP CONSTRAINT unified_users_check1`);
    await q.query(`DELETE FROM unified_users WHERE erased_at IS NOT NULL AND merged_into IS NULL
      AND telegram_id IS NULL AND discord_id IS NULL AND website_email IS NULL`);
    await q.query(`
      ALTER TABLE unified_users ADD CONSTRAINT unified_users_check1 CHECK (
        merged_into IS NOT NULL OR telegram_id IS NOT NULL OR discord_id IS NOT NULL OR website_email IS NOT NULL)`);
    await q.query(`
      ALTER TABLE unified_users DROP COLUMN erased_at, DROP COLUMN leaderboard_anonymous, DROP COLUMN profile_hidden`);
  }
}
