import type { Pool } from 'pg';
import type { Locale } from '../catalogue/locale';
import type { Platform, SourcePlatform } from '../platform';
import type { PlatformNotifications } from './notification-settings';
import { isEventType, type EventData, type EventType } from '../events/event-types';

export interface RankProgress {
  id: number;
  /** The rank's name in the database (English); front ends show `rankName(id, locale)`. */
  name: string;
  minXp: number;
}

/** The next rank, what is still missing to it and how far the player is from the current one to it. */
export interface NextRank extends RankProgress {
  missing: number;
  /** Whole percent of the way from the current rank's minimum to the next's (0-99). */
  percent: number;
}

/** One event of the player's log, newest first in `recentActivity`. */
export type ActivityEntry = {
  [T in EventType]: {
    id: string;
    type: T;
    source: SourcePlatform;
    createdAt: Date;
    /** XP and coins the event moved, when it moved any. */
    xpDelta: number | null;
    coinsDelta: number | null;
    data: EventData[T];
  };
}[EventType];

export interface PlayerProfile {
  userId: string;
  username: string | null;
  displayName: string | null;
  locale: Locale;
  xp: number;
  coins: number;
  seasonXp: number;
  rank: RankProgress;
  /** Null at the top rank. */
  next: NextRank | null;
  stats: {
    gamesPlayed: number;
    gamesWon: number;
    messagesSent: number;
    /** Seconds. */
    voiceTime: number;
    dailyStreak: number;
  };
  /** Achievement keys in the order they were unlocked (`rank_<id>` for ranks reached). */
  achievements: string[];
  platforms: Platform[];
  /** Per platform, whether its bot sends the player notifications. */
  notifications: PlatformNotifications;
  recentActivity: ActivityEntry[];
}

/** Where the player stands between their rank and the next one. */
export function nextRankOf(xp: number, rank: RankProgress, next: RankProgress | null): NextRank | null {
  if (next === null) return null;
  const span = next.minXp - rank.minXp;
  return { ...next, missing: next.minXp - xp, percent: Math.floor(((xp - rank.minXp) * 100) / span) };
}

const SQL = `
SELECT u.id, u.username, u.display_name, u.locale, u.xp, u.coins, u.current_season_xp,
       r.id AS rank_id, r.name AS rank_name, r.min_xp AS rank_min_xp,
       nr.id AS next_rank_id, nr.name AS next_rank_name, nr.min_xp AS next_rank_min_xp,
       u.games_played, u.games_won, u.messages_sent, u.total_voice_time, u.daily_streak,
       u.achievements, u.platforms, u.telegram_notifications, u.discord_notifications, recent.events
FROM unified_users u
JOIN ranks r ON r.id = u.rank_id
LEFT JOIN LATERAL (SELECT id, name, min_xp FROM ranks WHERE min_xp > u.xp ORDER BY min_xp LIMIT 1) nr ON true
CROSS JOIN LATERAL (
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'type', e.event_type, 'source', e.source_platform,
                                               'created_at', e.created_at, 'data', e.data) ORDER BY e.seq DESC),
                  '[]'::jsonb) AS events
  -- The bot's periodic role checks are bookkeeping, not the player's activity.
  FROM (SELECT * FROM cross_platform_events WHERE user_id = u.id AND event_type <> 'rank_roles_check'
        ORDER BY seq DESC LIMIT $2) e
) recent
WHERE u.id = $1::bigint AND u.merged_into IS NULL`;

interface EventJson {
  id: string;
  type: string;
  source: SourcePlatform;
  created_at: string;
  data: Record<string, unknown>;
}

const numberOrNull = (v: unknown) => (typeof v === 'number' ? v : null);

function activityOf(events: EventJson[]): ActivityEntry[] {
  return events
    .filter((e) => isEventType(e.type))
    .map(
      (e) =>
        ({
          id: e.id,
          type: e.type,
          source: e.source,
          createdAt: new Date(e.created_at),
          xpDelta: numberOrNull(e.data.xp_delta),
          coinsDelta: numberOrNull(e.data.coins_delta),
          data: e.data,
        }) as ActivityEntry,
    );
}

/**
 * A player's profile as every front end shows it: totals, rank and the way to the next,
 * stats, achievements, linked platforms, the notification setting and the last `recent`
 * events of their log. Null when the id is not a live account.
 */
export async function findProfile(
  pool: Pool,
  userId: string,
  options: { recent?: number } = {},
): Promise<PlayerProfile | null> {
  const recent = options.recent ?? 10;
  if (!Number.isSafeInteger(recent) || recent < 0 || recent > 100) {
    throw new RangeError(`recent must be a whole number from 0 to 100, got ${recent}`);
  }
  const { rows } = await pool.query({ name: 'player-profile', text: SQL, values: [userId, recent] });
  const r = rows[0];
  if (!r) return null;
  const rank = { id: r.rank_id, name: r.rank_name, minXp: Number(r.rank_min_xp) };
  const next =
    r.next_rank_id === null ? null : { id: r.next_rank_id, name: r.next_rank_name, minXp: Number(r.next_rank_min_xp) };
  const xp = Number(r.xp);
  return {
    userId: r.id,
    username: r.username,
    displayName: r.display_name,
    locale: r.locale,
    xp,
    coins: Number(r.coins),
    seasonXp: Number(r.current_season_xp),
    rank,
    next: nextRankOf(xp, rank, next),
    stats: {
      gamesPlayed: r.games_played,
      gamesWon: r.games_won,
      messagesSent: Number(r.messages_sent),
      voiceTime: Number(r.total_voice_time),
      dailyStreak: r.daily_streak,
    },
    achievements: r.achievements,
    platforms: r.platforms,
    notifications: { telegram: r.telegram_notifications, discord: r.discord_notifications },
    recentActivity: activityOf(r.events),
  };
}
