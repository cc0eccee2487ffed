import pino from 'pino';
import {
  CHANNEL_TYPES,
  fakeUser,
  waitUntil,
  type FakeDiscord,
  type FakeGuild,
  type FakeMember,
  type TestDatabase,
} from '@ttfd/testing';
import { parseDiscordConfig } from '../src/config';
import { startDiscordService, type DiscordOptions, type DiscordService } from '../src/main';

export const TOKEN = 'test-bot-token.for-the-stand-in_0123456789';
export const GUILD = '800000000000000001';
export const TEXT = '800000000000000010';
export const NO_XP_TEXT = '800000000000000011';
export const VOICE_A = '800000000000000020';
export const VOICE_B = '800000000000000021';
export const AFK = '800000000000000029';
export const MUTED_ROLE = '800000000000000030';

/** The community guild in the stand-in: a text channel, a no-XP channel, two voice channels and AFK. */
export function addCommunityGuild(fake: FakeDiscord, members: FakeMember[] = []): FakeGuild {
  return fake.gateway.addGuild({
    id: GUILD,
    name: 'TTFD',
    afk_channel_id: AFK,
    channels: [
      { id: TEXT, name: 'general', type: CHANNEL_TYPES.GuildText },
      { id: NO_XP_TEXT, name: 'spam', type: CHANNEL_TYPES.GuildText },
      { id: VOICE_A, name: 'Voice A', type: CHANNEL_TYPES.GuildVoice },
      { id: VOICE_B, name: 'Voice B', type: CHANNEL_TYPES.GuildVoice },
      { id: AFK, name: 'AFK', type: CHANNEL_TYPES.GuildVoice },
    ],
    roles: [
      { id: GUILD, name: '@everyone' },
      { id: MUTED_ROLE, name: 'No XP' },
    ],
    members,
  });
}

export const member = (id: string, extra: { bot?: boolean; roles?: string[] } = {}): FakeMember => ({
  user: fakeUser(id, { bot: extra.bot }),
  roles: extra.roles ?? [],
});

export interface TestBot {
  service: DiscordService;
  logs: Record<string, any>[];
  /** How many gateway events of `type` the bot has handled, by outcome. */
  handled(type: string, outcome?: string): Promise<number>;
  stop(): Promise<void>;
}

export function testConfig(db: TestDatabase, fake: FakeDiscord, env: Record<string, string> = {}) {
  return parseDiscordConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    DISCORD_TOKEN: TOKEN,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_ROOT: fake.url,
    DISCORD_FLUSH_MS: '50',
    DISCORD_NO_XP_CHANNEL_IDS: NO_XP_TEXT,
    DISCORD_NO_XP_ROLE_IDS: MUTED_ROLE,
    // The rank roles check records an event per linked player: only the tests of it want one at start.
    DISCORD_ROLES_CHECK_AT_START: 'false',
    ...env,
  });
}

/** The real service (discord.js included) against the stand-in, ready and reconciled. */
export async function startTestBot(
  db: TestDatabase,
  fake: FakeDiscord,
  env: Record<string, string> = {},
  options: DiscordOptions = {},
): Promise<TestBot> {
  const logs: Record<string, any>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const service = await startDiscordService(testConfig(db, fake, env), log, options);
  await service.parts.gatewayReady;
  const handled = async (type: string, outcome?: string) => {
    const metric = await service.registry.getSingleMetric('ttfd_discord_events_total')!.get();
    return metric.values
      .filter((v) => v.labels.type === type && (outcome === undefined || v.labels.outcome === outcome))
      .reduce((sum, v) => sum + v.value, 0);
  };
  return { service, logs, handled, stop: () => service.stop() };
}

/** Waits until the bot has handled `count` events of `type` and written what they caused. */
export async function settle(bot: TestBot, type: string, count: number): Promise<void> {
  await waitUntil(async () => (await bot.handled(type)) >= count, 10_000, `${count} ${type} events handled`);
  await bot.service.parts.counter.idle();
  await Promise.all([GUILD].map((g) => bot.service.parts.voiceOf(g).idle()));
}

export interface PlayerRow {
  xp: number;
  messages_sent: number;
  total_voice_time: number;
}

export async function playerOf(db: TestDatabase, discordId: string): Promise<PlayerRow | null> {
  const { rows } = await db.pool.query(
    `SELECT xp::int, messages_sent::int, total_voice_time::int FROM unified_users WHERE discord_id = $1`,
    [discordId],
  );
  return (rows[0] as PlayerRow | undefined) ?? null;
}

export async function eventsOf(db: TestDatabase, discordId: string) {
  const { rows } = await db.pool.query<{ event_type: string; data: any; dedupe_key: string | null }>(
    `SELECT e.event_type, e.data, e.dedupe_key FROM cross_platform_events e
     JOIN unified_users u ON u.id = e.user_id WHERE u.discord_id = $1 ORDER BY e.seq`,
    [discordId],
  );
  return rows;
}
