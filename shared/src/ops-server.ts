import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from './metrics';
import type { Logger } from './logger';

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export interface OpsServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  log: Logger;
  /** Resolves when the service can do its work (e.g. `SELECT 1` answers); rejects otherwise. */
  ready: () => Promise<unknown>;
  /** /readyz answers 503 when `ready` takes longer than this (default 2 s): a hung database is not ready. */
  readyTimeoutMs?: number;
  /** Extra routes on the same port, keyed by `METHOD /path` (e.g. the Telegram webhook). */
  routes?: Record<string, Route>;
  /** Every other request (a web application such as the website); without it they get 404 or 405. */
  app?: Route;
}

/** The paths the ops server answers itself, whatever `app` is. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface OpsServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** The one HTTP port of a service: /healthz, /readyz, /metrics and any extra routes. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { registry, log, ready, routes = {}, app, readyTimeoutMs = 2_000 } = options;
  const checkReady = async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    });
    try {
      await Promise.race([ready(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    const done = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const handle = async () => {
      if (route) return route(req, res);
      if (app && !OPS_PATHS.has(path)) return app(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return done(405, 'method not allowed\n');
      if (path === '/healthz') return done(200, 'ok\n');
      if (path === '/readyz') {
        try {
          await checkReady();
          return done(200, 'ready\n');
        } catch (err) {
          return done(503, `not ready: ${(err as Error).message}\n`);
        }
      }
      if (path === '/metrics') return done(200, await registry.metrics(), registry.contentType);
      return done(404, 'not found\n');
    };
    handle().catch((err: unknown) => {
      log.error({ err, path }, 'request failed');
      done(500, 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
