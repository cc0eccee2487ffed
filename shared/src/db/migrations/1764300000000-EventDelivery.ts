import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery state of the event pipeline. The sync worker claims events with
 * `FOR NO KEY UPDATE SKIP LOCKED` inside the transaction that settles them, so the row
 * lock is the lease: a dead worker's session ends and its batch is free at once, a hung
 * one is cut off by `idle_in_transaction_session_timeout`. `locked_by`/`locked_until`
 * are therefore not written.
 *
 * - `outcome`: how a settled event ended (ok, skipped: a platform was not configured, dead).
 * - a pending-only (user_id, seq) index: "has this user an earlier event still pending?"
 *   stays one short index probe however long the user's history is.
 * - a dead-only index for the dead-letter list and the `ttfd_events_dead` gauge.
 * - `delivery_receipts`: one row per (event, target) side effect, written before a
 *   message is sent, so a retry after a crash never sends it a second time.
 */
export class EventDelivery1764300000000 implements MigrationInterface {
  name = 'EventDelivery1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cross_platform_events
        ADD COLUMN outcome text CHECK (outcome IN ('ok', 'skipped', 'dead')),
        ADD CONSTRAINT cross_platform_events_attempts_check CHECK (attempts >= 0),
        ADD CONSTRAINT cross_platform_events_settled_once CHECK (NOT (processed AND dead_at IS NOT NULL))`);
    await q.query(
      `CREATE INDEX cross_platform_events_user_pending_idx ON cross_platform_events (user_id, seq) WHERE NOT processed AND dead_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX cross_platform_events_dead_idx ON cross_platform_events (dead_at, seq) WHERE dead_at IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE delivery_receipts (
        event_id uuid NOT NULL REFERENCES cross_platform_events (id) ON DELETE CASCADE,
        target text NOT NULL CHECK (target IN ('telegram:message', 'discord:dm', 'discord:roles')),
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'unknown')),
        detail text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, target)
      )`);
    await q.query(`COMMENT ON TABLE delivery_receipts IS
      'One side effect of an event on a platform. sending: about to be sent (a crash leaves it so, and the effect is never sent twice); sent; skipped: the platform is not configured; unknown: the attempt that sent it died, so it may or may not have arrived'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_receipts`);
    await q.query(`DROP INDEX cross_platform_events_dead_idx, cross_platform_events_user_pending_idx`);
    await q.query(`
      ALTER TABLE cross_platform_events
        DROP CONSTRAINT cross_platform_events_settled_once,
        DROP CONSTRAINT cross_platform_events_attempts_check,
        DROP COLUMN outcome`);
  }
}
