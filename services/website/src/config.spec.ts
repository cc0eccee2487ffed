import { ConfigError } from '@ttfd/shared';
import { discordEnabled, linkedRolesEnabled, parseWebsiteConfig, telegramEnabled } from './config';

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
      LEADERBOARD_CACHE_MS: 1000,
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
    expect(parseWebsiteConfig({ ...base, LEADERBOARD_CACHE_MS: '0' }).LEADERBOARD_CACHE_MS).toBe(0);
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
      LEADERBOARD_CACHE_MS: '-5',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ADMIN_EMAILS.0',
      'DISCORD_CLIENT_SECRET',
      'DISCORD_TOKEN_KEY',
      'LEADERBOARD_CACHE_MS',
      'PUBLIC_URL',
      'SESSION_SECRET',
    ]);
  });

  it("takes the sync worker's Linked Roles key (32 bytes, base64) and offers Linked Roles only with it", () => {
    const discord = { ...base, DISCORD_CLIENT_ID: '123456789012345678', DISCORD_CLIENT_SECRET: 'secret' };
    expect(problemsOf({ ...discord, DISCORD_TOKEN_KEY: 'ab'.repeat(32) })).toEqual([
      'DISCORD_TOKEN_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)',
    ]);
    expect(linkedRolesEnabled(parseWebsiteConfig(discord))).toBe(false);
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(linkedRolesEnabled(parseWebsiteConfig({ ...discord, DISCORD_TOKEN_KEY: key }))).toBe(true);
    expect(linkedRolesEnabled(parseWebsiteConfig({ ...base, DISCORD_TOKEN_KEY: key }))).toBe(false);
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
