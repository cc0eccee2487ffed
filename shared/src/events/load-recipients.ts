import type { Queryable } from './queryable';
import type { Locale } from '../catalogue/locale';
import type { NotifiedPlatform } from '../platform';
import type { PlayerTarget } from './unreachable-targets';

/** What the handlers need to reach a player on the platforms. */
export interface Recipient {
  userId: string;
  /** The live account (the one the player was merged into, if they were). */
  accountId: string;
  telegramId: string | null;
  discordId: string | null;
  locale: Locale;
  /** Per platform, whether its bot sends the player notifications. */
  notifications: Record<NotifiedPlatform, boolean>;
  rankId: number;
  rankName: string;
  /** The Discord role of the player's current rank, if the rank has one. */
  rankRoleId: string | null;
  /** Targets this player turned off by refusing them, for the identities linked now. */
  unreachable: PlayerTarget[];
}

const LOAD_RECIPIENTS = `
SELECT u.id AS user_id, a.id AS account_id, a.telegram_id, a.discord_id, a.locale, a.telegram_notifications, a.discord_notifications,
       a.rank_id, r.name AS rank_name, r.discord_role_id,
       ARRAY(SELECT t.target FROM unreachable_targets t
             WHERE t.user_id = a.id
               AND t.identity = CASE WHEN t.target = 'telegram:message' THEN a.telegram_id::text ELSE a.discord_id END
       ) AS unreachable
FROM unified_users u
JOIN unified_users a ON a.id = coalesce(u.merged_into, u.id)
JOIN ranks r ON r.id = a.rank_id
WHERE u.id = ANY($1::bigint[])`;

/** The current state of the given players (a merged account resolves to the one it joined). */
export async function loadRecipients(db: Queryable, userIds: string[]): Promise<Map<string, Recipient>> {
  const out = new Map<string, Recipient>();
  if (userIds.length === 0) return out;
  const { rows } = await db.query({ name: 'ttfd-load-recipients', text: LOAD_RECIPIENTS, values: [userIds] });
  for (const r of rows) {
    out.set(r.user_id, {
      userId: r.user_id,
      accountId: r.account_id,
      telegramId: r.telegram_id,
      discordId: r.discord_id,
      locale: r.locale,
      notifications: { telegram: r.telegram_notifications, discord: r.discord_notifications },
      rankId: r.rank_id,
      rankName: r.rank_name,
      rankRoleId: r.discord_role_id,
      unreachable: r.unreachable,
    });
  }
  return out;
}

const RANK_ROLE_IDS = `SELECT discord_role_id FROM ranks WHERE discord_role_id IS NOT NULL ORDER BY min_xp`;

/** Every Discord role that stands for a rank: the ones a role sync may remove. */
export async function loadRankRoleIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ discord_role_id: string }>(RANK_ROLE_IDS);
  return rows.map((r) => r.discord_role_id);
}
