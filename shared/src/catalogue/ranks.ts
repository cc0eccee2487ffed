import type { Locale } from './locale';

/**
 * The rank ladder's names by rank id (the `ranks` table; its English name is `ranks.name`).
 * A test fails when a rank in the migrated database has no name here.
 */
export const RANK_NAMES: Readonly<Record<number, Record<Locale, string>>> = {
  1: { ru: 'Новобранец', en: 'Recruit' },
  2: { ru: 'Рядовой', en: 'Private' },
  3: { ru: 'Капрал', en: 'Corporal' },
  4: { ru: 'Сержант', en: 'Sergeant' },
  5: { ru: 'Лейтенант', en: 'Lieutenant' },
  6: { ru: 'Капитан', en: 'Captain' },
  7: { ru: 'Майор', en: 'Major' },
  8: { ru: 'Полковник', en: 'Colonel' },
  9: { ru: 'Генерал', en: 'General' },
  10: { ru: 'Легенда', en: 'Legend' },
};

/** A rank's name in the player's language; a rank the catalogue does not know yet keeps its number. */
export function rankName(rankId: number, locale: Locale): string {
  return RANK_NAMES[rankId]?.[locale] ?? (locale === 'ru' ? `Ранг №${rankId}` : `Rank #${rankId}`);
}
