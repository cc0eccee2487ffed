import { achievementName, platformName, rankName } from '@ttfd/shared';
import type { AccountView, Texts } from './texts';

/** Every text the bot sends in Russian, the default language. */
export const ru: Texts = {
  commands: {
    start: 'Регистрация и приветствие',
    profile: 'Ваш профиль: опыт, ранг, монеты',
    daily: 'Ежедневная награда',
    dice: 'Сыграть в кости с ботом',
    top: 'Таблица лидеров (/top season — сезон)',
    link: 'Связать аккаунты Telegram, Discord и сайта',
    notify: 'Уведомления в Telegram: /notify on или /notify off',
    help: 'Список команд',
  },
  rank: (id) => rankName(id, 'ru'),
  achievement: (key) => achievementName(key, 'ru'),
  platform: (p) => platformName(p, 'ru'),
  welcomeNew: (name) =>
    `Привет, ${name}! Добро пожаловать в TTFD.\n` +
    'Ваш прогресс общий для Telegram, Discord и сайта.\n\n' +
    '/daily — ежедневная награда, /dice — кости, /profile — профиль, /help — все команды.',
  welcomeBack: (name) => `С возвращением, ${name}! /profile — ваш профиль, /help — все команды.`,
  help: (lines) => `Команды:\n${lines.join('\n')}`,
  profile: (p, t) =>
    [
      `👤 ${p.name}`,
      `🎖 Ранг: ${t.rank(p.rank)}`,
      `⭐ Опыт: ${p.xp}` +
        (p.next ? ` (до «${t.rank(p.next.rank)}» ${p.next.missing}, ${p.next.percent}%)` : ' (высший ранг)'),
      `🏁 Опыт за сезон: ${p.seasonXp}`,
      `🪙 Монеты: ${p.coins}`,
      `🎲 Игр: ${p.gamesPlayed}, побед: ${p.gamesWon}`,
      `🔥 Серия: ${p.streak} дн.`,
      `🏆 Достижения: ${p.achievements.length ? p.achievements.map(t.achievement).join(', ') : 'пока нет'}`,
      `🔗 Платформы: ${p.platforms.map(t.platform).join(', ')}`,
    ].join('\n'),
  dailyClaimed: (r) => `🎁 Ежедневная награда: +${r.xp} опыта, +${r.coins} монет.\n🔥 Серия: ${r.streak} дн. подряд.`,
  dailyAlready: (wait) => `Награда за сегодня уже получена. Следующая через ${wait.hours} ч ${wait.minutes} мин.`,
  diceCooldown: (seconds) => `Не так быстро! Следующая игра через ${seconds} с.`,
  diceDuplicate: '🎲 Эта игра уже сыграна, результат выше.',
  diceResult: (r) =>
    `🎲 Вы: ${r.player}, бот: ${r.bot}. ` +
    (r.outcome === 'win' ? 'Вы победили!' : r.outcome === 'draw' ? 'Ничья.' : 'Победил бот.') +
    (r.xp || r.coins ? ` +${r.xp} опыта${r.coins ? `, +${r.coins} монет` : ''}.` : ''),
  topTitle: (board, seasonName) =>
    board === 'overall' ? '🏆 Лучшие игроки за всё время' : `🏁 Лучшие игроки сезона «${seasonName ?? ''}»`,
  topLine: (l) => `${l.isMe ? '👉 ' : ''}${l.position}. ${l.name ?? 'Игрок'} — ${l.score}`,
  topMe: (position, score) => `Ваше место: ${position} (${score} опыта).`,
  topEmpty: 'Пока никого нет.',
  topHint: 'Сезон: /top season',
  notifyOn: '🔔 Уведомления в Telegram включены.',
  notifyOff: '🔕 Уведомления в Telegram выключены.',
  notifyStatus: (enabled) =>
    `Уведомления в Telegram сейчас ${enabled ? 'включены' : 'выключены'}. Изменить: /notify on или /notify off (в Discord — своя /notify).`,
  linkCreated: (code, minutes) =>
    `🔗 Код для связки аккаунтов: ${code}\n` +
    `Введите его на сайте или в Discord (/link ${code}) в течение ${minutes} мин.`,
  linkDone: (platforms, t) => `✅ Аккаунты связаны. Платформы: ${platforms.map(t.platform).join(', ')}.`,
  linkInvalid: 'Код неверный или просрочен. Создайте новый командой /link.',
  linkTooManyAttempts: (minutes) => `Слишком много попыток. Попробуйте через ${minutes} мин.`,
  linkAlready: 'Эти аккаунты уже связаны.',
  linkConflict:
    'Связать нельзя: у обоих аккаунтов есть вход с одной и той же платформы. Сначала отвяжите его на сайте.',
  linkBusy: (seconds) => `Аккаунты сейчас заняты. Попробуйте через ${seconds} с.`,
  mergeAsk: ({ other, keeps, accounts }, t) => {
    const logins = other.identities.map((i) => `${t.platform(i.platform)} ${i.shown}`).join(', ');
    const names = other.names.length > 0 ? ` (${other.names.join(', ')})` : '';
    const line = (a: AccountView) =>
      `${a.xp} опыта, ${a.coins} монет, ${a.gamesPlayed} игр (${a.platforms.map(t.platform).join(', ')})`;
    return (
      `⚠️ Присоединить этот Telegram к другому аккаунту?\n\nДругой аккаунт: ${logins}${names}.\n` +
      (keeps === 'yours'
        ? 'Остаётся ваш аккаунт; другой аккаунт и его прогресс переходят в него.\n'
        : 'Остаётся другой аккаунт; этот Telegram и его прогресс переходят в него.\n') +
      'Кто пользуется другим аккаунтом, будет управлять и общим: тратить монеты и отвязать ваш Telegram. ' +
      'Подтверждайте, только если тот аккаунт ваш.' +
      (accounts
        ? `\n\nЭтот аккаунт: ${line(accounts.mine)}\nДругой: ${line(accounts.other)}\n` +
          `После объединения: ${line(accounts.after)}`
        : '') +
      '\n\nОтменить это будет нельзя.'
    );
  },
  legacyClaim: (other, t) => {
    const who = other.identities.map((i) => `${t.platform(i.platform)} ${i.shown}`).join(', ');
    const names = other.names.length > 0 ? ` (${other.names.join(', ')})` : '';
    return `🔗 ${who}${names} указал этот Telegram как свой (в старом боте или на сайте). Связать?`;
  },
  mergeConfirm: '✅ Объединить',
  mergeCancel: '✖ Отмена',
  mergeDone: (after, t) =>
    `✅ Аккаунты объединены: ${after.xp} опыта, ${after.coins} монет. ` +
    `Платформы: ${after.platforms.map(t.platform).join(', ')}.`,
  mergeCancelled: 'Объединение отменено.',
  mergeExpired: 'Это предложение уже недействительно. Создайте новый код командой /link.',
  privateOnly: (bot) => `Эта команда работает в личном чате: https://t.me/${bot}`,
  notACommand: 'Я понимаю только команды. /help — список команд.',
  unknownCommand: 'Такой команды нет. /help — список команд.',
  sorry: 'Что-то пошло не так. Попробуйте ещё раз чуть позже.',
};
