/**
 * How every TTFD service runs: its configuration parsed once, one HTTP port (/healthz,
 * /readyz, /metrics and the service's own routes), and one shutdown policy.
 *
 *   main.ts:  runService({ name, schema, start })
 *   tests:    startService({ name, config, log, start })  -> { port, registry, stop }
 *
 * Shutdown: SIGINT or SIGTERM makes /readyz answer 503, then the service drains (finishes
 * what it holds, takes nothing new) and the process exits 0. A second signal stops it at
 * once (exit 130), and so does a drain that outlasts SHUTDOWN_GRACE_SECONDS (exit 1).
 */
import { z } from 'zod';
import { baseConfig, loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { createRegistry, type Registry } from './metrics';
import { startOpsServer, type Route } from './ops-server';

/** The variables every long-running service reads, besides its own. */
export const serviceConfig = {
  ...baseConfig,
  /** How long a drain may take after SIGTERM before the process stops anyway. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(20),
};

export interface ServiceContext<C> {
  config: C;
  log: Logger;
  /** The service's metrics registry, served on /metrics. */
  registry: Registry;
  /** Call when the service can no longer work (e.g. polling stopped for good): the process exits 1. */
  fail: (err: unknown) => void;
}

/** What a started service hands the runner. */
export interface ServiceParts {
  /** Resolves when the service can do its work (`SELECT 1` answers, the gateway is connected...). */
  ready: () => Promise<unknown>;
  /** Extra routes on the service's port, keyed by `METHOD /path` (a webhook). */
  routes?: Record<string, Route>;
  /** Every other request on the service's port (the website's application). */
  app?: Route;
  /** Runs once the port is listening (register a webhook, say). */
  listening?: (port: number) => Promise<void>;
  /** Finishes the work in hand, takes no more, and releases connections. */
  drain: () => Promise<void>;
}

export interface ServiceSpec<C extends { PORT: number }, P extends ServiceParts = ServiceParts> {
  /** The service's name in logs and the `service` metrics label. */
  name: string;
  start: (ctx: ServiceContext<C>) => Promise<P>;
}

export interface RunningService<P extends ServiceParts = ServiceParts> {
  port: number;
  registry: Registry;
  /** What the service's `start` returned (tests reach the worker or the bot through it). */
  parts: P;
  /** /readyz turns 503, the service drains, the port closes. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a service and its port. What main.ts does, without the process-wide signal handling. */
export async function startService<C extends { PORT: number }, P extends ServiceParts>(
  spec: ServiceSpec<C, P> & { config: C; log: Logger; fail?: (err: unknown) => void },
): Promise<RunningService<P>> {
  const registry = createRegistry(spec.name);
  const parts = await spec.start({
    config: spec.config,
    log: spec.log,
    registry,
    fail: spec.fail ?? ((err) => spec.log.fatal({ err }, 'the service cannot go on')),
  });
  let draining = false;
  let ops;
  try {
    ops = await startOpsServer({
      port: spec.config.PORT,
      registry,
      log: spec.log,
      ready: async () => {
        if (draining) throw new Error('shutting down');
        return parts.ready();
      },
      routes: parts.routes,
      app: parts.app,
    });
    spec.log.info({ port: ops.port }, 'serving /healthz, /readyz and /metrics');
    await parts.listening?.(ops.port);
  } catch (err) {
    await ops?.close();
    await parts.drain();
    throw err;
  }
  const server = ops;
  let stopped: Promise<void> | null = null;
  return {
    port: server.port,
    registry,
    parts,
    stop() {
      stopped ??= (async () => {
        draining = true;
        try {
          await parts.drain();
        } finally {
          await server.close();
        }
      })();
      return stopped;
    },
  };
}

/** The process a container runs: parse the environment once, start, and stop on a signal. */
export function runService<S extends z.ZodType<{ PORT: number; LOG_LEVEL: string; SHUTDOWN_GRACE_SECONDS: number }>>(
  spec: ServiceSpec<z.infer<S>> & { schema: S },
): void {
  const config = loadConfig(spec.schema as unknown as z.ZodObject) as z.infer<S>;
  const log = createLogger(spec.name, config.LOG_LEVEL);
  // Let the log line reach stdout before the process ends.
  const exit = (code: number) => setImmediate(() => process.exit(code));
  let stopping = false;
  const fail = (err: unknown) => {
    log.fatal({ err }, 'the service cannot go on');
    exit(1);
  };
  const started = startService({ ...spec, config, log, fail });
  started.catch((err: unknown) => {
    log.fatal({ err }, `${spec.name} could not start`);
    exit(1);
  });

  const hardStop = (why: string, code: number) => {
    log.error(`${why}: stopping now`);
    exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return hardStop(`second signal (${signal})`, 130);
    stopping = true;
    log.info({ signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'draining');
    const grace = setTimeout(
      () => hardStop(`the drain took longer than ${config.SHUTDOWN_GRACE_SECONDS} s`, 1),
      config.SHUTDOWN_GRACE_SECONDS * 1000,
    );
    grace.unref();
    started
      .then((service) => service.stop())
      .then(
        () => {
          clearTimeout(grace);
          log.info('drained; exiting');
          exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'the drain failed');
          exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
