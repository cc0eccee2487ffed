import { createHmac } from 'node:crypto';
import { TelegramApiError, type Api } from 'node-telegram-bot-api';
import type { Logger } from '@ttfd/shared';

/**
 * Registers the webhook with Telegram so that every replica can start at once without a
 * storm of setWebhook calls, and none crash-loops when Telegram is slow or rate limits.
 *
 * Telegram's getWebhookInfo tells the URL and the allowed updates but never the secret
 * token, so a rotated secret would go unnoticed if only the URL were compared. The URL
 * registered therefore carries a marker of the whole configuration: `ttfd_config=<HMAC of
 * the URL and the allowed updates keyed by the secret>` (the query string changes no route:
 * the Ingress and the service match the path). A replica whose getWebhookInfo shows the
 * same URL, marker included, and the same allowed updates changes nothing; any difference
 * (another URL, other updates, a new secret, a webhook removed by hand) makes it call
 * setWebhook. The HMAC tells nothing of the secret.
 *
 * Failures never stop the service: 429 waits the retry_after Telegram asks for, anything
 * else retries with a capped backoff, and each new reason is logged once. The replica keeps
 * serving updates meanwhile (its siblings may have registered already).
 */

export interface WebhookSettings {
  url: string;
  secret: string;
  allowedUpdates: string[];
}

export interface WebhookRegistrationOptions {
  /** First retry delay and cap of the backoff for errors other than 429 (ms). */
  retryMs?: number;
  maxRetryMs?: number;
  /** Called with the state after each attempt (for the metric). */
  onState?: (registered: boolean) => void;
}

export interface WebhookRegistration {
  /** Resolves once Telegram has the webhook as configured, or when stopped. */
  done: Promise<void>;
  registered(): boolean;
  stop(): void;
}

export const CONFIG_PARAM = 'ttfd_config';

/** The URL to register: the configured one with the configuration's marker in its query. */
export function markedWebhookUrl({ url, secret, allowedUpdates }: WebhookSettings): string {
  const marker = createHmac('sha256', secret)
    .update(`${url}\n${[...allowedUpdates].sort().join(',')}`)
    .digest('hex')
    .slice(0, 32);
  const marked = new URL(url);
  marked.searchParams.set(CONFIG_PARAM, marker);
  return marked.toString();
}

const sameSet = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

function describe(err: unknown): string {
  if (err instanceof TelegramApiError) return `${err.errorCode} ${err.description}`;
  return err instanceof Error ? err.message : String(err);
}

export function registerWebhook(
  api: Api,
  settings: WebhookSettings,
  log: Logger,
  options: WebhookRegistrationOptions = {},
): WebhookRegistration {
  const retryMs = options.retryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 300_000;
  const url = markedWebhookUrl(settings);
  let stopped = false;
  let registered = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const attempt = async (): Promise<'unchanged' | 'set'> => {
    const info = await api.getWebhookInfo();
    if (info.url === url && sameSet(info.allowed_updates, settings.allowedUpdates)) return 'unchanged';
    await api.setWebhook({ url, secret_token: settings.secret, allowed_updates: settings.allowedUpdates });
    return 'set';
  };

  const run = async () => {
    let delay = retryMs;
    let lastProblem = '';
    while (!stopped) {
      try {
        const outcome = await attempt();
        registered = true;
        options.onState?.(true);
        const where = { url: settings.url };
        if (outcome === 'set') log.info(where, 'webhook registered with Telegram');
        else log.info(where, 'webhook already registered with Telegram as configured; left unchanged');
        return;
      } catch (err) {
        options.onState?.(false);
        const problem = describe(err);
        const limited = err instanceof TelegramApiError && err.errorCode === 429;
        const wait = limited ? (err.retryAfter ?? 1) * 1000 : delay;
        if (problem !== lastProblem) {
          log.warn({ err, retryInMs: wait }, `could not register the webhook with Telegram (${problem}); retrying`);
        }
        lastProblem = problem;
        if (!limited) delay = Math.min(delay * 2, maxRetryMs);
        await sleep(wait);
      }
    }
  };

  return {
    done: run(),
    registered: () => registered,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      (wake as (() => void) | null)?.();
    },
  };
}
