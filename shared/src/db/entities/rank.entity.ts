import { Check, Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/**
 * A step of the rank ladder: the rank is a function of XP, computed in the statement that
 * changes XP.
 *
 * Read-only outside @ttfd/shared: the ladder comes from migrations, and a player's rank
 * only ever moves through the progression write path (which emits rank_up/rank_down).
 */
@Entity({ name: 'ranks' })
@Unique('ranks_name_key', ['name'])
@Unique('ranks_min_xp_key', ['minXp'])
@Check('ranks_min_xp_check', 'min_xp >= 0')
@Check('ranks_discord_role_id_check', `discord_role_id ~ '^[0-9]{5,20}$'`)
export class Rank {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'ranks_pkey' })
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  /** bigint: returned by pg as a string. */
  @Column({ name: 'min_xp', type: 'bigint' })
  minXp!: string;

  @Column({ name: 'discord_role_id', type: 'text', nullable: true })
  discordRoleId!: string | null;
}
