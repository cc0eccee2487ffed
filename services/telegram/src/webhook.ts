import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bot, Update } from 'node-telegram-bot-api';
import type { Logger, Route } from '@ttfd/shared';
import type { TelegramMetrics } from './metrics';
import { isUpdate } from './update';

export const WEBHOOK_PATH = '/telegram/webhook';

/** Telegram's updates are far below this; anything bigger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface Webhook {
  /** `POST /telegram/webhook` for startOpsServer's routes. */
  route: Route;
  /** Refuses new updates with 503 (Telegram redelivers them) and waits for those being handled. */
  drain(): Promise<void>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks);
}

/**
 * The webhook endpoint. Answers, in order:
 *   401 without the X-Telegram-Bot-Api-Secret-Token header, 403 with a wrong one (compared
 *   in constant time), 503 while shutting down, 413 for a body over 1 MiB, 400 for a body
 *   that is not an update (JSON object with a non-negative integer update_id), and 200 once
 *   the update was handled. A failing command is answered with an apology and still 200:
 *   its award either committed or did not, and a redelivery would only repeat the apology.
 * The library's webhookCallback is not used because it answers 401 to both a missing and a
 * wrong secret, reads bodies of any size, and hands any JSON value to the bot.
 */
export function createWebhook(options: { bot: Bot; secret: string; log: Logger; metrics: TelegramMetrics }): Webhook {
  const { bot, log, metrics } = options;
  const expected = digest(options.secret);
  const inFlight = new Set<Promise<void>>();
  let draining = false;

  const route: Route = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    };
    const header = req.headers['x-telegram-bot-api-secret-token'];
    if (header === undefined) {
      metrics.updates.inc({ type: 'unknown', outcome: 'unauthorized' });
      return send(401, 'missing secret token\n');
    }
    if (!timingSafeEqual(digest(Array.isArray(header) ? header.join(',') : header), expected)) {
      metrics.updates.inc({ type: 'unknown', outcome: 'forbidden' });
      log.warn({ remote: req.socket.remoteAddress }, 'webhook call with a wrong secret token');
      return send(403, 'wrong secret token\n');
    }
    if (draining) return send(503, 'shutting down\n', { 'retry-after': '1' });
    const body = await readBody(req);
    if (body === null) {
      metrics.updates.inc({ type: 'unknown', outcome: 'malformed' });
      return send(413, 'body too large\n');
    }
    let update: unknown;
    try {
      update = JSON.parse(body.toString('utf8'));
    } catch {
      update = undefined;
    }
    if (!isUpdate(update)) {
      metrics.updates.inc({ type: 'unknown', outcome: 'malformed' });
      return send(400, 'not a Telegram update\n');
    }
    const work = bot.handleUpdate(update as Update);
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
    return send(200, '');
  };

  return {
    route,
    async drain() {
      draining = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
