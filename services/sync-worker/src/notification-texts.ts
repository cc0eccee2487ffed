import { achievementName, localeOf, platformName, rankName, type EventData, type Locale } from '@ttfd/shared';
import type { NotifiedEvent } from './event-handlers';

type Texts = { [T in NotifiedEvent]: (data: EventData[T]) => string };

// Names come from the shared catalogue, so a DM names a rank or an achievement exactly as the bots' screens do.
const TEXTS: Record<Locale, Texts> = {
  ru: {
    rank_up: (d) => `🎖 Новое звание: ${rankName(d.to_rank_id, 'ru')}! У вас ${d.xp} XP.`,
    achievement_unlocked: (d) => `🏆 Достижение получено: ${achievementName(d.achievement, 'ru')}`,
    account_linked: (d) => `🔗 К вашему аккаунту TTFD привязан ${platformName(d.platform, 'ru')}.`,
    accounts_merged: (d) =>
      `🔀 Ваши аккаунты TTFD объединены: прогресс сложен (+${d.summed?.xp ?? 0} XP, +${d.summed?.coins ?? 0} монет).`,
    daily_claimed: (d) => `🎁 Ежедневная награда: +${d.xp_delta} XP, +${d.coins_delta} монет. Серия: ${d.streak} дн.`,
  },
  en: {
    rank_up: (d) => `🎖 New rank: ${rankName(d.to_rank_id, 'en')}! You have ${d.xp} XP.`,
    achievement_unlocked: (d) => `🏆 Achievement unlocked: ${achievementName(d.achievement, 'en')}`,
    account_linked: (d) => `🔗 Linked to your TTFD account: ${platformName(d.platform, 'en')}.`,
    accounts_merged: (d) =>
      `🔀 Your TTFD accounts were merged and their progress combined (+${d.summed?.xp ?? 0} XP, +${d.summed?.coins ?? 0} coins).`,
    daily_claimed: (d) => `🎁 Daily reward: +${d.xp_delta} XP, +${d.coins_delta} coins. Streak: ${d.streak} days.`,
  },
};

/** The notification for an event in the player's language (Russian unless they chose English). */
export function notificationText<T extends NotifiedEvent>(type: T, data: EventData[T], locale: string): string {
  return (TEXTS[localeOf(locale)][type] as (d: EventData[T]) => string)(data);
}
