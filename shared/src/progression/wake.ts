import { Client, type Pool } from 'pg';
import { closeClient, destroyClient } from '../db/pool';
import { EVENTS_CHANNEL } from '../events/event-types';

export interface Wake {
  /** Call after a transaction that appended events has committed. */
  signal(): void;
  /** Resolves once no wake-up is pending or in flight (for shutdown and tests). */
  flush(): Promise<void>;
  /** Sends what is pending, then closes the wake-up connection; later signals are ignored. */
  close(): Promise<void>;
}

export interface WakeOptions {
  /**
   * Least time between two NOTIFYs from this process. A commit inside it is announced by
   * one trailing NOTIFY at its end; a worker that is already draining finds it sooner.
   */
  minIntervalMs?: number;
  onError?: (err: unknown) => void;
}

const NOTIFY = `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTS_CHANNEL}', '')`;

/**
 * Wakes the sync worker after commit without a NOTIFY inside every write transaction:
 * a NOTIFY in a transaction takes a database-wide lock at commit and serialises the
 * writers' commits. Instead each process sends its own `pg_notify` after the write, at
 * most one at a time and one per `minIntervalMs`; commits in between share the next one.
 * Every commit is followed by a NOTIFY that starts after it, so the worker never misses
 * one. The NOTIFY's own transaction commits asynchronously: a wake-up need not be durable
 * (after a crash the worker's poll finds everything), so it never waits for a WAL flush.
 *
 * The NOTIFY goes over a connection of its own (the pool's settings, opened at the first
 * signal, reopened after it fails): through the pool it would queue behind the writes of a
 * busy process, and the worker would learn of committed events late.
 */
export function createWake(pool: Pool, options: WakeOptions = {}): Wake {
  const minIntervalMs = options.minIntervalMs ?? 2;
  const onError = options.onError ?? (() => {});
  const applicationName = pool.options.application_name;
  let client: Client | null = null;
  let closed = false;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  let lastSentAt = -Infinity;

  const drop = (c: Client) => {
    if (client === c) client = null;
    destroyClient(c);
  };

  const open = async () => {
    const c = new Client({
      ...pool.options,
      application_name: applicationName && `${applicationName}:wake`,
      // A half-open connection must not hold every later wake-up back.
      query_timeout: pool.options.query_timeout ?? 5_000,
    });
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    try {
      await c.connect();
    } catch (err) {
      drop(c);
      throw err;
    }
    client = c;
    return c;
  };

  const notify = async () => {
    const reused = client;
    try {
      await (reused ?? (await open())).query(NOTIFY);
    } catch (err) {
      if (!reused) throw err;
      // The server may have ended an idle connection (restart, timeout) unnoticed: once more, anew.
      drop(reused);
      await (await open()).query(NOTIFY);
    }
  };

  const fire = () => {
    timer = null;
    pending = false;
    lastSentAt = performance.now();
    inFlight = notify()
      .catch((err: unknown) => onError(err))
      .then(() => {
        inFlight = null;
        if (pending) signal();
      });
  };

  const signal = () => {
    if (closed) return;
    if (inFlight || timer) {
      pending = true;
      return;
    }
    const wait = lastSentAt + minIntervalMs - performance.now();
    if (wait > 0) timer = setTimeout(fire, wait);
    else fire();
  };

  const flush = async () => {
    while (inFlight || timer) {
      if (inFlight) await inFlight;
      else await new Promise((resolve) => setTimeout(resolve, minIntervalMs));
    }
  };

  return {
    signal,
    flush,
    async close() {
      await flush();
      closed = true;
      const c = client;
      client = null;
      if (!c) return;
      await closeClient(c);
    },
  };
}
