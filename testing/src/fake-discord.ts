import type http from 'node:http';
import { listenFake, readBody, sendJson, sleep } from './http-fake';
import { startFakeGateway, type FakeGateway } from './fake-discord-gateway';
import { createFakeDiscordOAuth, type FakeDiscordOAuth } from './fake-discord-oauth';

/** One REST request the fake received (path without the /api/v10 prefix). */
export interface DiscordCall {
  method: string;
  path: string;
  body: any;
  auth: string | undefined;
  reason: string | undefined;
  at: number;
}

export interface DiscordSentMessage {
  id: string;
  channel_id: string;
  /** The user a DM channel belongs to. */
  recipient_id: string | null;
  content: string;
  nonce: string | null;
  auth: string | undefined;
  at: number;
}

/** A Discord JSON error. `retryAfter` (seconds) makes it a 429 with rate-limit headers. */
export interface DiscordFault {
  status: number;
  code: number;
  message: string;
  retryAfter?: number;
  global?: boolean;
}

export const DISCORD_ERRORS = {
  missingPermissions: { status: 403, code: 50013, message: 'Missing Permissions' },
  unknownMember: { status: 404, code: 10007, message: 'Unknown Member' },
  cannotMessageUser: { status: 403, code: 50007, message: 'Cannot send messages to this user' },
  serverError: { status: 500, code: 0, message: '500: Internal Server Error' },
  rateLimited: (retryAfter: number, global = false) => ({
    status: 429,
    code: 0,
    message: 'You are being rate limited.',
    retryAfter,
    global,
  }),
} satisfies Record<string, DiscordFault | ((...args: any[]) => DiscordFault)>;

export interface FakeDiscord {
  /** The REST `api` option (base URL without the version). */
  url: string;
  calls: DiscordCall[];
  messages: DiscordSentMessage[];
  /** Adds (or replaces) a guild member with its role ids. */
  addMember(guildId: string, userId: string, roles?: string[]): void;
  /** The member's role ids, or null when not in the guild. */
  rolesOf(guildId: string, userId: string): string[] | null;
  /** Answers the next `times` requests matching `method` and `path` with an error. */
  fail(match: { method?: string; path: RegExp }, fault: DiscordFault, options?: { times?: number }): void;
  /** Forgets every fault not yet used. */
  clearFaults(): void;
  delayMs: number;
  /** Global application commands, as the last bulk overwrite set them. */
  commands: unknown[];
  /** The gateway WebSocket on the same port (its URL is what GET /gateway/bot answers). */
  gateway: FakeGateway;
  /** OAuth2 (authorize, token) and the user-token endpoints, on the same port. */
  oauth: FakeDiscordOAuth;
  close(): Promise<void>;
}

const BOT_USER = { id: '700000000000000001', username: 'ttfd', discriminator: '0', bot: true, global_name: 'TTFD' };

/**
 * Discord's REST API v10 on 127.0.0.1, as much of it as the TTFD bot and worker use:
 * members and their roles, DM channels and messages (with `enforce_nonce`), application
 * commands and interaction callbacks. Errors are Discord's JSON `{code, message}`; 429s
 * carry `retry_after` and the X-RateLimit-* headers the client library reads.
 */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const members = new Map<string, Map<string, string[]>>();
  const dmChannels = new Map<string, string>();
  const channelRecipients = new Map<string, string>();
  const faults: { method?: string; path: RegExp; fault: DiscordFault; times: number }[] = [];
  let nextId = 900000000000000000n;
  const snowflake = () => String(nextId++);

  const fake: FakeDiscord = {
    url: '',
    calls: [],
    messages: [],
    delayMs: 0,
    commands: [],
    gateway: null as unknown as FakeGateway,
    oauth: createFakeDiscordOAuth(BOT_USER.id),
    addMember(guildId, userId, roles = []) {
      if (!members.has(guildId)) members.set(guildId, new Map());
      members.get(guildId)!.set(userId, [...roles]);
    },
    rolesOf: (guildId, userId) => members.get(guildId)?.get(userId) ?? null,
    fail(match, fault, options = {}) {
      faults.push({ method: match.method?.toUpperCase(), path: match.path, fault, times: options.times ?? 1 });
    },
    clearFaults: () => void faults.splice(0),
    close: async () => {},
  };

  const rateHeaders = (remaining: number, resetAfter: number, bucket: string) => ({
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String((Date.now() / 1000 + resetAfter).toFixed(3)),
    'x-ratelimit-reset-after': String(resetAfter),
    'x-ratelimit-bucket': bucket,
  });

  function fail(res: http.ServerResponse, f: DiscordFault) {
    if (f.retryAfter === undefined) return sendJson(res, f.status, { code: f.code, message: f.message });
    return sendJson(
      res,
      429,
      { message: f.message, retry_after: f.retryAfter, global: Boolean(f.global), code: f.code },
      {
        'retry-after': String(Math.ceil(f.retryAfter)),
        'x-ratelimit-scope': f.global ? 'global' : 'user',
        ...(f.global ? { 'x-ratelimit-global': 'true' } : rateHeaders(0, f.retryAfter, 'fake-bucket')),
      },
    );
  }

  const unknownMember = DISCORD_ERRORS.unknownMember;

  function route(method: string, path: string, body: any, auth: string | undefined, res: http.ServerResponse) {
    let m: RegExpExecArray | null;
    const ok = (status: number, result?: unknown) => sendJson(res, status, result, rateHeaders(4, 1, 'fake-bucket'));
    if (method === 'GET' && path === '/users/@me') return ok(200, BOT_USER);
    if (method === 'GET' && path === '/gateway/bot') {
      return ok(200, {
        url: fake.gateway.url,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      });
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(body?.recipient_id ?? '');
      if (!/^\d+$/.test(recipient)) return fail(res, { status: 400, code: 50035, message: 'Invalid Form Body' });
      let id = dmChannels.get(recipient);
      if (!id) {
        id = snowflake();
        dmChannels.set(recipient, id);
        channelRecipients.set(id, recipient);
      }
      return ok(200, {
        id,
        type: 1,
        last_message_id: null,
        recipients: [{ id: recipient, username: `user${recipient}` }],
      });
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      const channelId = m[1]!;
      const nonce = body?.nonce === undefined ? null : String(body.nonce);
      if (nonce !== null && body?.enforce_nonce) {
        const same = fake.messages.find((x) => x.channel_id === channelId && x.nonce === nonce && x.auth === auth);
        if (same) return ok(200, messageJson(same));
      }
      const sent: DiscordSentMessage = {
        id: snowflake(),
        channel_id: channelId,
        recipient_id: channelRecipients.get(channelId) ?? null,
        content: String(body?.content ?? ''),
        nonce,
        auth,
        at: Date.now(),
      };
      fake.messages.push(sent);
      return ok(200, messageJson(sent));
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const found = fake.messages.find((x) => x.channel_id === m![1] && x.id === m![2]);
      if (!found) return fail(res, { status: 404, code: 10008, message: 'Unknown Message' });
      found.content = String(body?.content ?? found.content);
      return ok(200, messageJson(found));
    }
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path)) && method === 'GET') {
      const roles = fake.rolesOf(m[1]!, m[2]!);
      if (!roles) return fail(res, unknownMember);
      return ok(200, {
        user: { id: m[2], username: `user${m[2]}`, discriminator: '0' },
        roles,
        joined_at: new Date(0).toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      });
    }
    if (
      (m = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(path)) &&
      (method === 'PUT' || method === 'DELETE')
    ) {
      const roles = fake.rolesOf(m[1]!, m[2]!);
      if (!roles) return fail(res, unknownMember);
      const next = roles.filter((r) => r !== m![3]);
      if (method === 'PUT') next.push(m[3]!);
      members.get(m[1]!)!.set(m[2]!, next);
      return ok(204);
    }
    if ((m = /^\/applications\/(\d+)\/commands$/.exec(path)) && method === 'PUT') {
      fake.commands = (Array.isArray(body) ? body : []).map((c: object) => ({ id: snowflake(), ...c }));
      return ok(200, fake.commands);
    }
    if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(path) && method === 'POST') return ok(204);
    return fail(res, { status: 404, code: 0, message: '404: Not Found' });
  }

  function messageJson(x: DiscordSentMessage) {
    return {
      id: x.id,
      channel_id: x.channel_id,
      type: 0,
      content: x.content,
      nonce: x.nonce ?? undefined,
      author: BOT_USER,
      timestamp: new Date(x.at).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
    };
  }

  const started = await listenFake((req, res) => {
    const run = async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = await readBody(req);
      if (fake.oauth.handle(req, res, url, raw)) return;
      const match = /^\/api\/v10(\/.*)$/.exec(url.pathname);
      if (!match) return fail(res, { status: 404, code: 0, message: '404: Not Found' });
      const path = match[1]!;
      const method = req.method ?? 'GET';
      const body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
      const auth = req.headers.authorization;
      const reason = req.headers['x-audit-log-reason'];
      fake.calls.push({
        method,
        path,
        body,
        auth,
        reason: reason === undefined ? undefined : decodeURIComponent(String(reason)),
        at: Date.now(),
      });
      if (fake.delayMs > 0) await sleep(fake.delayMs);
      if (!auth || !/^Bot \S+$/.test(auth)) return fail(res, { status: 401, code: 0, message: '401: Unauthorized' });
      const i = faults.findIndex((f) => (!f.method || f.method === method) && f.path.test(path));
      if (i >= 0) {
        const f = faults[i]!;
        if (--f.times <= 0) faults.splice(i, 1);
        return fail(res, f.fault);
      }
      return route(method, path, body, auth, res);
    };
    run().catch((err: Error) => sendJson(res, 500, { code: 0, message: err.message }));
  });
  fake.url = `http://127.0.0.1:${started.port}/api`;
  fake.gateway = startFakeGateway(started.server, started.port);
  fake.close = async () => {
    await fake.gateway.close();
    await started.close();
  };
  return fake;
}
