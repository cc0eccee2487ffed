import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EventType } from '../../events/event-types';
import type { SourcePlatform } from '../../platform';

/** One change to a player's progression, delivered to the other platforms by the sync worker. */
@Entity({ name: 'cross_platform_events' })
export class CrossPlatformEvent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Insertion order; the worker applies one user's events in this order. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: EventType;

  @Column({ name: 'source_platform', type: 'text' })
  sourcePlatform!: SourcePlatform;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ type: 'boolean' })
  processed!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey!: string | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'run_at', type: 'timestamptz', nullable: true })
  runAt!: Date | null;

  @Column({ name: 'locked_by', type: 'text', nullable: true })
  lockedBy!: string | null;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt!: Date | null;
}
