import type { Queryable } from './queryable';

/**
 * What the Discord bot sees of the community server's members, recorded as events of the
 * player the member is (nothing for a member who is no player: they have no rank roles).
 * The worker acts on them; the bot writes no role itself. Call `wake.signal()` after.
 */

const SERVER_EVENT = `
INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
SELECT u.id, $1, 'discord', jsonb_build_object('discord_id', $2::text, 'guild_id', $3::text), $4
FROM unified_users u
WHERE u.discord_id = $2::text AND u.merged_into IS NULL
ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
RETURNING id`;

export interface ServerMember {
  guildId: string;
  discordId: string;
}

/**
 * A member joined the server (or came back). `joinedAtMs` (the member's `joined_at`)
 * makes a redelivered GUILD_MEMBER_ADD count once. True when the member is a player.
 */
export async function recordServerJoined(
  db: Queryable,
  member: ServerMember & { joinedAtMs: number },
): Promise<boolean> {
  const key = `discord:${member.guildId}:joined:${member.discordId}:${member.joinedAtMs}`;
  const { rows } = await db.query({
    name: 'ttfd-server-joined',
    text: SERVER_EVENT,
    values: ['discord_server_joined', member.discordId, member.guildId, key],
  });
  return rows.length > 0;
}

/** A member left the server (left, kicked or banned). True when the member is a player. */
export async function recordServerLeft(db: Queryable, member: ServerMember): Promise<boolean> {
  const { rows } = await db.query({
    name: 'ttfd-server-left',
    text: SERVER_EVENT,
    values: ['discord_server_left', member.discordId, member.guildId, null],
  });
  return rows.length > 0;
}

const RANK_ROLES_CHECK = `
WITH players AS (
  SELECT id FROM unified_users
  WHERE discord_id IS NOT NULL AND merged_into IS NULL AND id > $2::bigint
  ORDER BY id
  LIMIT $3
),
added AS (
  INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
  SELECT id, 'rank_roles_check', 'discord', jsonb_build_object('round', $1::text), 'discord:roles-check:' || $1 || ':' || id
  FROM players
  ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
  RETURNING 1
)
SELECT (SELECT max(id) FROM players)::text AS last_id, (SELECT count(*) FROM added)::int AS added`;

export interface RankRolesCheckWave {
  /** The last player of this wave: the next wave starts after it; null when none was left. */
  lastUserId: string | null;
  /** Checks recorded (a check of this round already recorded, by another bot or before a restart, is not repeated). */
  added: number;
}

/**
 * Records one wave of a rank roles check: the next `limit` players with a Discord
 * identity after `afterUserId`, in id order. A round is checked in waves so the checks
 * trickle in beside the live events instead of queueing ahead of them.
 */
export async function requestRankRolesCheck(
  db: Queryable,
  wave: { round: string; afterUserId: string; limit: number },
): Promise<RankRolesCheckWave> {
  const { rows } = await db.query<{ last_id: string | null; added: number }>({
    name: 'ttfd-rank-roles-check',
    text: RANK_ROLES_CHECK,
    values: [wave.round, wave.afterUserId, wave.limit],
  });
  return { lastUserId: rows[0]?.last_id ?? null, added: rows[0]?.added ?? 0 };
}
