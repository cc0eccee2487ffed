import pino from 'pino';
import { createTestDatabase, startFakeDiscord, waitUntil, type FakeDiscord, type TestDatabase } from '@ttfd/testing';
import { GATEWAY_LOCK_APPLICATION } from '../src/gateway-lock';
import { startDiscordService, type DiscordService } from '../src/main';
import { addCommunityGuild, testConfig } from './harness';

let db: TestDatabase;
let fake: FakeDiscord;
const running: DiscordService[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  fake = await startFakeDiscord();
  addCommunityGuild(fake);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

interface Bot {
  service: DiscordService;
  logs: Record<string, any>[];
  failures: unknown[];
  readyz(): Promise<{ status: number; body: string }>;
}

async function startBot(): Promise<Bot> {
  const logs: Record<string, any>[] = [];
  const failures: unknown[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const service = await startDiscordService(testConfig(db, fake), log, {
    lockRetryMs: 100,
    fail: (err) => failures.push(err),
  });
  running.push(service);
  const readyz = async () => {
    const response = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    return { status: response.status, body: await response.text() };
  };
  return { service, logs, failures, readyz };
}

const metric = async (bot: Bot, name: string) =>
  (await bot.service.registry.getSingleMetric(name)!.get()).values[0]?.value;

describe('the gateway lock', () => {
  it('lets one bot log in; a second one waits, not ready, and says why, until the first stops', async () => {
    const identified = fake.gateway.sessions.length;
    const first = await startBot();
    await first.service.parts.gatewayReady;
    expect(fake.gateway.sessions.length).toBe(identified + 1);

    const second = await startBot();
    await waitUntil(
      () => second.logs.some((l) => /another Discord bot holds the gateway lock/.test(l.msg)),
      10_000,
      'the second bot saying it waits',
    );
    // Several retries later it still has not identified.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.gateway.sessions.length).toBe(identified + 1);
    expect(fake.gateway.connected()).toHaveLength(1);
    const waiting = await second.readyz();
    expect(waiting.status).toBe(503);
    expect(waiting.body).toContain('another Discord bot holds the gateway lock ttfd:discord-gateway:');
    expect(await metric(second, 'ttfd_discord_gateway_connected')).toBe(0);
    expect(await metric(first, 'ttfd_discord_gateway_connected')).toBe(1);
    expect((await first.readyz()).status).toBe(200);

    // The first bot goes (a pod evicted, then gone): only then does the second log in.
    await first.service.stop();
    await fake.gateway.waitForIdentify(identified + 2, 10_000);
    await second.service.parts.gatewayReady;
    await waitUntil(async () => (await second.readyz()).status === 200, 10_000, 'the second bot ready');
    expect(fake.gateway.sessions.length).toBe(identified + 2);
    expect(fake.gateway.connected()).toHaveLength(1);
    expect(second.failures).toEqual([]);
  });

  it('stops the gateway session when the lock’s connection dies, so a restart can take over', async () => {
    const bot = await startBot();
    await bot.service.parts.gatewayReady;
    expect(fake.gateway.connected()).toHaveLength(1);
    expect(await db.terminate(GATEWAY_LOCK_APPLICATION)).toBe(1);
    await waitUntil(() => bot.failures.length > 0, 10_000, 'the bot giving up its session');
    expect(String(bot.failures[0])).toMatch(/lost the Discord gateway lock .*: stopping the gateway session/);
    await waitUntil(() => fake.gateway.connected().length === 0, 10_000, 'the gateway connection closed');
    expect((await bot.readyz()).status).toBe(503);
  });
  it('names the holder in its own database, not a bot of another database on the same server', async () => {
    const other = await createTestDatabase({ poolSize: 2 });
    const elsewhere = await startDiscordService(testConfig(other, fake), pino({ level: 'silent' }), {
      lockRetryMs: 100,
      fail: () => undefined,
    });
    try {
      // Another community's bot (same key, its own database) holds its lock first.
      await elsewhere.parts.gatewayReady;
      const first = await startBot();
      await first.service.parts.gatewayReady;
      const second = await startBot();
      await waitUntil(() => second.logs.some((l) => l.holderPid !== undefined), 10_000, 'the holder named');
      const { rows } = await db.pool.query(
        `SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1 AND a.datname = current_database()`,
        [GATEWAY_LOCK_APPLICATION],
      );
      expect(rows).toHaveLength(1);
      expect(second.logs.find((l) => l.holderPid !== undefined)!.holderPid).toBe(rows[0].pid);
    } finally {
      await elsewhere.stop();
      await other.drop();
    }
  });
});
