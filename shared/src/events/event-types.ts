import type { NotifiedPlatform, Platform } from '../platform';

/**
 * Every event in `cross_platform_events`, with the shape of its `data`. The sync worker
 * dispatches on `event_type`; anything not listed here is dead-lettered as unknown.
 */
export interface EventData {
  user_registered: { platform: Platform; username: string | null };
  /** Every XP or coin change. `xp_delta` summed over a user's xp_change events equals their XP. */
  xp_change: {
    xp_delta: number;
    coins_delta: number;
    reason: string;
    xp: number;
    coins: number;
    rank_id: number;
    stats?: StatDeltas;
  };
  game_played: { game: string; won: boolean; xp_delta: number; coins_delta: number };
  message_sent: { count: number; xp_delta: number; coins_delta: number };
  voice_session: { seconds: number; xp_delta: number; coins_delta: number };
  daily_claimed: { streak: number; xp_delta: number; coins_delta: number; day: string };
  rank_up: { from_rank_id: number; to_rank_id: number; rank_name: string; xp: number };
  rank_down: { from_rank_id: number; to_rank_id: number; rank_name: string; xp: number };
  achievement_unlocked: { achievement: string };
  /** A platform identity joined the account, proven by a link code, Discord OAuth or the Telegram Login Widget. */
  account_linked: { platform: Platform; via: 'code' | 'discord_oauth' | 'telegram_login' | 'legacy_claim' };
  /** `identity`: the Telegram or Discord user id detached (never an email), so the worker can take its roles off. */
  account_unlinked: { platform: Platform; identity?: string };
  /**
   * The absorbed account was merged into this one (the survivor): `summed` is what it
   * added; its events now belong to the survivor and its id resolves to the survivor.
   */
  accounts_merged: {
    survivor_id: string;
    absorbed_id: string;
    summed: {
      xp: number;
      coins: number;
      games_played: number;
      games_won: number;
      messages_sent: number;
      total_voice_time: number;
      current_season_xp: number;
    };
    /** The streak kept: the longer of the two. */
    daily_streak: number;
    /** Achievements the absorbed account had and the survivor did not. */
    achievements_added: string[];
    /** Platforms whose identities moved from the absorbed account. */
    platforms_moved: Platform[];
  };
  season_closed: { season_id: number; season_name: string; position: number; season_xp: number };
  /**
   * The player turned the notifications of one platform on or off. Events written before
   * the setting was per platform have no `platform`: they switched every platform.
   */
  notification_settings_changed: { enabled: boolean; platform?: NotifiedPlatform };
  /** The player's Discord identity joined (or came back to) the community server: their rank roles are due again. */
  discord_server_joined: { discord_id: string; guild_id: string };
  /** The player's Discord identity left the server: no role is synced there until they come back. */
  discord_server_left: { discord_id: string; guild_id: string };
  /**
   * The Discord bot's periodic request to check the player's rank roles against their rank
   * (repairs what changed while the bot or the worker was down). `round` names the check.
   */
  rank_roles_check: { round: string };
  /** The player let the TTFD app set their Discord role connection (Linked Roles) on the website. */
  linked_roles_granted: { discord_id: string };
  /**
   * `ttfd smoke-test` (the chart's `helm test`): an event of no player (`user_id` is null, the
   * only type allowed to be), with no effect, that a sync worker claims and settles like any
   * other. `run` names the test run that wrote it.
   */
  smoke_test: { run: string };
}

export type EventType = keyof EventData;

export const EVENT_TYPES = [
  'user_registered',
  'xp_change',
  'game_played',
  'message_sent',
  'voice_session',
  'daily_claimed',
  'rank_up',
  'rank_down',
  'achievement_unlocked',
  'account_linked',
  'account_unlinked',
  'accounts_merged',
  'season_closed',
  'notification_settings_changed',
  'discord_server_joined',
  'discord_server_left',
  'rank_roles_check',
  'linked_roles_granted',
  'smoke_test',
] as const satisfies readonly EventType[];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Counters an activity adds to; every field defaults to 0. */
export interface StatDeltas {
  games_played?: number;
  games_won?: number;
  messages_sent?: number;
  total_voice_time?: number;
}

/** Channel the write path NOTIFYs after commit so the sync worker wakes at once. */
export const EVENTS_CHANNEL = 'ttfd_events';
