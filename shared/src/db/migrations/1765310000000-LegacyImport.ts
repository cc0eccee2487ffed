import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the legacy import remembers: which unified account each legacy row went to (so a
 * second run, or a run resumed after a kill, carries nothing twice), and the Telegram ids
 * a Discord member or website account typed in, waiting for the Telegram player to
 * confirm ('legacy_claim' confirmations).
 */
export class LegacyImport1765310000000 implements MigrationInterface {
  name = 'LegacyImport1765310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legacy_ids (
        source text NOT NULL CHECK (source IN ('telegram', 'discord', 'website')),
        legacy_id text NOT NULL,
        user_id bigint NOT NULL REFERENCES unified_users (id),
        imported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, legacy_id)
      )`);
    await q.query(`CREATE INDEX legacy_ids_user_idx ON legacy_ids (user_id)`);
    await q.query(`
      CREATE TABLE legacy_link_proposals (
        telegram_id bigint NOT NULL CHECK (telegram_id > 0),
        claimant_platform text NOT NULL CHECK (claimant_platform IN ('discord', 'website')),
        claimant_identity text NOT NULL,
        user_id bigint NOT NULL REFERENCES unified_users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        asked_at timestamptz,
        PRIMARY KEY (telegram_id, claimant_platform, claimant_identity)
      )`);
    await q.query(`
      ALTER TABLE merge_confirmations DROP CONSTRAINT merge_confirmations_via_check,
        ADD CONSTRAINT merge_confirmations_via_check CHECK (via IN ('code', 'discord_oauth', 'telegram_login', 'legacy_claim'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM merge_confirmations WHERE via = 'legacy_claim'`);
    await q.query(`
      ALTER TABLE merge_confirmations DROP CONSTRAINT merge_confirmations_via_check,
        ADD CONSTRAINT merge_confirmations_via_check CHECK (via IN ('code', 'discord_oauth', 'telegram_login'))`);
    await q.query(`DROP TABLE legacy_link_proposals, legacy_ids`);
  }
}
