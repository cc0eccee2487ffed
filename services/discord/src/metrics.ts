import client from 'prom-client';
import type { Registry } from '@ttfd/shared';

/**
 * What happened to a gateway event: `counted` (it reached a flush), `ignored` (not
 * eligible: a bot, a webhook, a DM, an excluded channel or role, too short; an unknown
 * command or button), `duplicate` (seen before), `error`; for interactions also `handled`
 * (answered), `refused` (a used or someone else's button) and `expired` (Discord's 3 s
 * passed before the bot could acknowledge it).
 */
export type EventOutcome = 'counted' | 'ignored' | 'duplicate' | 'error' | 'handled' | 'refused' | 'expired';

export function createDiscordMetrics(registry: Registry) {
  let connected: () => boolean = () => false;
  return {
    /** How the scrape reads whether the gateway session is identified and ready. */
    watchGateway(read: () => boolean) {
      connected = read;
    },
    gatewayConnected: new client.Gauge({
      name: 'ttfd_discord_gateway_connected',
      help: '1 while the bot holds a ready gateway session, 0 while it is disconnected or waits for the gateway lock',
      registers: [registry],
      collect() {
        this.set(connected() ? 1 : 0);
      },
    }),
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
    commandDuration: new client.Histogram({
      name: 'ttfd_discord_command_duration_seconds',
      help: 'Time from receiving a slash command or button press to its answer reaching Discord',
      labelNames: ['command'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
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
