#!/usr/bin/env node
import 'reflect-metadata';
import { Client } from 'pg';
import {
  createLinking,
  createPool,
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
import { configSchema, discordEnabled, telegramEnabled, type WebsiteConfig } from './config';
import { createWebsiteMetrics } from './core/http-metrics';
import { createBoardCache } from './leaderboard/board-cache';
import { createLiveHub } from './live/live-hub';
import { createLiveMetrics } from './live/live-metrics';
import { createWebsite, type Website } from './website';

export interface WebsiteParts extends ServiceParts {
  website: Website;
}

/** The website on the service's port: pages, the JSON API and the ops routes. */
export async function startWebsite({ config, log, registry }: ServiceContext<WebsiteConfig>): Promise<WebsiteParts> {
  const pool = createPool(config.DATABASE_URL, {
    max: 10,
    applicationName: 'ttfd-website',
    onIdleError: (err) => log.warn({ err }, 'a database connection was lost'),
  });
  // The boards' reads. Planned once per connection for any page: planning cost more than
  // running them. No bitmap scans: a page among many players of one score (the many at 0
  // XP) would read and sort all of them; the index hands them over in order.
  const boardPool = createPool(config.DATABASE_URL, {
    max: 4,
    applicationName: 'ttfd-website-boards',
    settings: { plan_cache_mode: 'force_generic_plan', enable_bitmapscan: 'off' },
    onIdleError: (err) => log.warn({ err }, 'a database connection was lost'),
  });
  const boards = createBoardCache(boardPool, config.LEADERBOARD_CACHE_MS);
  const wake = createWake(pool, { onError: (err) => log.warn({ err }, 'could not wake the sync worker') });
  const live = createLiveHub({
    connect: () => new Client({ connectionString: config.DATABASE_URL, application_name: 'ttfd-website-live' }),
    log,
    metrics: createLiveMetrics(registry),
    onBoardsChanged: () => boards.clear(),
  });
  try {
    await pool.query('SELECT 1'); // a wrong DATABASE_URL stops the start, not the first request
    const now = () => new Date();
    const website = await createWebsite({
      config,
      pool,
      wake,
      progression: createProgression({ pool, wake, metrics: createProgressionMetrics(registry), now }),
      linking: createLinking({ pool, wake, now }),
      log,
      registry,
      metrics: createWebsiteMetrics(registry),
      now,
      live,
      boards,
    });
    return {
      website,
      ready: () => pool.query('SELECT 1'),
      app: website.handler,
      listening: async (port) => {
        if (!discordEnabled(config))
          log.info('Discord sign-in is off: set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET');
        if (!telegramEnabled(config)) {
          log.info('the Telegram Login Widget is off: set TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_USERNAME');
        }
        log.info({ port, url: config.PUBLIC_URL }, `website up: ${config.PUBLIC_URL}/`);
      },
      async drain() {
        await live.stop();
        await website.close();
        await wake.close();
        await pool.end();
        await boardPool.end();
      },
    };
  } catch (err) {
    await live.stop();
    await wake.close();
    await pool.end();
    await boardPool.end();
    throw err;
  }
}

export type WebsiteService = RunningService<WebsiteParts>;

/** The website and its port, as main.ts runs them (tests start it this way). */
export function startWebsiteService(config: WebsiteConfig, log: Logger): Promise<WebsiteService> {
  return startService({ name: 'website', config, log, start: startWebsite });
}

if (require.main === module) runService({ name: 'website', schema: configSchema, start: startWebsite });
