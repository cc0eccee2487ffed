import { Bot, NetworkError, ParseError, TelegramApiError, TimeoutError } from 'node-telegram-bot-api';
import { DeliveryError, outcomeOf, type ObserveRequest } from './delivery-error';

/** Telegram effects of the event pipeline. */
export interface TelegramDriver {
  readonly platform: 'telegram';
  notify(input: { chatId: string; text: string }): Promise<{ messageId: string }>;
}

export interface TelegramDriverOptions {
  token: string;
  /** Bot API origin (default https://api.telegram.org). */
  apiRoot?: string;
  timeoutMs?: number;
  /** A `retry_after` up to this long is waited out in place; longer ones fail as rate_limited. */
  maxRateLimitWaitMs?: number;
  observe?: ObserveRequest;
}

function classify(err: unknown): DeliveryError {
  if (err instanceof TelegramApiError) {
    const what = `${err.errorCode} ${err.description}`;
    if (err.errorCode === 429)
      return new DeliveryError('telegram', 'rate_limited', what, {
        retryAfterMs: (err.retryAfter ?? 1) * 1000,
        cause: err,
      });
    // 403: the bot was blocked or kicked, the user deactivated; 400 chat not found: the
    // player cannot be reached. Any other 400 is a bad request of ours. 401/404: a bad token.
    if (err.errorCode === 403 || (err.errorCode === 400 && /chat not found/i.test(err.description)))
      return new DeliveryError('telegram', 'unreachable', what, { cause: err });
    if (err.errorCode === 400) return new DeliveryError('telegram', 'permanent', what, { cause: err });
    return new DeliveryError('telegram', 'transient', what, { cause: err });
  }
  if (err instanceof TimeoutError || err instanceof ParseError)
    return new DeliveryError('telegram', 'transient', err.message, { maybeDelivered: true, cause: err });
  if (err instanceof NetworkError) return new DeliveryError('telegram', 'transient', err.message, { cause: err });
  return new DeliveryError('telegram', 'transient', (err as Error)?.message ?? String(err), { cause: err });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Telegram driver on node-telegram-bot-api 2 (`bot.api.sendMessage`). */
export function createTelegramDriver(options: TelegramDriverOptions): TelegramDriver {
  const maxWait = options.maxRateLimitWaitMs ?? 2_000;
  // No retries inside the library: a retried sendMessage after a timeout could arrive twice.
  const bot = new Bot(options.token, {
    apiRoot: options.apiRoot,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRetries: 0,
  });
  const observe = options.observe ?? (() => {});

  async function send(chatId: string, text: string, waited: boolean): Promise<{ messageId: string }> {
    try {
      const message = await bot.api.sendMessage({ chat_id: chatId, text });
      observe('ok');
      return { messageId: String(message.message_id) };
    } catch (err) {
      const failure = classify(err);
      observe(outcomeOf(failure));
      // A 429 means the message was not taken: waiting a short retry_after out here is safe.
      if (failure.failure === 'rate_limited' && !waited && failure.retryAfterMs! <= maxWait) {
        await sleep(failure.retryAfterMs!);
        return send(chatId, text, true);
      }
      throw failure;
    }
  }

  return {
    platform: 'telegram',
    notify: ({ chatId, text }) => send(chatId, text, false),
  };
}
