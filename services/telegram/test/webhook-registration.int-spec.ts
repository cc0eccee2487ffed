import pino from 'pino';
import { createTestDatabase, startFakeTelegram, waitUntil, type FakeTelegram, type TestDatabase } from '@ttfd/testing';
import { parseTelegramConfig } from '../src/config';
import { startTelegramService, type TelegramService } from '../src/main';
import { SECRET, TOKEN } from './harness';

const URL_ = 'https://bot.example.org/telegram/webhook';

let db: TestDatabase;
let fake: FakeTelegram;
const running: TelegramService[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  fake = await startFakeTelegram();
});
beforeEach(() => {
  fake.webhook = null;
  fake.calls.length = 0;
  fake.clearFaults();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

interface Replica {
  service: TelegramService;
  logs: Record<string, any>[];
  failures: unknown[];
  readyz(): Promise<number>;
  failing(): Promise<number | undefined>;
}

async function startReplica(env: Record<string, string> = {}): Promise<Replica> {
  const config = parseTelegramConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_WEBHOOK_URL: URL_,
    TELEGRAM_API_ROOT: fake.url,
    ...env,
  });
  const logs: Record<string, any>[] = [];
  const failures: unknown[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const service = await startTelegramService(config, log, (err) => failures.push(err), { webhookRetryMs: 50 });
  running.push(service);
  return {
    service,
    logs,
    failures,
    readyz: async () => (await fetch(`http://127.0.0.1:${service.port}/readyz`)).status,
    failing: async () =>
      (await service.registry.getSingleMetric('ttfd_telegram_webhook_registration_failing')!.get()).values[0]?.value,
  };
}

const settled = (replica: Replica) => replica.service.parts.webhookRegistration()!.done;

describe('webhook registration', () => {
  it('is done once: a replica that finds the webhook as configured leaves it alone', async () => {
    const first = await startReplica();
    await settled(first);
    expect(fake.callsOf('setWebhook')).toHaveLength(1);
    expect(fake.webhook).toMatchObject({ secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
    const registered = fake.webhook!.url;
    expect(new URL(registered).pathname).toBe('/telegram/webhook');

    const second = await startReplica();
    const third = await startReplica();
    await Promise.all([settled(second), settled(third)]);
    expect(fake.callsOf('getWebhookInfo')).toHaveLength(3);
    expect(fake.callsOf('setWebhook')).toHaveLength(1);
    expect(fake.webhook!.url).toBe(registered);
    expect(second.logs.map((l) => l.msg)).toContain(
      'webhook already registered with Telegram as configured; left unchanged',
    );
    expect(await second.failing()).toBe(0);
  });

  it('sets the webhook again when the secret, the URL or the updates differ from what Telegram has', async () => {
    const first = await startReplica();
    await settled(first);
    const before = fake.webhook!.url;
    await first.service.stop();

    // A rotated secret cannot be read back from Telegram: the URL's marker changes with it.
    const rotated = await startReplica({ TELEGRAM_WEBHOOK_SECRET: 'a-new-webhook-secret_987654321' });
    await settled(rotated);
    expect(fake.callsOf('setWebhook')).toHaveLength(2);
    expect(fake.webhook!.secret_token).toBe('a-new-webhook-secret_987654321');
    expect(fake.webhook!.url).not.toBe(before);
    expect(fake.webhook!.url).not.toContain('a-new-webhook-secret');
    await rotated.service.stop();

    // Someone changed the allowed updates by hand.
    fake.webhook = { ...fake.webhook!, allowed_updates: ['message'] };
    const again = await startReplica({ TELEGRAM_WEBHOOK_SECRET: 'a-new-webhook-secret_987654321' });
    await settled(again);
    expect(fake.callsOf('setWebhook')).toHaveLength(3);
    expect(fake.webhook!.allowed_updates).toEqual(['message', 'callback_query']);
  });

  it('waits out a 429 as Telegram asks, serving meanwhile, and never stops the service', async () => {
    fake.fail(
      'setWebhook',
      { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 },
      { times: 4 },
    );
    const replica = await startReplica();
    // Started and ready while Telegram still refuses.
    expect(await replica.readyz()).toBe(200);
    await waitUntil(
      () => replica.logs.some((l) => /could not register the webhook with Telegram \(429/.test(l.msg)),
      15_000,
      'the 429 logged',
    );
    expect(await replica.failing()).toBe(1);
    await settled(replica);
    expect(fake.webhook).toMatchObject({ secret_token: SECRET });
    expect(await replica.failing()).toBe(0);
    const attempts = fake.callsOf('setWebhook').map((c) => c.at);
    expect(attempts).toHaveLength(5);
    // Never sooner than the retry_after of 1 s between attempts.
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(replica.failures).toEqual([]);
  });

  it('retries other refusals with backoff, logging each reason once, without failing', async () => {
    fake.fail(
      'setWebhook',
      { error_code: 400, description: 'Bad Request: bad webhook: Failed to resolve host' },
      {
        times: 3,
      },
    );
    const replica = await startReplica();
    await settled(replica);
    expect(fake.callsOf('setWebhook')).toHaveLength(4);
    const warnings = replica.logs.filter((l) => /could not register the webhook/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('400 Bad Request: bad webhook: Failed to resolve host');
    expect(replica.failures).toEqual([]);
    expect(await replica.readyz()).toBe(200);
  });
});
