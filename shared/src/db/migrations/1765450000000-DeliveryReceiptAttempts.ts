import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each `sending` receipt names the attempt that wrote it. A worker whose receipt write
 * lost its answer (the database went away around the commit) knows it never sent that
 * message, and with the attempt id it can take its own receipt back and send, instead of
 * recording the message as `unknown` and never sending it.
 */
export class DeliveryReceiptAttempts1765450000000 implements MigrationInterface {
  name = 'DeliveryReceiptAttempts1765450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_receipts ADD COLUMN attempt uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_receipts DROP COLUMN attempt`);
  }
}
