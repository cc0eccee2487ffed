import { Check, Column, Entity, ForeignKey, Generated, Index, PrimaryColumn } from 'typeorm';
import type { SourcePlatform } from '../../platform';
import { UnifiedUser } from './unified-user.entity';

/**
 * One change to a player's progression, delivered to the other platforms by the sync worker.
 * The worker's lease is the row lock of the transaction that claims and settles an event.
 *
 * Read-only outside @ttfd/shared: events are appended by the write path in the statement
 * that makes the change, and settled by the events module (claim, complete, dead-letter,
 * retry, replay) that the sync worker and `ttfd events` call.
 */
@Entity({ name: 'cross_platform_events' })
@Check('cross_platform_events_source_platform_check', `source_platform IN ('telegram', 'discord', 'website', 'system')`)
@Check('cross_platform_events_outcome_check', `outcome IN ('ok', 'skipped', 'dead')`)
@Check('cross_platform_events_attempts_check', 'attempts >= 0')
@Check('cross_platform_events_user_id_check', `user_id IS NOT NULL OR event_type = 'smoke_test'`)
@Check('cross_platform_events_settled_once', 'NOT (processed AND dead_at IS NOT NULL)')
@Index('cross_platform_events_dedupe_key', ['dedupeKey'], { unique: true, where: 'dedupe_key IS NOT NULL' })
@Index('cross_platform_events_user_idx', ['userId', 'seq'])
@Index('cross_platform_events_pending_idx', ['seq'], { where: 'NOT processed AND dead_at IS NULL' })
@Index('cross_platform_events_user_pending_idx', ['userId', 'seq'], { where: 'NOT processed AND dead_at IS NULL' })
@Index('cross_platform_events_dead_idx', ['deadAt', 'seq'], { where: 'dead_at IS NOT NULL' })
/** (coalesce(run_at, created_at), seq) WHERE NOT processed AND dead_at IS NULL: the claim's walk in due order. */
@Index('cross_platform_events_due_idx', { synchronize: false })
export class CrossPlatformEvent {
  /** uuidv7: time-ordered. */
  @PrimaryColumn({ type: 'uuid', default: () => 'uuidv7()', primaryKeyConstraintName: 'cross_platform_events_pkey' })
  id!: string;

  /** Insertion order; the worker applies one user's events in this order. */
  @Column({ type: 'bigint', generatedIdentity: 'ALWAYS', insert: false, update: false })
  // `identity` is the strategy PrimaryGeneratedColumn takes; @Generated's typings omit it.
  @Generated('identity' as 'increment')
  seq!: string;

  /** Null only for the release smoke test's event, which belongs to no player. */
  @Column({ name: 'user_id', type: 'bigint', nullable: true })
  @ForeignKey(() => UnifiedUser, { name: 'cross_platform_events_user_id_fkey' })
  userId!: string | null;

  /** One of the `EventType` union of the events module; the column itself accepts any text. */
  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'source_platform', type: 'text' })
  sourcePlatform!: SourcePlatform;

  /** The event type's payload. */
  @Column({ type: 'jsonb', default: {} })
  data!: Record<string, unknown>;

  /** Settled successfully (`outcome` ok or skipped). */
  @Column({ type: 'boolean', default: false })
  processed!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** A platform update's identity (e.g. `telegram:<bot id>:update:<id>`): a redelivery awards nothing. */
  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Not before this time (a retry's backoff); null: as soon as possible. */
  @Column({ name: 'run_at', type: 'timestamptz', nullable: true })
  runAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt!: Date | null;

  /** How a settled event ended: ok, skipped (a platform was not configured) or dead; null while pending. */
  @Column({ type: 'text', nullable: true })
  outcome!: 'ok' | 'skipped' | 'dead' | null;
}
