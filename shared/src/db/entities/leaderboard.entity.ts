import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/*
 * The leaderboard's exact counters: see the LeaderboardScores migration and
 * views/leaderboard.ts, which reads them.
 */

/** The views' `Board` (the data layer does not import the domain), as the checks allow. */
type Board = 'overall' | 'season';

/**
 * How many live players have a score in one band of 128 scores (`score >> 7`) on a board.
 *
 * Read-only outside @ttfd/shared: written only by `leaderboard_compact()`, which folds the
 * changes into it.
 */
@Entity({ name: 'leaderboard_bands' })
@Check('leaderboard_bands_board_check', `board IN ('overall', 'season')`)
export class LeaderboardBand {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'leaderboard_bands_pkey' })
  board!: Board;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'leaderboard_bands_pkey' })
  band!: string;

  @Column({ type: 'bigint' })
  players!: string;
}

/**
 * How many live players have one score on a board.
 *
 * Read-only outside @ttfd/shared: written only by `leaderboard_compact()`, which folds the
 * changes into it.
 */
@Entity({ name: 'leaderboard_scores' })
@Check('leaderboard_scores_board_check', `board IN ('overall', 'season')`)
@Index('leaderboard_scores_empty_idx', ['board'], { where: 'players = 0' })
export class LeaderboardScore {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'leaderboard_scores_pkey' })
  board!: Board;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'leaderboard_scores_pkey' })
  score!: string;

  @Column({ type: 'bigint' })
  players!: string;
}

/**
 * How many live players have one score on a board within one block of 1,024 account ids
 * (`id >> 10`): ties are broken by id.
 *
 * Read-only outside @ttfd/shared: written only by `leaderboard_compact()`, which folds the
 * changes into it.
 */
@Entity({ name: 'leaderboard_cells' })
@Check('leaderboard_cells_board_check', `board IN ('overall', 'season')`)
@Index('leaderboard_cells_empty_idx', ['board'], { where: 'players = 0' })
export class LeaderboardCell {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'leaderboard_cells_pkey' })
  board!: Board;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'leaderboard_cells_pkey' })
  score!: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'leaderboard_cells_pkey' })
  block!: string;

  @Column({ type: 'bigint' })
  players!: string;
}

/**
 * A change of the players at a score and block not folded into the counters yet; readers
 * add these to the counters, so every count is exact.
 *
 * Read-only outside @ttfd/shared: written only by the `leaderboard_follow` trigger on
 * `unified_users` (every change of XP, season XP or merge state inserts here) and by
 * `leaderboard_compact()` (which deletes what it folds).
 */
@Entity({ name: 'leaderboard_changes' })
// An index with INCLUDE columns, which TypeORM cannot express; declared so the list is complete.
/** (board, score, block) INCLUDE (delta): the readers' sums of pending changes. */
@Index('leaderboard_changes_idx', { synchronize: false })
export class LeaderboardChange {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'leaderboard_changes_pkey',
  })
  id!: string;

  @Column({ type: 'text' })
  board!: Board;

  @Column({ type: 'bigint' })
  score!: string;

  @Column({ type: 'bigint' })
  block!: string;

  /** Players arriving (positive) or leaving (negative). */
  @Column({ type: 'integer' })
  delta!: number;
}
