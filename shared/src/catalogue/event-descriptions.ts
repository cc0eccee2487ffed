import type { SourcePlatform } from '../platform';
import type { EventData, EventType } from '../events/event-types';
import { achievementName } from './achievements';
import type { Locale } from './locale';
import { platformName } from './platforms';
import { rankName } from './ranks';

/** One event of the log as an activity feed shows it. */
export type DescribedEvent = { [T in EventType]: { type: T; source: SourcePlatform; data: EventData[T] } }[EventType];

const GAMES: Readonly<Record<string, Record<Locale, string>>> = {
  dice: { ru: 'кости', en: 'dice' },
};

// "in Telegram" / "на сайте": where it happened, as the end of a sentence; nothing for the system.
const WHERE: Readonly<Record<Locale, Record<SourcePlatform, string>>> = {
  ru: { telegram: ' в Telegram', discord: ' в Discord', website: ' на сайте', system: '' },
  en: { telegram: ' in Telegram', discord: ' in Discord', website: ' on the website', system: '' },
};

const signed = (n: number) => (n < 0 ? `−${-n}` : `+${n}`);

function deltas(xp: number, coins: number, locale: Locale): string {
  const parts = [];
  if (xp || !coins) parts.push(`${signed(xp)} XP`);
  if (coins) parts.push(`${signed(coins)} ${locale === 'ru' ? 'монет' : 'coins'}`);
  return parts.join(', ');
}

const game = (name: string, locale: Locale) => GAMES[name]?.[locale] ?? name;

type Descriptions = { [T in EventType]: (data: EventData[T], where: string) => string };

const DESCRIPTIONS: Record<Locale, Descriptions> = {
  ru: {
    user_registered: (_, w) => `Регистрация${w}`,
    xp_change: (d, w) => `${deltas(d.xp_delta, d.coins_delta, 'ru')}${w}`,
    game_played: (d, w) =>
      `${deltas(d.xp_delta, d.coins_delta, 'ru')} за игру в ${game(d.game, 'ru')}${w}${d.won ? ' — победа' : ''}`,
    message_sent: (d, w) => `${deltas(d.xp_delta, d.coins_delta, 'ru')} за сообщения${w}`,
    voice_session: (d, w) =>
      `${deltas(d.xp_delta, d.coins_delta, 'ru')} за ${Math.round(d.seconds / 60)} мин в голосе${w}`,
    daily_claimed: (d, w) => `${deltas(d.xp_delta, d.coins_delta, 'ru')}: ежедневная награда, день ${d.streak}${w}`,
    rank_up: (d) => `Новый ранг: ${rankName(d.to_rank_id, 'ru')}`,
    rank_down: (d) => `Ранг понижен: ${rankName(d.to_rank_id, 'ru')}`,
    achievement_unlocked: (d) => `Достижение: ${achievementName(d.achievement, 'ru')}`,
    account_linked: (d) => `Привязан ${platformName(d.platform, 'ru')}`,
    account_unlinked: (d) => `Отвязан ${platformName(d.platform, 'ru')}`,
    accounts_merged: (d) => `Аккаунты объединены: ${deltas(d.summed.xp, d.summed.coins, 'ru')}`,
    season_closed: (d) => `${d.season_name} закрыт: ${d.position}-е место, ${d.season_xp} XP`,
    notification_settings_changed: (d, w) =>
      `Уведомления${d.platform ? ` в ${platformName(d.platform, 'ru')}` : ''} ${d.enabled ? 'включены' : 'выключены'}${w}`,
    discord_server_joined: () => 'Вступление на сервер Discord',
    discord_server_left: () => 'Выход с сервера Discord',
    rank_roles_check: () => 'Проверка ролей звания в Discord',
    linked_roles_granted: () => 'Связанные роли Discord включены',
    smoke_test: () => 'Проверка выпуска',
  },
  en: {
    user_registered: (_, w) => `Joined${w}`,
    xp_change: (d, w) => `${deltas(d.xp_delta, d.coins_delta, 'en')}${w}`,
    game_played: (d, w) =>
      `${deltas(d.xp_delta, d.coins_delta, 'en')} from ${d.won ? 'winning ' : ''}a ${game(d.game, 'en')} game${w}`,
    message_sent: (d, w) => `${deltas(d.xp_delta, d.coins_delta, 'en')} for messages${w}`,
    voice_session: (d, w) =>
      `${deltas(d.xp_delta, d.coins_delta, 'en')} for ${Math.round(d.seconds / 60)} min in voice${w}`,
    daily_claimed: (d, w) => `${deltas(d.xp_delta, d.coins_delta, 'en')}: daily reward, day ${d.streak}${w}`,
    rank_up: (d) => `New rank: ${rankName(d.to_rank_id, 'en')}`,
    rank_down: (d) => `Rank lowered to ${rankName(d.to_rank_id, 'en')}`,
    achievement_unlocked: (d) => `Achievement: ${achievementName(d.achievement, 'en')}`,
    account_linked: (d) => `${platformName(d.platform, 'en')} linked`,
    account_unlinked: (d) => `${platformName(d.platform, 'en')} unlinked`,
    accounts_merged: (d) => `Accounts merged: ${deltas(d.summed.xp, d.summed.coins, 'en')}`,
    season_closed: (d) => `${d.season_name} closed: position ${d.position}, ${d.season_xp} XP`,
    notification_settings_changed: (d, w) =>
      `${d.platform ? `${platformName(d.platform, 'en')} notifications` : 'Notifications'} ${d.enabled ? 'on' : 'off'}${w}`,
    discord_server_joined: () => 'Joined the Discord server',
    discord_server_left: () => 'Left the Discord server',
    rank_roles_check: () => 'Discord rank roles checked',
    linked_roles_granted: () => 'Discord Linked Roles turned on',
    smoke_test: () => 'Release check',
  },
};

/** A short line for an activity feed: "+25 XP from winning a dice game in Telegram". */
export function describeEvent(event: DescribedEvent, locale: Locale): string {
  const describe = DESCRIPTIONS[locale][event.type] as (data: DescribedEvent['data'], where: string) => string;
  return describe(event.data, WHERE[locale][event.source]);
}
