import path from 'node:path';
import {
  createTestDatabase,
  spawnMain,
  killSpawned,
  startFakeTelegram,
  waitUntil,
  type FakeTelegram,
  type TestDatabase,
} from '@ttfd/testing';
import { SECRET, TOKEN } from './harness';
import { messageUpdate, telegramUser } from './updates';

const MAIN = path.resolve(__dirname, '../src/main.ts');

let db: TestDatabase;
let fake: FakeTelegram;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  fake = await startFakeTelegram();
});
afterAll(async () => {
  killSpawned();
  await fake?.close();
  await db?.drop();
});

const start = (env: Record<string, string>) => spawnMain(MAIN, env);

describe('configuration', () => {
  it('exits non-zero naming TELEGRAM_BOT_TOKEN when it is not set', async () => {
    const bot = start({ DATABASE_URL: db.url });
    expect(await bot.exited).toBe(78);
    expect(bot.output()).toContain('TELEGRAM_BOT_TOKEN: is required but not set');
  });

  it('exits non-zero naming TELEGRAM_WEBHOOK_SECRET in webhook mode without one', async () => {
    const bot = start({ DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'webhook' });
    expect(await bot.exited).toBe(78);
    expect(bot.output()).toContain('TELEGRAM_WEBHOOK_SECRET');
  });
});

describe('long polling', () => {
  it('answers updates from getUpdates and stops cleanly on SIGTERM', async () => {
    const bot = start({
      DATABASE_URL: db.url,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      PORT: '0',
    });
    await bot.logged('telegram bot up (long polling)');
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
    const from = telegramUser(9501);
    fake.pushUpdate(messageUpdate(from, '/daily'));
    await waitUntil(() => fake.callsOf('sendMessage', from.id).length > 0, 10_000, 'the reply');
    expect(fake.callsOf('sendMessage', from.id)[0]!.params.text).toContain('Ежедневная награда: +50');
    const { rows } = await db.pool.query('SELECT xp FROM unified_users WHERE telegram_id = 9501');
    expect(rows).toEqual([{ xp: '50' }]);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('"msg":"draining"');
  });
});

describe('webhook', () => {
  it('registers the webhook, serves it on PORT and finishes an update in hand on SIGTERM', async () => {
    const bot = start({
      DATABASE_URL: db.url,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook',
      PORT: '0',
    });
    await bot.logged('webhook registered with Telegram');
    expect(fake.webhook).toEqual({
      url: expect.stringMatching(/^https:\/\/bot\.example\.org\/telegram\/webhook\?ttfd_config=[0-9a-f]{32}$/),
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
    const port = Number(/"port":(\d+)/.exec(bot.output())![1]);

    // A slow Bot API: the update is still being handled when SIGTERM arrives.
    fake.delayMs = 300;
    const from = telegramUser(9502);
    const delivery = fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(messageUpdate(from, '/daily')),
    });
    await waitUntil(() => fake.callsOf('sendMessage', from.id).length > 0, 10_000, 'the reply to start');
    bot.child.kill('SIGTERM');
    expect((await delivery).status).toBe(200);
    expect(await bot.exited).toBe(0);
    fake.delayMs = 0;
    const { rows } = await db.pool.query('SELECT xp FROM unified_users WHERE telegram_id = 9502');
    expect(rows).toEqual([{ xp: '50' }]);
  });
});
