import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { Platform } from '../../platform';
import { Rank } from './rank.entity';

/**
 * The linked platforms, as PostgreSQL prints the generated column's expression (the
 * `typeorm_metadata` view reads it from the catalog, on one line).
 */
const PLATFORMS_EXPRESSION =
  `((CASE WHEN (telegram_id IS NULL) THEN '[]'::jsonb ELSE '["telegram"]'::jsonb END || ` +
  `CASE WHEN (discord_id IS NULL) THEN '[]'::jsonb ELSE '["discord"]'::jsonb END) || ` +
  `CASE WHEN (website_email IS NULL) THEN '[]'::jsonb ELSE '["website"]'::jsonb END)`;

/**
 * One person across Telegram, Discord and the website. bigint columns come back as strings.
 *
 * Read-only outside @ttfd/shared: the progression write path (`award`, `recordGame`,
 * `claimDaily`, `ensureUser`, settings) and identity (link, merge, unlink) change it, each
 * in one statement that also appends the events. Services read it through
 * `readOnlyRepository` or SQL; a `save` would skip the events, the rank and the ledger.
 */
@Entity({ name: 'unified_users' })
@Unique('unified_users_telegram_id_key', ['telegramId'])
@Unique('unified_users_discord_id_key', ['discordId'])
@Check('unified_users_telegram_id_check', 'telegram_id > 0')
@Check('unified_users_discord_id_check', `discord_id ~ '^[0-9]{1,20}$'`)
@Check('unified_users_website_email_check', `website_email ~ '^[^@\\s]+@[^@\\s]+$'`)
@Check('unified_users_xp_check', 'xp >= 0')
@Check('unified_users_coins_check', 'coins >= 0')
@Check('unified_users_games_played_check', 'games_played >= 0')
@Check('unified_users_check', 'games_won >= 0 AND games_won <= games_played')
@Check('unified_users_total_voice_time_check', 'total_voice_time >= 0')
@Check('unified_users_messages_sent_check', 'messages_sent >= 0')
@Check('unified_users_achievements_check', `jsonb_typeof(achievements) = 'array'`)
@Check('unified_users_current_season_xp_check', 'current_season_xp >= 0')
@Check('unified_users_daily_streak_check', 'daily_streak >= 0')
@Check('unified_users_primary_platform_check', `primary_platform IN ('telegram', 'discord', 'website')`)
@Check('unified_users_locale_check', `locale IN ('ru', 'en')`)
@Check(
  'unified_users_check1',
  'merged_into IS NOT NULL OR telegram_id IS NOT NULL OR discord_id IS NOT NULL OR website_email IS NOT NULL OR erased_at IS NOT NULL',
)
@Check('unified_users_check2', '(merged_into IS NULL) = (merged_at IS NULL)')
// Expression and descending indexes TypeORM cannot express; declared so the list is complete.
/** UNIQUE (lower(website_email)): an email is one account whatever its case. */
@Index('unified_users_website_email_key', { synchronize: false })
/** (xp DESC, id) WHERE merged_into IS NULL: the overall leaderboard. */
@Index('unified_users_xp_idx', { synchronize: false })
/** (current_season_xp DESC, id) WHERE merged_into IS NULL: the season leaderboard. */
@Index('unified_users_season_xp_idx', { synchronize: false })
@Index('unified_users_merged_into_idx', ['mergedInto'], { where: 'merged_into IS NOT NULL' })
export class UnifiedUser {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'unified_users_pkey',
  })
  id!: string;

  @Column({ name: 'telegram_id', type: 'bigint', nullable: true })
  telegramId!: string | null;

  @Column({ name: 'discord_id', type: 'text', nullable: true })
  discordId!: string | null;

  @Column({ name: 'website_email', type: 'text', nullable: true })
  websiteEmail!: string | null;

  @Column({ type: 'text', nullable: true })
  username!: string | null;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ type: 'bigint', default: 0 })
  xp!: string;

  @Column({ type: 'bigint', default: 0 })
  coins!: string;

  /** Computed from `xp` over the `ranks` ladder in the statement that changes `xp`. */
  @Column({ name: 'rank_id', type: 'smallint', default: 1 })
  @ForeignKey(() => Rank, { name: 'unified_users_rank_id_fkey' })
  rankId!: number;

  @Column({ name: 'games_played', type: 'integer', default: 0 })
  gamesPlayed!: number;

  @Column({ name: 'games_won', type: 'integer', default: 0 })
  gamesWon!: number;

  /** Seconds. */
  @Column({ name: 'total_voice_time', type: 'bigint', default: 0 })
  totalVoiceTime!: string;

  @Column({ name: 'messages_sent', type: 'bigint', default: 0 })
  messagesSent!: string;

  /** Achievement keys: `achievement_rules.key` or `rank_<id>`. */
  @Column({ type: 'jsonb', default: [] })
  achievements!: string[];

  @Column({ name: 'current_season_xp', type: 'bigint', default: 0 })
  currentSeasonXp!: string;

  @Column({ name: 'daily_streak', type: 'integer', default: 0 })
  dailyStreak!: number;

  /** A UTC calendar day, 'YYYY-MM-DD'. */
  @Column({ name: 'last_daily_claim', type: 'date', nullable: true })
  lastDailyClaim!: string | null;

  /** Generated by the database from the linked ids; it cannot drift and is never written. */
  @Column({
    type: 'jsonb',
    nullable: true,
    generatedType: 'STORED',
    asExpression: PLATFORMS_EXPRESSION,
    insert: false,
    update: false,
  })
  platforms!: Platform[];

  @Column({ name: 'primary_platform', type: 'text' })
  primaryPlatform!: Platform;

  @Column({ type: 'text', default: 'ru' })
  locale!: 'ru' | 'en';

  /** The Telegram bot sends the player notifications. */
  @Column({ name: 'telegram_notifications', type: 'boolean', default: true })
  telegramNotifications!: boolean;

  /** The Discord bot sends the player direct messages. */
  @Column({ name: 'discord_notifications', type: 'boolean', default: true })
  discordNotifications!: boolean;

  /** The player hid their public page. */
  @Column({ name: 'profile_hidden', type: 'boolean', default: false })
  profileHidden!: boolean;

  /** The player appears anonymised on public leaderboards. */
  @Column({ name: 'leaderboard_anonymous', type: 'boolean', default: false })
  leaderboardAnonymous!: boolean;

  /** Set when the player deleted their account: no identity, no name; totals and events stay. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  /** Set when this account was merged into another; the row stays so old ids resolve. */
  @Column({ name: 'merged_into', type: 'bigint', nullable: true })
  @ForeignKey(() => UnifiedUser, { name: 'unified_users_merged_into_fkey' })
  mergedInto!: string | null;

  @Column({ name: 'merged_at', type: 'timestamptz', nullable: true })
  mergedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
