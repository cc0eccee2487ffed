import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An achievement unlocked when a stat reaches a threshold. Rank achievements come from `ranks`.
 *
 * Read-only outside @ttfd/shared: the rules come from migrations; the progression write
 * path evaluates them in the statement that changes the stat.
 */
@Entity({ name: 'achievement_rules' })
@Check('achievement_rules_key_check', `key ~ '^[a-z0-9_]+$' AND key NOT LIKE 'rank\\_%'`)
@Check(
  'achievement_rules_stat_check',
  `stat IN ('games_played', 'games_won', 'messages_sent', 'total_voice_time', 'daily_streak', 'linked_platforms')`,
)
@Check('achievement_rules_threshold_check', 'threshold > 0')
export class AchievementRule {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'achievement_rules_pkey' })
  key!: string;

  @Column({ type: 'text' })
  stat!: 'games_played' | 'games_won' | 'messages_sent' | 'total_voice_time' | 'daily_streak' | 'linked_platforms';

  @Column({ type: 'bigint' })
  threshold!: string;
}
