import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { findLiveUpdatesSince, type LiveUpdate, type Logger } from '@ttfd/shared';
import type { LiveHub } from './live-hub';

export interface LiveStreamOptions {
  pool: Pool;
  hub: LiveHub;
  log: Logger;
  userId: string;
  /**
   * The last update the browser has (the `Last-Event-ID` header, else the page's `after`):
   * what follows it is read from the event log first. Null: only updates from now on.
   */
  after: string | null;
  /** A comment line this often keeps proxies and the browser from timing the stream out. */
  heartbeatMs: number;
  /** Bytes an unread stream may hold back before it is closed (the browser then resumes). */
  maxQueuedBytes: number;
  /** Updates read back on resume; past this the browser is told to reload instead. */
  resumeLimit: number;
}

/** Whether `value` is a usable `Last-Event-ID` / `after`: an event's seq. */
export function isEventSeq(value: string): boolean {
  return /^\d{1,18}$/.test(value);
}

const frame = (u: LiveUpdate) => `id: ${u.seq}\nevent: update\ndata: ${JSON.stringify(u)}\n\n`;

/**
 * Streams a player's live updates as server-sent events (`event: update`, id = the event's
 * seq). Each update goes out once and in order: the resume from the log and the live
 * notifications are joined on seq. A browser that stops reading is not buffered for
 * without end: past `maxQueuedBytes` its stream gets `event: overflow` and is closed, and
 * the browser's automatic reconnection resumes from the log with `Last-Event-ID`.
 */
export function openLiveStream(req: IncomingMessage, res: ServerResponse, options: LiveStreamOptions): void {
  const { pool, hub, log, userId } = options;
  const { metrics } = hub;
  let lastSeq: bigint | null = options.after === null ? null : BigInt(options.after);
  let replaying = false;
  let held: LiveUpdate[] = [];
  let queue: string[] = [];
  let queuedBytes = 0;
  let blocked = false;
  let closed = false;

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  metrics.streams.inc();

  function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    metrics.streams.dec();
    queue = [];
  }

  function flush() {
    blocked = false;
    while (queue.length > 0 && !blocked && !closed) {
      const chunk = queue.shift()!;
      queuedBytes -= Buffer.byteLength(chunk);
      blocked = !res.write(chunk);
    }
    if (blocked) res.once('drain', flush);
  }

  function send(chunk: string) {
    if (closed) return;
    if (!blocked) {
      if (!res.write(chunk)) {
        blocked = true;
        res.once('drain', flush);
      }
      return;
    }
    queue.push(chunk);
    queuedBytes += Buffer.byteLength(chunk);
    if (queuedBytes > options.maxQueuedBytes) overflow();
  }

  function overflow() {
    metrics.slowClientsDropped.inc();
    log.info({ queuedBytes }, 'live stream closed: the browser does not keep up; it resumes from the event log');
    close();
    res.end('event: overflow\ndata: {"resume":true}\n\n');
    // A browser that reads nothing more never takes even that: its socket is let go.
    setTimeout(() => res.destroy(), 5_000).unref();
  }

  function emit(update: LiveUpdate) {
    const seq = BigInt(update.seq);
    if (lastSeq !== null && seq <= lastSeq) return;
    lastSeq = seq;
    send(frame(update));
  }

  async function replay() {
    if (lastSeq === null) return;
    replaying = true;
    try {
      const missed = await findLiveUpdatesSince(pool, userId, lastSeq.toString(), options.resumeLimit);
      if (closed) return;
      if (missed.length === options.resumeLimit) {
        // Too far behind to catch up update by update: the page reloads its state.
        close();
        res.end('event: reload\ndata: {}\n\n');
        return;
      }
      for (const u of missed) emit(u);
    } catch (err) {
      log.warn({ err }, 'live stream could not read the event log; the browser reconnects');
      close();
      res.destroy();
      return;
    }
    const waiting = held;
    held = [];
    replaying = false;
    for (const u of waiting) emit(u);
  }

  const unsubscribe = hub.subscribe({
    userId,
    deliver(update) {
      if (closed) return;
      if (!replaying) return emit(update);
      held.push(update);
      // More than a resume's worth arrived while reading the log: resuming again is cheaper.
      if (held.length > options.resumeLimit) overflow();
    },
    resync() {
      if (!closed && !replaying) void replay();
    },
    end() {
      close();
      res.end();
    },
  });
  const heartbeat = setInterval(() => {
    if (!blocked) send(': heartbeat\n\n');
  }, options.heartbeatMs);
  req.on('close', close);
  res.on('close', close);

  send('retry: 2000\n\n');
  if (lastSeq !== null) void replay();
}
