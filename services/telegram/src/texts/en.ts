import { achievementName, platformName, rankName } from '@ttfd/shared';
import type { AccountView, Texts } from './texts';

/** Every text the bot sends in English, for users whose Telegram language is English. */
export const en: Texts = {
  commands: {
    start: 'Sign up and say hello',
    profile: 'Your profile: XP, rank, coins',
    daily: 'Daily reward',
    dice: 'Play dice against the bot',
    top: 'Leaderboard (/top season for this season)',
    link: 'Link your Telegram, Discord and website accounts',
    notify: 'Notifications in Telegram: /notify on or /notify off',
    help: 'List of commands',
  },
  rank: (id) => rankName(id, 'en'),
  achievement: (key) => achievementName(key, 'en'),
  platform: (p) => platformName(p, 'en'),
  welcomeNew: (name) =>
    `Hi, ${name}! Welcome to TTFD.\n` +
    'Your progress is shared across Telegram, Discord and the website.\n\n' +
    '/daily for the daily reward, /dice to play, /profile for your profile, /help for all commands.',
  welcomeBack: (name) => `Welcome back, ${name}! /profile shows your profile, /help lists all commands.`,
  help: (lines) => `Commands:\n${lines.join('\n')}`,
  profile: (p, t) =>
    [
      `👤 ${p.name}`,
      `🎖 Rank: ${t.rank(p.rank)}`,
      `⭐ XP: ${p.xp}` +
        (p.next ? ` (${p.next.missing} to ${t.rank(p.next.rank)}, ${p.next.percent}%)` : ' (top rank)'),
      `🏁 Season XP: ${p.seasonXp}`,
      `🪙 Coins: ${p.coins}`,
      `🎲 Games: ${p.gamesPlayed}, wins: ${p.gamesWon}`,
      `🔥 Streak: ${p.streak} day(s)`,
      `🏆 Achievements: ${p.achievements.length ? p.achievements.map(t.achievement).join(', ') : 'none yet'}`,
      `🔗 Platforms: ${p.platforms.map(t.platform).join(', ')}`,
    ].join('\n'),
  dailyClaimed: (r) => `🎁 Daily reward: +${r.xp} XP, +${r.coins} coins.\n🔥 Streak: ${r.streak} day(s) in a row.`,
  dailyAlready: (wait) =>
    `You have already claimed today's reward. The next one is in ${wait.hours} h ${wait.minutes} min.`,
  diceCooldown: (seconds) => `Not so fast! Next game in ${seconds} s.`,
  diceDuplicate: '🎲 This game has been played already; the result is above.',
  diceResult: (r) =>
    `🎲 You: ${r.player}, bot: ${r.bot}. ` +
    (r.outcome === 'win' ? 'You win!' : r.outcome === 'draw' ? 'A draw.' : 'The bot wins.') +
    (r.xp || r.coins ? ` +${r.xp} XP${r.coins ? `, +${r.coins} coins` : ''}.` : ''),
  topTitle: (board, seasonName) =>
    board === 'overall' ? '🏆 Top players of all time' : `🏁 Top players of ${seasonName ?? 'the season'}`,
  topLine: (l) => `${l.isMe ? '👉 ' : ''}${l.position}. ${l.name ?? 'Player'} — ${l.score}`,
  topMe: (position, score) => `Your position: ${position} (${score} XP).`,
  topEmpty: 'Nobody here yet.',
  topHint: 'This season: /top season',
  notifyOn: '🔔 Notifications in Telegram are on.',
  notifyOff: '🔕 Notifications in Telegram are off.',
  notifyStatus: (enabled) =>
    `Notifications in Telegram are ${enabled ? 'on' : 'off'}. Change with /notify on or /notify off (Discord has its own /notify).`,
  linkCreated: (code, minutes) =>
    `🔗 Your link code: ${code}\n` + `Enter it on the website or in Discord (/link ${code}) within ${minutes} min.`,
  linkDone: (platforms, t) => `✅ Accounts linked. Platforms: ${platforms.map(t.platform).join(', ')}.`,
  linkInvalid: 'That code is invalid or expired. Create a new one with /link.',
  linkTooManyAttempts: (minutes) => `Too many attempts. Try again in ${minutes} min.`,
  linkAlready: 'These accounts are already linked.',
  linkConflict:
    'They cannot be linked: both accounts have a login on the same platform. Unlink it on the website first.',
  linkBusy: (seconds) => `The accounts are busy right now. Try again in ${seconds} s.`,
  mergeAsk: ({ other, keeps, accounts }, t) => {
    const logins = other.identities.map((i) => `${t.platform(i.platform)} ${i.shown}`).join(', ');
    const names = other.names.length > 0 ? ` (${other.names.join(', ')})` : '';
    const line = (a: AccountView) =>
      `${a.xp} XP, ${a.coins} coins, ${a.gamesPlayed} games (${a.platforms.map(t.platform).join(', ')})`;
    return (
      `⚠️ Join this Telegram account to another account?\n\nThe other account: ${logins}${names}.\n` +
      (keeps === 'yours'
        ? 'Your account stays; the other one and its progress move into it.\n'
        : 'The other account stays; this Telegram and its progress move into it.\n') +
      'Whoever uses the other account will control the joined one too: spend its coins and unlink your Telegram. ' +
      'Confirm only if that account is yours.' +
      (accounts
        ? `\n\nThis account: ${line(accounts.mine)}\nThe other: ${line(accounts.other)}\n` +
          `After the merge: ${line(accounts.after)}`
        : '') +
      '\n\nThis cannot be undone.'
    );
  },
  legacyClaim: (other, t) => {
    const who = other.identities.map((i) => `${t.platform(i.platform)} ${i.shown}`).join(', ');
    const names = other.names.length > 0 ? ` (${other.names.join(', ')})` : '';
    return `🔗 ${who}${names} says this Telegram account is theirs (it was typed into the old bot or site). Link?`;
  },
  mergeConfirm: '✅ Merge',
  mergeCancel: '✖ Cancel',
  mergeDone: (after, t) =>
    `✅ Accounts merged: ${after.xp} XP, ${after.coins} coins. ` +
    `Platforms: ${after.platforms.map(t.platform).join(', ')}.`,
  mergeCancelled: 'Merge cancelled.',
  mergeExpired: 'This offer is no longer valid. Create a new code with /link.',
  privateOnly: (bot) => `This command works in a private chat: https://t.me/${bot}`,
  notACommand: 'I only understand commands. /help lists them.',
  unknownCommand: 'There is no such command. /help lists them.',
  sorry: 'Something went wrong. Please try again in a moment.',
};
