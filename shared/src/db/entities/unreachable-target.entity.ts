import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UnifiedUser } from './unified-user.entity';

/**
 * A delivery target a player refused (blocked the bot, closed DMs, left the guild), for
 * the identity that refused it: the worker skips it until that identity writes to the bot
 * again or links anew.
 *
 * Read-only outside @ttfd/shared: the sync worker records refusals, `markReachable` lifts them.
 */
@Entity({
  name: 'unreachable_targets',
  comment:
    'A delivery target the player refused (blocked the bot, closed DMs, left the guild), for the identity that refused it; the worker skips it until the player writes to the bot again',
})
@Check('unreachable_targets_target_check', `target IN ('telegram:message', 'discord:dm', 'discord:roles')`)
@Index('unreachable_targets_identity_idx', ['identity', 'target'])
export class RefusedTarget {
  @PrimaryColumn({ name: 'user_id', type: 'bigint', primaryKeyConstraintName: 'unreachable_targets_pkey' })
  @ForeignKey(() => UnifiedUser, { name: 'unreachable_targets_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'unreachable_targets_pkey' })
  target!: 'telegram:message' | 'discord:dm' | 'discord:roles';

  /** The Telegram id or Discord id that refused. */
  @Column({ type: 'text' })
  identity!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  since!: Date;
}
