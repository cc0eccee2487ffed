import type { Platform } from '../platform';
import type { Locale } from './locale';

export const PLATFORM_NAMES: Readonly<Record<Locale, Record<Platform, string>>> = {
  ru: { telegram: 'Telegram', discord: 'Discord', website: 'сайт' },
  en: { telegram: 'Telegram', discord: 'Discord', website: 'website' },
};

export function platformName(platform: Platform, locale: Locale): string {
  return PLATFORM_NAMES[locale][platform];
}
