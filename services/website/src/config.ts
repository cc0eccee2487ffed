import { z } from 'zod';
import { parseConfig, port, serviceConfig, tokenKey } from '@ttfd/shared';

const httpUrl = z.url({ protocol: /^https?$/ });

/** A comma-separated list of emails, compared case-insensitively. */
const emailList = z
  .string()
  .default('')
  .transform((list) =>
    list
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter((email) => email !== ''),
  )
  .pipe(z.array(z.email()));

/** `true`/`false`, a hop count, or an Express trust-proxy list of addresses and subnets. */
const trustProxy = z
  .string()
  .default('false')
  .transform((value): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value;
  });

export const configSchema = z
  .object({
    ...serviceConfig,
    PORT: port(3000),
    /** The site's external base URL (scheme, host, optional port): OAuth redirects and absolute links. */
    PUBLIC_URL: httpUrl.default('http://localhost:3000').transform((url) => url.replace(/\/+$/, '')),
    /** Signs the session cookie; at least 32 characters. */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
    /** Whether, and which, proxies in front of the site are trusted for the client address and HTTPS. */
    TRUST_PROXY: trustProxy,
    DISCORD_CLIENT_ID: z
      .string()
      .regex(/^\d{5,20}$/, 'must be the application id (digits)')
      .optional(),
    DISCORD_CLIENT_SECRET: z.string().min(1).optional(),
    DISCORD_API_ROOT: httpUrl.default('https://discord.com/api').transform((url) => url.replace(/\/+$/, '')),
    /** Verifies Telegram Login Widget payloads. */
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (from @BotFather)')
      .optional(),
    /** The bot the Login Widget names (without @). */
    TELEGRAM_BOT_USERNAME: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, 'must be the bot username without @')
      .optional(),
    /** Accounts whose email is listed here see /admin. */
    ADMIN_EMAILS: emailList,
    /**
     * Seals players' Discord Linked Roles tokens (32 bytes, base64; the sync worker opens
     * them with the same key). Without it the Linked Roles opt-in is not offered.
     */
    DISCORD_TOKEN_KEY: tokenKey.optional(),
    /**
     * How long a replica keeps a page of a board it read (ms; 0: read every request). A change
     * of XP anywhere drops the kept pages at once (NOTIFY), so this bounds staleness only when
     * that notification is missed.
     */
    LEADERBOARD_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
    /** The playground's control API (`make run` without tokens sets it): serves /playground. Never in the chart. */
    PLAYGROUND_API_URL: httpUrl.transform((url) => url.replace(/\/+$/, '')).optional(),
  })
  .superRefine((config, ctx) => {
    const pairs: [keyof typeof config, keyof typeof config][] = [
      ['DISCORD_CLIENT_ID', 'DISCORD_CLIENT_SECRET'],
      ['DISCORD_CLIENT_SECRET', 'DISCORD_CLIENT_ID'],
      ['TELEGRAM_BOT_USERNAME', 'TELEGRAM_BOT_TOKEN'],
    ];
    for (const [set, needed] of pairs) {
      if (config[set] !== undefined && config[needed] === undefined) {
        ctx.addIssue({ code: 'custom', path: [needed], message: `is required when ${set} is set` });
      }
    }
  });

export type WebsiteConfig = z.infer<typeof configSchema>;

export const parseWebsiteConfig = (env: Record<string, string | undefined>): WebsiteConfig =>
  parseConfig(configSchema, env);

/** Whether Discord sign-in and linking are offered. */
export const discordEnabled = (config: WebsiteConfig): boolean =>
  config.DISCORD_CLIENT_ID !== undefined && config.DISCORD_CLIENT_SECRET !== undefined;

/** Whether players can opt into Discord Linked Roles (`role_connections.write`). */
export const linkedRolesEnabled = (config: WebsiteConfig): boolean =>
  discordEnabled(config) && config.DISCORD_TOKEN_KEY !== undefined;

/**
 * Whether the Telegram Login Widget is offered: it needs the bot's username besides its
 * token (the token alone, shared with the bot's own settings, leaves it off).
 */
export const telegramEnabled = (config: WebsiteConfig): boolean =>
  config.TELEGRAM_BOT_TOKEN !== undefined && config.TELEGRAM_BOT_USERNAME !== undefined;
