import { EVENT_TYPES, type EventType } from '@ttfd/shared';

/**
 * What an event makes happen outside the database:
 * - live: a live update for the website (every event);
 * - roles: reconcile the player's Discord rank roles to their current rank;
 * - detach_roles: take every rank role off the Discord identity the event detached;
 * - notify: tell the player on their other linked platforms (unless they muted it).
 */
export type Effect = 'live' | 'roles' | 'detach_roles' | 'notify';

/**
 * The one table of event handlers. Keyed by every EventType, so a new event type does not
 * compile until it is given its effects here; an event type not in it is dead-lettered.
 */
export const EVENT_HANDLERS = {
  user_registered: ['live'],
  xp_change: ['live'],
  game_played: ['live'],
  message_sent: ['live'],
  voice_session: ['live'],
  daily_claimed: ['live', 'notify'],
  rank_up: ['live', 'roles', 'notify'],
  rank_down: ['live', 'roles'],
  achievement_unlocked: ['live', 'notify'],
  account_linked: ['live', 'roles', 'notify'],
  account_unlinked: ['live', 'detach_roles'],
  accounts_merged: ['live', 'roles', 'notify'],
  season_closed: ['live'],
  notification_settings_changed: ['live'],
} as const satisfies Record<EventType, readonly Effect[]>;

/** The events a player is told about; each needs a text in notification-texts.ts. */
export type NotifiedEvent = {
  [T in EventType]: 'notify' extends (typeof EVENT_HANDLERS)[T][number] ? T : never;
}[EventType];

export function effectsOf(type: string): readonly Effect[] | null {
  return Object.hasOwn(EVENT_HANDLERS, type) ? EVENT_HANDLERS[type as EventType] : null;
}

/** Event types with nothing to do outside the database: the claim marks them processed itself. */
export const LOCAL_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) =>
  EVENT_HANDLERS[type].every((effect: Effect) => effect === 'live'),
);
