import http from 'node:http';
import pino from 'pino';
import type { FakeTelegram, TelegramCall, TestDatabase } from '@ttfd/testing';
import { parseTelegramConfig } from '../src/config';
import { startTelegramService, type TelegramService } from '../src/main';

export const SECRET = 'test-webhook-secret_0123456789';
export const TOKEN = '123456789:TEST-token_for-fake';

export interface TestBot {
  service: TelegramService;
  url: string;
  /** Log records the service wrote (JSON objects). */
  logs: Record<string, any>[];
  /** POSTs an update to the webhook the way Telegram does; `secret: null` leaves the header off. */
  post(update: unknown, options?: { secret?: string | null; raw?: boolean }): Promise<{ status: number; body: string }>;
  get(path: string): Promise<{ status: number; body: string }>;
}

/** The real service in webhook mode, against a test database and the fake Bot API. */
export async function startTestBot(
  db: TestDatabase,
  fake: FakeTelegram,
  env: Record<string, string> = {},
): Promise<TestBot> {
  const config = parseTelegramConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook',
    TELEGRAM_API_ROOT: fake.url,
    ...env,
  });
  const logs: Record<string, any>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const service = await startTelegramService(config, log);
  // The webhook is registered in the background; tests start from a registered bot.
  await service.parts.webhookRegistration()?.done;
  const url = `http://127.0.0.1:${service.port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  return {
    service: {
      ...service,
      async stop() {
        agent.destroy();
        await service.stop();
      },
    },
    url,
    logs,
    post(update, options = {}) {
      const secret = options.secret === undefined ? SECRET : options.secret;
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
      // node:http with keep-alive rather than fetch: the fuzz test sends thousands of requests.
      return new Promise((resolve, reject) => {
        const req = http.request(`${url}/telegram/webhook`, { method: 'POST', agent, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end(options.raw ? (update as string) : JSON.stringify(update));
      });
    },
    async get(path) {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: await res.text() };
    },
  };
}

/** The value of one sample in Prometheus text, whatever the order of its labels; undefined if absent. */
export function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** What the bot sent to one chat (sendMessage and sendDice), in order. */
export function sentTo(fake: FakeTelegram, chatId: number): TelegramCall[] {
  return fake.calls.filter(
    (c) => (c.method === 'sendMessage' || c.method === 'sendDice') && String(c.params.chat_id) === String(chatId),
  );
}

/** The texts of sendMessage calls among `calls`. */
export const textsOf = (calls: TelegramCall[]): string[] =>
  calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text));
