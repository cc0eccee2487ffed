import type { Locale } from './locale';

/** A name and description as Discord shows them in the command picker. */
export interface NamedText {
  /** Lower case, no spaces, at most 32 characters (Discord's rule for command and option names). */
  name: string;
  /** At most 100 characters. */
  description: string;
}

/**
 * The slash commands, their options and choices by key (`command` or `command.option`), in
 * both languages. English is also what Discord shows for languages the catalogue lacks.
 */
export const DISCORD_COMMAND_TEXTS: Readonly<Record<Locale, Readonly<Record<string, NamedText>>>> = {
  en: {
    profile: { name: 'profile', description: 'Rank card: XP, rank, leaderboard place and linked platforms' },
    'profile.member': { name: 'member', description: 'Whose card to show (default: yours)' },
    top: { name: 'top', description: 'Leaderboard: of all time, or of this season' },
    'top.season': { name: 'season', description: 'This season’s leaderboard instead of all time' },
    'top.page': { name: 'page', description: 'Page of ten players (default: 1)' },
    daily: { name: 'daily', description: 'Claim the daily reward; it grows with the streak' },
    link: { name: 'link', description: 'Link Telegram, Discord and the website: get a code, or enter one' },
    'link.code': { name: 'code', description: 'A code from Telegram or the website; leave empty to get one' },
    notify: { name: 'notify', description: 'Direct messages from the bot in Discord on or off' },
    'notify.on': { name: 'on', description: 'Turn Discord messages on' },
    'notify.off': { name: 'off', description: 'Turn Discord messages off' },
  },
  ru: {
    profile: { name: 'профиль', description: 'Карточка ранга: опыт, ранг, место в рейтинге и платформы' },
    'profile.member': { name: 'участник', description: 'Чью карточку показать (по умолчанию вашу)' },
    top: { name: 'топ', description: 'Рейтинг: за всё время или за текущий сезон' },
    'top.season': { name: 'сезон', description: 'Рейтинг текущего сезона вместо общего' },
    'top.page': { name: 'страница', description: 'Страница по десять игроков (по умолчанию 1)' },
    daily: { name: 'награда', description: 'Ежедневная награда; растёт с серией дней' },
    link: { name: 'привязать', description: 'Связать Telegram, Discord и сайт: получить код или ввести его' },
    'link.code': { name: 'код', description: 'Код из Telegram или с сайта; без кода бот выдаст новый' },
    notify: { name: 'уведомления', description: 'Личные сообщения от бота в Discord: включить или выключить' },
    'notify.on': { name: 'вкл', description: 'Включить сообщения в Discord' },
    'notify.off': { name: 'выкл', description: 'Выключить сообщения в Discord' },
  },
};

/** Linked Roles requirements as a server admin picks them (Server Settings → Roles → Links). */
export const ROLE_CONNECTION_TEXTS: Readonly<Record<Locale, Readonly<Record<string, NamedText>>>> = {
  en: {
    level: { name: 'Rank level', description: 'Rank number at least (1 Recruit … 10 Legend)' },
    games_won: { name: 'Games won', description: 'Games won at least' },
    daily_streak: { name: 'Daily streak', description: 'Days in a row of daily rewards at least' },
  },
  ru: {
    level: { name: 'Уровень ранга', description: 'Номер ранга не ниже (1 Новобранец … 10 Легенда)' },
    games_won: { name: 'Победы', description: 'Побед в играх не меньше' },
    daily_streak: { name: 'Серия наград', description: 'Дней ежедневных наград подряд не меньше' },
  },
};

/** The words on the rank card (the renderer is shared: the bot and the website show the same card). */
export const RANK_CARD_TEXTS: Readonly<
  Record<
    Locale,
    { rank: string; position: string; top: string; xp: string; platforms: string; toNext(rank: string): string }
  >
> = {
  en: { rank: 'Rank', position: 'Place', top: 'top rank', xp: 'XP', platforms: 'Linked', toNext: (r) => `to ${r}` },
  ru: {
    rank: 'Ранг',
    position: 'Место',
    top: 'высший ранг',
    xp: 'опыта',
    platforms: 'Связано',
    toNext: (r) => `до «${r}»`,
  },
};
