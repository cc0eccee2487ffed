import type { NotifiedPlatform } from '../platform';
import type { Locale } from './locale';

/**
 * What a player switches on or off per platform (the website's settings, the bots'
 * `/notify` answers): the bot's messages there. The website's live updates are not one.
 */
export const NOTIFICATION_CHANNEL_NAMES: Readonly<Record<Locale, Record<NotifiedPlatform, string>>> = {
  ru: { telegram: 'Сообщения от бота в Telegram', discord: 'Личные сообщения от бота в Discord' },
  en: { telegram: 'Messages from the Telegram bot', discord: 'Direct messages from the Discord bot' },
};

export function notificationChannelName(platform: NotifiedPlatform, locale: Locale): string {
  return NOTIFICATION_CHANNEL_NAMES[locale][platform];
}
