import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications are chosen per platform: `telegram_notifications` (messages from the
 * Telegram bot) and `discord_notifications` (direct messages from the Discord bot) replace
 * the one `notifications_enabled`. Every player keeps their choice: a player who had turned
 * notifications off has every platform off. Going back, a player keeps notifications only
 * if no platform was off.
 */
export class NotificationsPerPlatform1765400000000 implements MigrationInterface {
  name = 'NotificationsPerPlatform1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE unified_users
        ADD COLUMN telegram_notifications boolean NOT NULL DEFAULT true,
        ADD COLUMN discord_notifications boolean NOT NULL DEFAULT true`);
    await q.query(`
      UPDATE unified_users SET telegram_notifications = false, discord_notifications = false
      WHERE NOT notifications_enabled`);
    await q.query(`ALTER TABLE unified_users DROP COLUMN notifications_enabled`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE unified_users ADD COLUMN notifications_enabled boolean NOT NULL DEFAULT true`);
    await q.query(`
      UPDATE unified_users SET notifications_enabled = false
      WHERE NOT (telegram_notifications AND discord_notifications)`);
    await q.query(`ALTER TABLE unified_users DROP COLUMN telegram_notifications, DROP COLUMN discord_notifications`);
  }
}
