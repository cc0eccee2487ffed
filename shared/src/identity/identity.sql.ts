/**
 * Every statement of linking, merging and unlinking. Times are passed in ($now) so that
 * expiry and attempt windows follow the caller's clock; identity values are normalised
 * by the caller (Telegram ids as decimal strings, Discord snowflakes, emails lower-cased).
 */
import type { Platform } from '../platform';

export const IDENTITY_COLUMN: Record<Platform, 'telegram_id' | 'discord_id' | 'website_email'> = {
  telegram: 'telegram_id',
  discord: 'discord_id',
  website: 'website_email',
};

const MATCH: Record<Platform, string> = {
  telegram: 'telegram_id = $1::bigint',
  discord: 'discord_id = $1::text',
  website: 'lower(website_email) = lower($1::text)',
};

/** The account an identity is linked to; only live accounts hold identities. $1 identity. */
export function ownerOfSql(platform: Platform): string {
  return `SELECT id FROM unified_users WHERE ${MATCH[platform]}`;
}

const ACCOUNT_COLUMNS = `
  u.id, u.telegram_id, u.discord_id, u.website_email, u.username, u.display_name,
  u.xp, u.coins, u.rank_id, (SELECT r.name FROM ranks r WHERE r.id = u.rank_id) AS rank_name,
  u.games_played, u.games_won, u.messages_sent, u.total_voice_time, u.current_season_xp,
  u.daily_streak, u.achievements, u.platforms, u.primary_platform, u.created_at, u.merged_into`;

/** One account as the player sees it. $1 id. */
export const ACCOUNT_SQL = `SELECT ${ACCOUNT_COLUMNS} FROM unified_users u WHERE u.id = $1::bigint`;

/** The same, locking the row the way the progression write path does. $1 id. */
export const LOCK_ACCOUNT_SQL = `${ACCOUNT_SQL} FOR UPDATE OF u`;

/** Puts an identity on an account that has none on that platform. $1 account, $2 identity. */
export function attachIdentitySql(platform: Platform): string {
  const column = IDENTITY_COLUMN[platform];
  return `
UPDATE unified_users SET ${column} = $2, updated_at = now()
WHERE id = $1::bigint AND ${column} IS NULL AND merged_into IS NULL
RETURNING id`;
}

/**
 * Takes an identity off an account. If it was the primary platform, the first remaining
 * platform becomes primary. The caller has checked it is not the last identity. $1 account.
 */
export function detachIdentitySql(platform: Platform): string {
  const column = IDENTITY_COLUMN[platform];
  return `
UPDATE unified_users SET
  ${column} = NULL,
  primary_platform = CASE WHEN primary_platform = '${platform}'
                          THEN coalesce((platforms - '${platform}') ->> 0, primary_platform)
                          ELSE primary_platform END,
  updated_at = now()
WHERE id = $1::bigint AND ${column} IS NOT NULL AND merged_into IS NULL
RETURNING id, platforms, primary_platform`;
}

/**
 * Merge, step 1: the survivor takes the absorbed account's totals. Counters, XP, coins
 * and season XP are summed, the streak is the longer *current* one (a streak whose last
 * claim is older than yesterday is already broken and counts as 0), the last daily claim
 * the later one (so nobody claims twice in a day), achievements are united, creation is
 * the earlier. Rank is left for the progression statement that follows.
 * $1 survivor, $2 absorbed, $3 today (UTC date).
 */
export const ABSORB_TOTALS_SQL = `
UPDATE unified_users s SET
  xp = s.xp + a.xp,
  coins = s.coins + a.coins,
  games_played = s.games_played + a.games_played,
  games_won = s.games_won + a.games_won,
  messages_sent = s.messages_sent + a.messages_sent,
  total_voice_time = s.total_voice_time + a.total_voice_time,
  current_season_xp = s.current_season_xp + a.current_season_xp,
  daily_streak = GREATEST(
    CASE WHEN s.last_daily_claim >= $3::date - 1 THEN s.daily_streak ELSE 0 END,
    CASE WHEN a.last_daily_claim >= $3::date - 1 THEN a.daily_streak ELSE 0 END),
  last_daily_claim = GREATEST(s.last_daily_claim, a.last_daily_claim),
  achievements = s.achievements || (
    SELECT coalesce(jsonb_agg(k.key ORDER BY k.key), '[]'::jsonb)
    FROM jsonb_array_elements_text(a.achievements) AS k(key)
    WHERE NOT s.achievements ? k.key
  ),
  username = coalesce(s.username, a.username),
  display_name = coalesce(s.display_name, a.display_name),
  created_at = LEAST(s.created_at, a.created_at),
  updated_at = now()
FROM unified_users a
WHERE s.id = $1::bigint AND a.id = $2::bigint
RETURNING s.daily_streak`;

/**
 * Merge, step 2: the absorbed row becomes a tombstone pointing at the survivor. Its
 * identities are cleared before the survivor takes them (they are UNIQUE), and its totals
 * are zero because all of its events now belong to the survivor, so the ledger holds for
 * both rows. $1 absorbed, $2 survivor, $3 now.
 */
export const TOMBSTONE_SQL = `
UPDATE unified_users SET
  telegram_id = NULL, discord_id = NULL, website_email = NULL,
  xp = 0, coins = 0, rank_id = (SELECT id FROM ranks ORDER BY min_xp LIMIT 1),
  games_played = 0, games_won = 0, messages_sent = 0, total_voice_time = 0,
  current_season_xp = 0, daily_streak = 0, last_daily_claim = NULL, achievements = '[]'::jsonb,
  merged_into = $2::bigint, merged_at = $3::timestamptz, updated_at = now()
WHERE id = $1::bigint`;

/** Merge, step 3: the survivor takes the absorbed identities. $1 survivor, $2..$4 telegram, discord, email. */
export const TAKE_IDENTITIES_SQL = `
UPDATE unified_users SET
  telegram_id = coalesce(telegram_id, $2::bigint),
  discord_id = coalesce(discord_id, $3::text),
  website_email = coalesce(website_email, $4::text),
  updated_at = now()
WHERE id = $1::bigint`;

/** Merge, step 4: older tombstones of the absorbed account point straight at the survivor. $1 survivor, $2 absorbed. */
export const FLATTEN_TOMBSTONES_SQL = `UPDATE unified_users SET merged_into = $1::bigint WHERE merged_into = $2::bigint`;

/** Merge, step 5: the absorbed account's events move to the survivor, so its ledger moves whole. $1 survivor, $2 absorbed. */
export const REPOINT_EVENTS_SQL = `UPDATE cross_platform_events SET user_id = $1::bigint WHERE user_id = $2::bigint`;

/** Appends events in the given order. $1 user, $2 source platform, $3 jsonb array of {type, data}. */
export const APPEND_EVENTS_SQL = `
INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
SELECT $1::bigint, e.value ->> 'type', $2::text, e.value -> 'data'
FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
ORDER BY e.ord
RETURNING id`;

/** Serialises the redemptions of one identity, so its failure count cannot be raced. $1 key. */
export const LOCK_REDEEMER_SQL = `SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))`;

/**
 * A new code; the creator's earlier unused codes are revoked and long-expired codes of
 * anyone are swept. $1 hash, $2 platform, $3 identity, $4 account, $5 now, $6 expires.
 */
export const CREATE_LINK_CODE_SQL = `
WITH swept AS (
  DELETE FROM link_codes
  WHERE (platform = $2::text AND identity = $3::text AND used_at IS NULL)
     OR expires_at < $5::timestamptz - interval '1 day'
)
INSERT INTO link_codes (code_hash, platform, identity, user_id, created_at, expires_at)
VALUES ($1::bytea, $2::text, $3::text, $4::bigint, $5::timestamptz, $6::timestamptz)`;

/**
 * Uses a code: of two redemptions racing, the second waits for the first and then finds
 * it used. $1 hash, $2 now, $3 redeemer platform, $4 redeemer identity.
 */
export const CLAIM_LINK_CODE_SQL = `
UPDATE link_codes SET used_at = $2::timestamptz, used_by_platform = $3::text, used_by_identity = $4::text
WHERE code_hash = $1::bytea AND used_at IS NULL AND expires_at > $2::timestamptz
RETURNING platform, identity, user_id`;

/** Hands a used code back when the link it was used for was refused. $1 hash. */
export const RELEASE_LINK_CODE_SQL = `
UPDATE link_codes SET used_at = NULL, used_by_platform = NULL, used_by_identity = NULL WHERE code_hash = $1::bytea`;

/** Failed redemptions of one identity inside the window. $1 platform, $2 identity, $3 window start. */
export const RECENT_FAILURES_SQL = `
SELECT count(*)::int AS failures, min(attempted_at) AS oldest
FROM link_code_failures
WHERE platform = $1::text AND identity = $2::text AND attempted_at > $3::timestamptz`;

/** Records a failed redemption and forgets that identity's failures older than the window. $1, $2, $3 now, $4 window start. */
export const RECORD_FAILURE_SQL = `
WITH old AS (
  DELETE FROM link_code_failures
  WHERE platform = $1::text AND identity = $2::text AND attempted_at <= $4::timestamptz
)
INSERT INTO link_code_failures (platform, identity, attempted_at) VALUES ($1::text, $2::text, $3::timestamptz)`;

/** Unused codes of an identity stop working when it is unlinked. $1 platform, $2 identity. */
export const REVOKE_LINK_CODES_SQL = `DELETE FROM link_codes WHERE platform = $1::text AND identity = $2::text AND used_at IS NULL`;

/**
 * A link waiting for the redeemer's yes. $1 token hash, $2 account, $3 other account (null:
 * the identity has none yet), $4 platform, $5 identity, $6 via, $7 source, $8 now,
 * $9 expires, $10 and $11 the code's creator identity (null unless via a code).
 */
export const CREATE_MERGE_CONFIRMATION_SQL = `
INSERT INTO merge_confirmations
  (token_hash, user_id, other_user_id, platform, identity, via, source, created_at, expires_at, creator_platform, creator_identity)
VALUES ($1::bytea, $2::bigint, $3::bigint, $4::text, $5::text, $6::text, $7::text, $8::timestamptz, $9::timestamptz,
        $10::text, $11::text)`;

/** Uses a confirmation once. $1 token hash, $2 now, $3 'confirmed' | 'cancelled'. */
export const CLAIM_MERGE_CONFIRMATION_SQL = `
UPDATE merge_confirmations SET used_at = $2::timestamptz, outcome = $3::text
WHERE token_hash = $1::bytea AND used_at IS NULL AND expires_at > $2::timestamptz
RETURNING user_id, other_user_id, platform, identity, via, source, creator_platform, creator_identity`;

/** Pending confirmations about an identity lapse when it is unlinked. $1 platform, $2 identity, $3 now. */
export const REVOKE_MERGE_CONFIRMATIONS_SQL = `
UPDATE merge_confirmations SET used_at = $3::timestamptz, outcome = 'revoked'
WHERE platform = $1::text AND identity = $2::text AND used_at IS NULL`;

/**
 * A Telegram Login Widget flow started by a website session; sweeps flows long expired.
 * $1 nonce hash, $2 account, $3 now, $4 expires.
 */
export const START_TELEGRAM_LOGIN_SQL = `
WITH swept AS (DELETE FROM telegram_login_flows WHERE expires_at < $3::timestamptz - interval '1 day')
INSERT INTO telegram_login_flows (nonce_hash, user_id, created_at, expires_at)
VALUES ($1::bytea, $2::bigint, $3::timestamptz, $4::timestamptz)`;

/** Whether a Login Widget payload was accepted before. $1 payload hash. */
export const TELEGRAM_LOGIN_SEEN_SQL = `SELECT 1 FROM telegram_login_flows WHERE payload_hash = $1::bytea`;

/**
 * Uses a session's flow for one payload signed after the flow started. The payload hash
 * is UNIQUE, so a payload is accepted once. $1 nonce hash, $2 account, $3 now,
 * $4 payload hash, $5 payload auth_date plus the allowed clock skew.
 */
export const CLAIM_TELEGRAM_LOGIN_SQL = `
UPDATE telegram_login_flows SET used_at = $3::timestamptz, payload_hash = $4::bytea
WHERE nonce_hash = $1::bytea AND user_id = $2::bigint AND used_at IS NULL
  AND expires_at > $3::timestamptz AND created_at <= $5::timestamptz
RETURNING nonce_hash`;

/**
 * The oldest legacy link proposal for a Telegram id not shown within the last confirmation
 * window (a shown one is asked again once its token has expired). $1 Telegram id, $2 shown before.
 */
export const NEXT_LEGACY_PROPOSAL_SQL = `
SELECT claimant_platform, claimant_identity
FROM legacy_link_proposals
WHERE telegram_id = $1::bigint AND (asked_at IS NULL OR asked_at <= $2::timestamptz)
ORDER BY created_at, claimant_platform, claimant_identity
LIMIT 1
FOR UPDATE SKIP LOCKED`;

/** $1 Telegram id, $2 claimant platform, $3 claimant identity, $4 now. */
export const MARK_LEGACY_PROPOSAL_ASKED_SQL = `
UPDATE legacy_link_proposals SET asked_at = $4::timestamptz
WHERE telegram_id = $1::bigint AND claimant_platform = $2::text AND claimant_identity = $3::text`;

/** A proposal answered (or no longer possible) is gone. $1 Telegram id, $2 claimant platform, $3 claimant identity. */
export const DROP_LEGACY_PROPOSAL_SQL = `
DELETE FROM legacy_link_proposals
WHERE telegram_id = $1::bigint AND claimant_platform = $2::text AND claimant_identity = $3::text`;
