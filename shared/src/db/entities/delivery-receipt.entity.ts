import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeliveryTarget = 'telegram:message' | 'discord:dm' | 'discord:roles' | 'website:live';
export type DeliveryStatus = 'sending' | 'sent' | 'skipped' | 'unknown' | 'unreachable';

/** One side effect of an event on a platform, recorded so it happens at most once. */
@Entity({ name: 'delivery_receipts' })
export class DeliveryReceipt {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @PrimaryColumn({ type: 'text' })
  target!: DeliveryTarget;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  /** The platform's message id, what a role sync changed, or why it was skipped. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
