import type { Locale } from '@ttfd/shared';
import { en } from './en';
import { ru } from './ru';
import type { Texts } from './texts';

/** The bot's texts by the player's language. */
export const TEXTS: Record<Locale, Texts> = { ru, en };
