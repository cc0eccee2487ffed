import client from 'prom-client';
import type { Registry } from '@ttfd/shared';

/**
 * What happened to a gateway event: `counted` (it reached a flush), `ignored` (not
 * eligible: a bot, a webhook, a DM, an excluded channel or role, too short), `duplicate`
 * (seen before), `error`.
 */
export type EventOutcome = 'counted' | 'ignored' | 'duplicate' | 'error';

export function createDiscordMetrics(registry: Registry) {
  return {
    events: new client.Counter({
      name: 'ttfd_discord_events_total',
      help: 'Gateway events the bot acted on, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    voiceSeconds: new client.Counter({
      name: 'ttfd_discord_voice_seconds_total',
      help: 'Seconds in voice credited to players (at the end of each session)',
      registers: [registry],
    }),
    flushSize: new client.Histogram({
      name: 'ttfd_discord_flush_messages',
      help: 'Messages written by one flush of the message counter',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
      registers: [registry],
    }),
    flushLag: new client.Histogram({
      name: 'ttfd_discord_flush_lag_seconds',
      help: 'Time from receiving the oldest message of a flush to its commit',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    rankRolesChecks: new client.Counter({
      name: 'ttfd_discord_rank_roles_checks_total',
      help: 'Rank roles checks the bot requested from the worker (one per linked player per round)',
      registers: [registry],
    }),
  };
}

export type DiscordMetrics = ReturnType<typeof createDiscordMetrics>;
