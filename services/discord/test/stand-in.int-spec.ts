import {
  Client,
  GatewayIntentBits,
  type GuildMember,
  type Message,
  type PartialGuildMember,
  type VoiceState,
} from 'discord.js';
import { fakeUser, startFakeDiscord, waitUntil, type FakeDiscord } from '@ttfd/testing';
import { addCommunityGuild, GUILD, member, TEXT, TOKEN, VOICE_A } from './harness';

// The stand-in gateway as a bare discord.js client sees it: what the bot's tests rely on.
let fake: FakeDiscord;
let client: Client;
const seen: {
  messages: Message[];
  joined: GuildMember[];
  left: (GuildMember | PartialGuildMember)[];
  voice: VoiceState[];
} = {
  messages: [],
  joined: [],
  left: [],
  voice: [],
};

const EVA = '400000000000000001';
const FEDOR = '400000000000000002';

beforeAll(async () => {
  fake = await startFakeDiscord();
  fake.gateway.heartbeatIntervalMs = 100;
  addCommunityGuild(fake, [member(EVA)]);
  client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildVoiceStates,
    ],
    rest: { api: fake.url },
  });
  client.on('messageCreate', (m) => void seen.messages.push(m));
  client.on('guildMemberAdd', (m) => void seen.joined.push(m));
  client.on('guildMemberRemove', (m) => void seen.left.push(m));
  client.on('voiceStateUpdate', (_o, n) => void seen.voice.push(n));
  const ready = new Promise((resolve) => client.once('clientReady', resolve));
  await client.login(TOKEN);
  await ready;
});
afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

describe('the stand-in gateway', () => {
  it('sends READY and GUILD_CREATE with channels, roles and members', () => {
    const guild = client.guilds.cache.get(GUILD)!;
    expect(client.user!.id).toBe(fake.gateway.botUser.id);
    expect(guild.channels.cache.get(TEXT)!.name).toBe('general');
    expect(guild.members.cache.has(EVA)).toBe(true);
    expect(guild.afkChannelId).not.toBeNull();
  });

  it('acknowledges heartbeats', async () => {
    await waitUntil(() => fake.gateway.sessions[0]!.heartbeats >= 3, 5000, 'three heartbeats');
    await waitUntil(() => client.ws.ping >= 0, 5000, 'a measured ping');
  });

  it('blanks message content without the MessageContent intent unless the bot is mentioned', async () => {
    fake.gateway.sendMessage({ channelId: TEXT, author: fakeUser(EVA), content: 'secret' });
    fake.gateway.sendMessage({
      channelId: TEXT,
      author: fakeUser(EVA),
      content: 'hey bot',
      mentions: [fake.gateway.botUser.id],
    });
    await waitUntil(() => seen.messages.length === 2, 5000, 'two messages');
    expect(seen.messages.map((m) => m.content)).toEqual(['', 'hey bot']);
    expect(seen.messages[0]!.member!.id).toBe(EVA);
  });

  it('dispatches members joining and leaving, and voice states', async () => {
    fake.gateway.addMember(GUILD, member(FEDOR));
    fake.gateway.setVoiceState(GUILD, FEDOR, { channelId: VOICE_A, selfDeaf: true });
    fake.gateway.removeMember(GUILD, FEDOR);
    await waitUntil(() => seen.left.length === 1, 5000, 'the member leaving');
    expect(seen.joined.map((m) => m.id)).toEqual([FEDOR]);
    expect(seen.voice.map((v) => [v.id, v.channelId, v.selfDeaf])).toEqual([[FEDOR, VOICE_A, true]]);
    expect(seen.left[0]!.id).toBe(FEDOR);
    const seqs = fake.gateway.sessions[0]!.sent.map((e) => e.s);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
