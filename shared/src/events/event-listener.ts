import type { Client } from 'pg';
import { closeClient, destroyClient } from '../db/pool';
import type { Logger } from '../logger';

export interface EventListenerOptions {
  /** A new, unconnected client for the LISTEN connection. */
  connect: () => Client;
  /** The channels to LISTEN on, all on the one connection. */
  channels: string[];
  /** Called on every notification, and after (re)connecting since notifications may have been missed. */
  onWake: () => void;
  /** Called with each notification's channel and payload (before onWake). */
  onNotification?: (channel: string, payload: string) => void;
  /** Called each time LISTEN is active on a new connection (before onWake). */
  onListening?: () => void;
  log: Logger;
  /** How often the connection is checked with a query, to notice one that silently died. */
  checkEveryMs?: number;
  checkTimeoutMs?: number;
}

export interface EventListener {
  /** True while LISTEN is active on a connection that answered its last check. */
  readonly listening: boolean;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds a dedicated LISTEN connection (on one or more channels) and reconnects it (with backoff) when it fails. A
 * connection that dies silently (no error, no data, e.g. a dropped NAT entry) is noticed by
 * a periodic `SELECT 1` that does not answer in time.
 */
export function listenForEvents(options: EventListenerOptions): EventListener {
  const { channels, onWake, log } = options;
  const checkEveryMs = options.checkEveryMs ?? 15_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? Math.min(5_000, checkEveryMs);
  let current: Client | null = null;
  let stopped = false;
  let failures = 0;
  let reconnecting = false;
  let checking = false;

  function drop(client: Client, err: unknown) {
    if (client !== current) return;
    current = null;
    destroyClient(client);
    if (!stopped) {
      log.warn({ err }, 'listener connection lost; reconnecting');
      void reconnect();
    }
  }

  async function open(): Promise<boolean> {
    const client = options.connect();
    client.on('error', (err) => drop(client, err));
    client.on('end', () => drop(client, new Error('connection ended')));
    client.on('notification', (message) => {
      options.onNotification?.(message.channel, message.payload ?? '');
      onWake();
    });
    current = client;
    try {
      await client.connect();
      for (const channel of channels) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      drop(client, err);
      return false;
    }
    if (stopped) {
      destroyClient(client);
      return true;
    }
    failures = 0;
    log.info({ channels }, 'listening for new events');
    options.onListening?.();
    onWake();
    return true;
  }

  async function reconnect() {
    if (reconnecting) return;
    reconnecting = true;
    try {
      while (!stopped && !current) {
        await sleep(Math.min(5_000, 100 * 2 ** failures++));
        if (!stopped && !current) await open();
      }
    } finally {
      reconnecting = false;
    }
  }

  const checker = setInterval(() => {
    const client = current;
    if (!client || checking) return;
    checking = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to a check in ${checkTimeoutMs} ms`)), checkTimeoutMs);
    });
    Promise.race([client.query('SELECT 1'), timeout])
      .catch((err: unknown) => drop(client, err))
      .finally(() => {
        clearTimeout(timer);
        checking = false;
      });
  }, checkEveryMs);
  checker.unref();

  void open().then((ok) => {
    if (!ok) return reconnect();
  });

  return {
    get listening() {
      return current !== null;
    },
    async stop() {
      stopped = true;
      clearInterval(checker);
      const client = current;
      current = null;
      if (!client) return;
      await closeClient(client);
    },
  };
}
