import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { Platform, SourcePlatform } from '../../platform';
import { OneTimeSecret } from './one-time-secret';
import { UnifiedUser } from './unified-user.entity';

/**
 * A link waiting for the redeemer's confirmation: linking `identity` to `user_id` would
 * merge `other_user_id` into it (or, with no other account, attach it). Stored as the
 * SHA-256 of the confirmation token.
 *
 * Read-only outside @ttfd/shared: identity's linking flow creates, confirms, cancels and
 * revokes it.
 */
@Entity({ name: 'merge_confirmations' })
@Check('merge_confirmations_token_hash_check', 'octet_length(token_hash) = 32')
@Check('merge_confirmations_platform_check', `platform IN ('telegram', 'discord', 'website')`)
@Check('merge_confirmations_via_check', `via IN ('code', 'discord_oauth', 'telegram_login', 'legacy_claim')`)
@Check('merge_confirmations_source_check', `source IN ('telegram', 'discord', 'website', 'system')`)
@Check('merge_confirmations_outcome_check', `outcome IN ('confirmed', 'cancelled', 'revoked')`)
@Check('merge_confirmations_check', '(used_at IS NULL) = (outcome IS NULL)')
@Check('merge_confirmations_creator_platform_check', `creator_platform IN ('telegram', 'discord', 'website')`)
@Check('merge_confirmations_check1', '(creator_platform IS NULL) = (creator_identity IS NULL)')
@Index('merge_confirmations_identity_idx', ['platform', 'identity'], { where: 'used_at IS NULL' })
export class MergeConfirmation extends OneTimeSecret {
  @PrimaryColumn({ name: 'token_hash', type: 'bytea', primaryKeyConstraintName: 'merge_confirmations_pkey' })
  tokenHash!: Buffer;

  /** The account the identity is being linked to. */
  @Column({ name: 'user_id', type: 'bigint' })
  @ForeignKey(() => UnifiedUser, { name: 'merge_confirmations_user_id_fkey' })
  userId!: string;

  /** The account that would be merged into `userId`; null when the identity has none yet. */
  @Column({ name: 'other_user_id', type: 'bigint', nullable: true })
  @ForeignKey(() => UnifiedUser, { name: 'merge_confirmations_other_user_id_fkey' })
  otherUserId!: string | null;

  /** The identity being linked. */
  @Column({ type: 'text' })
  platform!: Platform;

  @Column({ type: 'text' })
  identity!: string;

  /** How the identity was proven. */
  @Column({ type: 'text' })
  via!: 'code' | 'discord_oauth' | 'telegram_login' | 'legacy_claim';

  @Column({ type: 'text' })
  source!: SourcePlatform;

  @Column({ type: 'text', nullable: true })
  outcome!: 'confirmed' | 'cancelled' | 'revoked' | null;

  /** Who created the link code, re-checked on the press: it must still stand for its account. */
  @Column({ name: 'creator_platform', type: 'text', nullable: true })
  creatorPlatform!: Platform | null;

  @Column({ name: 'creator_identity', type: 'text', nullable: true })
  creatorIdentity!: string | null;
}
