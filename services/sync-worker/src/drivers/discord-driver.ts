import { DiscordAPIError, HTTPError, RateLimitError, REST } from '@discordjs/rest';
import { Routes, type APIChannel, type APIGuildMember, type APIMessage } from 'discord-api-types/v10';
import { credentialsGuard, DeliveryError, outcomeOf, type ObserveRequest } from './delivery-error';

export interface RoleSyncResult {
  added: string[];
  removed: string[];
  /** Roles Discord would not let the bot change, with Discord's reason. */
  unmanageable: { roleId: string; reason: string }[];
  /** Roles that needed a change but were not tried (`skipRoleIds`). */
  skipped: string[];
}

/** Discord effects of the event pipeline. */
export interface DiscordDriver {
  readonly platform: 'discord';
  /** False when no guild is configured: role sync is skipped, DMs still work. */
  readonly syncsRoles: boolean;
  /** Set once Discord refused the token (401): nothing more is sent. */
  readonly fault: string | null;
  /**
   * Reconciles the member's rank roles: adds `roleId` when missing and removes every
   * other role of `rankRoleIds` the member has. Nothing is changed when they are right.
   * A role Discord will not let the bot manage is reported in the result, not thrown;
   * roles in `skipRoleIds` are not tried.
   */
  syncRoles(input: {
    discordUserId: string;
    roleId: string | null;
    rankRoleIds: string[];
    skipRoleIds?: ReadonlySet<string>;
  }): Promise<RoleSyncResult>;
  /**
   * Sends a direct message. Discord creates one message per `nonce` (enforce_nonce), so
   * sending again with the same nonce after a crash cannot post it twice.
   */
  sendDirectMessage(input: { discordUserId: string; text: string; nonce: string }): Promise<{ messageId: string }>;
}

export interface DiscordDriverOptions {
  token: string;
  guildId?: string | null;
  /** Base API URL without the version (default https://discord.com/api). */
  apiRoot?: string;
  timeoutMs?: number;
  /** Rate limits up to this long are waited out in place; longer ones fail as rate_limited. */
  maxRateLimitWaitMs?: number;
  observe?: ObserveRequest;
  /** Told once when Discord refuses the token. */
  onFault?: (message: string) => void;
}

/** Unknown member (left the guild), unknown user, DMs closed: the player cannot be reached there. */
const UNREACHABLE_CODES = new Set([10007, 10013, 50007]);
/** Missing permissions, unknown role, missing access: a fault of our setup that retrying cannot fix. */
const PERMANENT_CODES = new Set([50013, 10011, 50001]);
const UNKNOWN_CHANNEL = 10003;
/** Missing Permissions (role above the bot's highest, a managed role) and Unknown Role: a setup fault of one role. */
const UNMANAGEABLE_ROLE = new Map([
  [50013, 'Missing Permissions (50013)'],
  [10011, 'Unknown Role (10011)'],
]);

function unmanageableReason(err: unknown): string | null {
  const code = err instanceof DeliveryError ? (err.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'number' ? (UNMANAGEABLE_ROLE.get(code) ?? null) : null;
}
const AUDIT_REASON = 'TTFD rank sync';

function classify(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) {
    return new DeliveryError('discord', 'rate_limited', `rate limited on ${err.route} for ${err.retryAfter} ms`, {
      retryAfterMs: err.retryAfter,
      cause: err,
    });
  }
  if (err instanceof DiscordAPIError) {
    const what = `${err.status} ${err.code} ${err.message}`;
    if (typeof err.code === 'number' && UNREACHABLE_CODES.has(err.code))
      return new DeliveryError('discord', 'unreachable', what, { cause: err });
    if (typeof err.code === 'number' && PERMANENT_CODES.has(err.code))
      return new DeliveryError('discord', 'permanent', what, { cause: err });
    if (err.status === 401) return new DeliveryError('discord', 'misconfigured', what, { cause: err });
    if (err.status >= 500 || err.status === 408 || err.code === UNKNOWN_CHANNEL)
      return new DeliveryError('discord', 'transient', what, { cause: err });
    return new DeliveryError('discord', 'permanent', what, { cause: err });
  }
  if (err instanceof HTTPError)
    return new DeliveryError('discord', 'transient', `${err.status} ${err.message}`, { cause: err });
  const e = err as Error;
  const timedOut = e?.name === 'AbortError' || e?.name === 'TimeoutError';
  return new DeliveryError('discord', 'transient', timedOut ? 'request timed out' : (e?.message ?? String(err)), {
    maybeDelivered: timedOut,
    cause: err,
  });
}

/** The Discord driver on discord.js REST (`@discordjs/rest` with API v10 routes). */
export function createDiscordDriver(options: DiscordDriverOptions): DiscordDriver {
  const maxWait = options.maxRateLimitWaitMs ?? 2_000;
  const rest = new REST({
    version: '10',
    api: options.apiRoot ?? 'https://discord.com/api',
    timeout: options.timeoutMs ?? 10_000,
    // The worker owns retries: a retried POST after a timeout could post twice.
    retries: 0,
    rejectOnRateLimit: (limit) => limit.retryAfter > maxWait,
  }).setToken(options.token);
  const guildId = options.guildId ?? null;
  const dmChannels = new Map<string, string>();
  const observe = options.observe ?? (() => {});
  const credentials = credentialsGuard('discord', 'DISCORD_TOKEN', options.onFault);

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    credentials.check();
    try {
      const result = await fn();
      observe('ok');
      return result;
    } catch (err) {
      const failure = classify(err);
      observe(outcomeOf(failure));
      throw credentials.note(failure);
    }
  }

  async function dmChannel(discordUserId: string): Promise<string> {
    const known = dmChannels.get(discordUserId);
    if (known) return known;
    const channel = (await call(() =>
      rest.post(Routes.userChannels(), { body: { recipient_id: discordUserId } }),
    )) as APIChannel;
    if (dmChannels.size > 10_000) dmChannels.clear();
    dmChannels.set(discordUserId, channel.id);
    return channel.id;
  }

  return {
    platform: 'discord',
    syncsRoles: guildId !== null,
    get fault() {
      return credentials.fault;
    },

    async syncRoles({ discordUserId, roleId, rankRoleIds, skipRoleIds }) {
      if (!guildId) throw new DeliveryError('discord', 'permanent', 'no guild configured for role sync');
      const member = (await call(() => rest.get(Routes.guildMember(guildId, discordUserId)))) as APIGuildMember;
      const has = new Set(member.roles);
      const result: RoleSyncResult = { added: [], removed: [], unmanageable: [], skipped: [] };
      const change = async (role: string, done: string[], send: () => Promise<unknown>) => {
        if (skipRoleIds?.has(role)) return void result.skipped.push(role);
        try {
          await call(send);
          done.push(role);
        } catch (err) {
          const reason = unmanageableReason(err);
          if (reason === null) throw err;
          result.unmanageable.push({ roleId: role, reason });
        }
      };
      if (roleId && !has.has(roleId))
        await change(roleId, result.added, () =>
          rest.put(Routes.guildMemberRole(guildId, discordUserId, roleId), { reason: AUDIT_REASON }),
        );
      for (const role of rankRoleIds.filter((r) => r !== roleId && has.has(r)))
        await change(role, result.removed, () =>
          rest.delete(Routes.guildMemberRole(guildId, discordUserId, role), { reason: AUDIT_REASON }),
        );
      return result;
    },

    async sendDirectMessage({ discordUserId, text, nonce }) {
      const channelId = await dmChannel(discordUserId);
      try {
        const message = (await call(() =>
          rest.post(Routes.channelMessages(channelId), { body: { content: text, nonce, enforce_nonce: true } }),
        )) as APIMessage;
        return { messageId: message.id };
      } catch (err) {
        // A DM channel that no longer exists: look it up again on the next try.
        if (err instanceof DeliveryError && (err.cause as { code?: unknown })?.code === UNKNOWN_CHANNEL)
          dmChannels.delete(discordUserId);
        throw err;
      }
    },
  };
}
