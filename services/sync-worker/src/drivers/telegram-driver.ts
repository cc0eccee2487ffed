import { Bot, NetworkError, ParseError, TelegramApiError, TimeoutError } from 'node-telegram-bot-api';
import { credentialsGuard, DeliveryError, outcomeOf, type ObserveRequest } from './delivery-error';

/** Telegram effects of the event pipeline. */
export interface TelegramDriver {
  readonly platform: 'telegram';
  /** Set once Telegram refused the token (401): nothing more is sent. */
  readonly fault: string | null;
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
  /** Told once when Telegram refuses the token. */
  onFault?: (message: string) => void;
}

/** Connection failures that happen before a request is written: the message cannot have been sent. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) if (typeof e.code === 'string') return e.code;
  return undefined;
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
    if (err.errorCode === 401) return new DeliveryError('telegram', 'misconfigured', what, { cause: err });
    return new DeliveryError('telegram', 'transient', what, { cause: err });
  }
  if (err instanceof TimeoutError || err instanceof ParseError)
    return new DeliveryError('telegram', 'transient', err.message, { maybeDelivered: true, cause: err });
  if (err instanceof NetworkError) {
    // A connection that broke after the request went out (reset, closed mid-answer) may
    // have delivered the message, as a timeout may: it is not sent again.
    const code = causeCode(err.cause);
    const written = err.cause !== undefined && !(code && NOT_SENT_CODES.has(code));
    const what = code ? `${err.message} (${code})` : err.message;
    return new DeliveryError('telegram', 'transient', what, { maybeDelivered: written, cause: err });
  }
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
  const credentials = credentialsGuard('telegram', 'TELEGRAM_BOT_TOKEN', options.onFault);

  async function send(chatId: string, text: string, waited: boolean): Promise<{ messageId: string }> {
    credentials.check();
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
      throw credentials.note(failure);
    }
  }

  return {
    platform: 'telegram',
    get fault() {
      return credentials.fault;
    },
    notify: ({ chatId, text }) => send(chatId, text, false),
  };
}
