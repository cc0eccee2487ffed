import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An achievement unlocked when a stat reaches a threshold. Rank achievements come from `ranks`. */
@Entity({ name: 'achievement_rules' })
export class AchievementRule {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  stat!: 'games_played' | 'games_won' | 'messages_sent' | 'total_voice_time' | 'daily_streak' | 'linked_platforms';

  @Column({ type: 'bigint' })
  threshold!: string;
}
