import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UnifiedUser } from './unified-user.entity';

/**
 * A season of the season-XP leaderboard; exactly one is open.
 *
 * Read-only outside @ttfd/shared: `closeSeason` archives the standings and opens the next.
 */
@Entity({ name: 'seasons' })
@Unique('seasons_name_key', ['name'])
/** UNIQUE ((true)) WHERE closed_at IS NULL: at most one open season (an expression index). */
@Index('seasons_one_open', { synchronize: false })
export class Season {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'seasons_pkey',
  })
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}

/**
 * A player's final standing in a closed season.
 *
 * Read-only outside @ttfd/shared: written once, by `closeSeason`.
 */
@Entity({ name: 'season_results' })
export class SeasonResult {
  @PrimaryColumn({ name: 'season_id', type: 'integer', primaryKeyConstraintName: 'season_results_pkey' })
  @ForeignKey(() => Season, { name: 'season_results_season_id_fkey' })
  seasonId!: number;

  @PrimaryColumn({ name: 'user_id', type: 'bigint', primaryKeyConstraintName: 'season_results_pkey' })
  @ForeignKey(() => UnifiedUser, { name: 'season_results_user_id_fkey' })
  userId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'season_xp', type: 'bigint' })
  seasonXp!: string;
}
