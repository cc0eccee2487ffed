/**
 * The one statement behind every progression change (award, game, daily claim). In one
 * round trip it locks the player's row, skips everything if the dedupe key was seen,
 * applies the deltas atomically, recomputes the rank from the new XP, unlocks
 * achievements, and appends the events. Rank and achievements are decided here, from the
 * locked row, never in application memory.
 *
 * Parameters:
 *   $1 identity value        $2 xp delta       $3 coins delta
 *   $4 games played delta    $5 games won      $6 messages      $7 voice seconds
 *   $8 reason                $9 source platform                  $10 dedupe key (or null)
 *   $11 activity event type (or null)         $12 activity event data (jsonb, or null)
 *   $13 is a daily claim     $14 today (UTC date)
 *   $15..$17 daily XP base, step per streak day, cap; $18..$20 the same for coins
 */
import type { SourcePlatform } from '../platform';
import type { EventType, StatDeltas } from '../events/event-types';
import { DAILY_REWARD } from './rewards';
import { unlockedAchievementsSql } from './achievements.sql';

export type IdentityColumn = 'telegram_id' | 'discord_id' | 'website_email' | 'id';

/** One change as the progress statement takes it. */
export interface ProgressChange {
  xp: number;
  coins: number;
  stats: Required<StatDeltas>;
  reason: string;
  source: SourcePlatform;
  dedupeKey: string | null;
  activity: { type: EventType; data: object } | null;
  daily: boolean;
}

/** A change of nothing: the statement then only recomputes the rank and unlocks achievements. */
export function noChange(reason: string, source: SourcePlatform): ProgressChange {
  const stats = { games_played: 0, games_won: 0, messages_sent: 0, total_voice_time: 0 };
  return { xp: 0, coins: 0, stats, reason, source, dedupeKey: null, activity: null, daily: false };
}

/** The statement's parameters, in the order its header lists them. `key` identifies the player. */
export function progressParams(key: string, change: ProgressChange, today: string): unknown[] {
  return [
    key,
    change.xp,
    change.coins,
    change.stats.games_played,
    change.stats.games_won,
    change.stats.messages_sent,
    change.stats.total_voice_time,
    change.reason,
    change.source,
    change.dedupeKey,
    change.activity?.type ?? null,
    change.activity ? JSON.stringify(change.activity.data) : null,
    change.daily,
    today,
    DAILY_REWARD.xp.base,
    DAILY_REWARD.xp.step,
    DAILY_REWARD.xp.cap,
    DAILY_REWARD.coins.base,
    DAILY_REWARD.coins.step,
    DAILY_REWARD.coins.cap,
  ];
}

const WHERE: Record<IdentityColumn, string> = {
  telegram_id: 'u.telegram_id = $1::bigint',
  discord_id: 'u.discord_id = $1::text',
  website_email: 'lower(u.website_email) = lower($1::text)',
  id: 'u.id = $1::bigint AND u.merged_into IS NULL',
};

export function progressSql(column: IdentityColumn): string {
  return `
WITH cur AS (
  SELECT u.id, u.xp, u.coins, u.rank_id, u.games_played, u.games_won, u.messages_sent,
         u.total_voice_time, u.daily_streak, u.last_daily_claim, u.achievements,
         jsonb_array_length(u.platforms) AS linked
  FROM unified_users u
  WHERE ${WHERE[column]}
  FOR UPDATE
),
seen AS (
  SELECT e.data FROM cross_platform_events e WHERE e.dedupe_key = $10::text LIMIT 1
),
plan AS (
  SELECT c.*, d.streak,
    (CASE WHEN $13::boolean THEN LEAST($15::bigint + $16::bigint * (d.streak - 1), $17::bigint) ELSE $2::bigint END) AS xp_delta,
    (CASE WHEN $13::boolean THEN LEAST($18::bigint + $19::bigint * (d.streak - 1), $20::bigint) ELSE $3::bigint END) AS coins_delta
  FROM cur c
  CROSS JOIN LATERAL (
    SELECT CASE WHEN NOT $13::boolean THEN c.daily_streak
                WHEN c.last_daily_claim = $14::date - 1 THEN c.daily_streak + 1
                ELSE 1 END AS streak
  ) d
  WHERE NOT EXISTS (SELECT 1 FROM seen)
    -- A claim for a day not after the last one paid is refused, even when it commits after a
    -- claim stamped with the next day (two replicas either side of midnight).
    AND NOT ($13::boolean AND c.last_daily_claim IS NOT NULL AND c.last_daily_claim >= $14::date)
),
next AS (
  SELECT p.id, p.xp_delta, p.coins_delta, p.streak, p.rank_id AS old_rank_id, ro.min_xp AS old_min_xp,
         r.id AS rank_id, r.name AS rank_name, r.min_xp, p.xp + p.xp_delta AS xp, ach.keys AS unlocked
  FROM plan p
  JOIN ranks ro ON ro.id = p.rank_id
  CROSS JOIN LATERAL (
    SELECT id, name, min_xp FROM ranks WHERE min_xp <= p.xp + p.xp_delta ORDER BY min_xp DESC LIMIT 1
  ) r
  ${unlockedAchievementsSql(
    {
      games_played: 'p.games_played + $4::int',
      games_won: 'p.games_won + $5::int',
      messages_sent: 'p.messages_sent + $6::bigint',
      total_voice_time: 'p.total_voice_time + $7::bigint',
      daily_streak: 'p.streak',
      linked_platforms: 'p.linked',
    },
    'p.xp + p.xp_delta',
    'p.achievements',
  )}
  WHERE p.coins + p.coins_delta >= 0 AND p.xp + p.xp_delta >= 0
),
upd AS (
  UPDATE unified_users u SET
    xp = u.xp + n.xp_delta,
    coins = u.coins + n.coins_delta,
    rank_id = n.rank_id,
    games_played = u.games_played + $4::int,
    games_won = u.games_won + $5::int,
    messages_sent = u.messages_sent + $6::bigint,
    total_voice_time = u.total_voice_time + $7::bigint,
    current_season_xp = GREATEST(u.current_season_xp + n.xp_delta, 0),
    daily_streak = n.streak,
    last_daily_claim = CASE WHEN $13::boolean THEN $14::date ELSE u.last_daily_claim END,
    achievements = u.achievements || n.unlocked,
    updated_at = now()
  FROM next n
  WHERE u.id = n.id
  RETURNING u.id, u.xp, u.coins, u.rank_id, u.current_season_xp, u.daily_streak
),
ev_rows AS (
  SELECT 1 AS ord, 'xp_change' AS event_type,
         jsonb_build_object('xp_delta', n.xp_delta, 'coins_delta', n.coins_delta, 'reason', $8::text,
                            'xp', u.xp, 'coins', u.coins, 'rank_id', u.rank_id) AS data
  FROM next n JOIN upd u ON u.id = n.id
  WHERE n.xp_delta <> 0 OR n.coins_delta <> 0
  UNION ALL
  SELECT 2, $11::text,
         coalesce($12::jsonb, '{}'::jsonb)
           || jsonb_build_object('xp_delta', n.xp_delta, 'coins_delta', n.coins_delta)
           || CASE WHEN $13::boolean THEN jsonb_build_object('streak', n.streak, 'day', $14::date) ELSE '{}'::jsonb END
  FROM next n JOIN upd u ON u.id = n.id
  WHERE $11::text IS NOT NULL
  UNION ALL
  SELECT 3, CASE WHEN n.min_xp > n.old_min_xp THEN 'rank_up' ELSE 'rank_down' END,
         jsonb_build_object('from_rank_id', n.old_rank_id, 'to_rank_id', n.rank_id, 'rank_name', n.rank_name, 'xp', n.xp)
  FROM next n JOIN upd u ON u.id = n.id
  WHERE n.rank_id <> n.old_rank_id
  UNION ALL
  SELECT 4, 'achievement_unlocked', jsonb_build_object('achievement', k.key)
  FROM next n JOIN upd u ON u.id = n.id
  CROSS JOIN LATERAL jsonb_array_elements_text(n.unlocked) AS k(key)
),
ev AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
  SELECT n.id, r.event_type, $9::text, r.data,
         CASE WHEN r.ord <= 2 AND r.ord = min(r.ord) OVER () THEN $10::text END
  FROM ev_rows r CROSS JOIN next n
  ORDER BY r.ord
  RETURNING id, event_type
)
SELECT c.id AS user_id, c.xp AS xp_before, c.coins AS coins_before, c.last_daily_claim,
       (SELECT data FROM seen) AS duplicate_of,
       u.xp, u.coins, u.rank_id, u.current_season_xp, u.daily_streak,
       n.xp_delta, n.coins_delta, n.old_rank_id, n.unlocked,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', ev.id, 'type', ev.event_type)), '[]'::jsonb) FROM ev) AS events
FROM (SELECT 1) one
LEFT JOIN cur c ON true
LEFT JOIN next n ON true
LEFT JOIN upd u ON true`;
}

/**
 * Finds or creates the player for a platform identity, emitting `user_registered` when it
 * creates. Concurrent calls for one identity create one row: the losers see the winner's
 * row on retry. $1 identity, $2 username, $3 display name, $4 locale.
 */
export function ensureUserSql(column: Exclude<IdentityColumn, 'id'>, platform: string): string {
  const conflict = column === 'website_email' ? '(lower(website_email))' : `(${column})`;
  return `
WITH ins AS (
  INSERT INTO unified_users (${column}, username, display_name, primary_platform, locale)
  VALUES ($1, $2::text, $3::text, '${platform}', $4::text)
  ON CONFLICT ${conflict} DO NOTHING
  RETURNING id
),
ev AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
  SELECT id, 'user_registered', '${platform}', jsonb_build_object('platform', '${platform}', 'username', $2::text)
  FROM ins
)
SELECT id, true AS created FROM ins
UNION ALL
SELECT u.id, false FROM unified_users u WHERE ${WHERE[column]}
LIMIT 1`;
}
