#!/usr/bin/env node
import { Api, TelegramApiError, type Bot } from 'node-telegram-bot-api';
import {
  createLinking,
  createProgression,
  createProgressionMetrics,
  createWake,
  createPool,
  runService,
  startService,
  type Logger,
  type RunningService,
  type ServiceContext,
  type ServiceParts,
} from '@ttfd/shared';
import { createBot, publishCommands } from './bot';
import { configSchema, type TelegramConfig } from './config';
import { createTelegramMetrics } from './metrics';
import { createWebhook, WEBHOOK_PATH, type Webhook } from './webhook';
import { registerWebhook, type WebhookRegistration } from './webhook-registration';

/** The update kinds the bot acts on; Telegram does not send the others at all. */
const ALLOWED_UPDATES = ['message', 'callback_query'];

export type TelegramParts = Awaited<ReturnType<typeof startTelegram>>;

export interface TelegramService extends RunningService<TelegramParts> {
  bot: Bot;
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
 * The bot in the mode the configuration names: a webhook on the service's one HTTP port
 * (registered with Telegram when TELEGRAM_WEBHOOK_URL is set), or long polling. `fail` is
 * called if polling stops on its own (e.g. the token was revoked).
 */
export async function startTelegram(
  { config, log, registry, fail }: ServiceContext<TelegramConfig>,
  options: { webhookRetryMs?: number } = {},
): Promise<ServiceParts & { bot: Bot; webhookRegistration: () => WebhookRegistration | null }> {
  const metrics = createTelegramMetrics(registry);
  const pool = createPool(config.DATABASE_URL, {
    max: 10,
    applicationName: 'ttfd-telegram',
    onIdleError: (err) => log.warn({ err }, 'a database connection was lost'),
  });
  const wake = createWake(pool, { onError: (err) => log.warn({ err }, 'could not wake the sync worker') });
  try {
    await pool.query('SELECT 1'); // a wrong DATABASE_URL stops the start, not the first update
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
    let polling: Promise<void> | null = null;
    let registration: WebhookRegistration | null = null;

    const listening = async (port: number) => {
      if (webhook) {
        if (config.TELEGRAM_WEBHOOK_URL) {
          // In the background: a slow or rate-limiting Telegram never keeps the replica from starting.
          registration = registerWebhook(
            bot.api,
            {
              url: config.TELEGRAM_WEBHOOK_URL,
              secret: config.TELEGRAM_WEBHOOK_SECRET!,
              allowedUpdates: ALLOWED_UPDATES,
            },
            log,
            { retryMs: options.webhookRetryMs, onState: (ok) => metrics.webhookRegistrationFailing.set(ok ? 0 : 1) },
          );
        } else {
          log.info('TELEGRAM_WEBHOOK_URL is not set: the webhook is served but not registered with Telegram');
        }
        log.info({ bot: botUsername, port, path: WEBHOOK_PATH }, 'telegram bot up (webhook)');
        return;
      }
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
          fail(err);
        });
      log.info({ bot: botUsername, port }, 'telegram bot up (long polling)');
    };

    return {
      bot,
      webhookRegistration: () => registration,
      ready: () => pool.query('SELECT 1'),
      routes: webhook ? { [`POST ${WEBHOOK_PATH}`]: webhook.route } : undefined,
      listening,
      async drain() {
        registration?.stop();
        await registration?.done;
        if (webhook) await webhook.drain();
        bot.stop();
        await polling;
        await wake.close();
        await pool.end();
      },
    };
  } catch (err) {
    await wake.close();
    await pool.end();
    throw err;
  }
}

/** The bot and its port, as main.ts runs them (tests start it this way). */
export async function startTelegramService(
  config: TelegramConfig,
  log: Logger,
  fail?: (err: unknown) => void,
  options: { webhookRetryMs?: number } = {},
): Promise<TelegramService> {
  const running = await startService({
    name: 'telegram',
    config,
    log,
    fail,
    start: (ctx: ServiceContext<TelegramConfig>) => startTelegram(ctx, options),
  });
  return { ...running, bot: running.parts.bot };
}

if (require.main === module) runService({ name: 'telegram', schema: configSchema, start: (ctx) => startTelegram(ctx) });
