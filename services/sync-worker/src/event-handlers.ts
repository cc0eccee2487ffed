import { EVENT_TYPES, type EventType } from '@ttfd/shared';

/**
 * What an event makes happen outside the database:
 * - live: a live update for the website (every event);
 * - roles: reconcile the player's Discord rank roles to their current rank;
 * - detach_roles: take every rank role off the Discord identity the event detached;
 * - notify: tell the player on their other linked platforms (unless they muted it);
 * - rejoined: the Discord identity is back on the server: turn its Discord targets on
 *   again and reconcile its rank roles;
 * - left: the Discord identity left the server: no role sync there until it comes back;
 * - check_roles: reconcile the rank roles even where the last try found the member gone,
 *   and try roles reported unmanageable again (the periodic repair);
 * - role_connection: set the player's Discord role connection (Linked Roles: level, games
 *   won, daily streak) to their current standing, when they granted it.
 * An event without `live` (the release smoke test's, which belongs to no player) is not
 * published to the website.
 */
export type Effect =
  'live' | 'roles' | 'detach_roles' | 'notify' | 'rejoined' | 'left' | 'check_roles' | 'role_connection';

/**
 * The one table of event handlers. Keyed by every EventType, so a new event type does not
 * compile until it is given its effects here; an event type not in it is dead-lettered.
 */
export const EVENT_HANDLERS = {
  user_registered: ['live'],
  xp_change: ['live'],
  game_played: ['live', 'role_connection'],
  message_sent: ['live'],
  voice_session: ['live'],
  daily_claimed: ['live', 'notify', 'role_connection'],
  rank_up: ['live', 'roles', 'notify', 'role_connection'],
  rank_down: ['live', 'roles', 'role_connection'],
  achievement_unlocked: ['live', 'notify'],
  account_linked: ['live', 'roles', 'notify', 'role_connection'],
  account_unlinked: ['live', 'detach_roles'],
  accounts_merged: ['live', 'roles', 'notify', 'role_connection'],
  season_closed: ['live'],
  notification_settings_changed: ['live'],
  discord_server_joined: ['live', 'rejoined'],
  discord_server_left: ['live', 'left'],
  rank_roles_check: ['live', 'check_roles'],
  linked_roles_granted: ['live', 'role_connection'],
  smoke_test: [],
} as const satisfies Record<EventType, readonly Effect[]>;

/** The events a player is told about; each needs a text in notification-texts.ts. */
export type NotifiedEvent = {
  [T in EventType]: 'notify' extends (typeof EVENT_HANDLERS)[T][number] ? T : never;
}[EventType];

export function effectsOf(type: string): readonly Effect[] | null {
  return Object.hasOwn(EVENT_HANDLERS, type) ? EVENT_HANDLERS[type as EventType] : null;
}

/**
 * Event types with nothing to do outside the database: the claim marks them processed
 * itself. `inert`: effects this worker cannot have (Linked Roles off), so a game played
 * stays local when no role connection is kept.
 */
export function localEventTypes(inert: readonly Effect[] = []): readonly EventType[] {
  return EVENT_TYPES.filter((type) =>
    EVENT_HANDLERS[type].every((effect: Effect) => effect === 'live' || inert.includes(effect)),
  );
}
