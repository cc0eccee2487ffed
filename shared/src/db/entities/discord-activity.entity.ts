import { Check, Column, Entity, ForeignKey, PrimaryColumn, Unique } from 'typeorm';
import { UnifiedUser } from './unified-user.entity';

/**
 * Per member and channel, the last Discord message already counted: a redelivered message
 * (a resumed gateway, a restarted bot) is never counted twice.
 *
 * Read-only outside @ttfd/shared: the Discord bot's message batches write it.
 */
@Entity({ name: 'discord_message_marks' })
export class DiscordMessageMark {
  @PrimaryColumn({ name: 'user_id', type: 'bigint', primaryKeyConstraintName: 'discord_message_marks_pkey' })
  @ForeignKey(() => UnifiedUser, { name: 'discord_message_marks_user_id_fkey' })
  userId!: string;

  @PrimaryColumn({ name: 'channel_id', type: 'bigint', primaryKeyConstraintName: 'discord_message_marks_pkey' })
  channelId!: string;

  @Column({ name: 'last_message_id', type: 'bigint' })
  lastMessageId!: string;
}

/**
 * A voice session still open, so that it survives a restart and is closed exactly once.
 *
 * Read-only outside @ttfd/shared: the Discord bot's voice tracking writes it.
 */
@Entity({ name: 'discord_voice_sessions' })
@Check('discord_voice_sessions_guild_id_check', `guild_id ~ '^[0-9]{1,20}$'`)
@Check('discord_voice_sessions_discord_id_check', `discord_id ~ '^[0-9]{1,20}$'`)
@Check('discord_voice_sessions_voice_ms_check', 'voice_ms >= 0')
@Check('discord_voice_sessions_check', 'earning_ms >= 0 AND earning_ms <= voice_ms')
@Unique('discord_voice_sessions_session_id_key', ['sessionId'])
export class DiscordVoiceSession {
  @PrimaryColumn({ name: 'guild_id', type: 'text', primaryKeyConstraintName: 'discord_voice_sessions_pkey' })
  guildId!: string;

  @PrimaryColumn({ name: 'discord_id', type: 'text', primaryKeyConstraintName: 'discord_voice_sessions_pkey' })
  discordId!: string;

  @Column({ name: 'session_id', type: 'uuid', default: () => 'uuidv7()' })
  sessionId!: string;

  @Column({ name: 'channel_id', type: 'text' })
  channelId!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  /** Time up to which voice seconds and XP have been counted. */
  @Column({ name: 'accounted_until', type: 'timestamptz' })
  accountedUntil!: Date;

  @Column({ name: 'voice_ms', type: 'bigint', default: 0 })
  voiceMs!: string;

  /** Of voice_ms, the time that earned XP (not deafened, not AFK, not alone). */
  @Column({ name: 'earning_ms', type: 'bigint', default: 0 })
  earningMs!: string;

  @Column({ type: 'boolean', default: false })
  earning!: boolean;
}
