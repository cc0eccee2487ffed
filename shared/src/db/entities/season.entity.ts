import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'seasons' })
export class Season {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}

/** A player's final standing in a closed season. */
@Entity({ name: 'season_results' })
export class SeasonResult {
  @PrimaryColumn({ name: 'season_id', type: 'integer' })
  seasonId!: number;

  @PrimaryColumn({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'season_xp', type: 'bigint' })
  seasonXp!: string;
}
