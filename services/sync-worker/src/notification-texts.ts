import type { EventData } from '@ttfd/shared';
import type { NotifiedEvent } from './event-handlers';

export type Locale = 'ru' | 'en';

type Texts = { [T in NotifiedEvent]: (data: EventData[T]) => string };

const ACHIEVEMENTS: Record<string, Record<Locale, string>> = {
  first_game: { ru: 'Первая игра', en: 'First game' },
  ten_wins: { ru: 'Десять побед', en: 'Ten wins' },
  hundred_messages: { ru: 'Сто сообщений', en: 'A hundred messages' },
  ten_hours_voice: { ru: 'Десять часов в голосе', en: 'Ten hours in voice' },
  week_streak: { ru: 'Неделя подряд', en: 'A week in a row' },
  all_platforms: { ru: 'На всех платформах', en: 'On every platform' },
};

const PLATFORM_NAMES: Record<Locale, Record<string, string>> = {
  ru: { telegram: 'Telegram', discord: 'Discord', website: 'сайт' },
  en: { telegram: 'Telegram', discord: 'Discord', website: 'the website' },
};

function achievementName(key: string, locale: Locale): string {
  const known = ACHIEVEMENTS[key]?.[locale];
  if (known) return known;
  const rank = /^rank_(\d+)$/.exec(key);
  if (rank) return locale === 'ru' ? `Звание №${rank[1]}` : `Rank #${rank[1]}`;
  return key;
}

const TEXTS: Record<Locale, Texts> = {
  ru: {
    rank_up: (d) => `🎖 Новое звание: ${d.rank_name}! У вас ${d.xp} XP.`,
    achievement_unlocked: (d) => `🏆 Достижение получено: ${achievementName(d.achievement, 'ru')}`,
    account_linked: (d) => `🔗 К вашему аккаунту TTFD привязан ${PLATFORM_NAMES.ru[d.platform] ?? d.platform}.`,
    accounts_merged: (d) =>
      `🔀 Ваши аккаунты TTFD объединены: прогресс сложен (+${d.summed?.xp ?? 0} XP, +${d.summed?.coins ?? 0} монет).`,
    daily_claimed: (d) => `🎁 Ежедневная награда: +${d.xp_delta} XP, +${d.coins_delta} монет. Серия: ${d.streak} дн.`,
  },
  en: {
    rank_up: (d) => `🎖 New rank: ${d.rank_name}! You have ${d.xp} XP.`,
    achievement_unlocked: (d) => `🏆 Achievement unlocked: ${achievementName(d.achievement, 'en')}`,
    account_linked: (d) => `🔗 ${PLATFORM_NAMES.en[d.platform] ?? d.platform} is now linked to your TTFD account.`,
    accounts_merged: (d) =>
      `🔀 Your TTFD accounts were merged and their progress combined (+${d.summed?.xp ?? 0} XP, +${d.summed?.coins ?? 0} coins).`,
    daily_claimed: (d) => `🎁 Daily reward: +${d.xp_delta} XP, +${d.coins_delta} coins. Streak: ${d.streak} days.`,
  },
};

/** The notification for an event in the player's language (Russian unless they chose English). */
export function notificationText<T extends NotifiedEvent>(type: T, data: EventData[T], locale: string): string {
  const texts = TEXTS[locale === 'en' ? 'en' : 'ru'];
  return (texts[type] as (d: EventData[T]) => string)(data);
}
