import { z } from 'zod';
import { parseConfig, port, serviceConfig } from '@ttfd/shared';

const wholeNumber = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Telegram accepts 1-256 of A-Z, a-z, 0-9, _ and - as a webhook secret_token. */
const webhookSecret = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ or -');

export const configSchema = z
  .object({
    ...serviceConfig,
    PORT: port(8081),
    TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (from @BotFather)'),
    TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('polling'),
    TELEGRAM_WEBHOOK_SECRET: webhookSecret.optional(),
    TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
    TELEGRAM_DICE_COOLDOWN_SECONDS: wholeNumber(30),
    TELEGRAM_DICE_WIN_XP: wholeNumber(25),
    TELEGRAM_DICE_WIN_COINS: wholeNumber(10),
    TELEGRAM_DICE_PLAY_XP: wholeNumber(5),
  })
  .superRefine((config, ctx) => {
    if (config.TELEGRAM_MODE === 'webhook' && config.TELEGRAM_WEBHOOK_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'is required when TELEGRAM_MODE=webhook',
      });
    }
  });

export type TelegramConfig = z.infer<typeof configSchema>;

export const parseTelegramConfig = (env: Record<string, string | undefined>): TelegramConfig =>
  parseConfig(configSchema, env);
