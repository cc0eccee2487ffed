import { Client, type Pool } from 'pg';
import {
  createPool,
  startService,
  type Logger,
  type Platform,
  type RunningService,
  type ServiceContext,
} from '@ttfd/shared';
import type { SyncWorkerConfig } from './config';
import { createDiscordDriver } from './drivers/discord-driver';
import { createRoleConnectionDriver } from './drivers/role-connection-driver';
import { createTelegramDriver } from './drivers/telegram-driver';
import { createWebsiteDriver } from './drivers/website-driver';
import type { Drivers } from './deliver-event';
import { createSyncMetrics, createUnmanageableRoleMetrics } from './metrics';
import { createSyncWorker, type SyncWorker } from './sync-worker';
import { createUnmanageableRoles } from './unmanageable-roles';

export interface SyncWorkerService extends RunningService {
  worker: SyncWorker;
}

/** The worker's connection pool: one connection per batch in flight, plus room for metrics and receipts. */
export function createWorkerPool(config: SyncWorkerConfig, applicationName: string, log?: Logger): Pool {
  return createPool(config.DATABASE_URL, {
    applicationName,
    max: config.SYNC_BATCHES_IN_FLIGHT + 4,
    // The lease: a batch transaction left idle longer than this is ended by the server.
    idleInTransactionTimeoutMillis: config.SYNC_LEASE_MS,
    statementTimeoutMillis: config.SYNC_QUERY_TIMEOUT_MS,
    queryTimeoutMillis: config.SYNC_QUERY_TIMEOUT_MS + 2_000,
    onIdleError: (err) => log?.warn({ err }, 'idle database connection failed'),
  });
}

/** The worker's batching, retry and lease settings, as configured. */
export function workerTuning(config: SyncWorkerConfig) {
  return {
    batchSize: config.SYNC_BATCH_SIZE,
    batchesInFlight: config.SYNC_BATCHES_IN_FLIGHT,
    concurrency: config.SYNC_CONCURRENCY,
    maxAttempts: config.SYNC_MAX_ATTEMPTS,
    backoff: { baseMs: config.SYNC_BACKOFF_BASE_MS, maxMs: config.SYNC_BACKOFF_MAX_MS },
    leaseMs: config.SYNC_LEASE_MS,
    queryTimeoutMs: config.SYNC_QUERY_TIMEOUT_MS,
    pollMs: config.SYNC_POLL_MS,
    listenerCheckMs: config.SYNC_LISTEN_CHECK_MS,
  };
}

/** Wires configuration to drivers, metrics, readiness and the worker. */
export async function startSyncWorker({ config, log, registry }: ServiceContext<SyncWorkerConfig>) {
  const applicationName = `ttfd-sync:${config.WORKER_ID}`;
  const pool = createWorkerPool(config, applicationName, log);

  const metrics = createSyncMetrics(registry, pool, log);
  const observe = (platform: Platform) => (outcome: string) => metrics.driverRequests.inc({ platform, outcome });

  const onFault = (platform: Platform) => (message: string) => {
    metrics.credentialsRefused.set({ platform }, 1);
    log.error(message);
  };
  if (config.DISCORD_TOKEN) metrics.credentialsRefused.set({ platform: 'discord' }, 0);
  if (config.TELEGRAM_BOT_TOKEN) metrics.credentialsRefused.set({ platform: 'telegram' }, 0);
  const drivers: Drivers = {
    discord: config.DISCORD_TOKEN
      ? createDiscordDriver({
          token: config.DISCORD_TOKEN,
          guildId: config.DISCORD_GUILD_ID ?? null,
          apiRoot: config.DISCORD_API_ROOT,
          timeoutMs: config.SYNC_DRIVER_TIMEOUT_MS,
          maxRateLimitWaitMs: config.SYNC_RATE_LIMIT_WAIT_MS,
          observe: observe('discord'),
          onFault: onFault('discord'),
        })
      : null,
    telegram: config.TELEGRAM_BOT_TOKEN
      ? createTelegramDriver({
          token: config.TELEGRAM_BOT_TOKEN,
          apiRoot: config.TELEGRAM_API_ROOT,
          timeoutMs: config.SYNC_DRIVER_TIMEOUT_MS,
          maxRateLimitWaitMs: config.SYNC_RATE_LIMIT_WAIT_MS,
          observe: observe('telegram'),
          onFault: onFault('telegram'),
        })
      : null,
    website: createWebsiteDriver(),
    roleConnections:
      config.DISCORD_TOKEN_KEY && config.DISCORD_APPLICATION_ID && config.DISCORD_CLIENT_SECRET
        ? createRoleConnectionDriver({
            apiRoot: config.DISCORD_API_ROOT,
            applicationId: config.DISCORD_APPLICATION_ID,
            clientSecret: config.DISCORD_CLIENT_SECRET,
            timeoutMs: config.SYNC_DRIVER_TIMEOUT_MS,
            observe: observe('discord'),
          })
        : null,
  };
  if (!drivers.discord)
    log.warn('Discord driver disabled (DISCORD_TOKEN is not set): role syncs and DMs are recorded as skipped');
  else if (!config.DISCORD_GUILD_ID)
    log.warn('DISCORD_GUILD_ID is not set: rank role syncs are recorded as skipped; DMs are sent');
  if (!drivers.roleConnections)
    log.info('Discord Linked Roles off (DISCORD_TOKEN_KEY is not set): no role connection is updated');
  if (!drivers.telegram)
    log.warn('Telegram driver disabled (TELEGRAM_BOT_TOKEN is not set): Telegram messages are recorded as skipped');

  const worker = createSyncWorker({
    pool,
    listener: () =>
      new Client({
        connectionString: config.SYNC_LISTEN_DATABASE_URL ?? config.DATABASE_URL,
        application_name: `${applicationName}:listen`,
        keepAlive: true,
        connectionTimeoutMillis: 10_000,
      }),
    drivers,
    log,
    metrics,
    unmanageableRoles: createUnmanageableRoles(log, createUnmanageableRoleMetrics(registry)),
    tokenKey: config.DISCORD_TOKEN_KEY ?? null,
    ...workerTuning(config),
  });
  const enabled = Object.entries(drivers)
    .filter(([, d]) => d)
    .map(([name]) => name);
  log.info({ drivers: enabled, worker: config.WORKER_ID }, 'sync worker up');

  return {
    worker,
    // Not ready while the database does not answer or the worker cannot deliver (a rejected token, stuck lanes).
    async ready() {
      await pool.query('SELECT 1');
      const fault = worker.fault();
      if (fault) throw new Error(fault);
    },
    async drain() {
      await worker.stop();
      await pool.end();
    },
  };
}

/** The worker and its port, as main.ts runs them (tests and the bench start it this way). */
export async function startSyncWorkerService(config: SyncWorkerConfig, log: Logger): Promise<SyncWorkerService> {
  const running = await startService({ name: 'sync-worker', config, log, start: startSyncWorker });
  return { ...running, worker: running.parts.worker };
}
