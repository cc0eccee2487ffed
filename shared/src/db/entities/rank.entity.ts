import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'ranks' })
export class Rank {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  /** bigint: returned by pg as a string. */
  @Column({ name: 'min_xp', type: 'bigint' })
  minXp!: string;

  @Column({ name: 'discord_role_id', type: 'text', nullable: true })
  discordRoleId!: string | null;
}
