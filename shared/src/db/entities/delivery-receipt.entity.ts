import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { CrossPlatformEvent } from './cross-platform-event.entity';

export type DeliveryTarget = 'telegram:message' | 'discord:dm' | 'discord:roles' | 'website:live';
export type DeliveryStatus = 'sending' | 'sent' | 'skipped' | 'unknown' | 'unreachable';

/**
 * One side effect of an event on a platform, recorded so it happens at most once.
 *
 * Read-only outside @ttfd/shared: the events module's receipt statements write it for
 * the sync worker.
 */
@Entity({
  name: 'delivery_receipts',
  comment:
    'One side effect of an event on a platform. sending: about to be sent (a crash leaves it so, and the effect is never sent twice); sent; skipped: the platform is not configured; unknown: the attempt that sent it died, so it may or may not have arrived',
})
@Check(
  'delivery_receipts_target_check',
  `target IN ('telegram:message', 'discord:dm', 'discord:roles', 'website:live')`,
)
@Check('delivery_receipts_status_check', `status IN ('sending', 'sent', 'skipped', 'unknown', 'unreachable')`)
export class DeliveryReceipt {
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'delivery_receipts_pkey' })
  @ForeignKey(() => CrossPlatformEvent, { name: 'delivery_receipts_event_id_fkey', onDelete: 'CASCADE' })
  eventId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'delivery_receipts_pkey' })
  target!: DeliveryTarget;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  /** The platform's message id, what a role sync changed, or why it was skipped. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  /** The attempt that wrote a `sending` receipt: only that attempt may take it back. */
  @Column({ type: 'uuid', nullable: true })
  attempt!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
