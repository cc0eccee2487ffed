/**
 * A player's privacy, for every front end: a hidden public page, appearing anonymised on
 * public boards, a copy of their data, and erasure.
 *
 *   findPrivacy(pool, userId)                    -> { profileHidden, leaderboardAnonymous } | null
 *   findAnonymousPlayers(pool, userIds)          -> the ids among them shown anonymised on boards
 *   setPrivacy(pool, { userId, profileHidden?, leaderboardAnonymous? })
 *   exportPlayerData(pool, userId)               -> { account, events } | null
 *   eraseAccount(linking, pool, { userId, now }) -> { status: 'erased' | 'unknown' }
 *
 * Erasure first unlinks every identity but the last through the identity domain (so the
 * sync worker removes Discord roles as for any unlink), then, in one transaction, drops the
 * last identity, the names (also of accounts merged into it), the password, and the
 * personal fields of its events; then its Discord Linked Roles grant. The account's
 * totals and events stay under its internal id, so `xp == sum(deltas)` and the
 * leaderboards stay consistent; it shows as anonymous.
 *
 * A change of how a player shows on the boards (anonymised or not, erased) tells the
 * replicas that keep board pages to drop them (BOARDS_CHANNEL), as an award does.
 */
import type { Pool } from 'pg';
import { PLATFORMS } from '../platform';
import { announceBoardsChanged } from '../progression/leaderboard-compaction';
import type { Linking } from './linking';
import { dropRoleConnectionGrant } from './role-connection-grants';

export interface Privacy {
  profileHidden: boolean;
  leaderboardAnonymous: boolean;
}

const FIND_SQL = `
SELECT profile_hidden, leaderboard_anonymous FROM unified_users WHERE id = $1::bigint AND merged_into IS NULL`;

const SET_SQL = `
UPDATE unified_users
SET profile_hidden = coalesce($2::boolean, profile_hidden),
    leaderboard_anonymous = coalesce($3::boolean, leaderboard_anonymous),
    updated_at = now()
WHERE id = $1::bigint AND merged_into IS NULL`;

const EXPORT_ACCOUNT_SQL = `
SELECT u.id, u.telegram_id, u.discord_id, u.website_email, u.username, u.display_name, u.locale, u.xp, u.coins,
       u.rank_id, u.games_played, u.games_won, u.total_voice_time, u.messages_sent, u.achievements,
       u.current_season_xp, u.daily_streak, u.platforms, u.primary_platform, u.telegram_notifications,
       u.discord_notifications,
       u.profile_hidden, u.leaderboard_anonymous, u.created_at
FROM unified_users u WHERE u.id = $1::bigint AND u.merged_into IS NULL`;

const EXPORT_EVENTS_SQL = `
SELECT id, event_type, source_platform, data, created_at
FROM cross_platform_events WHERE user_id = $1::bigint ORDER BY seq`;

/** Keys of event data that name a person; erasure removes them and keeps the rest. */
const PERSONAL_KEYS = ['username', 'display_name', 'first_name', 'last_name', 'email'];

const ERASE_SQL = `
WITH target AS (
  SELECT id, discord_id FROM unified_users WHERE id = $1::bigint AND merged_into IS NULL FOR UPDATE
),
account AS (
  UPDATE unified_users u
  SET telegram_id = NULL, discord_id = NULL, website_email = NULL, username = NULL, display_name = NULL,
      profile_hidden = true, leaderboard_anonymous = true, telegram_notifications = false,
      discord_notifications = false,
      erased_at = coalesce(u.erased_at, $2::timestamptz), updated_at = $2::timestamptz
  FROM target WHERE u.id = target.id
  RETURNING u.id
),
absorbed AS (
  UPDATE unified_users u SET username = NULL, display_name = NULL
  FROM target WHERE u.merged_into = target.id
  RETURNING u.id
),
credentials AS (
  DELETE FROM website_credentials c USING target WHERE c.user_id = target.id
),
events AS (
  UPDATE cross_platform_events e SET data = e.data - $3::text[]
  FROM target WHERE e.user_id = target.id AND e.data ?| $3::text[]
)
SELECT account.id, target.discord_id FROM account JOIN target ON target.id = account.id`;

export async function findPrivacy(pool: Pool, userId: string): Promise<Privacy | null> {
  const { rows } = await pool.query(FIND_SQL, [userId]);
  const row = rows[0];
  return row ? { profileHidden: row.profile_hidden, leaderboardAnonymous: row.leaderboard_anonymous } : null;
}

const ANONYMOUS_SQL = `
SELECT id FROM unified_users WHERE id = ANY($1::bigint[]) AND leaderboard_anonymous`;

/** Which of these players appear anonymised on public boards (a page of a leaderboard). */
export async function findAnonymousPlayers(pool: Pool, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { rows } = await pool.query<{ id: string }>(ANONYMOUS_SQL, [userIds]);
  return new Set(rows.map((r) => r.id));
}

export async function setPrivacy(pool: Pool, input: { userId: string } & Partial<Privacy>): Promise<boolean> {
  const { rowCount } = await pool.query(SET_SQL, [
    input.userId,
    input.profileHidden ?? null,
    input.leaderboardAnonymous ?? null,
  ]);
  if (rowCount === 1 && input.leaderboardAnonymous !== undefined) await announceBoardsChanged(pool);
  return rowCount === 1;
}

/** Everything the platform holds about the player: the account row and every event of its log. */
export async function exportPlayerData(
  pool: Pool,
  userId: string,
): Promise<{ account: Record<string, unknown>; events: Record<string, unknown>[] } | null> {
  const { rows } = await pool.query(EXPORT_ACCOUNT_SQL, [userId]);
  if (!rows[0]) return null;
  const events = await pool.query(EXPORT_EVENTS_SQL, [userId]);
  return { account: rows[0], events: events.rows };
}

export async function eraseAccount(
  linking: Linking,
  pool: Pool,
  input: { userId: string; now: Date },
): Promise<{ status: 'erased' | 'unknown' }> {
  for (const platform of PLATFORMS) {
    const result = await linking.unlinkIdentity({ account: { userId: input.userId }, platform, source: 'website' });
    if (result.status === 'last_identity') break;
  }
  const { rows } = await pool.query<{ id: string; discord_id: string | null }>(ERASE_SQL, [
    input.userId,
    input.now,
    PERSONAL_KEYS,
  ]);
  if (rows.length === 1) await announceBoardsChanged(pool);
  const discordId = rows[0]?.discord_id;
  if (discordId) await dropRoleConnectionGrant(pool, discordId);
  return { status: rows.length === 1 ? 'erased' : 'unknown' };
}
