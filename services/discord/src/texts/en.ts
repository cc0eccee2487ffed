import { platformName, rankName } from '@ttfd/shared';
import type { AccountView, Texts } from './texts';

const platforms = (list: AccountView['platforms']) => list.map((p) => platformName(p, 'en')).join(', ');
const line = (a: AccountView) => `${a.xp} XP, ${a.coins} coins, ${a.gamesPlayed} games (${platforms(a.platforms)})`;

/** The bot's replies in English, for players whose Discord is in English. */
export const en: Texts = {
  rank: (id) => rankName(id, 'en'),
  platform: (p) => platformName(p, 'en'),
  profileTitle: (name) => `👤 ${name}`,
  profileFields: {
    rank: '🎖 Rank',
    xp: '⭐ XP',
    next: 'Next rank',
    top: 'top rank',
    coins: '🪙 Coins',
    season: '🏁 Season XP',
    streak: '🔥 Daily streak',
    games: '🎲 Games',
    place: '🏆 Place',
  },
  profileNext: (missing, rank) => `${missing} XP to ${rank}`,
  profileGames: (played, won) => `${played}, won ${won}`,
  days: (n) => `${n} day${n === 1 ? '' : 's'}`,
  profileNone: (name) => `${name} has no progress yet.`,
  botsHaveNoProfile: 'Bots have no profile.',
  topTitle: (board, seasonName, page) =>
    (board === 'overall' ? '🏆 Top players of all time' : `🏁 Top players of ${seasonName ?? 'the season'}`) +
    (page > 1 ? ` — page ${page}` : ''),
  topLine: (l) => `${l.isMe ? '👉 ' : ''}**${l.position}.** ${l.name ?? 'Player'} — ${l.score} XP`,
  topMe: (position, score) => `Your place: ${position} (${score} XP)`,
  topEmpty: 'Nobody here yet.',
  dailyTitle: '🎁 Daily reward',
  dailyClaimed: (r) => `+${r.xp} XP, +${r.coins} coins.\n🔥 Streak: ${r.streak} day(s) in a row.`,
  dailyAlready: (wait) =>
    `You have already claimed today's reward. The next one is in ${wait.hours} h ${wait.minutes} min.`,
  notifyOn: '🔔 Notifications in Discord are on.',
  notifyOff: '🔕 Notifications in Discord are off.',
  linkTitle: '🔗 Linking accounts',
  linkCreated: (code, minutes) =>
    `Your link code: **${code}**\nEnter it in Telegram (\`/link ${code}\`) or on the website within ${minutes} min. ` +
    'Show it to nobody.',
  linkDone: (list) => `✅ Accounts linked. Platforms: ${platforms(list)}.`,
  linkInvalid: 'That code is invalid or expired. Create a new one with /link.',
  linkTooManyAttempts: (minutes) => `Too many attempts. Try again in ${minutes} min.`,
  linkAlready: 'These accounts are already linked.',
  linkConflict:
    'They cannot be linked: both accounts have a login on the same platform. Unlink it on the website first.',
  linkBusy: (seconds) => `The accounts are busy right now. Try again in ${seconds} s.`,
  mergeAskTitle: '⚠️ Join this Discord account to another account?',
  mergeAsk: ({ other, keeps, accounts }) => {
    const logins = other.identities.map((i) => `${platformName(i.platform, 'en')} ${i.shown}`).join(', ');
    const names = other.names.length > 0 ? ` (${other.names.join(', ')})` : '';
    return (
      `The other account: **${logins}${names}**.\n` +
      (keeps === 'yours'
        ? 'Your account stays; the other one and its progress move into it.\n'
        : 'The other account stays; this Discord and its progress move into it.\n') +
      'Whoever uses the other account will control the joined one too: spend its coins and unlink your Discord. ' +
      'Confirm only if that account is yours.' +
      (accounts
        ? `\n\nThis account: ${line(accounts.mine)}\nThe other: ${line(accounts.other)}\n` +
          `After the merge: ${line(accounts.after)}`
        : '') +
      '\n\nThis cannot be undone.'
    );
  },
  mergeConfirm: 'Merge',
  mergeCancel: 'Cancel',
  mergeDone: (after) =>
    `✅ Accounts merged: ${after.xp} XP, ${after.coins} coins. Platforms: ${platforms(after.platforms)}.`,
  mergeCancelled: 'Merge cancelled.',
  mergeExpired: 'This offer is no longer valid. Create a new code with /link.',
  guildOnly: 'The bot’s commands work on the community’s server.',
  unknownCommand: 'The bot does not know this command (yet). Try again in a minute.',
  sorry: 'Something went wrong. Please try again in a moment.',
};
