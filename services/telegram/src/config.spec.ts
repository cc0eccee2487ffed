import { ConfigError } from '@ttfd/shared';
import { parseTelegramConfig } from './config';

const base = { DATABASE_URL: 'postgres://u:p@localhost/ttfd', TELEGRAM_BOT_TOKEN: '123456:ABC-def_1' };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseTelegramConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('telegram configuration', () => {
  it('has defaults for everything but the token and the database', () => {
    expect(parseTelegramConfig(base)).toEqual({
      ...base,
      LOG_LEVEL: 'info',
      PORT: 8081,
      SHUTDOWN_GRACE_SECONDS: 20,
      TELEGRAM_MODE: 'polling',
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      TELEGRAM_DICE_COOLDOWN_SECONDS: 30,
      TELEGRAM_DICE_WIN_XP: 25,
      TELEGRAM_DICE_WIN_COINS: 10,
      TELEGRAM_DICE_PLAY_XP: 5,
    });
  });

  it('names a missing token', () => {
    expect(problems({ DATABASE_URL: base.DATABASE_URL })).toEqual(['TELEGRAM_BOT_TOKEN: is required but not set']);
    expect(problems({ ...base, TELEGRAM_BOT_TOKEN: '  ' })).toEqual(['TELEGRAM_BOT_TOKEN: is required but not set']);
    expect(problems({ ...base, TELEGRAM_BOT_TOKEN: 'not-a-token' })).toEqual([
      'TELEGRAM_BOT_TOKEN: must look like 123456:ABC-DEF (from @BotFather)',
    ]);
  });

  it('needs a secret Telegram accepts in webhook mode', () => {
    expect(problems({ ...base, TELEGRAM_MODE: 'webhook' })).toEqual([
      'TELEGRAM_WEBHOOK_SECRET: is required but not set',
    ]);
    expect(problems({ ...base, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'has spaces in it' })).toEqual([
      'TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters of A-Z, a-z, 0-9, _ or -',
    ]);
    expect(
      parseTelegramConfig({
        ...base,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: 's3cret_-X',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook',
      }),
    ).toMatchObject({ TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook' });
  });

  it('rejects a mode, URL or tuning value it does not understand', () => {
    expect(problems({ ...base, TELEGRAM_MODE: 'push' })[0]).toMatch(/^TELEGRAM_MODE: /);
    expect(problems({ ...base, TELEGRAM_WEBHOOK_URL: 'ftp://x' })[0]).toMatch(/^TELEGRAM_WEBHOOK_URL: /);
    expect(problems({ ...base, TELEGRAM_DICE_COOLDOWN_SECONDS: '-1' })[0]).toMatch(/^TELEGRAM_DICE_COOLDOWN_SECONDS: /);
  });
});
