#!/usr/bin/env node
import {
  createLinking,
  createPool,
  fetchAvatar,
  createProgression,
  createProgressionMetrics,
  createWake,
  runService,
  startService,
  type Logger,
  type RunningService,
  type ServiceContext,
  type ServiceParts,
} from '@ttfd/shared';
import type { Client } from 'discord.js';
import { attachHandlers, createClient, gatewayReady } from './bot';
import { configSchema, type DiscordConfig } from './config';
import { createServerMembers, type ServerMembers } from './server-members';
import { createMessageCounter, type MessageCounter } from './message-counter';
import { createGatewayLock } from './gateway-lock';
import { createDiscordMetrics } from './metrics';
import { createVoiceTracker, type VoiceTracker } from './voice-tracker';
import { attachInteractions } from './interactions/dispatch';

export interface DiscordParts extends ServiceParts {
  client: Client;
  counter: MessageCounter;
  voiceOf: (guildId: string) => VoiceTracker;
  members: ServerMembers;
  /** Resolves once the gateway is ready and the open voice sessions are reconciled. */
  gatewayReady: Promise<void>;
}

export interface DiscordOptions {
  /** The clock of voice time (Unix ms); tests drive it. */
  now?: () => number;
  /** How often a bot waiting for the gateway lock tries again, and the holder checks it (ms). */
  lockRetryMs?: number;
}

const DISALLOWED_INTENTS = 4014;
const AUTHENTICATION_FAILED = 4004;

/** What an operator can do when the gateway will not have the bot. */
function gatewayRefusal(code: number): Error {
  if (code === DISALLOWED_INTENTS) {
    return new Error(
      'Discord refused the gateway intents (4014): enable the Server Members intent (and Message Content when ' +
        'DISCORD_MESSAGE_CONTENT=true) under Bot → Privileged Gateway Intents in the Developer Portal',
    );
  }
  if (code === AUTHENTICATION_FAILED) {
    return new Error('Discord rejected DISCORD_TOKEN (4004): reset the bot token in the Developer Portal');
  }
  return new Error(`the Discord gateway closed the connection for good (code ${code})`);
}

/** The bot: message XP and voice time from the gateway, written through the shared write path. */
export async function startDiscord(
  { config, log, registry, fail }: ServiceContext<DiscordConfig>,
  options: DiscordOptions = {},
): Promise<DiscordParts> {
  const client = createClient(config);
  const metrics = createDiscordMetrics(registry);
  metrics.watchGateway(() => gatewayReady(client));
  // The bot needs no entities: every query is the write path's SQL on a plain pool.
  const pool = createPool(config.DATABASE_URL, {
    max: 10,
    applicationName: 'ttfd-discord',
    onIdleError: (err) => log.warn({ err }, 'a database connection was lost'),
  });
  await pool.query('SELECT 1'); // a wrong DATABASE_URL stops the start, not the first flush
  const wake = createWake(pool, { onError: (err) => log.warn({ err }, 'could not wake the sync worker') });
  const progressionMetrics = createProgressionMetrics(registry);
  const progression = createProgression({ pool, wake, metrics: progressionMetrics });
  const counter = createMessageCounter(
    { progression, log, metrics },
    {
      flushMs: config.DISCORD_FLUSH_MS,
      cooldownSeconds: config.DISCORD_MESSAGE_XP_COOLDOWN_SECONDS,
      xpMin: config.DISCORD_MESSAGE_XP_MIN,
      xpMax: config.DISCORD_MESSAGE_XP_MAX,
    },
  );
  const trackers = new Map<string, VoiceTracker>();
  const voiceOf = (guildId: string) => {
    let tracker = trackers.get(guildId);
    if (!tracker) {
      tracker = createVoiceTracker(guildId, {
        pool,
        progression,
        log,
        metrics,
        xpPerMinute: config.DISCORD_VOICE_XP_PER_MINUTE,
        now: options.now ?? Date.now,
      });
      trackers.set(guildId, tracker);
    }
    return tracker;
  };

  const members = createServerMembers(
    { pool, wake, log, metrics },
    {
      intervalMs: config.DISCORD_ROLES_CHECK_INTERVAL_SECONDS * 1000,
      waveSize: config.DISCORD_ROLES_CHECK_WAVE,
      wavePauseMs: config.DISCORD_ROLES_CHECK_WAVE_PAUSE_MS,
      atStart: config.DISCORD_ROLES_CHECK_AT_START,
    },
  );

  attachHandlers(client, { config, log, metrics, counter, voiceOf, members });
  // Slash commands are registered by `ttfd discord register-commands`, never here.
  attachInteractions(client, {
    pool,
    progression,
    linking: createLinking({ pool, wake }),
    log,
    metrics,
    now: () => new Date(),
    deferAfterMs: config.DISCORD_DEFER_AFTER_MS,
    fetchAvatar: (url) => fetchAvatar(url, { timeoutMs: config.DISCORD_AVATAR_TIMEOUT_MS }),
  });
  const ready = new Promise<void>((resolve) =>
    client.once('clientReady', () => {
      // The reconcile queued by the handler runs first on each tracker's queue.
      setImmediate(() => void Promise.all([...trackers.values()].map((t) => t.idle())).then(() => resolve()));
      members.startChecks();
    }),
  );
  let refused: Error | null = null;
  // Only the close codes discord.js will not recover from end up here (bad token, intents...).
  client.on('shardDisconnect', (event) => fail((refused = gatewayRefusal(event.code))));
  // No login before the lock: an evicted pod and its replacement never hold two sessions at once.
  const lock = createGatewayLock({
    databaseUrl: config.DATABASE_URL,
    guildId: config.DISCORD_GUILD_ID,
    log,
    retryMs: options.lockRetryMs,
    onLost: (err) => {
      client.removeAllListeners('shardDisconnect');
      void client.destroy();
      fail(err);
    },
  });
  lock.acquire().then(
    () =>
      client.login(config.DISCORD_TOKEN).catch((err: unknown) => {
        if (!refused) fail(err);
      }),
    () => {}, // released while waiting: the bot is stopping
  );
  const checkpoints = setInterval(() => {
    for (const tracker of trackers.values()) void tracker.checkpoint();
  }, config.DISCORD_VOICE_CHECKPOINT_SECONDS * 1000);
  checkpoints.unref();

  return {
    client,
    counter,
    voiceOf,
    members,
    gatewayReady: ready,
    async ready() {
      const waiting = lock.waitingReason();
      if (waiting) throw new Error(waiting);
      if (!gatewayReady(client)) throw new Error('the Discord gateway is not ready');
      await pool.query('SELECT 1');
    },
    async drain() {
      clearInterval(checkpoints);
      await members.stop();
      // Stop taking events first, then write what was taken: nothing received is lost.
      client.removeAllListeners();
      client.on('error', (err) => log.warn({ err }, 'discord client error while stopping'));
      await client.destroy();
      await lock.release();
      await counter.drain();
      await Promise.all([...trackers.values()].map((t) => t.checkpoint()));
      await wake.close();
      await pool.end();
    },
  };
}

export type DiscordService = RunningService<DiscordParts>;

/** The bot and its port, as main.ts runs them (tests start it this way). */
export function startDiscordService(
  config: DiscordConfig,
  log: Logger,
  options: DiscordOptions & { fail?: (err: unknown) => void } = {},
): Promise<DiscordService> {
  return startService({
    name: 'discord',
    config,
    log,
    fail: options.fail,
    start: (ctx: ServiceContext<DiscordConfig>) => startDiscord(ctx, options),
  });
}

if (require.main === module) runService({ name: 'discord', schema: configSchema, start: (ctx) => startDiscord(ctx) });
