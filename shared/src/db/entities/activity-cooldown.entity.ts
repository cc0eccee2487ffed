import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UnifiedUser } from './unified-user.entity';

/**
 * When a player may next do a rate-limited activity (a dice game), shared by every replica.
 *
 * Read-only outside @ttfd/shared: the progression module's `takeCooldown`/`releaseCooldown` write it.
 */
@Entity({ name: 'activity_cooldowns' })
@Check('activity_cooldowns_activity_check', `activity ~ '^[a-z0-9_]+$'`)
export class ActivityCooldown {
  @PrimaryColumn({ name: 'user_id', type: 'bigint', primaryKeyConstraintName: 'activity_cooldowns_pkey' })
  @ForeignKey(() => UnifiedUser, { name: 'activity_cooldowns_user_id_fkey' })
  userId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'activity_cooldowns_pkey' })
  activity!: string;

  @Column({ name: 'available_at', type: 'timestamptz' })
  availableAt!: Date;
}
