import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

/** Discord's epoch (2015-01-01), the origin of snowflake timestamps. */
export const DISCORD_EPOCH = 1_420_070_400_000;

/** A snowflake id created at `ms` (Unix milliseconds); `increment` tells apart ids of one millisecond. */
export function snowflakeAt(ms: number, increment = 0): string {
  return String((BigInt(ms - DISCORD_EPOCH) << 22n) | BigInt(increment & 0xfff));
}

/** Gateway intents the stand-in honours (bit values from Discord's documentation). */
export const INTENTS = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildVoiceStates: 1 << 7,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

const PRIVILEGED = INTENTS.GuildMembers | INTENTS.MessageContent | (1 << 8);

const OP = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const CHANNEL_TYPES = { GuildText: 0, DM: 1, GuildVoice: 2 } as const;

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
  global_name?: string | null;
  /** Avatar hash: the CDN serves `/avatars/<id>/<hash>.png`; null or unset: the default avatar. */
  avatar?: string | null;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
  nick?: string | null;
  /** ISO time; a GUILD_MEMBER_ADD without one joined now, a GUILD_CREATE member at the Discord epoch. */
  joined_at?: string;
}

export interface FakeVoiceState {
  user_id: string;
  channel_id: string | null;
  self_mute: boolean;
  self_deaf: boolean;
  mute: boolean;
  deaf: boolean;
}

export interface FakeGuild {
  id: string;
  name: string;
  afk_channel_id: string | null;
  channels: { id: string; name: string; type: number }[];
  roles: { id: string; name: string }[];
  members: FakeMember[];
  voice_states: FakeVoiceState[];
}

/** One identified gateway session (it outlives its connection while it can be resumed). */
export interface GatewaySession {
  id: string;
  token: string;
  intents: number;
  /** The last sequence number sent. */
  seq: number;
  /** Every dispatch sent, for RESUME to replay. */
  sent: { s: number; t: string; d: unknown }[];
  socket: WebSocket | null;
  resumable: boolean;
  heartbeats: number;
  resumes: number;
}

export interface MessageInput {
  channelId: string;
  author: FakeUser;
  content: string;
  /** Default: a fresh snowflake for now (or for `at`). */
  id?: string;
  /** Unix ms the message was sent (its id's timestamp) when `id` is not given. */
  at?: number;
  guildId?: string | null;
  webhookId?: string;
  /** User ids mentioned. */
  mentions?: string[];
  /** Role ids of the author's member object; default: the member's roles in the guild. */
  roles?: string[];
}

export interface FakeGateway {
  /** The `url` GET /gateway/bot answers. */
  url: string;
  /** The bot user READY announces. */
  botUser: FakeUser;
  /** heartbeat_interval sent in HELLO (ms). */
  heartbeatIntervalMs: number;
  /** Tokens the gateway accepts; any `Bot`-less token is accepted when empty. */
  validTokens: Set<string>;
  /** Privileged intents the application has enabled (others close with 4014). */
  allowedPrivilegedIntents: number;
  /** While true, new WebSocket connections are dropped before the handshake (an outage). */
  refuseConnections: boolean;
  sessions: GatewaySession[];
  guilds: Map<string, FakeGuild>;
  /** Adds a guild (sent as GUILD_CREATE to sessions that identify afterwards). */
  addGuild(guild: Partial<FakeGuild> & { id: string }): FakeGuild;
  /** Sessions with an open connection that got READY. */
  connected(): GatewaySession[];
  /** Resolves when `count` sessions have identified (in total, over the gateway's life). */
  waitForIdentify(count?: number, timeoutMs?: number): Promise<GatewaySession>;
  /** Sends a dispatch to every connected session holding `intent` (or buffers it for resume). */
  dispatch(t: string, d: unknown, intent?: number, shape?: (d: any, session: GatewaySession) => unknown): number;
  /** MESSAGE_CREATE as Discord sends it; content blanked without the MessageContent intent. Returns the id. */
  sendMessage(input: MessageInput): string;
  /** VOICE_STATE_UPDATE: the member joins, moves, mutes or leaves (`channelId: null`). */
  setVoiceState(
    guildId: string,
    userId: string,
    state: { channelId: string | null; selfMute?: boolean; selfDeaf?: boolean },
  ): void;
  /** GUILD_MEMBER_ADD. */
  addMember(guildId: string, member: FakeMember): void;
  /** GUILD_MEMBER_REMOVE. */
  removeMember(guildId: string, userId: string): void;
  /**
   * Closes every open connection with `code` (4000 and most others: the client resumes).
   * `resumable: false` also ends the sessions, as Discord does when one times out: the
   * client's RESUME gets INVALID_SESSION and it identifies again.
   */
  disconnect(code?: number, options?: { resumable?: boolean }): void;
  close(): Promise<void>;
}

/** A Discord user for tests. */
export const fakeUser = (id: string, extra: Partial<FakeUser> = {}): FakeUser => ({
  id,
  username: `user${id}`,
  global_name: null,
  ...extra,
});

function userJson(u: FakeUser) {
  return {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.global_name ?? null,
    avatar: u.avatar ?? null,
    ...(u.bot ? { bot: true } : {}),
  };
}

function memberJson(m: FakeMember, withUser = true) {
  return {
    ...(withUser ? { user: userJson(m.user) } : {}),
    roles: m.roles,
    nick: m.nick ?? null,
    joined_at: m.joined_at ?? new Date(DISCORD_EPOCH).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
  };
}

/**
 * Discord's gateway (v10, JSON, no compression) on the stand-in's port, as discord.js 14
 * speaks it: HELLO, IDENTIFY → READY → GUILD_CREATE per guild, heartbeats and their ACKs,
 * sequence numbers, RESUME (replaying what the session missed) → RESUMED, the close codes
 * for a bad token (4004), disallowed intents (4014), a payload before IDENTIFY (4003) and a
 * second IDENTIFY (4005). Dispatches go only to sessions holding their intent.
 */
export function startFakeGateway(server: http.Server, port: number): FakeGateway {
  const wss = new WebSocketServer({ noServer: true });
  /** Waiters of waitForIdentify; each returns true once satisfied. */
  let identified: (() => boolean)[] = [];
  let nextId = BigInt(snowflakeAt(Date.now()));
  let increment = 0;
  const sockets = new Set<WebSocket>();

  const gateway: FakeGateway = {
    url: `ws://127.0.0.1:${port}`,
    botUser: { id: '700000000000000001', username: 'ttfd', bot: true, global_name: 'TTFD' },
    heartbeatIntervalMs: 41_250,
    validTokens: new Set(),
    allowedPrivilegedIntents: PRIVILEGED,
    refuseConnections: false,
    sessions: [],
    guilds: new Map(),
    addGuild(partial) {
      const guild: FakeGuild = {
        name: `guild ${partial.id}`,
        afk_channel_id: null,
        channels: [],
        roles: [{ id: partial.id, name: '@everyone' }],
        members: [],
        voice_states: [],
        ...partial,
      };
      if (!guild.members.some((m) => m.user.id === gateway.botUser.id)) {
        guild.members.push({ user: gateway.botUser, roles: [] });
      }
      gateway.guilds.set(guild.id, guild);
      return guild;
    },
    connected: () => gateway.sessions.filter((s) => s.socket !== null),
    waitForIdentify(count = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (gateway.sessions.length >= count) {
            resolve(gateway.sessions[count - 1]!);
            return true;
          }
          return false;
        };
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`no IDENTIFY #${count} within ${timeoutMs} ms`)), timeoutMs);
        identified.push(() => {
          if (!check()) return false;
          clearTimeout(timer);
          return true;
        });
      });
    },
    dispatch(t, d, intent, shape) {
      let delivered = 0;
      for (const session of gateway.sessions) {
        if (!session.resumable) continue;
        if (intent !== undefined && (session.intents & intent) === 0) continue;
        send(session, t, shape ? shape(d, session) : d);
        if (session.socket) delivered++;
      }
      return delivered;
    },
    sendMessage(input) {
      const id = input.id ?? (input.at === undefined ? String(nextId++) : snowflakeAt(input.at, increment++));
      const guildId = input.guildId === undefined ? guildOfChannel(input.channelId) : input.guildId;
      const guild = guildId ? gateway.guilds.get(guildId) : undefined;
      const member = guild?.members.find((m) => m.user.id === input.author.id);
      const mentions = (input.mentions ?? []).map((uid) => {
        const known = guild?.members.find((m) => m.user.id === uid)?.user ?? fakeUser(uid);
        return userJson(known);
      });
      const data = {
        id,
        channel_id: input.channelId,
        ...(guildId ? { guild_id: guildId } : {}),
        author: userJson(input.author),
        ...(guildId && !input.webhookId
          ? {
              member: memberJson(
                { user: input.author, roles: input.roles ?? member?.roles ?? [], nick: member?.nick },
                false,
              ),
            }
          : {}),
        ...(input.webhookId ? { webhook_id: input.webhookId } : {}),
        content: input.content,
        timestamp: new Date(Number((BigInt(id) >> 22n) + BigInt(DISCORD_EPOCH))).toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions,
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        type: 0,
      };
      const intent = guildId ? INTENTS.GuildMessages : INTENTS.DirectMessages;
      gateway.dispatch('MESSAGE_CREATE', data, intent, (d, session) => {
        // Without MessageContent, guild message content is empty unless the bot is mentioned.
        const mentioned = (input.mentions ?? []).includes(gateway.botUser.id);
        if (!guildId || mentioned || (session.intents & INTENTS.MessageContent) !== 0) return d;
        return { ...d, content: '', embeds: [], attachments: [] };
      });
      return id;
    },
    setVoiceState(guildId, userId, state) {
      const guild = mustGuild(guildId);
      const member = guild.members.find((m) => m.user.id === userId);
      if (!member) throw new Error(`no member ${userId} in guild ${guildId}`);
      const voice: FakeVoiceState = {
        user_id: userId,
        channel_id: state.channelId,
        self_mute: state.selfMute ?? false,
        self_deaf: state.selfDeaf ?? false,
        mute: false,
        deaf: false,
      };
      guild.voice_states = guild.voice_states.filter((v) => v.user_id !== userId);
      if (state.channelId !== null) guild.voice_states.push(voice);
      gateway.dispatch(
        'VOICE_STATE_UPDATE',
        {
          ...voice,
          guild_id: guildId,
          session_id: `voice-${userId}`,
          self_video: false,
          suppress: false,
          request_to_speak_timestamp: null,
          member: memberJson(member),
        },
        INTENTS.GuildVoiceStates,
      );
    },
    addMember(guildId, member) {
      const guild = mustGuild(guildId);
      guild.members = guild.members.filter((m) => m.user.id !== member.user.id);
      const joined = { ...member, joined_at: member.joined_at ?? new Date().toISOString() };
      guild.members.push(joined);
      gateway.dispatch('GUILD_MEMBER_ADD', { ...memberJson(joined), guild_id: guildId }, INTENTS.GuildMembers);
    },
    removeMember(guildId, userId) {
      const guild = mustGuild(guildId);
      const member = guild.members.find((m) => m.user.id === userId);
      guild.members = guild.members.filter((m) => m.user.id !== userId);
      guild.voice_states = guild.voice_states.filter((v) => v.user_id !== userId);
      gateway.dispatch(
        'GUILD_MEMBER_REMOVE',
        { guild_id: guildId, user: userJson(member?.user ?? fakeUser(userId)) },
        INTENTS.GuildMembers,
      );
    },
    disconnect(code = 4000, options = {}) {
      for (const session of gateway.sessions) {
        if (options.resumable === false) session.resumable = false;
        session.socket?.close(code, 'stand-in disconnect');
      }
    },
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };

  function mustGuild(guildId: string): FakeGuild {
    const guild = gateway.guilds.get(guildId);
    if (!guild) throw new Error(`no guild ${guildId} in the stand-in`);
    return guild;
  }

  function guildOfChannel(channelId: string): string | null {
    for (const guild of gateway.guilds.values()) {
      if (guild.channels.some((c) => c.id === channelId)) return guild.id;
    }
    return null;
  }

  function send(session: GatewaySession, t: string, d: unknown) {
    const s = ++session.seq;
    session.sent.push({ s, t, d });
    session.socket?.send(JSON.stringify({ op: OP.Dispatch, t, s, d }));
  }

  function guildCreate(guild: FakeGuild, intents: number) {
    const members = (intents & INTENTS.GuildMembers) !== 0 ? guild.members : [];
    const voice = (intents & INTENTS.GuildVoiceStates) !== 0 ? guild.voice_states : [];
    // Discord sends the members in voice even without GuildMembers, and always the bot itself.
    const inVoice = new Set(voice.map((v) => v.user_id));
    const shown = guild.members.filter(
      (m) => members.includes(m) || inVoice.has(m.user.id) || m.user.id === gateway.botUser.id,
    );
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: gateway.botUser.id,
      afk_channel_id: guild.afk_channel_id,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      emojis: [],
      stickers: [],
      roles: guild.roles.map((r, i) => ({
        id: r.id,
        name: r.name,
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: i,
        permissions: '0',
        managed: false,
        mentionable: false,
        flags: 0,
      })),
      joined_at: new Date(DISCORD_EPOCH).toISOString(),
      large: false,
      unavailable: false,
      member_count: guild.members.length,
      voice_states: voice.map((v) => ({ ...v, session_id: `voice-${v.user_id}`, self_video: false, suppress: false })),
      members: shown.map((m) => memberJson(m)),
      channels: guild.channels.map((c, i) => ({
        id: c.id,
        type: c.type,
        name: c.name,
        position: i,
        permission_overwrites: [],
        parent_id: null,
        ...(c.type === CHANNEL_TYPES.GuildVoice ? { bitrate: 64000, user_limit: 0 } : { nsfw: false, topic: null }),
      })),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  wss.on('connection', (socket) => {
    sockets.add(socket);
    let session: GatewaySession | null = null;
    socket.send(JSON.stringify({ op: OP.Hello, d: { heartbeat_interval: gateway.heartbeatIntervalMs } }));
    socket.on('close', (code) => {
      sockets.delete(socket);
      if (session && session.socket === socket) {
        session.socket = null;
        // A client that closes with 1000 or 1001 ends its session; others may resume it.
        if (code === 1000 || code === 1001) session.resumable = false;
      }
    });
    socket.on('message', (raw) => {
      let payload: { op: number; d: any };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        return socket.close(4002, 'Error while decoding payload.');
      }
      switch (payload.op) {
        case OP.Heartbeat:
          if (session) session.heartbeats++;
          return socket.send(JSON.stringify({ op: OP.HeartbeatAck }));
        case OP.Identify: {
          if (session) return socket.close(4005, 'Already authenticated.');
          const token = String(payload.d?.token ?? '');
          if (gateway.validTokens.size > 0 && !gateway.validTokens.has(token.replace(/^Bot /, ''))) {
            return socket.close(4004, 'Authentication failed.');
          }
          const intents = Number(payload.d?.intents ?? 0);
          if ((intents & PRIVILEGED & ~gateway.allowedPrivilegedIntents) !== 0) {
            return socket.close(4014, 'Disallowed intent(s).');
          }
          session = {
            id: randomBytes(16).toString('hex'),
            token,
            intents,
            seq: 0,
            sent: [],
            socket,
            resumable: true,
            heartbeats: 0,
            resumes: 0,
          };
          gateway.sessions.push(session);
          const guilds = [...gateway.guilds.values()];
          send(session, 'READY', {
            v: 10,
            user: { ...userJson(gateway.botUser), verified: true, mfa_enabled: false, flags: 0 },
            guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
            session_id: session.id,
            resume_gateway_url: gateway.url,
            shard: payload.d?.shard ?? [0, 1],
            application: { id: gateway.botUser.id, flags: 0 },
            private_channels: [],
            relationships: [],
            presences: [],
            guild_join_requests: [],
            geo_ordered_rtc_regions: [],
            user_settings: {},
          });
          if ((intents & INTENTS.Guilds) !== 0) {
            for (const guild of guilds) send(session, 'GUILD_CREATE', guildCreate(guild, intents));
          }
          identified = identified.filter((satisfied) => !satisfied());
          return;
        }
        case OP.Resume: {
          const found = gateway.sessions.find((s) => s.id === payload.d?.session_id);
          if (!found || !found.resumable || found.token !== String(payload.d?.token ?? '')) {
            return socket.send(JSON.stringify({ op: OP.InvalidSession, d: false }));
          }
          found.socket?.close(4000, 'resumed elsewhere');
          session = found;
          found.socket = socket;
          found.resumes++;
          const after = Number(payload.d?.seq ?? 0);
          for (const e of found.sent) {
            if (e.s > after) socket.send(JSON.stringify({ op: OP.Dispatch, t: e.t, s: e.s, d: e.d }));
          }
          send(found, 'RESUMED', {});
          return;
        }
        default:
          if (!session) return socket.close(4003, 'Not authenticated.');
          // Presence, voice and member-chunk requests: accepted, not acted on.
          if ([3, 4, 8].includes(payload.op)) return;
          return socket.close(4001, 'Unknown opcode.');
      }
    });
  });

  server.on('upgrade', (req, socket, head) => {
    if (gateway.refuseConnections) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  return gateway;
}
