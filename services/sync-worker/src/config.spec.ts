import { ConfigError } from '@ttfd/shared';
import { parseSyncWorkerConfig } from './config';

const DATABASE_URL = 'postgres://ttfd:secret@db:5432/ttfd';

describe('sync worker configuration', () => {
  it('runs on the database alone, with every platform driver off and the documented defaults', () => {
    expect(parseSyncWorkerConfig({ DATABASE_URL })).toMatchObject({
      PORT: 8083,
      LOG_LEVEL: 'info',
      DISCORD_TOKEN: undefined,
      DISCORD_GUILD_ID: undefined,
      DISCORD_API_ROOT: 'https://discord.com/api',
      TELEGRAM_BOT_TOKEN: undefined,
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      SYNC_LISTEN_DATABASE_URL: undefined,
      SYNC_BATCH_SIZE: 1_000,
      SYNC_BATCHES_IN_FLIGHT: 2,
      SYNC_CONCURRENCY: 16,
      SYNC_MAX_ATTEMPTS: 10,
      SYNC_BACKOFF_BASE_MS: 1_000,
      SYNC_BACKOFF_MAX_MS: 300_000,
      SYNC_LEASE_MS: 30_000,
      SYNC_POLL_MS: 2_000,
      SYNC_LISTEN_CHECK_MS: 15_000,
      SYNC_DRIVER_TIMEOUT_MS: 10_000,
      SYNC_RATE_LIMIT_WAIT_MS: 2_000,
    });
  });

  it('names every bad variable', () => {
    const env = {
      DATABASE_URL: 'mysql://nope',
      TELEGRAM_BOT_TOKEN: 'not-a-token',
      DISCORD_GUILD_ID: 'guild',
      SYNC_LEASE_MS: '10',
      WORKER_ID: 'has spaces',
    };
    expect(() => parseSyncWorkerConfig(env)).toThrow(ConfigError);
    try {
      parseSyncWorkerConfig(env);
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
        'DATABASE_URL',
        'DISCORD_GUILD_ID',
        'TELEGRAM_BOT_TOKEN',
        'SYNC_LEASE_MS',
        'WORKER_ID',
      ]);
    }
  });

  it('Linked Roles: a key that is not 32 bytes of base64 is named, and so is what it needs besides', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseSyncWorkerConfig({ DATABASE_URL, ...env });
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(
      problems({
        DISCORD_TOKEN_KEY: Buffer.alloc(16, 1).toString('base64'),
        DISCORD_APPLICATION_ID: '700000000000000001',
        DISCORD_CLIENT_SECRET: 'client-secret',
      }),
    ).toEqual(['DISCORD_TOKEN_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)']);
    expect(problems({ DISCORD_TOKEN_KEY: Buffer.alloc(32, 1).toString('base64') })).toEqual([
      'DISCORD_APPLICATION_ID: is required but not set',
      'DISCORD_CLIENT_SECRET: is required but not set',
    ]);
    const config = parseSyncWorkerConfig({
      DATABASE_URL,
      DISCORD_TOKEN_KEY: Buffer.alloc(32, 1).toString('base64'),
      DISCORD_APPLICATION_ID: '700000000000000001',
      DISCORD_CLIENT_SECRET: 'client-secret',
    });
    expect(config.DISCORD_TOKEN_KEY?.length).toBe(32);
  });
});
