import type { Logger, MemberMessages, Progression } from '@ttfd/shared';
import type { DiscordMetrics } from './metrics';

export interface MessageCounterOptions {
  /** How long messages are coalesced before one write. */
  flushMs: number;
  cooldownSeconds: number;
  xpMin: number;
  xpMax: number;
  /** A flush starts at once when this many messages wait. */
  maxBatch?: number;
  /** Message ids remembered in memory to drop redeliveries before they reach the database. */
  rememberIds?: number;
}

export interface MessageCounter {
  /** Queues an eligible message; 'duplicate' when this process saw its id already. */
  add(message: {
    id: string;
    channelId: string;
    authorId: string;
    username: string;
    displayName: string;
  }): 'counted' | 'duplicate';
  /** Resolves when every queued message is written (tests, shutdown). */
  idle(): Promise<void>;
  /** Writes what is queued and stops the timer; later messages are refused. */
  drain(): Promise<void>;
}

const RETRY_MS = 1000;

/**
 * Coalesces eligible messages per member for `flushMs` and writes each flush with one
 * statement (recordMessageBatch): a busy guild costs a few commits a second, not one per
 * message. A failed flush keeps its messages and tries again; the database skips any it
 * had already counted.
 */
export function createMessageCounter(
  deps: { progression: Progression; log: Logger; metrics: DiscordMetrics },
  options: MessageCounterOptions,
): MessageCounter {
  const { progression, log, metrics } = deps;
  const maxBatch = options.maxBatch ?? 5000;
  const rememberIds = options.rememberIds ?? 100_000;
  const seen = new Set<string>();
  const known = new Set<string>();
  let pending = new Map<string, MemberMessages>();
  let pendingCount = 0;
  let oldestAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let draining = false;

  function remember(id: string) {
    seen.add(id);
    if (seen.size > rememberIds) seen.delete(seen.values().next().value!);
  }

  function schedule(delay: number) {
    if (timer || flushing) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, delay);
  }

  function takeBack(batch: MemberMessages[]) {
    for (const entry of batch) {
      const queued = pending.get(entry.discordId);
      if (queued) queued.messages.unshift(...entry.messages);
      else pending.set(entry.discordId, entry);
      pendingCount += entry.messages.length;
    }
  }

  function flush(): Promise<void> {
    if (flushing) return flushing;
    flushing = (async () => {
      while (pendingCount > 0) {
        const batch = [...pending.values()];
        const size = pendingCount;
        const since = oldestAt;
        pending = new Map();
        pendingCount = 0;
        try {
          const result = await progression.recordMessages(batch, options, known);
          if (result.counted < size)
            metrics.events.inc({ type: 'message_create', outcome: 'duplicate' }, size - result.counted);
          metrics.flushSize.observe(size);
          metrics.flushLag.observe((performance.now() - since) / 1000);
          if (known.size > 200_000) known.clear();
        } catch (err) {
          log.error({ err, messages: size }, 'could not write the message counts; retrying');
          metrics.events.inc({ type: 'message_create', outcome: 'error' });
          takeBack(batch);
          oldestAt = since;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
          if (draining && pendingCount > 0) continue;
        }
        if (!draining && pendingCount < maxBatch) break;
      }
    })().finally(() => {
      flushing = null;
      // Messages that arrived during the flush have waited already: only the rest of their window.
      const waited = performance.now() - oldestAt;
      if (pendingCount > 0) schedule(pendingCount >= maxBatch ? 0 : Math.max(0, options.flushMs - waited));
    });
    return flushing;
  }

  return {
    add(message) {
      if (draining) throw new Error('the message counter is draining');
      if (seen.has(message.id)) return 'duplicate';
      remember(message.id);
      let entry = pending.get(message.authorId);
      if (!entry) {
        entry = {
          discordId: message.authorId,
          username: message.username,
          displayName: message.displayName,
          messages: [],
        };
        pending.set(message.authorId, entry);
      }
      if (pendingCount === 0) oldestAt = performance.now();
      entry.messages.push({ id: message.id, channelId: message.channelId });
      pendingCount++;
      if (pendingCount >= maxBatch) void flush();
      else schedule(options.flushMs);
      return 'counted';
    },
    async idle() {
      while (pendingCount > 0 || flushing || timer) {
        if (timer) {
          clearTimeout(timer);
          timer = null;
        }
        await flush();
      }
    },
    async drain() {
      draining = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (pendingCount > 0 || flushing) await flush();
    },
  };
}
