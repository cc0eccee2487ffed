import { createHash, randomUUID } from 'node:crypto';
import {
  beginDelivery,
  finishDelivery,
  markGrantRevoked,
  markReachable,
  recordRoleConnectionPushed,
  storeRefreshedTokens,
  releaseDelivery,
  type ClaimedEvent,
  type DeliveryRecord,
  type DeliveryTarget,
  type EventData,
  type Logger,
  type PlayerTarget,
  type Queryable,
  type Recipient,
  type RoleConnection,
  type TokenKey,
  type UnreachableTarget,
} from '@ttfd/shared';
import { DeliveryError } from './drivers/delivery-error';
import type { DiscordDriver, RoleSyncResult } from './drivers/discord-driver';
import { GrantRevokedError, type RoleConnectionDriver } from './drivers/role-connection-driver';
import type { TelegramDriver } from './drivers/telegram-driver';
import type { WebsiteDriver } from './drivers/website-driver';
import type { Effect, NotifiedEvent } from './event-handlers';
import { notificationText } from './notification-texts';
import type { UnmanageableRoles } from './unmanageable-roles';
import type { UnsettledSends } from './unsettled-sends';

/** The platforms the worker reaches; a null driver is a platform without credentials. */
export interface Drivers {
  discord: DiscordDriver | null;
  telegram: TelegramDriver | null;
  website: WebsiteDriver;
  /** Discord Linked Roles with players' own tokens; absent without DISCORD_TOKEN_KEY. */
  roleConnections?: RoleConnectionDriver | null;
}

export interface DeliveryContext {
  drivers: Drivers;
  /** Autocommit queries: receipts written before a message goes out must outlive the batch. */
  receipts: Queryable;
  /** Every Discord role that stands for a rank. */
  rankRoleIds: string[];
  /** Rank roles Discord will not let the bot manage: reported once, tried again only by a check. */
  unmanageableRoles: UnmanageableRoles;
  /** This worker's sends whose receipt write lost its answer. */
  unsettledSends: UnsettledSends;
  log: Logger;
  /**
   * The batch's players' Linked Roles grants with their current standing (loaded after the
   * claim, so the latest state); a grant is set once per batch and dropped once done.
   */
  roleConnections: Map<string, RoleConnection>;
  tokenKey: TokenKey | null;
}

/** What happened to one event's platform effects. */
export interface EventDelivery {
  /** Idempotent and skipped effects, recorded in the claiming transaction. */
  records: DeliveryRecord[];
  /** Why effects were not delivered because a platform is not configured. */
  skipped: string[];
  /** Targets the player refused on this attempt: turned off for them, not a failure. */
  unreachable: UnreachableTarget[];
  /** Targets on again (the member came back): cancels a refusal met earlier in the same batch. */
  reachable: { target: PlayerTarget; identity: string }[];
  failures: Error[];
}

/** Discord keeps one message per nonce for a few minutes; resending after a crash within that is safe. */
const NONCE_WINDOW_SECONDS = 120;

/** A DM nonce derived from (event, target): the same on every attempt, at most 25 characters. */
export function dmNonce(eventId: string, target: DeliveryTarget): string {
  return createHash('sha256').update(`${eventId}/${target}`).digest('base64url').slice(0, 25);
}

/**
 * Sends one message at most once. The receipt is committed before the send; finding one
 * means an earlier attempt got that far, and the message is sent again only where the
 * platform itself drops a repeat (a Discord nonce still in its window). When a receipt
 * write loses its answer (the database went away), this worker remembers the attempt, so
 * its next try neither skips a message it never sent nor resends one it did.
 */
async function sendOnce(
  ctx: DeliveryContext,
  eventId: string,
  target: DeliveryTarget,
  send: () => Promise<{ messageId: string }>,
  repeatSafe: boolean,
): Promise<void> {
  const unsettled = ctx.unsettledSends.get(eventId, target);
  if (unsettled?.messageId !== undefined) {
    await finishDelivery(ctx.receipts, eventId, target, 'sent', unsettled.messageId);
    ctx.unsettledSends.forget(eventId, target);
    return;
  }
  const attempt = unsettled?.attempt ?? randomUUID();
  let claim;
  try {
    claim = await beginDelivery(ctx.receipts, eventId, target, attempt);
  } catch (err) {
    ctx.unsettledSends.remember(eventId, target, { attempt });
    throw err;
  }
  ctx.unsettledSends.forget(eventId, target);
  if (!claim.send) {
    if (claim.status !== 'sending') return;
    if (!repeatSafe || claim.ageSeconds > NONCE_WINDOW_SECONDS) {
      await finishDelivery(ctx.receipts, eventId, target, 'unknown', 'the attempt that was sending it stopped midway');
      return;
    }
  }
  let messageId: string;
  try {
    ({ messageId } = await send());
  } catch (err) {
    if (err instanceof DeliveryError && err.maybeDelivered && !repeatSafe) {
      await finishDelivery(ctx.receipts, eventId, target, 'unknown', err.message);
      return;
    }
    await settling(ctx, eventId, target, { attempt }, () => releaseDelivery(ctx.receipts, eventId, target));
    throw err;
  }
  await settling(ctx, eventId, target, { attempt, messageId }, () =>
    finishDelivery(ctx.receipts, eventId, target, 'sent', messageId),
  );
}

/** Writes a receipt's outcome; if the write fails, remembers the outcome for the next try. */
async function settling(
  ctx: DeliveryContext,
  eventId: string,
  target: DeliveryTarget,
  outcome: { attempt: string; messageId?: string },
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
  } catch (err) {
    ctx.unsettledSends.remember(eventId, target, outcome);
    throw err;
  }
}

/**
 * Runs the effect on one target of the player. A refusal (blocked, DMs closed, not in
 * the guild) turns that target off for them instead of failing the event; a target
 * already off is not tried.
 */
async function reach(
  event: ClaimedEvent,
  who: Recipient,
  target: PlayerTarget,
  identity: string,
  out: EventDelivery,
  effect: () => Promise<void>,
): Promise<void> {
  if (who.unreachable.includes(target)) return;
  try {
    await effect();
  } catch (err) {
    if (!(err instanceof DeliveryError && err.failure === 'unreachable')) throw err;
    // The player's later events in this batch share `who`: they do not try it again.
    who.unreachable.push(target);
    out.records.push({ eventId: event.id, target, status: 'unreachable', detail: err.message });
    out.unreachable.push({ userId: who.accountId, target, identity, reason: err.message });
  }
}

function roleSyncer(event: ClaimedEvent, ctx: DeliveryContext, out: EventDelivery): DiscordDriver | null {
  const discord = ctx.drivers.discord;
  if (discord?.syncsRoles) return discord;
  const why = discord ? 'role sync: DISCORD_GUILD_ID is not set' : 'role sync: the Discord driver is disabled';
  out.records.push({ eventId: event.id, target: 'discord:roles', status: 'skipped', detail: why });
  out.skipped.push(why);
  return null;
}

const roleChanges = ({ added, removed, unmanageable, skipped }: RoleSyncResult) =>
  [
    ...added.map((r) => `+${r}`),
    ...removed.map((r) => `-${r}`),
    ...unmanageable.map((u) => `!${u.roleId} ${u.reason}`),
    ...skipped.map((r) => `!${r} unmanageable`),
  ].join(' ') || 'already right';

/**
 * Reconciles the member's roles through the driver and keeps the unmanageable-role report
 * current: a refused role is reported (once) and the event completes without it.
 */
async function reconcileRoles(
  discord: DiscordDriver,
  input: { discordUserId: string; roleId: string | null },
  ctx: DeliveryContext,
  out: EventDelivery,
  retryUnmanageable: boolean,
): Promise<RoleSyncResult> {
  const result = await discord.syncRoles({
    ...input,
    rankRoleIds: ctx.rankRoleIds,
    skipRoleIds: retryUnmanageable ? undefined : ctx.unmanageableRoles.known,
  });
  for (const role of [...result.added, ...result.removed]) ctx.unmanageableRoles.managed(role);
  for (const { roleId, reason } of result.unmanageable) ctx.unmanageableRoles.report(roleId, reason);
  const refused = [...result.unmanageable.map((u) => u.roleId), ...result.skipped];
  if (refused.length > 0) out.skipped.push(`role sync: the bot cannot manage rank role ${refused.join(', ')}`);
  return result;
}

type RoleSync = 'event' | 'rejoined' | 'check';

async function syncRoles(
  event: ClaimedEvent,
  who: Recipient,
  ctx: DeliveryContext,
  out: EventDelivery,
  mode: RoleSync = 'event',
) {
  if (!who.discordId) return;
  // No rank has a Discord role: there is nothing to reconcile.
  if (ctx.rankRoleIds.length === 0 && who.rankRoleId === null) return;
  const discord = roleSyncer(event, ctx, out);
  if (!discord) return;
  const discordUserId = who.discordId;
  const wasOff = who.unreachable.includes('discord:roles');
  // A member who came back, and the periodic check, try the roles even where the last
  // attempt found the member gone.
  if (mode !== 'event' && wasOff) who.unreachable = who.unreachable.filter((t) => t !== 'discord:roles');
  await reach(event, who, 'discord:roles', discordUserId, out, async () => {
    const changes = await reconcileRoles(
      discord,
      { discordUserId, roleId: who.rankRoleId },
      ctx,
      out,
      mode === 'check',
    );
    out.records.push({ eventId: event.id, target: 'discord:roles', status: 'sent', detail: roleChanges(changes) });
    if (mode === 'check' && wasOff) {
      await markReachable(ctx.receipts, { platform: 'discord', id: discordUserId }, 'discord:roles');
      out.reachable.push({ target: 'discord:roles', identity: discordUserId });
    }
  });
}

/** The Discord identity is back on the server: its Discord targets are on again and its rank roles are given back. */
async function rejoined(event: ClaimedEvent, who: Recipient, ctx: DeliveryContext, out: EventDelivery) {
  const data = event.data as unknown as EventData['discord_server_joined'];
  const identity = { platform: 'discord' as const, id: data.discord_id };
  await markReachable(ctx.receipts, identity, 'discord:roles');
  await markReachable(ctx.receipts, identity, 'discord:dm');
  out.reachable.push(
    { target: 'discord:roles', identity: data.discord_id },
    { target: 'discord:dm', identity: data.discord_id },
  );
  // The identity may have been unlinked since it joined: only the account's current one gets roles.
  if (who.discordId !== data.discord_id) return;
  who.unreachable = who.unreachable.filter((t) => t !== 'discord:dm');
  await syncRoles(event, who, ctx, out, 'rejoined');
}

/** The Discord identity left the server: role syncs for it wait until it comes back. */
function left(event: ClaimedEvent, who: Recipient, out: EventDelivery) {
  const data = event.data as unknown as EventData['discord_server_left'];
  if (who.discordId !== data.discord_id || who.unreachable.includes('discord:roles')) return;
  who.unreachable.push('discord:roles');
  const reason = 'left the Discord server';
  out.records.push({ eventId: event.id, target: 'discord:roles', status: 'unreachable', detail: reason });
  out.unreachable.push({ userId: who.accountId, target: 'discord:roles', identity: data.discord_id, reason });
}

/** A Discord identity left the account: it keeps none of the rank roles the account earned. */
async function detachRoles(event: ClaimedEvent, ctx: DeliveryContext, out: EventDelivery) {
  const data = event.data as unknown as EventData['account_unlinked'];
  if (data.platform !== 'discord' || !data.identity || ctx.rankRoleIds.length === 0) return;
  const discord = roleSyncer(event, ctx, out);
  if (!discord) return;
  let detail: string;
  try {
    detail = roleChanges(
      await reconcileRoles(discord, { discordUserId: data.identity, roleId: null }, ctx, out, false),
    );
  } catch (err) {
    // Not in the guild (any more): it holds no role to take away.
    if (!(err instanceof DeliveryError && err.failure === 'unreachable')) throw err;
    detail = `nothing to remove: ${err.message}`;
  }
  out.records.push({ eventId: event.id, target: 'discord:roles', status: 'sent', detail });
}

/** Tells the player on every other platform whose notifications they keep on (a muted one is skipped, not failed). */
async function notify(event: ClaimedEvent, who: Recipient, ctx: DeliveryContext, out: EventDelivery) {
  const type = event.eventType as NotifiedEvent;
  const text = notificationText(type, event.data as unknown as EventData[typeof type], who.locale);
  const { telegram, discord } = ctx.drivers;
  const attempt = (send: () => Promise<void>) => send().catch((err: Error) => void out.failures.push(err));
  if (who.telegramId && who.notifications.telegram && event.sourcePlatform !== 'telegram') {
    if (!telegram) {
      out.records.push({ eventId: event.id, target: 'telegram:message', status: 'skipped', detail: 'driver disabled' });
      out.skipped.push('telegram message: the Telegram driver is disabled');
    } else {
      const chatId = who.telegramId;
      await attempt(() =>
        reach(event, who, 'telegram:message', chatId, out, () =>
          sendOnce(ctx, event.id, 'telegram:message', () => telegram.notify({ chatId, text }), false),
        ),
      );
    }
  }
  if (who.discordId && who.notifications.discord && event.sourcePlatform !== 'discord') {
    if (!discord) {
      out.records.push({ eventId: event.id, target: 'discord:dm', status: 'skipped', detail: 'driver disabled' });
      out.skipped.push('discord DM: the Discord driver is disabled');
    } else {
      const discordUserId = who.discordId;
      const nonce = dmNonce(event.id, 'discord:dm');
      await attempt(() =>
        reach(event, who, 'discord:dm', discordUserId, out, () =>
          sendOnce(ctx, event.id, 'discord:dm', () => discord.sendDirectMessage({ discordUserId, text, nonce }), true),
        ),
      );
    }
  }
}

const sameMetadata = (a: RoleConnection['pushed'], b: RoleConnection['metadata']) =>
  a !== null && a.level === b.level && a.games_won === b.games_won && a.daily_streak === b.daily_streak;

/** Refreshes the grant's tokens and keeps the new pair (Discord rotates the refresh token). */
async function refreshGrant(conn: RoleConnection, driver: RoleConnectionDriver, ctx: DeliveryContext) {
  const tokens = await driver.refresh(conn.refreshToken);
  await storeRefreshedTokens(ctx.receipts, ctx.tokenKey!, conn.discordId, tokens);
  conn.accessToken = tokens.accessToken;
  conn.refreshToken = tokens.refreshToken;
  conn.expiresAt = new Date(Date.now() + tokens.expiresInSeconds * 1000);
}

/** A token this close to its expiry is refreshed before use. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Sets the player's role connection to their current level, games won and streak. Only
 * the latest state matters: one PUT per player per batch, none when Discord already has
 * it. A withdrawn grant is marked revoked and nothing more is sent for it (no retry).
 */
async function setRoleConnection(event: ClaimedEvent, who: Recipient, ctx: DeliveryContext) {
  const driver = ctx.drivers.roleConnections;
  if (!driver) return;
  if (event.eventType === 'game_played' && !(event.data as unknown as EventData['game_played']).won) return;
  const conn = ctx.roleConnections.get(who.accountId);
  if (!conn) return;
  ctx.roleConnections.delete(who.accountId);
  if (sameMetadata(conn.pushed, conn.metadata)) return;
  const body = { platform_name: 'TTFD', platform_username: conn.username.slice(0, 100), metadata: conn.metadata };
  let refreshed = false;
  try {
    if (conn.expiresAt.getTime() <= Date.now() + REFRESH_MARGIN_MS) {
      await refreshGrant(conn, driver, ctx);
      refreshed = true;
    }
    try {
      await driver.put(conn.accessToken, body);
    } catch (err) {
      // Expired sooner than it said: one refresh, then the grant is taken as withdrawn.
      if (!(err instanceof GrantRevokedError) || refreshed) throw err;
      await refreshGrant(conn, driver, ctx);
      await driver.put(conn.accessToken, body);
    }
    await recordRoleConnectionPushed(ctx.receipts, conn.discordId, conn.metadata);
  } catch (err) {
    if (!(err instanceof GrantRevokedError)) {
      // Tried again with the event: the grant stays in play for its retry.
      ctx.roleConnections.set(who.accountId, conn);
      throw err;
    }
    await markGrantRevoked(ctx.receipts, conn.discordId);
    ctx.log.info(
      { event: event.id, reason: err.message },
      'a player withdrew the Linked Roles grant; their role connection is no longer updated',
    );
  }
}

/**
 * Runs an event's platform effects (all but the live update, which the batch publishes).
 * Every effect is tried even when another fails; the caller decides from the failures.
 */
export async function deliverEvent(
  event: ClaimedEvent,
  effects: readonly Effect[],
  who: Recipient | undefined,
  ctx: DeliveryContext,
): Promise<EventDelivery> {
  const out: EventDelivery = { records: [], skipped: [], unreachable: [], reachable: [], failures: [] };
  if (!who) return out;
  for (const effect of effects) {
    try {
      if (effect === 'roles') await syncRoles(event, who, ctx, out);
      else if (effect === 'detach_roles') await detachRoles(event, ctx, out);
      else if (effect === 'notify') await notify(event, who, ctx, out);
      else if (effect === 'rejoined') await rejoined(event, who, ctx, out);
      else if (effect === 'left') left(event, who, out);
      else if (effect === 'check_roles') await syncRoles(event, who, ctx, out, 'check');
      else if (effect === 'role_connection') await setRoleConnection(event, who, ctx);
    } catch (err) {
      out.failures.push(err as Error);
    }
  }
  return out;
}
