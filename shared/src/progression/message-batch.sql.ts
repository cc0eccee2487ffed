import { unlockedAchievementsSql } from './achievements.sql';

/**
 * The batched variant of the progress statement for chat messages: one statement for a
 * flush of many members' messages. Per member it locks the row, keeps only the messages
 * newer than the last one counted in their channel (so a redelivered message never counts
 * twice), adds them to `messages_sent`, grants XP for each cooldown window they open,
 * recomputes the rank, unlocks achievements and appends the events (`xp_change` with its
 * delta per window, `message_sent`, `rank_up`, `achievement_unlocked`) — the same ledger
 * guarantee as progress.sql.ts.
 *
 * A window opens at the first fresh message sent at or after the member's cooldown ends
 * (kept in `activity_cooldowns`), the next at the first sent a cooldown later, and so on;
 * the send time is the message id's snowflake timestamp, so every replica, a restarted bot
 * and a flush held back by an outage agree. A window's XP is drawn from [min, max] and
 * carries the dedupe key `discord:message:<opening message id>`.
 *
 * Parameters:
 *   $1 member Discord ids (text[])   $2 XP min   $3 XP max
 *   $4 each message's author id (text[])  $5 its channel id (bigint[])  $6 its id (bigint[])
 *   $7 cooldown seconds    $8 cooldown activity name    $9 ledger reason
 */
export const MESSAGE_BATCH_SQL = `
WITH RECURSIVE input AS (
  SELECT * FROM unnest($1::text[]) AS i(discord_id)
),
msgs AS (
  SELECT DISTINCT m.discord_id, m.channel_id, m.message_id
  FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS m(discord_id, channel_id, message_id)
),
cur AS (
  SELECT u.id, u.discord_id, u.xp, u.rank_id, u.games_played, u.games_won, u.messages_sent,
         u.total_voice_time, u.daily_streak, u.achievements, jsonb_array_length(u.platforms) AS linked
  FROM unified_users u JOIN input i ON i.discord_id = u.discord_id
  ORDER BY u.id
  FOR UPDATE OF u
),
fresh AS (
  SELECT c.id AS user_id, m.channel_id, m.message_id,
         to_timestamp(((m.message_id >> 22) + 1420070400000) / 1000.0) AS sent_at
  FROM msgs m
  JOIN cur c ON c.discord_id = m.discord_id
  LEFT JOIN discord_message_marks k ON k.user_id = c.id AND k.channel_id = m.channel_id
  WHERE m.message_id > coalesce(k.last_message_id, 0)
),
ordered AS (
  SELECT f.user_id, array_agg(f.message_id ORDER BY f.message_id) AS ids,
         array_agg(f.sent_at ORDER BY f.message_id) AS ats, a.available_at
  FROM fresh f
  LEFT JOIN activity_cooldowns a ON a.user_id = f.user_id AND a.activity = $8::text
  GROUP BY f.user_id, a.available_at
),
-- Walks each member's messages in order, all members at once: a message opens a window
-- when it was sent at or after the current one ends.
walk AS (
  SELECT o.user_id, 1 AS i, o.ids, o.ats, o.ats[1] >= coalesce(o.available_at, '-infinity'::timestamptz) AS opens,
         CASE WHEN o.ats[1] >= coalesce(o.available_at, '-infinity'::timestamptz)
              THEN o.ats[1] + make_interval(secs => $7::int) ELSE o.available_at END AS until
  FROM ordered o
  UNION ALL
  SELECT w.user_id, w.i + 1, w.ids, w.ats, w.ats[w.i + 1] >= w.until,
         CASE WHEN w.ats[w.i + 1] >= w.until THEN w.ats[w.i + 1] + make_interval(secs => $7::int) ELSE w.until END
  FROM walk w
  WHERE w.i < cardinality(w.ids)
),
windows AS (
  SELECT user_id, ids[i] AS message_id, ats[i] AS sent_at FROM walk WHERE opens
),
awarded AS (
  SELECT w.user_id, w.message_id, ($2::bigint + floor(random() * ($3::bigint - $2::bigint + 1)))::bigint AS xp
  FROM windows w
  WHERE NOT EXISTS (SELECT 1 FROM cross_platform_events e WHERE e.dedupe_key = 'discord:message:' || w.message_id)
),
plan AS (
  SELECT c.*, n.count AS messages, coalesce(a.xp, 0) AS xp_delta, w.last_opened_at
  FROM cur c
  JOIN (SELECT user_id, count(*) AS count FROM fresh GROUP BY user_id) n ON n.user_id = c.id
  LEFT JOIN (SELECT user_id, sum(xp) AS xp FROM awarded GROUP BY user_id) a ON a.user_id = c.id
  LEFT JOIN (SELECT user_id, max(sent_at) AS last_opened_at FROM windows GROUP BY user_id) w ON w.user_id = c.id
),
next AS (
  SELECT p.id, p.messages, p.xp_delta, p.xp AS xp_before, p.last_opened_at, p.rank_id AS old_rank_id,
         r.id AS rank_id, r.name AS rank_name, p.xp + p.xp_delta AS xp, ach.keys AS unlocked
  FROM plan p
  CROSS JOIN LATERAL (
    SELECT id, name FROM ranks WHERE min_xp <= p.xp + p.xp_delta ORDER BY min_xp DESC LIMIT 1
  ) r
  ${unlockedAchievementsSql(
    {
      games_played: 'p.games_played',
      games_won: 'p.games_won',
      messages_sent: 'p.messages_sent + p.messages',
      total_voice_time: 'p.total_voice_time',
      daily_streak: 'p.daily_streak',
      linked_platforms: 'p.linked',
    },
    'p.xp + p.xp_delta',
    'p.achievements',
  )}
),
upd AS (
  UPDATE unified_users u SET
    xp = u.xp + n.xp_delta,
    rank_id = n.rank_id,
    messages_sent = u.messages_sent + n.messages,
    current_season_xp = u.current_season_xp + n.xp_delta,
    achievements = u.achievements || n.unlocked,
    updated_at = now()
  FROM next n
  WHERE u.id = n.id
  RETURNING u.id, u.xp, u.coins, u.rank_id
),
marks AS (
  INSERT INTO discord_message_marks AS k (user_id, channel_id, last_message_id)
  SELECT user_id, channel_id, max(message_id) FROM fresh GROUP BY user_id, channel_id
  ON CONFLICT (user_id, channel_id) DO UPDATE SET last_message_id = greatest(k.last_message_id, EXCLUDED.last_message_id)
),
cooldowns AS (
  INSERT INTO activity_cooldowns AS a (user_id, activity, available_at)
  SELECT id, $8::text, last_opened_at + make_interval(secs => $7::int) FROM next WHERE last_opened_at IS NOT NULL
  ON CONFLICT (user_id, activity) DO UPDATE SET available_at = EXCLUDED.available_at
),
ev_rows AS (
  SELECT a.user_id AS id, 1 AS ord, a.message_id AS sub, 'xp_change' AS event_type,
         jsonb_build_object('xp_delta', a.xp, 'coins_delta', 0, 'reason', $9::text,
                            'xp', n.xp_before + sum(a.xp) OVER (PARTITION BY a.user_id ORDER BY a.message_id),
                            'coins', u.coins, 'rank_id', u.rank_id) AS data,
         'discord:message:' || a.message_id AS dedupe_key
  FROM awarded a JOIN next n ON n.id = a.user_id JOIN upd u ON u.id = a.user_id
  WHERE a.xp <> 0
  UNION ALL
  SELECT n.id, 2, 0, 'message_sent', jsonb_build_object('count', n.messages, 'xp_delta', n.xp_delta, 'coins_delta', 0), NULL
  FROM next n
  UNION ALL
  SELECT n.id, 3, 0, 'rank_up',
         jsonb_build_object('from_rank_id', n.old_rank_id, 'to_rank_id', n.rank_id, 'rank_name', n.rank_name, 'xp', n.xp), NULL
  FROM next n
  WHERE n.rank_id <> n.old_rank_id
  UNION ALL
  SELECT n.id, 4, 0, 'achievement_unlocked', jsonb_build_object('achievement', k.key), NULL
  FROM next n CROSS JOIN LATERAL jsonb_array_elements_text(n.unlocked) AS k(key)
),
ev AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
  SELECT id, event_type, 'discord', data, dedupe_key FROM ev_rows ORDER BY id, ord, sub
  RETURNING 1
)
SELECT (SELECT coalesce(jsonb_agg(c.discord_id), '[]'::jsonb) FROM cur c) AS found,
       (SELECT coalesce(sum(messages), 0) FROM next) AS counted,
       (SELECT coalesce(sum(xp_delta), 0) FROM next) AS xp,
       (SELECT count(*) FROM awarded) AS windows,
       (SELECT count(*) FROM ev) AS events`;

/**
 * Creates the accounts of Discord members not seen before, each with its
 * `user_registered` event. $1 Discord ids, $2 usernames, $3 display names.
 */
export const ENSURE_DISCORD_USERS_SQL = `
WITH input AS (
  SELECT DISTINCT ON (discord_id) * FROM unnest($1::text[], $2::text[], $3::text[]) AS i(discord_id, username, display_name)
),
ins AS (
  INSERT INTO unified_users (discord_id, username, display_name, primary_platform)
  SELECT discord_id, username, display_name, 'discord' FROM input ORDER BY discord_id
  ON CONFLICT (discord_id) DO NOTHING
  RETURNING id, username
),
ev AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
  SELECT id, 'user_registered', 'discord', jsonb_build_object('platform', 'discord', 'username', username) FROM ins
)
SELECT count(*)::int AS created FROM ins`;
