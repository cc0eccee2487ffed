import os from 'node:os';
import { z } from 'zod';
import { databaseUrl, parseConfig, port, serviceConfig, tokenKey } from '@ttfd/shared';

const count = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const httpUrl = z.url({ protocol: /^https?$/ });

const fields = z.object({
  ...serviceConfig,
  PORT: port(8083),
  /** Without it Discord effects (role sync, DMs) are recorded as skipped. */
  DISCORD_TOKEN: z.string().min(1).optional(),
  /** The guild whose rank roles are synced; without it role sync is skipped (DMs still go out). */
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{5,20}$/, 'must be a Discord guild id (a snowflake)')
    .optional(),
  DISCORD_API_ROOT: httpUrl.default('https://discord.com/api'),
  /**
   * Discord Linked Roles: the key that seals players' OAuth tokens (32 bytes, base64; the
   * website uses the same), and the application's OAuth client credentials to refresh them.
   * Without the key no role connection is set.
   */
  DISCORD_TOKEN_KEY: tokenKey.optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{5,20}$/, 'must be the Discord application id (a snowflake)')
    .optional(),
  DISCORD_CLIENT_SECRET: z.string().min(8, 'must be the OAuth2 client secret of the application').optional(),
  /** Without it Telegram messages are recorded as skipped. */
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (from @BotFather)')
    .optional(),
  TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
  /**
   * A direct connection for LISTEN when DATABASE_URL goes through a transaction-mode
   * pooler (which cannot hold a LISTEN); defaults to DATABASE_URL.
   */
  SYNC_LISTEN_DATABASE_URL: databaseUrl.optional(),
  /** Events claimed (and settled) per transaction. */
  SYNC_BATCH_SIZE: count(1_000, 1, 10_000),
  /** Batches one process works on at once, each on its own connection. */
  SYNC_BATCHES_IN_FLIGHT: count(2, 1, 16),
  /** Platform calls in flight within one batch (players are handled in parallel, each in order). */
  SYNC_CONCURRENCY: count(16, 1, 256),
  /** Tries before an event that keeps failing is dead-lettered. */
  SYNC_MAX_ATTEMPTS: count(10, 1, 1000),
  /** Backoff after the first failure; it doubles per attempt (with jitter) up to SYNC_BACKOFF_MAX_MS. */
  SYNC_BACKOFF_BASE_MS: count(1_000, 1, 86_400_000),
  SYNC_BACKOFF_MAX_MS: count(300_000, 1, 86_400_000),
  /**
   * How long a batch may stay claimed: a worker that hangs longer has its session ended by
   * the server and its batch goes to another worker. New events stop being started at half.
   */
  SYNC_LEASE_MS: count(30_000, 1_000, 3_600_000),
  /** Safety-net poll, for a missed notification or a dropped listener connection. */
  SYNC_POLL_MS: count(2_000, 50, 600_000),
  /** How often the LISTEN connection is checked with a query, to notice one that died silently. */
  SYNC_LISTEN_CHECK_MS: count(15_000, 100, 600_000),
  /**
   * Longest a worker query may run (the server's statement_timeout) or wait for an
   * answer (the client's, a little longer): a half-open connection fails the batch,
   * which is retried on a new one, instead of hanging its lane.
   */
  SYNC_QUERY_TIMEOUT_MS: count(15_000, 100, 600_000),
  /** Timeout of one platform request. */
  SYNC_DRIVER_TIMEOUT_MS: count(10_000, 100, 120_000),
  /** Rate limits up to this long are waited out in place; longer ones reschedule the event. */
  SYNC_RATE_LIMIT_WAIT_MS: count(2_000, 0, 600_000),
  /** Names this process in logs and pg_stat_activity. */
  WORKER_ID: z
    .string()
    .regex(/^[\w.:-]{1,60}$/, 'must be 1-60 characters of letters, digits, _ . : -')
    .default(`${os.hostname()}-${process.pid}`),
});

export const configSchema = fields.superRefine((config, ctx) => {
  if (!config.DISCORD_TOKEN_KEY) return;
  for (const name of ['DISCORD_APPLICATION_ID', 'DISCORD_CLIENT_SECRET'] as const) {
    if (!config[name])
      ctx.addIssue({ code: 'custom', path: [name], message: 'is required with DISCORD_TOKEN_KEY (Linked Roles)' });
  }
});

export type SyncWorkerConfig = z.infer<typeof configSchema>;

export const parseSyncWorkerConfig = (env: Record<string, string | undefined>): SyncWorkerConfig =>
  parseConfig(configSchema, env);
