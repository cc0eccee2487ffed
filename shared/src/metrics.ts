import client from 'prom-client';

export type Registry = client.Registry;

/** A registry with the default process metrics, labelled with the service name. */
export function createRegistry(service: string): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return registry;
}

/** Metrics of the progression write path, shared by every service that awards. */
export function createProgressionMetrics(registry: client.Registry) {
  return {
    xpAwarded: new client.Counter({
      name: 'ttfd_xp_awarded_total',
      help: 'XP awarded to players, by the platform the activity happened on',
      labelNames: ['platform'] as const,
      registers: [registry],
    }),
  };
}

export type ProgressionMetrics = ReturnType<typeof createProgressionMetrics>;
