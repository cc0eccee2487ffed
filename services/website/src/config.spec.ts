import { ConfigError } from '@ttfd/shared';
import { discordEnabled, parseWebsiteConfig, telegramEnabled } from './config';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/ttfd', SESSION_SECRET: 'x'.repeat(32) };

const problemsOf = (env: Record<string, string>) => {
  try {
    parseWebsiteConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('website configuration', () => {
  it('has working defaults for this machine', () => {
    const config = parseWebsiteConfig(base);
    expect(config).toMatchObject({
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      TRUST_PROXY: false,
      DISCORD_API_ROOT: 'https://discord.com/api',
      ADMIN_EMAILS: [],
    });
    expect(discordEnabled(config)).toBe(false);
    expect(telegramEnabled(config)).toBe(false);
  });

  it('parses the proxy setting, the admin list and trailing slashes', () => {
    const config = parseWebsiteConfig({
      ...base,
      TRUST_PROXY: '2',
      ADMIN_EMAILS: ' Root@Example.org, ops@example.org ',
      PUBLIC_URL: 'https://ttfd.example/',
    });
    expect(config.TRUST_PROXY).toBe(2);
    expect(config.ADMIN_EMAILS).toEqual(['root@example.org', 'ops@example.org']);
    expect(config.PUBLIC_URL).toBe('https://ttfd.example');
    expect(parseWebsiteConfig({ ...base, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parseWebsiteConfig({ ...base, TRUST_PROXY: 'loopback' }).TRUST_PROXY).toBe('loopback');
  });

  it('names every bad variable', () => {
    expect(problemsOf({ DATABASE_URL: base.DATABASE_URL })).toEqual(['SESSION_SECRET: is required but not set']);
    const problems = problemsOf({
      ...base,
      SESSION_SECRET: 'short',
      PUBLIC_URL: 'ftp://x',
      ADMIN_EMAILS: 'not-an-email',
      DISCORD_TOKEN_KEY: 'abc',
      DISCORD_CLIENT_ID: '123456789012345678',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ADMIN_EMAILS.0',
      'DISCORD_CLIENT_SECRET',
      'DISCORD_TOKEN_KEY',
      'PUBLIC_URL',
      'SESSION_SECRET',
    ]);
  });

  it('turns the Telegram widget on only with the bot username', () => {
    const token = { ...base, TELEGRAM_BOT_TOKEN: '123:abc' };
    expect(telegramEnabled(parseWebsiteConfig(token))).toBe(false);
    expect(telegramEnabled(parseWebsiteConfig({ ...token, TELEGRAM_BOT_USERNAME: 'ttfd_bot' }))).toBe(true);
    expect(problemsOf({ ...base, TELEGRAM_BOT_USERNAME: 'ttfd_bot' })).toEqual([
      'TELEGRAM_BOT_TOKEN: is required but not set',
    ]);
  });
});
