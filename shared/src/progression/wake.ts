import type { Pool } from 'pg';
import { EVENTS_CHANNEL } from './events';

export interface Wake {
  /** Call after a transaction that appended events has committed. */
  signal(): void;
  /** Resolves once no wake-up is in flight (for shutdown and tests). */
  flush(): Promise<void>;
}

/**
 * Wakes the sync worker after commit without a NOTIFY inside every write transaction:
 * a NOTIFY in a transaction takes a database-wide lock at commit and serialises the
 * writers' commits. Instead each process sends at most one `pg_notify` at a time, outside
 * the write, and coalesces every commit that happens meanwhile into one more. A commit is
 * always followed by a NOTIFY that starts after it, so the worker never misses it.
 */
export function createWake(pool: Pool, onError: (err: unknown) => void = () => {}): Wake {
  let inFlight: Promise<void> | null = null;
  let again = false;
  const send = (): Promise<void> =>
    pool
      .query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`)
      .then(
        () => undefined,
        (err: unknown) => onError(err),
      )
      .then(() => {
        if (!again) {
          inFlight = null;
          return;
        }
        again = false;
        return send();
      });
  return {
    signal() {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = send();
    },
    async flush() {
      while (inFlight) await inFlight;
    },
  };
}
