import path from 'node:path';
import pino from 'pino';
import {
  createTestDatabase,
  fakeUser,
  INTENTS,
  killSpawned,
  spawnMain,
  startFakeDiscord,
  waitUntil,
  type FakeDiscord,
  type TestDatabase,
} from '@ttfd/testing';
import { startDiscordService } from '../src/main';
import {
  addCommunityGuild,
  GUILD,
  member,
  playerOf,
  settle,
  startTestBot,
  testConfig,
  TEXT,
  TOKEN,
  type TestBot,
} from './harness';

const MAIN = path.resolve(__dirname, '../src/main.ts');
const CAROL = '300000000000000001';

let db: TestDatabase;
let fake: FakeDiscord;
let bot: TestBot | null = null;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  fake = await startFakeDiscord();
  addCommunityGuild(fake, [member(CAROL)]);
});
afterEach(async () => {
  // A bot process a failed test left running would hold the gateway lock from the next ones.
  killSpawned();
  fake.gateway.refuseConnections = false;
  await bot?.stop();
  bot = null;
});
afterAll(async () => {
  killSpawned();
  await fake?.close();
  await db?.drop();
});

const start = (env: Record<string, string>) => spawnMain(MAIN, env);

describe('configuration', () => {
  it.each([
    [{}, 'DISCORD_TOKEN: is required but not set'],
    [
      { DISCORD_TOKEN: TOKEN, DISCORD_MESSAGE_XP_MIN: '30', DISCORD_MESSAGE_XP_MAX: '20' },
      'DISCORD_MESSAGE_XP_MIN: must not exceed',
    ],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_NO_XP_CHANNEL_IDS: '123,general' }, 'DISCORD_NO_XP_CHANNEL_IDS'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_MESSAGE_CONTENT: 'maybe' }, 'DISCORD_MESSAGE_CONTENT: must be true or false'],
  ])('exits 78 naming the variable (%j)', async (env, problem) => {
    const proc = start({ DATABASE_URL: db.url, ...env });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toContain(problem);
  });
});

describe('the process', () => {
  it('connects through GET /gateway/bot, serves /readyz and /metrics, counts, and drains on SIGTERM', async () => {
    const identified = fake.gateway.sessions.length;
    const proc = start({
      DATABASE_URL: db.url,
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_ROOT: fake.url,
      PORT: '0',
    });
    const session = await fake.gateway.waitForIdentify(identified + 1, 20_000);
    expect(fake.calls.some((c) => c.method === 'GET' && c.path === '/gateway/bot')).toBe(true);
    // The least intents: Guilds, GuildMembers, GuildVoiceStates, GuildMessages; no MessageContent.
    expect(session.intents).toBe(
      INTENTS.Guilds | INTENTS.GuildMembers | INTENTS.GuildVoiceStates | INTENTS.GuildMessages,
    );
    const port = await waitUntil(
      () => /"port":(\d+)[^\n]*serving \/healthz/.exec(proc.output())?.[1],
      20_000,
      'the port in the log',
    );
    await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200,
      20_000,
      '/readyz 200',
    );
    fake.gateway.sendMessage({ channelId: TEXT, author: fakeUser(CAROL), content: 'hi all' });
    await waitUntil(async () => (await playerOf(db, CAROL))?.messages_sent === 1, 10_000, 'the message counted');
    // The flush's metrics follow its commit in the bot's own time: read them once they show it.
    const xpAwarded = /ttfd_xp_awarded_total\{[^}]*platform="discord"[^}]*\} (\d+)\n/;
    const metrics = await waitUntil(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return xpAwarded.test(text) ? text : null;
      },
      10_000,
      'the award in /metrics',
    );
    expect(metrics).toMatch(/ttfd_discord_events_total\{[^}]*type="message_create"[^}]*outcome="counted"[^}]*\} 1/);
    const awarded = Number(xpAwarded.exec(metrics)![1]);
    expect(awarded).toBeGreaterThanOrEqual(15);
    expect(awarded).toBeLessThanOrEqual(25);
    expect(metrics).toMatch(/ttfd_discord_flush_messages_count\{[^}]*\} 1\n/);
    expect(metrics).toContain('ttfd_discord_flush_lag_seconds_bucket');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});

describe('gateway life', () => {
  it('resumes after a dropped connection and receives what it missed', async () => {
    bot = await startTestBot(db, fake);
    const session = fake.gateway.connected().at(-1)!;
    const before = (await playerOf(db, CAROL))?.messages_sent ?? 0;
    fake.gateway.disconnect(4000);
    fake.gateway.sendMessage({ channelId: TEXT, author: fakeUser(CAROL), content: 'sent while away' });
    await waitUntil(() => session.resumes === 1 && session.socket !== null, 10_000, 'RESUME');
    await settle(bot, 'message_create', 1);
    expect(await playerOf(db, CAROL)).toMatchObject({ messages_sent: before + 1 });
    expect(fake.gateway.sessions.filter((s) => s.id === session.id)).toHaveLength(1);
  });

  it('is not ready while the gateway is unreachable, and ready again once it answers', async () => {
    bot = await startTestBot(db, fake);
    const readyz = async () => (await fetch(`http://127.0.0.1:${bot!.service.port}/readyz`)).status;
    expect(await readyz()).toBe(200);
    fake.gateway.refuseConnections = true;
    fake.gateway.disconnect(4000);
    await waitUntil(async () => (await readyz()) === 503, 10_000, '/readyz 503');
    fake.gateway.refuseConnections = false;
    await waitUntil(async () => (await readyz()) === 200, 20_000, '/readyz 200 again');
  });

  it.each([
    ['the intents', 'Privileged Gateway Intents', () => (fake.gateway.allowedPrivilegedIntents = INTENTS.GuildMembers)],
    ['the token', 'DISCORD_TOKEN (4004)', () => fake.gateway.validTokens.add('another-token')],
  ])('stops with a clear error when Discord refuses %s', async (_what, problem, refuse) => {
    const allowed = fake.gateway.allowedPrivilegedIntents;
    refuse();
    const failures: unknown[] = [];
    const log = pino({ level: 'silent' });
    const service = await startDiscordService(testConfig(db, fake, { DISCORD_MESSAGE_CONTENT: 'true' }), log, {
      fail: (err) => failures.push(err),
    });
    try {
      await waitUntil(() => failures.length > 0, 10_000, 'the failure');
      expect(String(failures[0])).toContain(problem);
      expect((await fetch(`http://127.0.0.1:${service.port}/readyz`)).status).toBe(503);
    } finally {
      fake.gateway.allowedPrivilegedIntents = allowed;
      fake.gateway.validTokens.clear();
      await service.stop();
    }
  });
});
