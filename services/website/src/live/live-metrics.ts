import client from 'prom-client';

/** The website's live-update metrics. */
export function createLiveMetrics(registry: client.Registry) {
  return {
    streams: new client.Gauge({
      name: 'ttfd_website_sse_streams',
      help: 'Server-sent event streams open on this replica',
      registers: [registry],
    }),
    slowClientsDropped: new client.Counter({
      name: 'ttfd_website_sse_slow_clients_dropped_total',
      help: 'Streams closed because the browser did not read its updates fast enough (it resumes from the event log)',
      registers: [registry],
    }),
  };
}

export type LiveMetrics = ReturnType<typeof createLiveMetrics>;
