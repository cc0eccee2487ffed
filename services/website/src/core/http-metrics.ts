import client from 'prom-client';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from '@ttfd/shared';

export function createWebsiteMetrics(registry: Registry) {
  return {
    requests: new client.Histogram({
      name: 'ttfd_http_request_duration_seconds',
      help: 'Website HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    logins: new client.Counter({
      name: 'ttfd_website_logins_total',
      help: 'Website sign-in attempts by outcome',
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type WebsiteMetrics = ReturnType<typeof createWebsiteMetrics>;

/**
 * The route a request matched, as its template (`/players/:id`), never the path itself:
 * ids stay out of labels. Static files are one route; anything unmatched is 'unmatched'.
 */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return route.path;
  if (req.path.startsWith('/static/')) return '/static';
  return 'unmatched';
}

/** Express middleware observing every request once its response is finished. */
export function httpMetrics(metrics: WebsiteMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.requests.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}
