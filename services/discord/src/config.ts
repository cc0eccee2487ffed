import { z } from 'zod';
import { parseConfig, port, serviceConfig } from '@ttfd/shared';

const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord id (digits)');
const wholeNumber = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** A comma-separated list of Discord ids ("" or unset: none). */
const idList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(z.array(snowflake));

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const configSchema = z
  .object({
    ...serviceConfig,
    PORT: port(8082),
    DISCORD_TOKEN: z.string().regex(/^[\w.-]{20,}$/, 'must be a bot token (Developer Portal → Bot → Reset Token)'),
    DISCORD_APPLICATION_ID: snowflake.optional(),
    /** The community's guild; unset: every guild the bot is in counts. */
    DISCORD_GUILD_ID: snowflake.optional(),
    DISCORD_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    /** Where avatars come from (the rank card). */
    DISCORD_CDN_ROOT: z.url({ protocol: /^https?$/ }).default('https://cdn.discordapp.com'),
    /** A command or button not answered by then is deferred first (Discord wants an answer within 3 s). */
    DISCORD_DEFER_AFTER_MS: z.coerce.number().int().min(0).max(2500).default(1500),
    /** How long the rank card waits for an avatar before it draws the initials. */
    DISCORD_AVATAR_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(1000),
    /** Needs the privileged Message Content intent enabled in the Developer Portal. */
    DISCORD_MESSAGE_CONTENT: flag(false),
    DISCORD_MESSAGE_XP_MIN: wholeNumber(15),
    DISCORD_MESSAGE_XP_MAX: wholeNumber(25),
    DISCORD_MESSAGE_XP_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Applies only when message content is available (DISCORD_MESSAGE_CONTENT=true). */
    DISCORD_MESSAGE_MIN_LENGTH: wholeNumber(3),
    DISCORD_NO_XP_CHANNEL_IDS: idList,
    DISCORD_NO_XP_ROLE_IDS: idList,
    DISCORD_VOICE_XP_PER_MINUTE: wholeNumber(10),
    /** How long messages are coalesced before one write. */
    DISCORD_FLUSH_MS: z.coerce.number().int().min(10).max(5000).default(250),
    /** How often open voice sessions are saved (what a crash can lose of a session). */
    DISCORD_VOICE_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** How often every linked player's rank roles are checked (repairs what changed while anything was down). */
    DISCORD_ROLES_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(21_600),
    /** Players per wave of a check, and the pause between waves: the pace at which checks reach the worker. */
    DISCORD_ROLES_CHECK_WAVE: z.coerce.number().int().min(1).max(10_000).default(100),
    DISCORD_ROLES_CHECK_WAVE_PAUSE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** Also check at start-up (what changed while the bot was down). */
    DISCORD_ROLES_CHECK_AT_START: flag(true),
  })
  .superRefine((config, ctx) => {
    if (config.DISCORD_MESSAGE_XP_MIN > config.DISCORD_MESSAGE_XP_MAX) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_MESSAGE_XP_MIN'],
        message: `must not exceed DISCORD_MESSAGE_XP_MAX (${config.DISCORD_MESSAGE_XP_MAX})`,
      });
    }
  });

export type DiscordConfig = z.infer<typeof configSchema>;

export const parseDiscordConfig = (env: Record<string, string | undefined>): DiscordConfig =>
  parseConfig(configSchema, env);
