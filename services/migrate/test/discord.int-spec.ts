import { DISCORD_COMMANDS, ROLE_CONNECTION_METADATA } from '@ttfd/shared';
import { startFakeDiscord, type FakeDiscord } from '@ttfd/testing';
import { runCli } from '../src/cli';

const TOKEN = 'test-bot-token.for-the-stand-in_0123456789';
const GUILD = '800000000000000001';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

let fake: FakeDiscord;
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeDiscord();
  env = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: fake.gateway.botUser.id, DISCORD_API_ROOT: fake.url };
});
afterAll(async () => {
  await fake?.close();
});

const register = async (args: string[], environment: Record<string, string | undefined> = env) => {
  const c = capture();
  const code = await runCli(['discord', 'register-commands', ...args], environment, c.io);
  return { code, ...c };
};

describe('ttfd discord register-commands', () => {
  it('overwrites the global commands and registers the Linked Roles metadata, without a database', async () => {
    const { code, out, err } = await register([]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      'Registered 5 global commands: /profile, /top, /daily, /link, /notify.',
      'Registered 3 Linked Roles fields: level, games_won, daily_streak.',
    ]);
    const app = fake.gateway.botUser.id;
    const global = fake.applications.global.get(app)!;
    expect(global.map((c) => [c.name, c.name_localizations.ru, c.description_localizations.ru])).toEqual(
      DISCORD_COMMANDS.map((c) => [c.name, c.name_localizations.ru, c.description_localizations.ru]),
    );
    expect(global.find((c) => c.name === 'profile').name_localizations).toEqual({
      ru: 'профиль',
      'en-US': 'profile',
      'en-GB': 'profile',
    });
    const metadata = fake.applications.roleConnectionMetadata.get(app)!;
    expect(metadata.map((f) => [f.key, f.type])).toEqual([
      ['level', 2],
      ['games_won', 2],
      ['daily_streak', 2],
    ]);
    expect(metadata).toEqual(JSON.parse(JSON.stringify(ROLE_CONNECTION_METADATA)));
    const writes = fake.calls.filter((c) => c.method === 'PUT');
    expect(writes.map((c) => c.path)).toEqual([
      `/applications/${app}/commands`,
      `/applications/${app}/role-connections/metadata`,
    ]);
    expect(writes.every((c) => c.auth === `Bot ${TOKEN}`)).toBe(true);
  });

  it('with --guild overwrites that guild’s commands only', async () => {
    const before = fake.applications.writes.length;
    const { code, out } = await register(['--guild', GUILD]);
    expect(code).toBe(0);
    expect(out[0]).toBe(
      `Registered 5 commands in guild ${GUILD} (they work there at once): /profile, /top, /daily, /link, /notify.`,
    );
    const app = fake.gateway.botUser.id;
    expect(fake.applications.guild.get(`${app}/${GUILD}`)!.map((c) => c.name)).toEqual([
      'profile',
      'top',
      'daily',
      'link',
      'notify',
    ]);
    expect(fake.applications.writes.slice(before).map((c) => c.path)).toEqual([
      `/applications/${app}/guilds/${GUILD}/commands`,
      `/applications/${app}/role-connections/metadata`,
    ]);
  });

  it.each([
    [{ DISCORD_APPLICATION_ID: undefined }, 'DISCORD_APPLICATION_ID: is required but not set'],
    [{ DISCORD_TOKEN: undefined }, 'DISCORD_TOKEN: is required but not set'],
    [{ DISCORD_APPLICATION_ID: 'my-app' }, 'DISCORD_APPLICATION_ID: must be a Discord id (digits)'],
    [{ DISCORD_API_ROOT: 'discord.com/api' }, 'DISCORD_API_ROOT'],
  ])('names a bad variable and exits 78 without calling Discord (%j)', async (change, problem) => {
    const calls = fake.calls.length;
    const { code, err } = await register([], { ...env, ...change });
    expect(code).toBe(78);
    expect(err.join('\n')).toContain(problem);
    expect(fake.calls.length).toBe(calls);
  });

  it('exits 2 with the usage for a bad --guild or an unknown action', async () => {
    expect((await register(['--guild'])).code).toBe(2);
    expect((await register(['--guild', 'general'])).err).toEqual([
      'Usage: ttfd discord register-commands [--guild <id>] (the guild is a Discord id)',
    ]);
    const c = capture();
    expect(await runCli(['discord', 'sync'], env, c.io)).toBe(2);
  });

  it('exits 1 saying what Discord answered when it refuses, and when it does not answer', async () => {
    const other = await register([], { ...env, DISCORD_APPLICATION_ID: '123456789012345678' });
    expect(other.code).toBe(1);
    expect(other.err[0]).toContain(
      'Discord refused PUT /applications/123456789012345678/commands: HTTP 403, code 20012',
    );
    expect(other.err[0]).toContain('check DISCORD_APPLICATION_ID');
    const down = await register([], { ...env, DISCORD_API_ROOT: 'http://127.0.0.1:9/api' });
    expect(down.code).toBe(1);
    expect(down.err[0]).toMatch(/^Discord at http:\/\/127\.0\.0\.1:9\/api did not answer/);
  });
});
