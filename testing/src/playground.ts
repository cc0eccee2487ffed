import type http from 'node:http';
import { RANK_NAMES } from '@ttfd/shared';
import { CHANNEL_TYPES, fakeUser, type FakeGuild } from './fake-discord-gateway';
import { startFakeDiscord, type FakeDiscord } from './fake-discord';
import { startFakeTelegram, type FakeTelegram } from './fake-telegram';
import { listenFake, readBody, sendJson, sleep } from './http-fake';
import { playgroundSlashCommands, type SlashCommandEntry } from './playground-slash-commands';

/**
 * The playground: the Telegram and Discord stand-ins run as a local platform for `make
 * run` without tokens, with a few test players, a guild whose roles are the rank ladder,
 * and a small control API (below) through which the website's playground page speaks as
 * those players and shows what the bots did.
 *
 * Control API (JSON over HTTP on 127.0.0.1; errors are `{error}` with status 400/404/409):
 *
 *   GET  /playground                       what runs: stand-ins, players, the guild's channels, rank roles
 *                                          and each player's roles now
 *   POST /playground/telegram/send         {player, text}: the player writes to the Telegram bot → {update_id}
 *   POST /playground/telegram/press        {player, message_id, data}: the player taps a button under a bot
 *                                          message in their chat → {update_id}
 *   POST /playground/discord/message       {player, channel, content}: the player writes in a guild channel
 *                                          (name or id) → {id}
 *   POST /playground/discord/command       {player, name, options?, channel?, locale?}: the player runs one of
 *                                          the bot's slash commands (`link`, `notify on`, ...; options as
 *                                          {name: value}, a user option takes a player name) → {interaction_id}
 *   POST /playground/discord/press         {player, message_id | interaction_id, custom_id}: the player presses
 *                                          a button on a bot reply (still there, enabled, visible to them)
 *                                          → {interaction_id}
 *   GET  /playground/transcript?after=&wait=
 *                                          entries after the cursor `after` (default 0) as {entries, cursor};
 *                                          `wait` (ms, ≤ 25000) holds the answer until there is one
 *
 * A transcript entry is what a chat pane shows: what a player sent (`telegram_update`,
 * `discord_message`) and what the platform saw the bots do (`telegram_message`,
 * `telegram_edit`, `discord_bot_message`, `discord_dm`, `discord_role`); slash commands add
 * `discord_command`, `discord_press` and `discord_reply` (each new state of a reply).
 */

export interface PlaygroundPlayer {
  /** The name the control API takes (`player`). */
  name: string;
  telegram: { id: number; first_name: string; username: string; language_code: string };
  discord: { id: string; username: string; global_name: string };
}

const player = (name: string, n: number, language: string): PlaygroundPlayer => ({
  name,
  telegram: { id: 5_550_000 + n, first_name: name, username: `${name}_plays`, language_code: language },
  discord: { id: String(555_000_000_000_000_000n + BigInt(n)), username: `${name}_plays`, global_name: name },
});

export const PLAYGROUND_PLAYERS: readonly PlaygroundPlayer[] = [
  player('alice', 1, 'en'),
  player('boris', 2, 'ru'),
  player('chen', 3, 'en'),
];

export const PLAYGROUND_GUILD_ID = '554000000000000000';
/** The guild's role of each rank (by rank id), named as the catalogue names the rank. */
export const PLAYGROUND_RANK_ROLES: readonly { rankId: number; roleId: string; name: string }[] = Object.entries(
  RANK_NAMES,
).map(([id, names]) => ({ rankId: Number(id), roleId: String(554_000_000_000_000_100n + BigInt(id)), name: names.en }));

const CHANNELS = [
  { id: '554000000000000011', name: 'general', type: CHANNEL_TYPES.GuildText },
  { id: '554000000000000012', name: 'games', type: CHANNEL_TYPES.GuildText },
  { id: '554000000000000013', name: 'lounge', type: CHANNEL_TYPES.GuildVoice },
];

/** Bot tokens the stand-ins accept; the services get them when the playground replaces a platform. */
export const PLAYGROUND_TOKENS = {
  telegram: '1000000001:playground-stand-in',
  discord: 'playground.stand-in.discord-bot-token',
} as const;

export type TranscriptEntry = { seq: number; at: number } & (
  | { platform: 'telegram'; kind: 'telegram_update'; player: string; text?: string; pressed?: string }
  | {
      platform: 'telegram';
      kind: 'telegram_message' | 'telegram_edit';
      chat_id: string;
      player: string | null;
      message_id: number;
      text?: string;
      dice?: { emoji: string; value: number };
      buttons?: { text: string; data: string }[][];
    }
  | { platform: 'discord'; kind: 'discord_message'; player: string; channel: string; content: string; id: string }
  | { platform: 'discord'; kind: 'discord_bot_message'; channel: string; content: string; id: string }
  | { platform: 'discord'; kind: 'discord_dm'; player: string | null; user_id: string; content: string; id: string }
  | {
      platform: 'discord';
      kind: 'discord_role';
      player: string | null;
      user_id: string;
      role_id: string;
      role: string | null;
      change: 'added' | 'removed';
    }
  | SlashCommandEntry
);

export interface Playground {
  telegram: FakeTelegram | null;
  discord: FakeDiscord | null;
  guild: FakeGuild | null;
  /** The control API's base URL (no trailing slash). */
  url: string;
  /** What the services need to talk to the stand-ins instead of the real platforms. */
  serviceEnv: Record<string, string>;
  /** Entries after `cursor`. */
  transcript(after?: number): TranscriptEntry[];
  close(): Promise<void>;
}

export interface PlaygroundOptions {
  telegram: boolean;
  discord: boolean;
  /** The control API's port (0: any free one). */
  port?: number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Buttons = { text: string; data: string }[][];
function buttonsOf(markup: unknown): Buttons | undefined {
  const rows = (markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)
    ?.inline_keyboard;
  return rows?.map((row) => row.map((b) => ({ text: b.text, data: b.callback_data ?? '' })));
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const telegram = options.telegram ? await startFakeTelegram() : null;
  const discord = options.discord ? await startFakeDiscord() : null;
  let guild: FakeGuild | null = null;
  if (discord) {
    discord.gateway.validTokens.add(PLAYGROUND_TOKENS.discord);
    guild = discord.gateway.addGuild({
      id: PLAYGROUND_GUILD_ID,
      name: 'TTFD Playground',
      channels: CHANNELS,
      roles: [
        { id: PLAYGROUND_GUILD_ID, name: '@everyone' },
        ...PLAYGROUND_RANK_ROLES.map((r) => ({ id: r.roleId, name: r.name })),
      ],
      members: PLAYGROUND_PLAYERS.map((p) => ({ user: fakeUser(p.discord.id, p.discord), roles: [] })),
    });
    for (const p of PLAYGROUND_PLAYERS) discord.addMember(PLAYGROUND_GUILD_ID, p.discord.id);
  }

  const entries: TranscriptEntry[] = [];
  let closing = false;
  const seen = { telegramMessages: 0, telegramCalls: 0, discordMessages: 0, discordCalls: 0 };
  let nextMessageId = 1;
  const byTelegram = (chatId: string) => PLAYGROUND_PLAYERS.find((p) => String(p.telegram.id) === chatId);
  const byDiscord = (userId: string) => PLAYGROUND_PLAYERS.find((p) => p.discord.id === userId);
  const channelName = (id: string) => CHANNELS.find((c) => c.id === id)?.name ?? id;
  const add = (entry: object) => entries.push({ seq: entries.length + 1, at: Date.now(), ...entry } as TranscriptEntry);

  /** Moves what the stand-ins recorded since the last look into the transcript, in order. */
  function collect() {
    if (telegram) {
      for (const m of telegram.messages.slice(seen.telegramMessages)) {
        add({
          platform: 'telegram',
          kind: 'telegram_message',
          chat_id: m.chat_id,
          player: byTelegram(m.chat_id)?.name ?? null,
          message_id: m.message_id,
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.dice ? { dice: m.dice } : {}),
          ...(buttonsOf(m.reply_markup) ? { buttons: buttonsOf(m.reply_markup) } : {}),
        });
      }
      seen.telegramMessages = telegram.messages.length;
      for (const c of telegram.calls.slice(seen.telegramCalls)) {
        if (c.method !== 'editMessageText') continue;
        const chatId = String(c.params.chat_id);
        add({
          platform: 'telegram',
          kind: 'telegram_edit',
          chat_id: chatId,
          player: byTelegram(chatId)?.name ?? null,
          message_id: Number(c.params.message_id),
          text: String(c.params.text),
          ...(buttonsOf(c.params.reply_markup) ? { buttons: buttonsOf(c.params.reply_markup) } : {}),
        });
      }
      seen.telegramCalls = telegram.calls.length;
    }
    if (discord) {
      for (const m of discord.messages.slice(seen.discordMessages)) {
        if (m.recipient_id !== null) {
          add({
            platform: 'discord',
            kind: 'discord_dm',
            player: byDiscord(m.recipient_id)?.name ?? null,
            user_id: m.recipient_id,
            content: m.content,
            id: m.id,
          });
        } else {
          add({
            platform: 'discord',
            kind: 'discord_bot_message',
            channel: channelName(m.channel_id),
            content: m.content,
            id: m.id,
          });
        }
      }
      seen.discordMessages = discord.messages.length;
      for (const c of discord.calls.slice(seen.discordCalls)) {
        const m = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(c.path);
        if (!m || (c.method !== 'PUT' && c.method !== 'DELETE')) continue;
        if (discord.rolesOf(m[1]!, m[2]!) === null) continue; // refused: not a member
        add({
          platform: 'discord',
          kind: 'discord_role',
          player: byDiscord(m[2]!)?.name ?? null,
          user_id: m[2],
          role_id: m[3],
          role: PLAYGROUND_RANK_ROLES.find((r) => r.roleId === m[3])?.name ?? null,
          change: c.method === 'PUT' ? 'added' : 'removed',
        });
      }
      seen.discordCalls = discord.calls.length;
      slashCommands?.collect();
    }
  }

  function playerNamed(value: unknown): PlaygroundPlayer {
    const found = PLAYGROUND_PLAYERS.find((p) => p.name === value);
    if (!found) {
      throw new Refusal(
        404,
        `no test player "${String(value)}"; players: ${PLAYGROUND_PLAYERS.map((p) => p.name).join(', ')}`,
      );
    }
    return found;
  }
  function text(value: unknown, field: string): string {
    if (typeof value !== 'string' || value.trim() === '') throw new Refusal(400, `${field} must be a non-empty string`);
    if (value.length > 4096) throw new Refusal(400, `${field} is longer than 4096 characters`);
    return value;
  }
  function telegramOn(): FakeTelegram {
    if (!telegram) throw new Refusal(409, 'Telegram is the real platform in this run (TELEGRAM_BOT_TOKEN is set)');
    return telegram;
  }
  function discordOn(): FakeDiscord {
    if (!discord) throw new Refusal(409, 'Discord is the real platform in this run (DISCORD_TOKEN is set)');
    return discord;
  }

  function sendTelegram(body: any) {
    const tg = telegramOn();
    const p = playerNamed(body?.player);
    const content = text(body?.text, 'text');
    const command = /^\/\S+/.exec(content);
    collect();
    const updateId = tg.pushUpdate({
      message: {
        message_id: nextMessageId++,
        from: { ...p.telegram, is_bot: false },
        chat: { id: p.telegram.id, type: 'private', first_name: p.telegram.first_name, username: p.telegram.username },
        date: Math.floor(Date.now() / 1000),
        text: content,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    });
    add({ platform: 'telegram', kind: 'telegram_update', player: p.name, text: content });
    return { update_id: updateId };
  }

  function pressTelegram(body: any) {
    const tg = telegramOn();
    const p = playerNamed(body?.player);
    const data = text(body?.data, 'data');
    const message = tg.messages.find(
      (m) => m.chat_id === String(p.telegram.id) && m.message_id === Number(body?.message_id),
    );
    if (!message) throw new Refusal(404, `no bot message ${String(body?.message_id)} in ${p.name}'s Telegram chat`);
    collect();
    const updateId = tg.pushUpdate({
      callback_query: {
        id: String(7_000_000_000 + nextMessageId++),
        from: { ...p.telegram, is_bot: false },
        chat_instance: String(p.telegram.id),
        data,
        message: {
          message_id: message.message_id,
          chat: { id: p.telegram.id, type: 'private' },
          date: Math.floor(message.at / 1000),
          ...(message.text !== undefined ? { text: message.text } : {}),
        },
      },
    });
    add({ platform: 'telegram', kind: 'telegram_update', player: p.name, pressed: data });
    return { update_id: updateId };
  }

  function textChannel(value: unknown) {
    const channel = CHANNELS.find((c) => c.type === CHANNEL_TYPES.GuildText && (c.name === value || c.id === value));
    if (!channel) {
      const names = CHANNELS.filter((c) => c.type === CHANNEL_TYPES.GuildText).map((c) => c.name);
      throw new Refusal(404, `no text channel "${String(value)}"; channels: ${names.join(', ')}`);
    }
    return channel;
  }
  const slashCommands =
    discord && guild
      ? playgroundSlashCommands({
          discord,
          guild,
          playerNamed,
          textChannel: (value) => textChannel(value ?? CHANNELS[0]!.name),
          channelName,
          byDiscord,
          add,
          refuse: (status, message) => {
            throw new Refusal(status, message);
          },
        })
      : null;
  function slashCommandsOn() {
    discordOn();
    return slashCommands!;
  }

  function sendDiscord(body: any) {
    const dc = discordOn();
    const p = playerNamed(body?.player);
    const content = text(body?.content, 'content');
    const channel = textChannel(body?.channel);
    collect();
    const id = dc.gateway.sendMessage({ channelId: channel.id, author: fakeUser(p.discord.id, p.discord), content });
    add({ platform: 'discord', kind: 'discord_message', player: p.name, channel: channel.name, content, id });
    return { id };
  }

  const transcript = (after = 0) => {
    collect();
    return entries.slice(Math.max(0, after));
  };

  async function readTranscript(url: URL) {
    const after = Number(url.searchParams.get('after') ?? 0);
    const wait = Number(url.searchParams.get('wait') ?? 0);
    if (!Number.isInteger(after) || after < 0) throw new Refusal(400, 'after must be a cursor (a whole number ≥ 0)');
    if (!Number.isInteger(wait) || wait < 0 || wait > 25_000) throw new Refusal(400, 'wait must be 0-25000 (ms)');
    const deadline = Date.now() + wait;
    let found = transcript(after);
    while (found.length === 0 && Date.now() < deadline && !closing) {
      await sleep(50);
      found = transcript(after);
    }
    return { entries: found, cursor: after + found.length };
  }

  const describe = () => ({
    telegram: telegram !== null,
    discord: discord !== null,
    players: PLAYGROUND_PLAYERS,
    guild: guild && {
      id: guild.id,
      name: guild.name,
      channels: CHANNELS,
      rank_roles: PLAYGROUND_RANK_ROLES,
      /** Each test player's roles now, by name (what the member list shows). */
      members: PLAYGROUND_PLAYERS.map((p) => ({
        player: p.name,
        roles: (discord?.rolesOf(guild.id, p.discord.id) ?? []).map(
          (id) => PLAYGROUND_RANK_ROLES.find((r) => r.roleId === id)?.name ?? id,
        ),
      })),
    },
  });

  async function route(req: http.IncomingMessage, url: URL): Promise<unknown> {
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new Refusal(400, 'the body is not JSON');
      }
    }
    const key = `${method} ${url.pathname}`;
    switch (key) {
      case 'GET /playground':
        return describe();
      case 'POST /playground/telegram/send':
        return sendTelegram(body);
      case 'POST /playground/telegram/press':
        return pressTelegram(body);
      case 'POST /playground/discord/message':
        return sendDiscord(body);
      case 'POST /playground/discord/command':
        collect();
        return slashCommandsOn().runCommand(body);
      case 'POST /playground/discord/press':
        collect();
        return slashCommandsOn().pressButton(body);
      case 'GET /playground/transcript':
        return readTranscript(url);
      default:
        throw new Refusal(404, `no route ${key}`);
    }
  }

  const control = await listenFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(req, url).then(
      (result) => sendJson(res, 200, result),
      (err: Error) => sendJson(res, err instanceof Refusal ? err.status : 500, { error: err.message }),
    );
  }, options.port ?? 0);

  const serviceEnv: Record<string, string> = {};
  if (telegram) {
    serviceEnv.TELEGRAM_BOT_TOKEN = PLAYGROUND_TOKENS.telegram;
    serviceEnv.TELEGRAM_API_ROOT = telegram.url;
  }
  if (discord) {
    serviceEnv.DISCORD_TOKEN = PLAYGROUND_TOKENS.discord;
    serviceEnv.DISCORD_API_ROOT = discord.url;
    serviceEnv.DISCORD_GUILD_ID = PLAYGROUND_GUILD_ID;
    serviceEnv.DISCORD_MESSAGE_CONTENT = 'true';
  }

  return {
    telegram,
    discord,
    guild,
    url: `http://127.0.0.1:${control.port}`,
    serviceEnv,
    transcript,
    async close() {
      closing = true;
      await control.close();
      await telegram?.close();
      await discord?.close();
    },
  };
}
