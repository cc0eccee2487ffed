/** The stats an achievement rule can watch (achievement_rules.stat). */
export interface AchievementStats {
  games_played: string;
  games_won: string;
  messages_sent: string;
  total_voice_time: string;
  daily_streak: string;
  linked_platforms: string;
}

/**
 * A LATERAL subquery (alias `ach`, column `keys`) of the achievements a player unlocks
 * with a change: every rule whose stat reaches its threshold, and one per rank reached,
 * less those the player has. `stats` are SQL expressions of the stats after the change,
 * `xp` of the XP after it, `achievements` of the jsonb array held before it. Shared by
 * the progress statement and its batched variant, so a rule is decided in one place.
 */
export function unlockedAchievementsSql(stats: AchievementStats, xp: string, achievements: string): string {
  return `CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(a.key ORDER BY a.key), '[]'::jsonb) AS keys
    FROM (
      SELECT ar.key FROM achievement_rules ar
      WHERE CASE ar.stat
              WHEN 'games_played' THEN ${stats.games_played}
              WHEN 'games_won' THEN ${stats.games_won}
              WHEN 'messages_sent' THEN ${stats.messages_sent}
              WHEN 'total_voice_time' THEN ${stats.total_voice_time}
              WHEN 'daily_streak' THEN ${stats.daily_streak}
              WHEN 'linked_platforms' THEN ${stats.linked_platforms}
            END >= ar.threshold
      UNION ALL
      SELECT 'rank_' || rk.id FROM ranks rk WHERE rk.min_xp > 0 AND rk.min_xp <= ${xp}
    ) a
    WHERE NOT ${achievements} ? a.key
  ) ach`;
}
