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
  /** Statements (each on its own connection) a flush of many members is split into. */
  connections?: number;
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
/** Members from which a flush is worth a statement of its own. */
const MEMBERS_PER_PART = 250;

/**
 * Coalesces eligible messages per member for `flushMs` and writes each flush with one
 * statement (recordMessageBatch): a busy guild costs a few commits a second, not one per
 * message. A flush of many members (a backlog, a crowd) is split by member into up to
 * `connections` statements written side by side; members never share one, so they
 * never wait for each other's rows. A failed flush keeps its messages and tries again;
 * the database skips any it had already counted.
 */
export function createMessageCounter(
  deps: { progression: Progression; log: Logger; metrics: DiscordMetrics },
  options: MessageCounterOptions,
): MessageCounter {
  const { progression, log, metrics } = deps;
  const maxBatch = options.maxBatch ?? 5000;
  const rememberIds = options.rememberIds ?? 100_000;
  const connections = options.connections ?? 2;
  const duplicates = metrics.events.labels('message_create', 'duplicate');
  const errors = metrics.events.labels('message_create', 'error');
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

  function partsOf(batch: MemberMessages[]): MemberMessages[][] {
    const count = Math.min(connections, Math.floor(batch.length / MEMBERS_PER_PART));
    if (count <= 1) return [batch];
    const parts: MemberMessages[][] = Array.from({ length: count }, () => []);
    batch.forEach((entry, i) => parts[i % count]!.push(entry));
    return parts;
  }

  /** Writes one part; a failed part goes back to the queue (the other parts stay written). */
  async function write(part: MemberMessages[]): Promise<boolean> {
    const size = part.reduce((n, entry) => n + entry.messages.length, 0);
    try {
      const result = await progression.recordMessages(part, options, known);
      if (result.counted < size) duplicates.inc(size - result.counted);
      return true;
    } catch (err) {
      log.error({ err, messages: size }, 'could not write the message counts; retrying');
      errors.inc();
      takeBack(part);
      return false;
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
        const written = await Promise.all(partsOf(batch).map(write));
        if (written.every(Boolean)) {
          metrics.flushSize.observe(size);
          metrics.flushLag.observe((performance.now() - since) / 1000);
          if (known.size > 200_000) known.clear();
        } else {
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
