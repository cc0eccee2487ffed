import client from 'prom-client';
import type { Registry } from '@ttfd/shared';

/** Outcomes of an update: handled (answered), ignored, error (apologised), or refused at the webhook. */
export type UpdateOutcome = 'handled' | 'ignored' | 'error' | 'unauthorized' | 'forbidden' | 'malformed';

export function createTelegramMetrics(registry: Registry) {
  return {
    updates: new client.Counter({
      name: 'ttfd_telegram_updates_total',
      help: 'Telegram updates received, by update type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    webhookRegistrationFailing: new client.Gauge({
      name: 'ttfd_telegram_webhook_registration_failing',
      help: '1 while Telegram refuses or fails to register the webhook (the replica retries), else 0',
      registers: [registry],
    }),
    commandDuration: new client.Histogram({
      name: 'ttfd_telegram_command_duration_seconds',
      help: 'Time to handle a bot command, Bot API calls included',
      labelNames: ['command'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

export type TelegramMetrics = ReturnType<typeof createTelegramMetrics>;
