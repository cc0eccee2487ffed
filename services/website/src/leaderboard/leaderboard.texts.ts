import type { Locale } from '@ttfd/shared';

/** The leaderboard page's sentences in each language. */
export interface LeaderboardTexts {
  title: string;
  overall: string;
  season: (name: string | null) => string;
  boards: string;
  position: string;
  player: string;
  xp: string;
  seasonXp: string;
  you: string;
  anonymous: string;
  myPosition: string;
  myPlace: (position: number) => string;
  notOnBoard: string;
  signInForPosition: string;
  empty: string;
  pastTheEnd: string;
  pages: string;
  previous: string;
  next: string;
  first: string;
  last: string;
  pageOf: (page: number, pages: number) => string;
}

const en: LeaderboardTexts = {
  title: 'Leaderboard',
  overall: 'All time',
  season: (name) => (name ? `Season: ${name}` : 'This season'),
  boards: 'Boards',
  position: 'Place',
  player: 'Player',
  xp: 'XP',
  seasonXp: 'Season XP',
  you: 'you',
  anonymous: 'Hidden player',
  myPosition: 'My position',
  myPlace: (position) => `You are number ${position.toLocaleString('en')}.`,
  notOnBoard: 'You are not on this board yet.',
  signInForPosition: 'Log in to see your position.',
  empty: 'Nobody is on this board yet.',
  pastTheEnd: 'This page is past the end of the board.',
  pages: 'Pages',
  previous: 'Previous',
  next: 'Next',
  first: 'First',
  last: 'Last',
  pageOf: (page, pages) => `Page ${page.toLocaleString('en')} of ${pages.toLocaleString('en')}`,
};

const ru: LeaderboardTexts = {
  title: 'Таблица лидеров',
  overall: 'За всё время',
  season: (name) => (name ? `Сезон: ${name}` : 'Этот сезон'),
  boards: 'Таблицы',
  position: 'Место',
  player: 'Игрок',
  xp: 'Опыт',
  seasonXp: 'Опыт сезона',
  you: 'вы',
  anonymous: 'Скрытый игрок',
  myPosition: 'Моё место',
  myPlace: (position) => `Ваше место: ${position.toLocaleString('ru')}.`,
  notOnBoard: 'Вас пока нет в этой таблице.',
  signInForPosition: 'Войдите, чтобы увидеть своё место.',
  empty: 'В этой таблице пока никого нет.',
  pastTheEnd: 'Эта страница за концом таблицы.',
  pages: 'Страницы',
  previous: 'Назад',
  next: 'Вперёд',
  first: 'В начало',
  last: 'В конец',
  pageOf: (page, pages) => `Страница ${page.toLocaleString('ru')} из ${pages.toLocaleString('ru')}`,
};

export const leaderboardTexts = (locale: Locale): LeaderboardTexts => (locale === 'ru' ? ru : en);
