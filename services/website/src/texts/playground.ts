import type { Locale } from '@ttfd/shared';

/** The playground page's sentences (a separate part of the catalogue: the page exists only under `make run`). */
export interface PlaygroundTexts {
  title: string;
  lead: string;
  player: string;
  show: string;
  telegram: string;
  telegramChat: string;
  telegramInput: string;
  discord: (guild: string) => string;
  discordChat: string;
  discordInput: string;
  discordHint: string;
  channel: string;
  send: string;
  profile: string;
  refresh: string;
  you: string;
  bot: string;
  pressed: (label: string) => string;
  dice: (value: number) => string;
  directMessage: string;
  roleAdded: (role: string) => string;
  roleRemoved: (role: string) => string;
  onlyYou: string;
  edited: string;
  buttons: string;
  noAccount: string;
  otherAccount: (platforms: string, xp: number) => string;
  roles: (roles: string) => string;
  noRoles: string;
  unreachable: (url: string) => string;
  refused: (message: string) => string;
}

const en: PlaygroundTexts = {
  title: 'Playground',
  lead: 'Local stand-ins for Telegram and Discord with the real bots behind them. Act as a test player: type /start, /dice or /link to the Telegram bot, chat or run a slash command such as /link code:… in Discord, press the bots’ buttons.',
  player: 'Test player',
  show: 'Show',
  telegram: 'Telegram',
  telegramChat: 'Chat with the Telegram bot',
  telegramInput: 'Message to the Telegram bot',
  discord: (guild) => `Discord: ${guild}`,
  discordChat: 'Discord channels and direct messages',
  discordInput: 'Message or slash command in Discord',
  discordHint: 'A message, or a slash command: /link code:ABCD234567, /notify on, /profile',
  channel: 'Channel',
  send: 'Send',
  profile: 'Profile',
  refresh: 'Refresh',
  you: 'You',
  bot: 'Bot',
  pressed: (label) => `pressed “${label}”`,
  dice: (value) => `rolled a ${value}`,
  directMessage: 'Direct message from the bot',
  roleAdded: (role) => `Role added: ${role}`,
  roleRemoved: (role) => `Role removed: ${role}`,
  onlyYou: 'Only you can see this',
  edited: '(edited)',
  buttons: 'Buttons',
  noAccount: 'No account yet: write to a bot to create one.',
  otherAccount: (platforms, xp) => `Another account (${platforms}): ${xp} XP, until linked`,
  roles: (roles) => `Discord roles: ${roles}`,
  noRoles: 'Discord roles: none',
  unreachable: (url) => `The playground stand-ins do not answer at ${url}: is \`make run\` still running?`,
  refused: (message) => `The stand-in refused: ${message}`,
};

const ru: PlaygroundTexts = {
  title: 'Песочница',
  lead: 'Локальные заменители Telegram и Discord, за ними — настоящие боты. Действуйте как тестовый игрок: напишите Telegram-боту /start, /dice или /link, пишите в Discord или выполните слэш-команду, например /link code:…, нажимайте кнопки ботов.',
  player: 'Тестовый игрок',
  show: 'Показать',
  telegram: 'Telegram',
  telegramChat: 'Чат с Telegram-ботом',
  telegramInput: 'Сообщение Telegram-боту',
  discord: (guild) => `Discord: ${guild}`,
  discordChat: 'Каналы Discord и личные сообщения',
  discordInput: 'Сообщение или слэш-команда в Discord',
  discordHint: 'Сообщение или слэш-команда: /link code:ABCD234567, /notify on, /profile',
  channel: 'Канал',
  send: 'Отправить',
  profile: 'Профиль',
  refresh: 'Обновить',
  you: 'Вы',
  bot: 'Бот',
  pressed: (label) => `нажата кнопка «${label}»`,
  dice: (value) => `выпало ${value}`,
  directMessage: 'Личное сообщение от бота',
  roleAdded: (role) => `Роль выдана: ${role}`,
  roleRemoved: (role) => `Роль снята: ${role}`,
  onlyYou: 'Видно только вам',
  edited: '(изменено)',
  buttons: 'Кнопки',
  noAccount: 'Аккаунта пока нет: напишите боту, чтобы он появился.',
  otherAccount: (platforms, xp) => `Другой аккаунт (${platforms}): ${xp} XP, пока не связан`,
  roles: (roles) => `Роли в Discord: ${roles}`,
  noRoles: 'Роли в Discord: нет',
  unreachable: (url) => `Заменители платформ не отвечают по адресу ${url}: \`make run\` ещё работает?`,
  refused: (message) => `Заменитель отказал: ${message}`,
};

const TEXTS: Record<Locale, PlaygroundTexts> = { en, ru };

export const playgroundTextsFor = (locale: Locale): PlaygroundTexts => TEXTS[locale];
