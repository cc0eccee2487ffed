import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery that never stalls on one player, and per-target outcomes.
 *
 * - `cross_platform_events_due_idx`: the claim walks events in the order they became due
 *   (`run_at` for a retry or an event held behind one, else `created_at`) and stops at
 *   now, so a player waiting out a backoff — whose later events carry the same `run_at` —
 *   is never read by the claims that serve everyone else.
 * - `delivery_receipts`: `website:live` receipts (a live update goes out once per event,
 *   also after a rate-limited retry or a replay) and the `unreachable` status (the player
 *   refused that target: blocked the bot, closed DMs, left the guild).
 * - `unreachable_targets`: a target a player turned off by refusing it, with the identity
 *   that refused; the worker stops sending there until that identity writes to the bot
 *   again (or links anew).
 */
export class DeliveryHardening1764700000000 implements MigrationInterface {
  name = 'DeliveryHardening1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX cross_platform_events_due_idx ON cross_platform_events ((coalesce(run_at, created_at)), seq)
       WHERE NOT processed AND dead_at IS NULL`,
    );
    await q.query(`
      ALTER TABLE delivery_receipts
        DROP CONSTRAINT delivery_receipts_target_check,
        DROP CONSTRAINT delivery_receipts_status_check,
        ADD CONSTRAINT delivery_receipts_target_check
          CHECK (target IN ('telegram:message', 'discord:dm', 'discord:roles', 'website:live')),
        ADD CONSTRAINT delivery_receipts_status_check
          CHECK (status IN ('sending', 'sent', 'skipped', 'unknown', 'unreachable'))`);
    await q.query(`
      CREATE TABLE unreachable_targets (
        user_id bigint NOT NULL REFERENCES unified_users (id) ON DELETE CASCADE,
        target text NOT NULL CHECK (target IN ('telegram:message', 'discord:dm', 'discord:roles')),
        identity text NOT NULL,
        reason text NOT NULL,
        since timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, target)
      )`);
    await q.query(`CREATE INDEX unreachable_targets_identity_idx ON unreachable_targets (identity, target)`);
    await q.query(`COMMENT ON TABLE unreachable_targets IS
      'A delivery target the player refused (blocked the bot, closed DMs, left the guild), for the identity that refused it; the worker skips it until the player writes to the bot again'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unreachable_targets`);
    await q.query(`DELETE FROM delivery_receipts WHERE target = 'website:live' OR status = 'unreachable'`);
    await q.query(`
      ALTER TABLE delivery_receipts
        DROP CONSTRAINT delivery_receipts_target_check,
        DROP CONSTRAINT delivery_receipts_status_check,
        ADD CONSTRAINT delivery_receipts_target_check CHECK (target IN ('telegram:message', 'discord:dm', 'discord:roles')),
        ADD CONSTRAINT delivery_receipts_status_check CHECK (status IN ('sending', 'sent', 'skipped', 'unknown'))`);
    await q.query(`DROP INDEX cross_platform_events_due_idx`);
  }
}
