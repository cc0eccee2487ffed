import type { Client, Pool, PoolClient } from 'pg';
import {
  claimEvents,
  completeEvents,
  deadLetterEvents,
  EVENTS_CHANNEL,
  listenForEvents,
  loadRankRoleIds,
  loadRecipients,
  loadRoleConnections,
  markUnreachable,
  recordDeliveries,
  retryEvents,
  type ClaimedEvent,
  type CompletedEvent,
  type DeadEvent,
  type DeliveryRecord,
  type EventListener,
  type Logger,
  type RetriedEvent,
  type TokenKey,
  type UnreachableTarget,
} from '@ttfd/shared';
import { retryDelay, type BackoffPolicy } from './backoff';
import { DeliveryError } from './drivers/delivery-error';
import { deliverEvent, type DeliveryContext, type Drivers, type EventDelivery } from './deliver-event';
import { effectsOf, localEventTypes } from './event-handlers';
import { typeLabel, type Outcome, type SyncMetrics } from './metrics';
import { createUnmanageableRoles, type UnmanageableRoles } from './unmanageable-roles';
import { createUnsettledSends } from './unsettled-sends';

export interface SyncWorkerOptions {
  /**
   * Connections for batches and receipts. Its sessions should carry
   * `idle_in_transaction_session_timeout` = the lease, so a frozen worker loses its batch
   * (a live one keeps it with a heartbeat while it sends); it needs more connections than
   * `batchesInFlight`.
   */
  pool: Pool;
  /** A new client for the LISTEN connection. */
  listener: () => Client;
  drivers: Drivers;
  log: Logger;
  metrics?: SyncMetrics;
  /** Seals players' Linked Roles tokens; without it no role connection is set. */
  tokenKey?: TokenKey | null;
  /** Rank roles the bot cannot manage, reported once (default: reported to the log only). */
  unmanageableRoles?: UnmanageableRoles;
  batchSize: number;
  batchesInFlight: number;
  /** Players handled at once within a batch (each player's events in order). */
  concurrency: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  leaseMs: number;
  /** The pool's query timeout: a lane in one batch longer than two leases plus this is reported stuck. */
  queryTimeoutMs?: number;
  pollMs: number;
  /** How often the listener connection is checked (default 15 s). */
  listenerCheckMs?: number;
}

export interface SyncWorker {
  /** Looks for events now (what a notification does). */
  wake(): void;
  /**
   * Why the worker cannot deliver, for /readyz: a lane stuck in one batch for longer than
   * any healthy batch takes, or a platform refusing our credentials. Null when healthy.
   */
  fault(): string | null;
  /** Stops claiming, finishes or releases the batches in hand, and closes the listener. */
  stop(): Promise<void>;
}

/** Everything a batch decided, written in its transaction. */
interface Settlement {
  completed: CompletedEvent[];
  retried: RetriedEvent[];
  dead: DeadEvent[];
  records: DeliveryRecord[];
  /** Targets players refused in this batch: turned off for them at commit. */
  unreachable: UnreachableTarget[];
  /** Events whose live update has not gone out yet: the website hears of them now. */
  live: string[];
  outcomes: { event: ClaimedEvent; outcome: Outcome }[];
}

/** An event of a player (every type but the smoke test's). */
type PlayerEvent = ClaimedEvent & { userId: string };
const ofPlayer = (e: ClaimedEvent): e is PlayerEvent => e.userId !== null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

/**
 * The event pipeline. Each of `batchesInFlight` lanes drains the queue while there is
 * work: it claims a batch in a transaction, runs the handlers (players in parallel, each
 * player's events in order), settles every event (processed, retried later, dead) and
 * publishes the live updates in that same transaction, then commits. Lanes sleep until a
 * notification on EVENTS_CHANNEL or the safety-net poll wakes them.
 */
export function createSyncWorker(options: SyncWorkerOptions): SyncWorker {
  const { pool, drivers, log, metrics, batchSize, maxAttempts, backoff, leaseMs } = options;
  const idle: (() => void)[] = [];
  /** When each lane started the batch it is in (null: between batches). */
  const inBatchSince: (number | null)[] = Array.from({ length: options.batchesInFlight }, () => null);
  // A healthy batch stops starting events at half the lease and each send is bounded, so
  // one lasting two leases plus a query timeout is stuck (a connection that hangs).
  const stuckAfterMs = 2 * leaseMs + (options.queryTimeoutMs ?? 0);
  let missedWake = false;
  let stopping = false;
  const unmanageableRoles = options.unmanageableRoles ?? createUnmanageableRoles(log);
  const unsettledSends = createUnsettledSends();
  const tokenKey = options.tokenKey ?? null;
  const keepsRoleConnections = Boolean(drivers.roleConnections && tokenKey);
  const settleTypes = localEventTypes(keepsRoleConnections ? [] : ['role_connection']);
  const settledByClaim = new Set<string>(settleTypes);

  function wake() {
    const lane = idle.shift();
    if (lane) lane();
    else missedWake = true;
  }

  /** Records how an event ended; returns false when the player's later events must wait. */
  function conclude(event: ClaimedEvent, delivery: EventDelivery | null, s: Settlement): boolean {
    const effects = effectsOf(event.eventType);
    const announce = !event.liveSent && (effects === null || effects.includes('live'));
    if (announce) s.live.push(event.id);
    if (event.settled) {
      s.outcomes.push({ event, outcome: 'ok' });
      return true;
    }
    // An event that comes back (a retry, a replay) keeps a receipt of its live update, so
    // it is published once; one processed now never comes back and needs none.
    const rememberLive = () => {
      if (announce) s.records.push({ eventId: event.id, target: 'website:live', status: 'sent', detail: null });
    };
    if (!effects) {
      rememberLive();
      s.dead.push({ ctid: event.ctid!, error: `unknown event type "${event.eventType}": no handler for it` });
      s.outcomes.push({ event, outcome: 'dead' });
      return true;
    }
    if (delivery) {
      s.records.push(...delivery.records);
      for (const on of delivery.reachable)
        s.unreachable = s.unreachable.filter((u) => u.identity !== on.identity || u.target !== on.target);
      s.unreachable.push(...delivery.unreachable);
    }
    const failures = delivery?.failures ?? [];
    if (failures.length > 0) rememberLive();
    const permanent = failures.find((f) => f instanceof DeliveryError && f.failure === 'permanent');
    if (permanent) {
      s.dead.push({ ctid: event.ctid!, error: permanent.message });
      s.outcomes.push({ event, outcome: 'dead' });
      return true;
    }
    if (failures.length > 0) {
      // Waiting out a rate limit or for a fixed token is not a failed attempt.
      const waiting = (f: Error) =>
        f instanceof DeliveryError && (f.failure === 'rate_limited' || f.failure === 'misconfigured');
      const transient = failures.filter((f) => !waiting(f));
      const error = failures.map((f) => f.message).join('; ');
      const waitMs = Math.max(
        0,
        ...failures.map((f) =>
          f instanceof DeliveryError ? (f.failure === 'misconfigured' ? backoff.maxMs : (f.retryAfterMs ?? 0)) : 0,
        ),
      );
      if (transient.length > 0 && event.attempts + 1 >= maxAttempts) {
        s.dead.push({ ctid: event.ctid!, error: `gave up after ${event.attempts + 1} attempts: ${error}` });
        s.outcomes.push({ event, outcome: 'dead' });
        return true;
      }
      s.retried.push({
        ctid: event.ctid!,
        delayMs: transient.length > 0 ? Math.max(waitMs, retryDelay(event.attempts + 1, backoff)) : waitMs,
        error,
        countsAsAttempt: transient.length > 0,
      });
      s.outcomes.push({ event, outcome: 'retried' });
      return false;
    }
    const skipped = delivery?.skipped ?? [];
    s.completed.push({
      ctid: event.ctid!,
      outcome: skipped.length > 0 ? 'skipped' : 'ok',
      note: skipped.length > 0 ? `skipped: ${skipped.join('; ')}` : null,
    });
    s.outcomes.push({ event, outcome: skipped.length > 0 ? 'skipped' : 'ok' });
    return true;
  }

  async function handle(events: ClaimedEvent[], client: PoolClient, s: Settlement) {
    const deadline = Date.now() + leaseMs / 2;
    const chains = new Map<string, PlayerEvent[]>();
    for (const e of events) {
      // An event of no player has nothing to deliver: settled by the claim, or unknown here.
      if (e.settled || !ofPlayer(e)) {
        conclude(e, null, s);
        continue;
      }
      const chain = chains.get(e.userId);
      if (chain) chain.push(e);
      else chains.set(e.userId, [e]);
    }
    const local = (e: ClaimedEvent) => settledByClaim.has(e.eventType) || !effectsOf(e.eventType);
    const remote: PlayerEvent[][] = [];
    for (const chain of chains.values()) {
      if (chain.every(local)) for (const e of chain) conclude(e, null, s);
      else remote.push(chain);
    }
    if (remote.length === 0) return;

    const users = remote.map((chain) => chain[0]!.userId);
    const rankRoleIds = await loadRankRoleIds(client);
    unmanageableRoles.retain(rankRoleIds);
    const recipients = await loadRecipients(client, users);
    const wantsRoleConnection = (chain: PlayerEvent[]) =>
      chain.some((e) => effectsOf(e.eventType)?.includes('role_connection'));
    const connectionAccounts = keepsRoleConnections
      ? remote.filter(wantsRoleConnection).map((chain) => recipients.get(chain[0]!.userId)?.accountId)
      : [];
    const ctx: DeliveryContext = {
      drivers,
      receipts: pool,
      rankRoleIds,
      unmanageableRoles,
      unsettledSends,
      log,
      tokenKey,
      roleConnections: tokenKey
        ? await loadRoleConnections(
            client,
            tokenKey,
            connectionAccounts.filter((a) => a !== undefined),
          )
        : new Map(),
    };
    await eachLimited(remote, options.concurrency, async (chain) => {
      for (const event of chain) {
        // Past half the lease, or shutting down: leave the rest to the next claim.
        if (stopping || Date.now() > deadline) return;
        const effects = effectsOf(event.eventType);
        let delivery: EventDelivery | null = null;
        if (effects) {
          try {
            delivery = await deliverEvent(event, effects, recipients.get(event.userId), ctx);
          } catch (err) {
            delivery = { records: [], skipped: [], unreachable: [], reachable: [], failures: [err as Error] };
          }
        }
        if (!conclude(event, delivery, s)) return;
      }
    });
  }

  async function runBatch(): Promise<number> {
    const client = await pool.connect();
    let broken = false;
    const onError = (err: Error) => {
      broken = true;
      log.warn({ err }, 'batch connection failed');
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const events = await claimEvents(client, batchSize, settleTypes);
      if (events.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const s: Settlement = {
        completed: [],
        retried: [],
        dead: [],
        records: [],
        unreachable: [],
        live: [],
        outcomes: [],
      };
      // The sends leave the batch transaction idle, and the server ends a session idle
      // for a whole lease: a brownout (timeouts, rate-limit waits) would lose the batch's
      // settlement and never count its attempts. A live worker keeps its lease; a frozen
      // one stops answering and loses it.
      const heartbeat = setInterval(() => client.query('SELECT 1').catch(() => {}), leaseMs / 3);
      try {
        await handle(events, client, s);
      } finally {
        clearInterval(heartbeat);
      }
      await drivers.website.publish(s.live, client);
      await recordDeliveries(client, s.records);
      await markUnreachable(client, s.unreachable);
      await completeEvents(client, s.completed);
      await retryEvents(client, s.retried);
      await deadLetterEvents(client, s.dead);
      await client.query('COMMIT');
      observe(s);
      return events.length;
    } catch (err) {
      broken = true;
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  const lagOf = new Map<string, { observe(seconds: number): void }>();
  /** Counts and lags per event type: a label is looked up once per type in the batch, not per event. */
  function observe(s: Settlement) {
    if (!metrics || s.outcomes.length === 0) return;
    const now = Date.now();
    const byType = new Map<string, { counts: Map<Outcome, number>; lags: number[] }>();
    for (const { event, outcome } of s.outcomes) {
      let ofType = byType.get(event.eventType);
      if (!ofType) byType.set(event.eventType, (ofType = { counts: new Map(), lags: [] }));
      ofType.counts.set(outcome, (ofType.counts.get(outcome) ?? 0) + 1);
      if (outcome === 'ok' || outcome === 'skipped') ofType.lags.push((now - event.createdMs) / 1000);
    }
    for (const [eventType, { counts, lags }] of byType) {
      const type = typeLabel(eventType);
      for (const [outcome, n] of counts) metrics.processed.inc({ event_type: type, outcome }, n);
      if (lags.length === 0) continue;
      let lag = lagOf.get(type);
      if (!lag) lagOf.set(type, (lag = metrics.lag.labels({ event_type: type })));
      for (const seconds of lags) lag.observe(seconds);
    }
    metrics.lastProcessed.set(now / 1000);
  }

  async function lane(index: number) {
    let failures = 0;
    while (!stopping) {
      if (!missedWake) await new Promise<void>((resolve) => idle.push(resolve));
      missedWake = false;
      if (stopping) break;
      try {
        for (;;) {
          inBatchSince[index] = Date.now();
          const claimed = await runBatch().finally(() => (inBatchSince[index] = null));
          failures = 0;
          if (claimed === 0 || stopping) break;
          // A full batch: more is probably waiting, so bring in an idle lane.
          if (claimed >= batchSize) wake();
        }
      } catch (err) {
        log.error({ err }, 'batch failed; retrying');
        await sleep(Math.min(5_000, 100 * 2 ** failures++));
        missedWake = true;
      }
    }
  }

  const listener: EventListener = listenForEvents({
    connect: options.listener,
    channels: [EVENTS_CHANNEL],
    onWake: wake,
    log,
    checkEveryMs: options.listenerCheckMs,
  });
  const poll = setInterval(wake, options.pollMs);
  const lanes = Array.from({ length: options.batchesInFlight }, (_, i) => lane(i));
  wake();

  return {
    wake,
    fault() {
      const now = Date.now();
      const stuck = inBatchSince.filter((since) => since !== null && now - since > stuckAfterMs).length;
      if (stuck > 0) return `${stuck} of ${inBatchSince.length} lanes stuck in one batch for over ${stuckAfterMs} ms`;
      for (const driver of [drivers.discord, drivers.telegram]) if (driver?.fault) return driver.fault;
      return null;
    },
    async stop() {
      stopping = true;
      clearInterval(poll);
      for (const resolve of idle.splice(0)) resolve();
      await Promise.all(lanes);
      await listener.stop();
    },
  };
}
