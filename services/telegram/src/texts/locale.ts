import { en } from './en';
import { ru } from './ru';
import type { Locale, Texts } from './texts';

/** Russian by default; English when the user's Telegram language is English. */
export function localeOf(languageCode: string | undefined): Locale {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

export const TEXTS: Record<Locale, Texts> = { ru, en };
