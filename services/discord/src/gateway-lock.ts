import { Client } from 'pg';
import type { Logger } from '@ttfd/shared';

/**
 * One gateway session per guild and shard, across every pod and process: a session-level
 * PostgreSQL advisory lock, held on a connection of its own for as long as the bot is logged
 * in. A second bot (the replacement of an evicted pod that has not died yet, a second replica)
 * waits for it instead of logging in, so no message or voice minute is counted twice. If the
 * connection dies, PostgreSQL releases the lock: the holder must stop its gateway session at
 * once (onLost), since another bot may take the lock a moment later.
 */

export interface GatewayLockOptions {
  databaseUrl: string;
  /** The guild the bot counts (undefined: every guild it is in). */
  guildId: string | undefined;
  shard?: number;
  log: Logger;
  /** How often a waiting bot tries again, and a holding bot checks its connection (ms). */
  retryMs?: number;
  /** The lock's connection died or stopped answering while the lock was held. */
  onLost: (err: Error) => void;
}

export interface GatewayLock {
  /** The lock's name, as logged. */
  key: string;
  held(): boolean;
  /** Why the bot is not logged in yet (null once held). */
  waitingReason(): string | null;
  /** Resolves once the lock is held; rejects if release() is called first. */
  acquire(): Promise<void>;
  /** Stops waiting, or gives the lock up (ends its connection). Safe to call twice. */
  release(): Promise<void>;
}

export const gatewayLockKey = (guildId: string | undefined, shard = 0) =>
  `ttfd:discord-gateway:${guildId ?? 'all-guilds'}:shard-${shard}`;

const TRY_LOCK = 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked';
// A one-argument (bigint) advisory lock shows in pg_locks as classid = high half, objid = low half, objsubid 1.
const HOLDER = `
  SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`;

export const GATEWAY_LOCK_APPLICATION = 'ttfd-discord-gateway-lock';

export function createGatewayLock(options: GatewayLockOptions): GatewayLock {
  const { log, onLost } = options;
  const retryMs = options.retryMs ?? 5_000;
  const key = gatewayLockKey(options.guildId, options.shard);
  let connection: Client | null = null;
  let held = false;
  let released = false;
  let reason: string | null = `taking the gateway lock ${key}`;
  let timer: NodeJS.Timeout | null = null;
  let wakeUp: (() => void) | null = null;

  const sleep = () =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, retryMs);
    });

  const drop = async () => {
    const c = connection;
    connection = null;
    await c?.end().catch(() => {});
  };

  const lost = (err: Error) => {
    if (!held || released) return;
    held = false;
    reason = `lost the gateway lock ${key}`;
    void drop();
    onLost(new Error(`lost the Discord gateway lock ${key} (${err.message}): stopping the gateway session`));
  };

  const connect = async () => {
    const c = new Client({
      connectionString: options.databaseUrl,
      application_name: GATEWAY_LOCK_APPLICATION,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      query_timeout: Math.max(retryMs, 2_000),
    });
    c.on('error', (err) => lost(err));
    c.on('end', () => lost(new Error('the connection ended')));
    await c.connect();
    return c;
  };

  /** Checks the held lock's connection; a half-open one fails by its query timeout. */
  const heartbeat = async () => {
    while (held && !released) {
      await sleep();
      if (!held || released) return;
      try {
        await connection!.query('SELECT 1');
      } catch (err) {
        lost(err as Error);
      }
    }
  };

  let logged = '';
  const waiting = (why: string, fields: Record<string, unknown> = {}) => {
    reason = why;
    if (why !== logged) log.warn({ lock: key, ...fields }, why);
    logged = why;
  };

  return {
    key,
    held: () => held,
    waitingReason: () => (held ? null : reason),
    async acquire() {
      while (!released) {
        try {
          connection ??= await connect();
          const { rows } = await connection.query<{ locked: boolean }>(TRY_LOCK, [key]);
          if (released) break;
          if (rows[0].locked) {
            held = true;
            reason = null;
            log.info({ lock: key }, 'holding the gateway lock; logging in to the Discord gateway');
            void heartbeat();
            return;
          }
          const holder = (await connection.query(HOLDER, [key])).rows[0] as
            { pid: number; application_name: string; client_addr: string | null } | undefined;
          waiting(
            `another Discord bot holds the gateway lock ${key}; waiting for it to stop before logging in`,
            holder ? { holderPid: holder.pid, holderAddress: holder.client_addr } : {},
          );
        } catch (err) {
          await drop();
          waiting(`cannot take the gateway lock ${key}: ${(err as Error).message}; retrying`);
        }
        await sleep();
      }
      throw new Error('stopped before the gateway lock was taken');
    },
    async release() {
      released = true;
      held = false;
      if (timer) clearTimeout(timer);
      (wakeUp as (() => void) | null)?.();
      await drop();
    },
  };
}
