import type { Client } from 'pg';
import type { LiveMetrics } from './live-metrics';
import {
  BOARDS_CHANNEL,
  LIVE_CHANNEL,
  listenForEvents,
  type EventListener,
  type LiveUpdate,
  type Logger,
} from '@ttfd/shared';

/** One open stream's side of the hub. */
export interface LiveSubscriber {
  readonly userId: string;
  /** A live update of this subscriber's player. */
  deliver(update: LiveUpdate): void;
  /** The listener (re)connected: updates may have been missed, read them from the log. */
  resync(): void;
  /** The replica is shutting down: close the stream (the browser resumes on another replica). */
  end(): void;
}

export interface LiveHub {
  /** Starts passing the player's updates to `subscriber`; returns the call that stops it. */
  subscribe(subscriber: LiveSubscriber): () => void;
  /** Open subscriptions (streams) on this replica. */
  readonly subscribers: number;
  /** True while the LISTEN connection is up. */
  readonly listening: boolean;
  readonly metrics: LiveMetrics;
  /** Ends every open stream and closes the LISTEN connection. */
  stop(): Promise<void>;
}

export interface LiveHubOptions {
  /** A new, unconnected client for the replica's one LISTEN connection. */
  connect: () => Client;
  log: Logger;
  metrics: LiveMetrics;
  checkEveryMs?: number;
  /** The boards changed (BOARDS_CHANNEL), or the connection came up and a change may have been missed. */
  onBoardsChanged?: () => void;
}

/**
 * The replica's one LISTEN connection on the worker's live channel, fanned out to every
 * open stream of the player each update belongs to: a thousand open profiles cost one
 * database connection, not a thousand. The same connection hears that the boards changed.
 */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const byUser = new Map<string, Set<LiveSubscriber>>();
  let count = 0;
  let connectedOnce = false;

  function dispatch(payload: string) {
    let updates: LiveUpdate[];
    try {
      updates = JSON.parse(payload) as LiveUpdate[];
      if (!Array.isArray(updates)) throw new Error('not an array');
    } catch (err) {
      options.log.warn({ err }, 'unreadable live update ignored');
      return;
    }
    for (const update of updates) {
      const subscribers = byUser.get(String(update.user_id));
      if (!subscribers) continue;
      for (const s of subscribers) s.deliver(update);
    }
  }

  const listener: EventListener = listenForEvents({
    connect: options.connect,
    channels: [LIVE_CHANNEL, BOARDS_CHANNEL],
    log: options.log,
    checkEveryMs: options.checkEveryMs,
    onNotification: (channel, payload) => {
      if (channel === BOARDS_CHANNEL) options.onBoardsChanged?.();
      else dispatch(payload);
    },
    onListening: () => {
      options.onBoardsChanged?.();
      if (connectedOnce) for (const set of byUser.values()) for (const s of set) s.resync();
      connectedOnce = true;
    },
    onWake: () => {},
  });

  return {
    subscribe(subscriber) {
      let set = byUser.get(subscriber.userId);
      if (!set) byUser.set(subscriber.userId, (set = new Set()));
      set.add(subscriber);
      count++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        count--;
        set.delete(subscriber);
        if (set.size === 0 && byUser.get(subscriber.userId) === set) byUser.delete(subscriber.userId);
      };
    },
    get subscribers() {
      return count;
    },
    get listening() {
      return listener.listening;
    },
    metrics: options.metrics,
    async stop() {
      for (const set of [...byUser.values()]) for (const s of [...set]) s.end();
      await listener.stop();
    },
  };
}
