import {
  Client,
  GatewayIntentBits,
  Options,
  Status,
  type Guild,
  type GuildMember,
  type Message,
  type VoiceState,
} from 'discord.js';
import type { Logger } from '@ttfd/shared';
import type { DiscordConfig } from './config';
import type { MessageCounter } from './message-counter';
import { whyIneligible, type MessageFacts, type MessageRules } from './message-rules';
import type { DiscordMetrics } from './metrics';
import type { ServerMembers } from './server-members';
import type { VoicePresence, VoiceTracker } from './voice-tracker';

/** The least the bot needs; MessageContent (privileged) only when the length rule is wanted. */
export function intentsOf(config: DiscordConfig): GatewayIntentBits[] {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.GuildVoiceStates,
    GatewayIntentBits.GuildMembers,
  ];
  if (config.DISCORD_MESSAGE_CONTENT) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

/**
 * The discord.js client as the bot runs it: REST and (through GET /gateway/bot) the
 * gateway at DISCORD_API_ROOT, no message cache (a busy bot does not keep messages, and
 * so sees a redelivered one again: the counter's dedupe is what stops it).
 */
export function createClient(config: DiscordConfig): Client {
  return new Client({
    intents: intentsOf(config),
    rest: { api: config.DISCORD_API_ROOT, cdn: config.DISCORD_CDN_ROOT },
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
}

export function messageRulesOf(config: DiscordConfig): MessageRules {
  return {
    guildId: config.DISCORD_GUILD_ID ?? null,
    noXpChannelIds: new Set(config.DISCORD_NO_XP_CHANNEL_IDS),
    noXpRoleIds: new Set(config.DISCORD_NO_XP_ROLE_IDS),
    minLength: config.DISCORD_MESSAGE_CONTENT ? config.DISCORD_MESSAGE_MIN_LENGTH : null,
  };
}

/**
 * Reads the message once. Roles and a thread's parent are looked up only when a no-XP
 * role or channel is configured: a busy guild sends hundreds of messages a second.
 */
function factsOf(message: Message, member: GuildMember | null, rules: MessageRules): MessageFacts {
  const channel = rules.noXpChannelIds.size > 0 ? message.channel : null;
  return {
    id: message.id,
    guildId: message.guildId,
    channelId: message.channelId,
    parentChannelId: channel?.isThread() ? channel.parentId : null,
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    webhookId: message.webhookId,
    system: message.system,
    content: message.content,
    roleIds: member && rules.noXpRoleIds.size > 0 ? [...member.roles.cache.keys()] : [],
  };
}

/** Members in voice on a guild, bots left out. */
export function voicePresences(guild: Guild): VoicePresence[] {
  return guild.voiceStates.cache
    .filter((vs) => vs.channelId !== null && !vs.member?.user.bot)
    .map((vs) => ({ discordId: vs.id, channelId: vs.channelId, selfDeaf: Boolean(vs.selfDeaf) }));
}

export interface BotDeps {
  config: DiscordConfig;
  log: Logger;
  metrics: DiscordMetrics;
  counter: MessageCounter;
  voiceOf: (guildId: string) => VoiceTracker;
  members: ServerMembers;
}

/** Parses gateway events into plain values for the message counter and the voice tracker. */
export function attachHandlers(client: Client, deps: BotDeps): void {
  const { config, log, metrics, counter, voiceOf, members } = deps;
  const rules = messageRulesOf(config);
  const counts = (guildId: string) => !config.DISCORD_GUILD_ID || config.DISCORD_GUILD_ID === guildId;

  // Labelled children looked up once, not per message.
  const messageOutcomes = {
    counted: metrics.events.labels('message_create', 'counted'),
    duplicate: metrics.events.labels('message_create', 'duplicate'),
    ignored: metrics.events.labels('message_create', 'ignored'),
  };
  client.on('messageCreate', (message) => {
    const member = message.member;
    if (whyIneligible(factsOf(message, member, rules), rules) !== null) {
      messageOutcomes.ignored.inc();
      return;
    }
    const author = message.author;
    const outcome = counter.add({
      id: message.id,
      channelId: message.channelId,
      authorId: author.id,
      username: author.username,
      displayName: member?.displayName ?? author.globalName ?? author.username,
    });
    messageOutcomes[outcome].inc();
  });

  client.on('voiceStateUpdate', (_before: VoiceState, after: VoiceState) => {
    const guild = after.guild;
    if (!counts(guild.id) || after.member?.user.bot) {
      metrics.events.inc({ type: 'voice_state_update', outcome: 'ignored' });
      return;
    }
    void voiceOf(guild.id).update(
      { discordId: after.id, channelId: after.channelId, selfDeaf: Boolean(after.selfDeaf) },
      guild.afkChannelId,
    );
  });

  client.on('guildMemberAdd', (member) => {
    if (!counts(member.guild.id) || member.user.bot) {
      metrics.events.inc({ type: 'guild_member_add', outcome: 'ignored' });
      return;
    }
    const joinedAtMs = member.joinedTimestamp ?? 0;
    void members.joined({ guildId: member.guild.id, discordId: member.id, joinedAtMs });
  });

  client.on('guildMemberRemove', (member) => {
    if (!counts(member.guild.id) || member.user?.bot) {
      metrics.events.inc({ type: 'guild_member_remove', outcome: 'ignored' });
      return;
    }
    void members.left({ guildId: member.guild.id, discordId: member.id });
  });

  const guilds = () => client.guilds.cache.filter((g) => counts(g.id)).values();
  // After READY and every guild's GUILD_CREATE: at start-up and after each new session.
  client.on('shardReady', () => {
    for (const guild of guilds()) void voiceOf(guild.id).reconcile(voicePresences(guild), guild.afkChannelId);
  });
  client.once('clientReady', (ready) =>
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'discord gateway ready'),
  );
  client.on('shardReconnecting', (shardId) => {
    log.warn({ shardId }, 'gateway connection lost; reconnecting');
    for (const guild of guilds()) voiceOf(guild.id).connectionLost();
  });
  client.on('shardResume', (shardId, replayed) => {
    log.info({ shardId, replayed }, 'gateway session resumed');
    for (const guild of guilds()) voiceOf(guild.id).connectionResumed();
  });
  client.on('error', (err) => log.error({ err }, 'discord client error'));
}

/** Connected, identified and every shard ready. */
export function gatewayReady(client: Client): boolean {
  return client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready);
}
