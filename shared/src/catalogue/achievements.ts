import type { Locale } from './locale';
import { rankName } from './ranks';

/**
 * Achievement names by key (the `achievement_rules` table). Reaching a rank is the
 * achievement `rank_<id>`, named after the rank. A test fails when a rule in the migrated
 * database has no name here.
 */
export const ACHIEVEMENT_NAMES: Readonly<Record<string, Record<Locale, string>>> = {
  first_game: { ru: 'Первая игра', en: 'First game' },
  ten_wins: { ru: '10 побед', en: '10 wins' },
  hundred_messages: { ru: '100 сообщений', en: '100 messages' },
  ten_hours_voice: { ru: '10 часов в голосе', en: '10 hours in voice' },
  week_streak: { ru: 'Неделя подряд', en: 'Week streak' },
  all_platforms: { ru: 'Все платформы', en: 'All platforms' },
};

const RANK_ACHIEVEMENT = /^rank_(\d+)$/;

/** The rank an achievement key stands for (`rank_4` → 4), or null for other achievements. */
export function rankOfAchievement(key: string): number | null {
  const m = RANK_ACHIEVEMENT.exec(key);
  return m ? Number(m[1]) : null;
}

/** An achievement's name in the player's language; an unknown key is shown as it is. */
export function achievementName(key: string, locale: Locale): string {
  const rank = rankOfAchievement(key);
  if (rank !== null) return rankName(rank, locale);
  return ACHIEVEMENT_NAMES[key]?.[locale] ?? key;
}
