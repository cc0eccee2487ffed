import { createHash } from 'node:crypto';
import {
  beginDelivery,
  finishDelivery,
  releaseDelivery,
  type ClaimedEvent,
  type DeliveryRecord,
  type DeliveryTarget,
  type EventData,
  type PlayerTarget,
  type Queryable,
  type Recipient,
  type UnreachableTarget,
} from '@ttfd/shared';
import { DeliveryError } from './drivers/delivery-error';
import type { DiscordDriver } from './drivers/discord-driver';
import type { TelegramDriver } from './drivers/telegram-driver';
import type { WebsiteDriver } from './drivers/website-driver';
import type { Effect, NotifiedEvent } from './event-handlers';
import { notificationText } from './notification-texts';

/** The platforms the worker reaches; a null driver is a platform without credentials. */
export interface Drivers {
  discord: DiscordDriver | null;
  telegram: TelegramDriver | null;
  website: WebsiteDriver;
}

export interface DeliveryContext {
  drivers: Drivers;
  /** Autocommit queries: receipts written before a message goes out must outlive the batch. */
  receipts: Queryable;
  /** Every Discord role that stands for a rank. */
  rankRoleIds: string[];
}

/** What happened to one event's platform effects. */
export interface EventDelivery {
  /** Idempotent and skipped effects, recorded in the claiming transaction. */
  records: DeliveryRecord[];
  /** Why effects were not delivered because a platform is not configured. */
  skipped: string[];
  /** Targets the player refused on this attempt: turned off for them, not a failure. */
  unreachable: UnreachableTarget[];
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
 * platform itself drops a repeat (a Discord nonce still in its window).
 */
async function sendOnce(
  ctx: DeliveryContext,
  eventId: string,
  target: DeliveryTarget,
  send: () => Promise<{ messageId: string }>,
  repeatSafe: boolean,
): Promise<void> {
  const claim = await beginDelivery(ctx.receipts, eventId, target);
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
    await releaseDelivery(ctx.receipts, eventId, target);
    throw err;
  }
  await finishDelivery(ctx.receipts, eventId, target, 'sent', messageId);
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

const roleChanges = ({ added, removed }: { added: string[]; removed: string[] }) =>
  [...added.map((r) => `+${r}`), ...removed.map((r) => `-${r}`)].join(' ') || 'already right';

async function syncRoles(event: ClaimedEvent, who: Recipient, ctx: DeliveryContext, out: EventDelivery) {
  if (!who.discordId) return;
  // No rank has a Discord role: there is nothing to reconcile.
  if (ctx.rankRoleIds.length === 0 && who.rankRoleId === null) return;
  const discord = roleSyncer(event, ctx, out);
  if (!discord) return;
  const discordUserId = who.discordId;
  await reach(event, who, 'discord:roles', discordUserId, out, async () => {
    const changes = await discord.syncRoles({ discordUserId, roleId: who.rankRoleId, rankRoleIds: ctx.rankRoleIds });
    out.records.push({ eventId: event.id, target: 'discord:roles', status: 'sent', detail: roleChanges(changes) });
  });
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
      await discord.syncRoles({ discordUserId: data.identity, roleId: null, rankRoleIds: ctx.rankRoleIds }),
    );
  } catch (err) {
    // Not in the guild (any more): it holds no role to take away.
    if (!(err instanceof DeliveryError && err.failure === 'unreachable')) throw err;
    detail = `nothing to remove: ${err.message}`;
  }
  out.records.push({ eventId: event.id, target: 'discord:roles', status: 'sent', detail });
}

async function notify(event: ClaimedEvent, who: Recipient, ctx: DeliveryContext, out: EventDelivery) {
  if (!who.notificationsEnabled) return;
  const type = event.eventType as NotifiedEvent;
  const text = notificationText(type, event.data as unknown as EventData[typeof type], who.locale);
  const { telegram, discord } = ctx.drivers;
  const attempt = (send: () => Promise<void>) => send().catch((err: Error) => void out.failures.push(err));
  if (who.telegramId && event.sourcePlatform !== 'telegram') {
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
  if (who.discordId && event.sourcePlatform !== 'discord') {
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
  const out: EventDelivery = { records: [], skipped: [], unreachable: [], failures: [] };
  if (!who) return out;
  for (const effect of effects) {
    try {
      if (effect === 'roles') await syncRoles(event, who, ctx, out);
      else if (effect === 'detach_roles') await detachRoles(event, ctx, out);
      else if (effect === 'notify') await notify(event, who, ctx, out);
    } catch (err) {
      out.failures.push(err as Error);
    }
  }
  return out;
}
