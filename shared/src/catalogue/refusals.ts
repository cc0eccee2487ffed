import type { PlayerTarget } from '../events/unreachable-targets';
import type { Locale } from './locale';

/**
 * What a player reads about a target they refused (the worker turned it off after the
 * platform said so): what happened, that it is paused, and what brings it back. Telegram
 * resumes on any message to the bot; the Discord targets on `/notify on` once the player
 * can be reached there again.
 */
export const REFUSAL_TEXTS: Readonly<Record<Locale, Record<PlayerTarget, string>>> = {
  ru: {
    'telegram:message':
      'Telegram: вы заблокировали бота — уведомления туда приостановлены. Напишите боту любое сообщение, чтобы включить их снова.',
    'discord:dm':
      'Discord: личные сообщения от бота закрыты — сообщения в Discord приостановлены. Разрешите личные сообщения от участников сервера и отправьте /notify on.',
    'discord:roles':
      'Discord: вас нет на сервере — роль за ранг не выдаётся. Вернитесь на сервер и отправьте /notify on.',
  },
  en: {
    'telegram:message':
      'Telegram: you blocked the bot — notifications there are paused. Send the bot any message to turn them back on.',
    'discord:dm':
      'Discord: your direct messages are closed to the bot — Discord messages are paused. Allow direct messages from server members, then send /notify on.',
    'discord:roles':
      'Discord: you are not on the server — your rank role is paused. Rejoin the server, then send /notify on.',
  },
};

export function refusalText(target: PlayerTarget, locale: Locale): string {
  return REFUSAL_TEXTS[locale][target];
}
