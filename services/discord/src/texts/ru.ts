import { platformName, rankName } from '@ttfd/shared';
import type { AccountView, Texts } from './texts';

const platforms = (list: AccountView['platforms']) => list.map((p) => platformName(p, 'ru')).join(', ');
const line = (a: AccountView) => `${a.xp} опыта, ${a.coins} монет, ${a.gamesPlayed} игр (${platforms(a.platforms)})`;

/** The bot's replies in Russian, the default language. */
export const ru: Texts = {
  rank: (id) => rankName(id, 'ru'),
  platform: (p) => platformName(p, 'ru'),
  profileTitle: (name) => `👤 ${name}`,
  profileFields: {
    rank: '🎖 Ранг',
    xp: '⭐ Опыт',
    next: 'Следующий ранг',
    top: 'высший ранг',
    coins: '🪙 Монеты',
    season: '🏁 Опыт за сезон',
    streak: '🔥 Серия наград',
    games: '🎲 Игры',
    place: '🏆 Место',
  },
  profileNext: (missing, rank) => `ещё ${missing} опыта до «${rank}»`,
  profileGames: (played, won) => `${played}, побед ${won}`,
  days: (n) => `${n} дн.`,
  profileNone: (name) => `У ${name} пока нет прогресса.`,
  botsHaveNoProfile: 'У ботов нет профиля.',
  topTitle: (board, seasonName, page) =>
    (board === 'overall' ? '🏆 Лучшие игроки за всё время' : `🏁 Лучшие игроки сезона «${seasonName ?? ''}»`) +
    (page > 1 ? ` — страница ${page}` : ''),
  topLine: (l) => `${l.isMe ? '👉 ' : ''}**${l.position}.** ${l.name ?? 'Игрок'} — ${l.score} опыта`,
  topMe: (position, score) => `Ваше место: ${position} (${score} опыта)`,
  topEmpty: 'Пока никого нет.',
  dailyTitle: '🎁 Ежедневная награда',
  dailyClaimed: (r) => `+${r.xp} опыта, +${r.coins} монет.\n🔥 Серия: ${r.streak} дн. подряд.`,
  dailyAlready: (wait) => `Награда за сегодня уже получена. Следующая через ${wait.hours} ч ${wait.minutes} мин.`,
  notifyOn: '🔔 Уведомления в Discord включены.',
  notifyOff: '🔕 Уведомления в Discord выключены.',
  linkTitle: '🔗 Связка аккаунтов',
  linkCreated: (code, minutes) =>
    `Ваш код: **${code}**\nВведите его в Telegram (\`/link ${code}\`) или на сайте в течение ${minutes} мин. ` +
    'Никому его не показывайте.',
  linkDone: (list) => `✅ Аккаунты связаны. Платформы: ${platforms(list)}.`,
  linkInvalid: 'Код неверный или просрочен. Создайте новый командой /link.',
  linkTooManyAttempts: (minutes) => `Слишком много попыток. Попробуйте через ${minutes} мин.`,
  linkAlready: 'Эти аккаунты уже связаны.',
  linkConflict:
    'Связать нельзя: у обоих аккаунтов есть вход с одной и той же платформы. Сначала отвяжите его на сайте.',
  linkBusy: (seconds) => `Аккаунты сейчас заняты. Попробуйте через ${seconds} с.`,
  mergeAskTitle: '⚠️ Присоединить этот Discord к другому аккаунту?',
  mergeAsk: ({ other, keeps, accounts }) => {
    const logins = other.identities.map((i) => `${platformName(i.platform, 'ru')} ${i.shown}`).join(', ');
    const names = other.names.length > 0 ? ` (${other.names.join(', ')})` : '';
    return (
      `Другой аккаунт: **${logins}${names}**.\n` +
      (keeps === 'yours'
        ? 'Остаётся ваш аккаунт; другой аккаунт и его прогресс переходят в него.\n'
        : 'Остаётся другой аккаунт; этот Discord и его прогресс переходят в него.\n') +
      'Кто пользуется другим аккаунтом, будет управлять и общим: тратить монеты и отвязать ваш Discord. ' +
      'Подтверждайте, только если тот аккаунт ваш.' +
      (accounts
        ? `\n\nЭтот аккаунт: ${line(accounts.mine)}\nДругой: ${line(accounts.other)}\n` +
          `После объединения: ${line(accounts.after)}`
        : '') +
      '\n\nОтменить это будет нельзя.'
    );
  },
  mergeConfirm: 'Объединить',
  mergeCancel: 'Отмена',
  mergeDone: (after) =>
    `✅ Аккаунты объединены: ${after.xp} опыта, ${after.coins} монет. Платформы: ${platforms(after.platforms)}.`,
  mergeCancelled: 'Объединение отменено.',
  mergeExpired: 'Это предложение уже недействительно. Создайте новый код командой /link.',
  guildOnly: 'Команды бота работают на сервере сообщества.',
  unknownCommand: 'Бот пока не знает эту команду. Попробуйте через минуту.',
  sorry: 'Что-то пошло не так. Попробуйте ещё раз чуть позже.',
};
