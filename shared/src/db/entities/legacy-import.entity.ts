import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UnifiedUser } from './unified-user.entity';

/**
 * A legacy row the import carried: the unified account it went to (maybe merged since;
 * resolve it). Read-only outside the import.
 */
@Entity({ name: 'legacy_ids' })
@Check('legacy_ids_source_check', `source IN ('telegram', 'discord', 'website')`)
@Index('legacy_ids_user_idx', ['userId'])
export class LegacyId {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'legacy_ids_pkey' })
  source!: 'telegram' | 'discord' | 'website';

  /** The legacy primary key as text (a Telegram id, a Discord id, a website account id). */
  @PrimaryColumn({ name: 'legacy_id', type: 'text', primaryKeyConstraintName: 'legacy_ids_pkey' })
  legacyId!: string;

  @Column({ name: 'user_id', type: 'bigint' })
  @ForeignKey(() => UnifiedUser, { name: 'legacy_ids_user_id_fkey' })
  userId!: string;

  @Column({ name: 'imported_at', type: 'timestamptz', default: () => 'now()' })
  importedAt!: Date;
}

/**
 * A Telegram id a Discord member or website account typed in (never verified): the
 * Telegram player is asked to confirm before it links. Written by the import; the
 * identity domain asks and answers.
 */
@Entity({ name: 'legacy_link_proposals' })
@Check('legacy_link_proposals_telegram_id_check', 'telegram_id > 0')
@Check('legacy_link_proposals_claimant_platform_check', `claimant_platform IN ('discord', 'website')`)
export class LegacyLinkProposal {
  @PrimaryColumn({ name: 'telegram_id', type: 'bigint', primaryKeyConstraintName: 'legacy_link_proposals_pkey' })
  telegramId!: string;

  @PrimaryColumn({
    name: 'claimant_platform',
    type: 'text',
    primaryKeyConstraintName: 'legacy_link_proposals_pkey',
  })
  claimantPlatform!: 'discord' | 'website';

  /** The claimant's Discord id or (lower-case) e-mail. */
  @PrimaryColumn({
    name: 'claimant_identity',
    type: 'text',
    primaryKeyConstraintName: 'legacy_link_proposals_pkey',
  })
  claimantIdentity!: string;

  /** The claimant's account when the proposal was made. */
  @Column({ name: 'user_id', type: 'bigint' })
  @ForeignKey(() => UnifiedUser, { name: 'legacy_link_proposals_user_id_fkey' })
  userId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** When the Telegram player was last shown it. */
  @Column({ name: 'asked_at', type: 'timestamptz', nullable: true })
  askedAt!: Date | null;
}
