import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Platform } from '../../platform';
import { OneTimeSecret } from './one-time-secret';
import { UnifiedUser } from './unified-user.entity';

/**
 * A one-time link code, stored as its SHA-256 (never in clear): valid ten minutes, single use.
 *
 * Read-only outside @ttfd/shared: identity's `createLinkCode` and the linking flow write it.
 */
@Entity({ name: 'link_codes' })
@Check('link_codes_code_hash_check', 'octet_length(code_hash) = 32')
@Check('link_codes_platform_check', `platform IN ('telegram', 'discord', 'website')`)
@Check('link_codes_used_by_platform_check', `used_by_platform IN ('telegram', 'discord', 'website')`)
@Check('link_codes_check', 'expires_at > created_at')
@Index('link_codes_creator_idx', ['platform', 'identity'], { where: 'used_at IS NULL' })
@Index('link_codes_expires_idx', ['expiresAt'])
export class StoredLinkCode extends OneTimeSecret {
  @PrimaryColumn({ name: 'code_hash', type: 'bytea', primaryKeyConstraintName: 'link_codes_pkey' })
  codeHash!: Buffer;

  /** Who created the code: a platform and the id on it. */
  @Column({ type: 'text' })
  platform!: Platform;

  @Column({ type: 'text' })
  identity!: string;

  @Column({ name: 'user_id', type: 'bigint' })
  @ForeignKey(() => UnifiedUser, { name: 'link_codes_user_id_fkey' })
  userId!: string;

  /** Who redeemed it. */
  @Column({ name: 'used_by_platform', type: 'text', nullable: true })
  usedByPlatform!: Platform | null;

  @Column({ name: 'used_by_identity', type: 'text', nullable: true })
  usedByIdentity!: string | null;
}

/**
 * A failed code redemption by one identity, counted for the attempt limit and forgotten
 * after the window.
 *
 * Read-only outside @ttfd/shared: written by identity's redemption.
 */
@Entity({ name: 'link_code_failures' })
@Check('link_code_failures_platform_check', `platform IN ('telegram', 'discord', 'website')`)
@Index('link_code_failures_identity_idx', ['platform', 'identity', 'attemptedAt'])
export class LinkCodeFailure {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'link_code_failures_pkey',
  })
  id!: string;

  @Column({ type: 'text' })
  platform!: Platform;

  @Column({ type: 'text' })
  identity!: string;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt!: Date;
}
