import { randomBytes } from 'node:crypto';
import type { FakeApplications } from './fake-discord-applications';
import type { DiscordHost, DiscordReply, DiscordUpload, RouteCall } from './fake-discord-routes';
import { snowflakeAt, type FakeMember, type FakeUser } from './fake-discord-gateway';
import { waitUntil } from './http-fake';

/** Interaction callback types (Discord's InteractionResponseType). */
export const CALLBACK = { Reply: 4, DeferredReply: 5, DeferredUpdate: 6, UpdateMessage: 7 } as const;
/** Message flags the stand-in reads. */
export const MESSAGE_FLAGS = { Ephemeral: 1 << 6, Loading: 1 << 7 } as const;

/** A message the application sent through an interaction (its reply, an edit of it, a follow-up). */
export interface FakeAppMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  flags: number;
  attachments: DiscordUpload[];
  /** PATCHes applied to it. */
  edits: number;
}

/** What happened to an interaction, in order: accepted callbacks, refusals, edits, follow-ups. */
export interface InteractionStep {
  kind: 'callback' | 'refused' | 'edit' | 'followup' | 'delete';
  /** The callback type for 'callback'; Discord's error code for 'refused'. */
  code?: number;
  at: number;
}

export interface FakeInteraction {
  id: string;
  token: string;
  applicationId: string;
  /** 2: an application command; 3: a message component (button). */
  type: 2 | 3;
  createdAt: number;
  locale: string;
  user: FakeUser;
  guildId: string;
  channelId: string;
  /** The dispatched `data`. */
  data: any;
  /** For a button: the message it was on. */
  message: FakeAppMessage | null;
  acknowledged: boolean;
  steps: InteractionStep[];
  /** The reply (`@original`), once the interaction was answered or deferred. */
  original: FakeAppMessage | null;
  followups: FakeAppMessage[];
}

export interface CommandOptionInput {
  name: string;
  /** 1 sub-command, 3 string, 4 integer, 5 boolean, 6 user. */
  type: number;
  value?: string | number | boolean;
  options?: CommandOptionInput[];
}

export interface FakeInteractions {
  all: FakeInteraction[];
  /** How long after its creation an interaction takes its first callback (Discord: 3 s). */
  expiryMs: number;
  /** INTERACTION_CREATE of a chat-input command, as a member in a guild channel uses it. */
  runCommand(input: {
    guildId: string;
    channelId: string;
    member: FakeMember;
    name: string;
    options?: CommandOptionInput[];
    /** Discord's locale of the user's client: `ru`, `en-US`, `en-GB`, ... */
    locale?: string;
    /** Members a user option names (resolved data). */
    resolvedMembers?: FakeMember[];
  }): FakeInteraction;
  /** INTERACTION_CREATE of a button pressed on a message the application sent. */
  pressButton(input: {
    message: FakeAppMessage;
    customId: string;
    member: FakeMember;
    guildId: string;
    locale?: string;
  }): FakeInteraction;
  /** Resolves with the interaction's visible answer: a reply, or a deferral once edited. */
  answered(interaction: FakeInteraction, timeoutMs?: number): Promise<FakeAppMessage>;
  /** The buttons (custom ids) of a message. */
  buttonsOf(message: FakeAppMessage): { customId: string; label: string; disabled: boolean }[];
}

const UNKNOWN_INTERACTION = { status: 404, code: 10062, message: 'Unknown interaction' };
const ALREADY_ACKNOWLEDGED = { status: 400, code: 40060, message: 'Interaction has already been acknowledged.' };
const UNKNOWN_WEBHOOK = { status: 404, code: 10015, message: 'Unknown Webhook' };
/** Interaction tokens work for follow-ups and edits this long. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** Every permission a member of the test guild has (what `member.permissions` carries). */
const MEMBER_PERMISSIONS = '2248473465835073';

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

function memberJson(m: FakeMember) {
  return {
    user: userJson(m.user),
    roles: m.roles,
    nick: m.nick ?? null,
    avatar: null,
    joined_at: new Date(1_420_070_400_000).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    permissions: MEMBER_PERMISSIONS,
  };
}

/**
 * Interactions as Discord delivers and answers them: INTERACTION_CREATE on the gateway for
 * chat-input commands and buttons; `POST /interactions/{id}/{token}/callback` (JSON or
 * multipart with files) once, within `expiryMs` (later: 10062 Unknown interaction; twice:
 * 40060 already acknowledged); `GET|PATCH|DELETE /webhooks/{app}/{token}/messages/@original`
 * and follow-ups (`POST /webhooks/{app}/{token}`) for 15 minutes after an acknowledgement.
 * Uploaded files are served on the CDN under `/attachments/`.
 */
export function attachInteractions(fake: DiscordHost, applications: FakeApplications): FakeInteractions {
  let increment = 0;
  const nextId = () => snowflakeAt(Date.now(), increment++);
  const byId = new Map<string, FakeInteraction>();
  const byToken = new Map<string, FakeInteraction>();

  const botUser = () => fake.gateway.botUser;

  function channelJson(guildId: string, channelId: string) {
    const channel = fake.gateway.guilds.get(guildId)?.channels.find((c) => c.id === channelId);
    return {
      id: channelId,
      type: channel?.type ?? 0,
      name: channel?.name ?? 'channel',
      guild_id: guildId,
      permissions: MEMBER_PERMISSIONS,
      nsfw: false,
      position: 0,
      parent_id: null,
    };
  }

  function messageJson(m: FakeAppMessage, interaction: FakeInteraction | null) {
    return {
      id: m.id,
      channel_id: m.channel_id,
      type: interaction ? (interaction.type === 2 ? 20 : 19) : 0,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      attachments: m.attachments.map((a, i) => ({
        id: `${m.id}${i}`,
        filename: a.filename,
        content_type: a.contentType,
        size: a.data.length,
        url: `${fake.cdnUrl}/attachments/${m.channel_id}/${m.id}/${a.filename}`,
        proxy_url: `${fake.cdnUrl}/attachments/${m.channel_id}/${m.id}/${a.filename}`,
      })),
      author: userJson(botUser()),
      application_id: botUser().id,
      webhook_id: botUser().id,
      flags: m.flags,
      timestamp: new Date().toISOString(),
      edited_timestamp: m.edits > 0 ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
    };
  }

  function apply(m: FakeAppMessage, data: any, files: DiscordUpload[]) {
    if (data?.content !== undefined) m.content = String(data.content ?? '');
    if (data?.embeds !== undefined) m.embeds = data.embeds ?? [];
    if (data?.components !== undefined) m.components = data.components ?? [];
    if (files.length > 0) m.attachments = files;
    else if (Array.isArray(data?.attachments) && data.attachments.length === 0) m.attachments = [];
    for (const a of m.attachments) {
      fake.cdn.set(`/attachments/${m.channel_id}/${m.id}/${a.filename}`, { contentType: a.contentType, data: a.data });
    }
  }

  function newMessage(interaction: FakeInteraction, data: any, files: DiscordUpload[], flags: number): FakeAppMessage {
    const m: FakeAppMessage = {
      id: nextId(),
      channel_id: interaction.channelId,
      content: '',
      embeds: [],
      components: [],
      flags,
      attachments: [],
      edits: 0,
    };
    apply(m, data, files);
    return m;
  }

  function callback(interaction: FakeInteraction, call: RouteCall, reply: DiscordReply) {
    const refuse = (fault: { status: number; code: number; message: string }) => {
      interaction.steps.push({ kind: 'refused', code: fault.code, at: Date.now() });
      reply.fail(fault);
    };
    if (interaction.acknowledged) return refuse(ALREADY_ACKNOWLEDGED);
    if (Date.now() - interaction.createdAt > interactions.expiryMs) return refuse(UNKNOWN_INTERACTION);
    const type = Number(call.body?.type);
    const data = call.body?.data ?? {};
    const flags = Number(data.flags ?? 0);
    switch (type) {
      case CALLBACK.Reply:
        interaction.original = newMessage(interaction, data, call.files, flags & MESSAGE_FLAGS.Ephemeral);
        break;
      case CALLBACK.DeferredReply:
        interaction.original = newMessage(
          interaction,
          {},
          [],
          (flags & MESSAGE_FLAGS.Ephemeral) | MESSAGE_FLAGS.Loading,
        );
        break;
      case CALLBACK.DeferredUpdate:
      case CALLBACK.UpdateMessage:
        if (!interaction.message) {
          reply.fail({ status: 400, code: 50035, message: 'Invalid Form Body: no message to update' });
          return;
        }
        if (type === CALLBACK.UpdateMessage) {
          apply(interaction.message, data, call.files);
          interaction.message.edits++;
        }
        interaction.original = interaction.message;
        break;
      default:
        reply.fail({ status: 400, code: 50035, message: `Invalid Form Body: callback type ${call.body?.type}` });
        return;
    }
    interaction.acknowledged = true;
    interaction.steps.push({ kind: 'callback', code: type, at: Date.now() });
    if (call.query.get('with_response') !== 'true') return reply.ok(204);
    reply.ok(200, {
      interaction: { id: interaction.id, type: interaction.type, activity_instance_id: null },
      resource: { type, message: messageJson(interaction.original!, interaction) },
    });
  }

  function webhook(interaction: FakeInteraction, rest: string, call: RouteCall, reply: DiscordReply) {
    if (!interaction.acknowledged || Date.now() - interaction.createdAt > TOKEN_LIFETIME_MS) {
      return reply.fail(UNKNOWN_WEBHOOK);
    }
    if (rest === '' && call.method === 'POST') {
      const flags = Number(call.body?.flags ?? 0) & MESSAGE_FLAGS.Ephemeral;
      const m = newMessage(interaction, call.body, call.files, flags);
      interaction.followups.push(m);
      interaction.steps.push({ kind: 'followup', at: Date.now() });
      return reply.ok(200, messageJson(m, interaction));
    }
    if (rest === '/messages/@original') {
      const m = interaction.original;
      if (!m) return reply.fail({ status: 404, code: 10008, message: 'Unknown Message' });
      if (call.method === 'GET') return reply.ok(200, messageJson(m, interaction));
      if (call.method === 'PATCH') {
        apply(m, call.body, call.files);
        m.flags &= ~MESSAGE_FLAGS.Loading;
        m.edits++;
        interaction.steps.push({ kind: 'edit', at: Date.now() });
        return reply.ok(200, messageJson(m, interaction));
      }
      if (call.method === 'DELETE') {
        interaction.original = null;
        interaction.steps.push({ kind: 'delete', at: Date.now() });
        return reply.ok(204);
      }
    }
    return reply.fail({ status: 404, code: 0, message: '404: Not Found' });
  }

  fake.routes.push((call, reply) => {
    let m: RegExpExecArray | null;
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(call.path)) && call.method === 'POST') {
      const interaction = byId.get(m[1]!);
      if (!interaction || interaction.token !== m[2]) reply.fail(UNKNOWN_INTERACTION);
      else callback(interaction, call, reply);
      return true;
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)((?:\/messages\/(?:@|%40)original)?)$/.exec(call.path))) {
      const interaction = byToken.get(m[2]!);
      if (!interaction || interaction.applicationId !== m[1]) reply.fail(UNKNOWN_WEBHOOK);
      else webhook(interaction, m[3] ? '/messages/@original' : '', call, reply);
      return true;
    }
    return false;
  });

  function create(
    type: 2 | 3,
    input: { guildId: string; channelId: string; member: FakeMember; locale?: string },
    data: any,
    message: FakeAppMessage | null,
  ): FakeInteraction {
    const interaction: FakeInteraction = {
      id: nextId(),
      token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`,
      applicationId: botUser().id,
      type,
      createdAt: Date.now(),
      locale: input.locale ?? 'en-US',
      user: input.member.user,
      guildId: input.guildId,
      channelId: input.channelId,
      data,
      message,
      acknowledged: false,
      steps: [],
      original: null,
      followups: [],
    };
    interactions.all.push(interaction);
    byId.set(interaction.id, interaction);
    byToken.set(interaction.token, interaction);
    fake.gateway.dispatch('INTERACTION_CREATE', {
      id: interaction.id,
      application_id: interaction.applicationId,
      type,
      token: interaction.token,
      version: 1,
      data,
      guild_id: input.guildId,
      guild: { id: input.guildId, locale: 'en-US', features: [] },
      channel_id: input.channelId,
      channel: channelJson(input.guildId, input.channelId),
      member: memberJson(input.member),
      ...(message ? { message: messageJson(message, null) } : {}),
      locale: interaction.locale,
      guild_locale: 'en-US',
      app_permissions: MEMBER_PERMISSIONS,
      entitlements: [],
      authorizing_integration_owners: { '0': input.guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
    });
    return interaction;
  }

  const interactions: FakeInteractions = {
    all: [],
    expiryMs: 3000,
    runCommand(input) {
      const registered = [
        ...(applications.guild.get(`${botUser().id}/${input.guildId}`) ?? []),
        ...(applications.global.get(botUser().id) ?? []),
      ].find((c) => c.name === input.name);
      const resolved = input.resolvedMembers?.length
        ? {
            users: Object.fromEntries(input.resolvedMembers.map((m) => [m.user.id, userJson(m.user)])),
            members: Object.fromEntries(
              input.resolvedMembers.map((m) => {
                const { user: _user, ...member } = memberJson(m);
                return [m.user.id, member];
              }),
            ),
          }
        : undefined;
      return create(
        2,
        input,
        {
          id: registered?.id ?? nextId(),
          name: input.name,
          type: 1,
          ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
          ...(input.options?.length ? { options: input.options } : {}),
          ...(resolved ? { resolved } : {}),
        },
        null,
      );
    },
    pressButton(input) {
      return create(
        3,
        { ...input, channelId: input.message.channel_id },
        { custom_id: input.customId, component_type: 2 },
        input.message,
      );
    },
    async answered(interaction, timeoutMs = 10_000) {
      return waitUntil<FakeAppMessage | null>(
        () => {
          const m = interaction.original;
          return m && (m.flags & MESSAGE_FLAGS.Loading) === 0 ? m : null;
        },
        timeoutMs,
        `an answer to interaction ${interaction.id} (${interaction.data.name ?? interaction.data.custom_id})`,
      ) as Promise<FakeAppMessage>;
    },
    buttonsOf(message) {
      return message.components.flatMap((row: any) =>
        (row.components ?? [])
          .filter((c: any) => c.type === 2)
          .map((c: any) => ({ customId: c.custom_id, label: c.label, disabled: Boolean(c.disabled) })),
      );
    },
  };
  return interactions;
}
