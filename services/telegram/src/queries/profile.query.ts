import type { Pool } from 'pg';
import type { Platform } from '@ttfd/shared';

export interface ProfileRow {
  userId: string;
  username: string | null;
  displayName: string | null;
  xp: number;
  coins: number;
  rank: string;
  rankMinXp: number;
  nextRank: string | null;
  nextRankMinXp: number | null;
  gamesPlayed: number;
  gamesWon: number;
  dailyStreak: number;
  seasonXp: number;
  achievements: string[];
  platforms: Platform[];
  notificationsEnabled: boolean;
}

const SQL = `
SELECT u.id, u.username, u.display_name, u.xp, u.coins, r.name AS rank, r.min_xp AS rank_min_xp,
       nr.name AS next_rank, nr.min_xp AS next_rank_min_xp, u.games_played, u.games_won, u.daily_streak,
       u.current_season_xp, u.achievements, u.platforms, u.notifications_enabled
FROM unified_users u
JOIN ranks r ON r.id = u.rank_id
LEFT JOIN LATERAL (SELECT name, min_xp FROM ranks WHERE min_xp > u.xp ORDER BY min_xp LIMIT 1) nr ON true
WHERE u.id = $1 AND u.merged_into IS NULL`;

/** A player's profile as every screen shows it: totals, rank and the next rank. */
export async function findProfile(pool: Pool, userId: string): Promise<ProfileRow | null> {
  const { rows } = await pool.query({ name: 'telegram-profile', text: SQL, values: [userId] });
  const r = rows[0];
  if (!r) return null;
  return {
    userId: r.id,
    username: r.username,
    displayName: r.display_name,
    xp: Number(r.xp),
    coins: Number(r.coins),
    rank: r.rank,
    rankMinXp: Number(r.rank_min_xp),
    nextRank: r.next_rank,
    nextRankMinXp: r.next_rank_min_xp === null ? null : Number(r.next_rank_min_xp),
    gamesPlayed: r.games_played,
    gamesWon: r.games_won,
    dailyStreak: r.daily_streak,
    seasonXp: Number(r.current_season_xp),
    achievements: r.achievements,
    platforms: r.platforms,
    notificationsEnabled: r.notifications_enabled,
  };
}
