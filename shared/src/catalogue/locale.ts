export const LOCALES = ['ru', 'en'] as const;

/** The languages players see: Russian by default, English for English speakers. */
export type Locale = (typeof LOCALES)[number];

/** The locale of a platform's language code (`en-GB` → en); Russian unless it is English. */
export function localeOf(languageCode: string | null | undefined): Locale {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}
