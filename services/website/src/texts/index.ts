import type { Locale } from '@ttfd/shared';
import { en } from './en';
import { ru } from './ru';
import type { Texts } from './texts';

export type { Texts };

const TEXTS: Record<Locale, Texts> = { en, ru };

export const textsFor = (locale: Locale): Texts => TEXTS[locale];
