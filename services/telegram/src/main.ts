#!/usr/bin/env node
import { Api, TelegramApiError, type Bot } from 'node-telegram-bot-api';
import {
  createDataSource,
  createLinking,
  createLogger,
  createProgression,
  createProgressionMetrics,
  createRegistry,
  createWake,
  poolOf,
  startOpsServer,
  type Logger,
  type OpsServer,
} from '@ttfd/shared';
import { createBot, publishCommands } from './bot';
import { loadTelegramConfig, type TelegramConfig } from './config';
import { createTelegramMetrics } from './metrics';
import { createWebhook, WEBHOOK_PATH, type Webhook } from './webhook';

/** The update kinds the bot acts on; Telegram does not send the others at all. */
const ALLOWED_UPDATES = ['message', 'callback_query'];

export interface TelegramService {
  port: number;
  bot: Bot;
  /** Finishes the updates in hand, stops polling or the webhook, and closes the database. */
  stop(): Promise<void>;
}

async function whoAmI(config: TelegramConfig): Promise<{ botUsername: string; botId: string }> {
  try {
    const me = await new Api(config.TELEGRAM_BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT }).getMe();
    if (!me.username) throw new Error('getMe returned no username');
    return { botUsername: me.username, botId: String(me.id) };
  } catch (err) {
    if (err instanceof TelegramApiError && err.errorCode === 401) {
      throw new Error('Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token from @BotFather', {
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * Starts the bot in the mode the configuration names: a webhook on the service's one HTTP
 * port (registered with Telegram when TELEGRAM_WEBHOOK_URL is set), or long polling.
 * `onFatal` is called if polling stops on its own (e.g. the token was revoked).
 */
export async function startTelegramService(
  config: TelegramConfig,
  log: Logger,
  onFatal: (err: unknown) => void = () => {},
): Promise<TelegramService> {
  const registry = createRegistry('telegram');
  const metrics = createTelegramMetrics(registry);
  const dataSource = createDataSource(config.DATABASE_URL, { poolSize: 10, applicationName: 'ttfd-telegram' });
  await dataSource.initialize();
  const pool = poolOf(dataSource);
  const wake = createWake(pool, { onError: (err) => log.warn({ err }, 'could not wake the sync worker') });
  let ops: OpsServer | null = null;
  let stopping = false;
  try {
    const { botUsername, botId } = await whoAmI(config);
    const bot = createBot(config.TELEGRAM_BOT_TOKEN, {
      pool,
      progression: createProgression({ pool, wake, metrics: createProgressionMetrics(registry) }),
      linking: createLinking({ pool, wake }),
      wake,
      log,
      metrics,
      botUsername,
      botId,
      apiRoot: config.TELEGRAM_API_ROOT,
      game: {
        diceCooldownSeconds: config.TELEGRAM_DICE_COOLDOWN_SECONDS,
        diceWinXp: config.TELEGRAM_DICE_WIN_XP,
        diceWinCoins: config.TELEGRAM_DICE_WIN_COINS,
        dicePlayXp: config.TELEGRAM_DICE_PLAY_XP,
      },
    });
    await publishCommands(bot.api).catch((err: unknown) => log.warn({ err }, 'could not publish the command menu'));

    const webhook: Webhook | null =
      config.TELEGRAM_MODE === 'webhook'
        ? createWebhook({ bot, secret: config.TELEGRAM_WEBHOOK_SECRET!, log, metrics })
        : null;
    ops = await startOpsServer({
      port: config.PORT,
      registry,
      log,
      ready: async () => {
        if (stopping) throw new Error('shutting down');
        await pool.query('SELECT 1');
      },
      routes: webhook ? { [`POST ${WEBHOOK_PATH}`]: webhook.route } : {},
    });

    let polling: Promise<void> | null = null;
    if (webhook) {
      if (config.TELEGRAM_WEBHOOK_URL) {
        await bot.api.setWebhook({
          url: config.TELEGRAM_WEBHOOK_URL,
          secret_token: config.TELEGRAM_WEBHOOK_SECRET,
          allowed_updates: ALLOWED_UPDATES,
        });
        log.info({ url: config.TELEGRAM_WEBHOOK_URL }, 'webhook registered with Telegram');
      } else {
        log.info('TELEGRAM_WEBHOOK_URL is not set: the webhook is served but not registered with Telegram');
      }
      log.info({ bot: botUsername, port: ops.port, path: WEBHOOK_PATH }, 'telegram bot up (webhook)');
    } else {
      // getUpdates is refused while a webhook is set.
      await bot.api.deleteWebhook({ drop_pending_updates: false });
      polling = bot
        .startPolling(undefined, {
          timeout: 30,
          allowedUpdates: ALLOWED_UPDATES,
          onError: (err) => log.warn({ err }, 'getUpdates failed; retrying'),
        })
        .catch((err: unknown) => {
          log.fatal({ err }, 'polling stopped');
          onFatal(err);
        });
      log.info({ bot: botUsername, port: ops.port }, 'telegram bot up (long polling)');
    }

    const server = ops;
    return {
      port: server.port,
      bot,
      async stop() {
        stopping = true;
        if (webhook) await webhook.drain();
        bot.stop();
        await polling;
        await server.close();
        await wake.flush();
        await dataSource.destroy();
      },
    };
  } catch (err) {
    await ops?.close();
    await dataSource.destroy();
    throw err;
  }
}

async function main() {
  const config = loadTelegramConfig();
  const log = createLogger('telegram', config.LOG_LEVEL);
  const exit = (code: number) => setImmediate(() => process.exit(code));
  let service: TelegramService;
  try {
    service = await startTelegramService(config, log, () => exit(1));
  } catch (err) {
    log.fatal({ err }, 'the telegram bot could not start');
    return exit(1);
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    service.stop().then(
      () => exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) void main();
