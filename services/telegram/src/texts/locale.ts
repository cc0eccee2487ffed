import { en } from './en';
import { ru } from './ru';
import type { Locale } from '@ttfd/shared';
import type { Texts } from './texts';

export const TEXTS: Record<Locale, Texts> = { ru, en };
