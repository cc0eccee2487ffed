import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UnifiedUser } from './unified-user.entity';

/**
 * A website account's password hash (see `identity/passwords.ts` for the formats). A null
 * hash means the player must set a new password through a reset.
 *
 * Read-only outside @ttfd/shared.
 */
@Entity({ name: 'website_credentials' })
export class WebsiteCredential {
  @PrimaryColumn({ name: 'user_id', type: 'bigint', primaryKeyConstraintName: 'website_credentials_pkey' })
  @ForeignKey(() => UnifiedUser, { name: 'website_credentials_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
