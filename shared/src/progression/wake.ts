import type { Pool } from 'pg';
import { EVENTS_CHANNEL } from '../events/event-types';

export interface Wake {
  /** Call after a transaction that appended events has committed. */
  signal(): void;
  /** Resolves once no wake-up is pending or in flight (for shutdown and tests). */
  flush(): Promise<void>;
}

export interface WakeOptions {
  /**
   * Least time between two NOTIFYs from this process. A commit inside it is announced by
   * one trailing NOTIFY at its end; a worker that is already draining finds it sooner.
   */
  minIntervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Wakes the sync worker after commit without a NOTIFY inside every write transaction:
 * a NOTIFY in a transaction takes a database-wide lock at commit and serialises the
 * writers' commits. Instead each process sends its own `pg_notify` after the write, at
 * most one at a time and one per `minIntervalMs`; commits in between share the next one.
 * Every commit is followed by a NOTIFY that starts after it, so the worker never misses
 * one. The NOTIFY's own transaction commits asynchronously: a wake-up need not be durable
 * (after a crash the worker's poll finds everything), so it never waits for a WAL flush.
 */
export function createWake(pool: Pool, options: WakeOptions = {}): Wake {
  const minIntervalMs = options.minIntervalMs ?? 2;
  const onError = options.onError ?? (() => {});
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  let lastSentAt = -Infinity;

  const fire = () => {
    timer = null;
    pending = false;
    lastSentAt = performance.now();
    inFlight = pool
      .query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTS_CHANNEL}', '')`)
      .then(
        () => undefined,
        (err: unknown) => onError(err),
      )
      .then(() => {
        inFlight = null;
        if (pending) signal();
      });
  };

  const signal = () => {
    if (inFlight || timer) {
      pending = true;
      return;
    }
    const wait = lastSentAt + minIntervalMs - performance.now();
    if (wait > 0) timer = setTimeout(fire, wait);
    else fire();
  };

  return {
    signal,
    async flush() {
      while (inFlight || timer) {
        if (inFlight) await inFlight;
        else await new Promise((resolve) => setTimeout(resolve, minIntervalMs));
      }
    },
  };
}
