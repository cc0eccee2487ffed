/**
 * The Discord bot's slash commands as data, in the shape of Discord's bulk overwrite
 * (`PUT /applications/{id}/commands`): what `ttfd discord register-commands` sends and
 * what the bot dispatches on. Names and descriptions come from the shared catalogue, in
 * English by default and localized for Russian (and both English variants).
 */
import { DISCORD_COMMAND_TEXTS, type NamedText } from '../catalogue/discord';

/** Discord's locales the catalogue's languages map to. */
const DISCORD_LOCALES = { ru: ['ru'], en: ['en-US', 'en-GB'] } as const;

export const OPTION_TYPES = { SubCommand: 1, String: 3, Integer: 4, Boolean: 5, User: 6 } as const;
/** Guild installs, used in guilds only (no DMs): XP, ranks and roles belong to the community. */
const GUILD_ONLY = { integration_types: [0], contexts: [0] } as const;

export interface LocalizedText {
  name: string;
  name_localizations: Record<string, string>;
  description: string;
  description_localizations: Record<string, string>;
}

export interface CommandOption extends LocalizedText {
  type: (typeof OPTION_TYPES)[keyof typeof OPTION_TYPES];
  required?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
  min_length?: number;
}

export interface CommandDefinition extends LocalizedText {
  /** 1: a chat-input (slash) command. */
  type: 1;
  integration_types: readonly number[];
  contexts: readonly number[];
  options?: CommandOption[];
}

/** The catalogue's entry `key` in Discord's localized form (English is the default). */
export function localizedText(
  texts: Readonly<Record<'ru' | 'en', Readonly<Record<string, NamedText>>>>,
  key: string,
): LocalizedText {
  const en = texts.en[key];
  const ru = texts.ru[key];
  if (!en || !ru) throw new Error(`the catalogue has no Discord text "${key}" in both languages`);
  const name_localizations: Record<string, string> = {};
  const description_localizations: Record<string, string> = {};
  for (const [locale, discordLocales] of Object.entries(DISCORD_LOCALES)) {
    const text = locale === 'ru' ? ru : en;
    for (const discordLocale of discordLocales) {
      name_localizations[discordLocale] = text.name;
      description_localizations[discordLocale] = text.description;
    }
  }
  return { name: en.name, name_localizations, description: en.description, description_localizations };
}

const text = (key: string) => localizedText(DISCORD_COMMAND_TEXTS, key);

/** Longest link code accepted in the option (codes are 10 characters; spaces and dashes are allowed). */
const LINK_CODE_MAX_LENGTH = 32;
/** Pages of /top past this are refused by Discord before the bot sees them. */
export const TOP_MAX_PAGE = 1000;

export const DISCORD_COMMANDS: readonly CommandDefinition[] = [
  {
    type: 1,
    ...text('profile'),
    ...GUILD_ONLY,
    options: [{ type: OPTION_TYPES.User, ...text('profile.member'), required: false }],
  },
  {
    type: 1,
    ...text('top'),
    ...GUILD_ONLY,
    options: [
      { type: OPTION_TYPES.Boolean, ...text('top.season'), required: false },
      { type: OPTION_TYPES.Integer, ...text('top.page'), required: false, min_value: 1, max_value: TOP_MAX_PAGE },
    ],
  },
  { type: 1, ...text('daily'), ...GUILD_ONLY },
  {
    type: 1,
    ...text('link'),
    ...GUILD_ONLY,
    options: [{ type: OPTION_TYPES.String, ...text('link.code'), required: false, max_length: LINK_CODE_MAX_LENGTH }],
  },
  {
    type: 1,
    ...text('notify'),
    ...GUILD_ONLY,
    options: [
      { type: OPTION_TYPES.SubCommand, ...text('notify.on') },
      { type: OPTION_TYPES.SubCommand, ...text('notify.off') },
    ],
  },
];
