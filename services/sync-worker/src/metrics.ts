import client from 'prom-client';
import { eventStats, isEventType, type EventStats, type Logger, type Queryable } from '@ttfd/shared';

/** 1 ms to 5 min: a healthy pipeline sits in the first buckets, a stalled one in the last. */
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Backlog gauges are read from the database at most this often, however many scrapers. */
const STATS_MAX_AGE_MS = 1_000;

export type Outcome = 'ok' | 'retried' | 'dead' | 'skipped';

/** Label value for an event type: anything outside the closed union is 'unknown' (bounded labels). */
export const typeLabel = (type: string) => (isEventType(type) ? type : 'unknown');

export function createSyncMetrics(registry: client.Registry, db: Queryable, log: Logger) {
  let stats: { at: number; value: Promise<EventStats> } | null = null;
  const current = (): Promise<EventStats> => {
    if (!stats || Date.now() - stats.at > STATS_MAX_AGE_MS) {
      const value = eventStats(db);
      stats = { at: Date.now(), value };
      value.catch(() => (stats = null));
    }
    return stats.value;
  };
  const fromDatabase = (name: string, help: string, pick: (s: EventStats) => number) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          this.set(pick(await current()));
        } catch (err) {
          log.warn({ err, metric: name }, 'could not read the event backlog');
        }
      },
    });

  fromDatabase('ttfd_events_pending', 'Events not yet processed nor dead (from the database)', (s) => s.pending);
  fromDatabase(
    'ttfd_events_oldest_pending_age_seconds',
    'Age of the oldest pending event (from the database)',
    (s) => s.oldestPendingAgeSeconds,
  );
  fromDatabase('ttfd_events_dead', 'Events in the dead-letter state (from the database)', (s) => s.dead);
  fromDatabase(
    'ttfd_events_waiting_retry',
    'Pending events waiting out a retry backoff, not yet due (from the database)',
    (s) => s.waitingRetry,
  );

  return {
    lag: new client.Histogram({
      name: 'ttfd_event_lag_seconds',
      help: 'Time from an event being created to it being processed',
      labelNames: ['event_type'] as const,
      buckets: LAG_BUCKETS,
      registers: [registry],
    }),
    processed: new client.Counter({
      name: 'ttfd_events_processed_total',
      help: 'Events handled by this worker, by how the attempt ended',
      labelNames: ['event_type', 'outcome'] as const,
      registers: [registry],
    }),
    lastProcessed: new client.Gauge({
      name: 'ttfd_sync_last_processed_timestamp_seconds',
      help: 'When this worker last settled a batch (Unix time)',
      registers: [registry],
    }),
    credentialsRefused: new client.Gauge({
      name: 'ttfd_platform_credentials_refused',
      help: "1 once a platform refused the worker's token (401): nothing is sent to it until the token is fixed",
      labelNames: ['platform'] as const,
      registers: [registry],
    }),
    driverRequests: new client.Counter({
      name: 'ttfd_driver_requests_total',
      help: 'Requests to the platforms, by platform and result',
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type SyncMetrics = ReturnType<typeof createSyncMetrics>;

/** Rank roles Discord refuses the bot (see unmanageable-roles.ts); unregistered without a registry. */
export function createUnmanageableRoleMetrics(registry?: client.Registry) {
  const registers = registry ? [registry] : [];
  return {
    gauge: new client.Gauge({
      name: 'ttfd_discord_unmanageable_roles',
      help: 'Rank roles the bot cannot manage on Discord (role position, managed role, missing permission)',
      registers,
    }),
    reports: new client.Counter({
      name: 'ttfd_discord_unmanageable_role_reports_total',
      help: 'Times a rank role was found unmanageable (once per role until it is fixed)',
      registers,
    }),
  };
}

export type UnmanageableRoleMetrics = ReturnType<typeof createUnmanageableRoleMetrics>;
