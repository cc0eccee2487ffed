import { Column } from 'typeorm';

/**
 * The life of a one-time secret (a link code, a merge confirmation, a Telegram Login flow):
 * when it was made, when it lapses, when it was used. The tables share these columns.
 */
export abstract class OneTimeSecret {
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
