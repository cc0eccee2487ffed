import { findProfile } from '@ttfd/shared';
import { profileOf, type Command } from './command';

/** `/profile` (`/me`): XP, rank and progress, coins, games, streak, achievements, linked platforms. */
export const profileCommand: Command = {
  name: 'profile',
  aliases: ['me'],
  async run({ from, t }, chat, { pool, progression }) {
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: from.telegramId }, profileOf(from));
    const p = await findProfile(pool, userId, { recent: 0 });
    if (!p) throw new Error(`the account ${userId} of Telegram user ${from.telegramId} has no profile`);
    await chat.reply(
      t.profile(
        {
          name: p.displayName ?? p.username ?? from.displayName,
          xp: p.xp,
          coins: p.coins,
          rank: p.rank.id,
          next: p.next && { rank: p.next.id, missing: p.next.missing, percent: p.next.percent },
          gamesPlayed: p.stats.gamesPlayed,
          gamesWon: p.stats.gamesWon,
          streak: p.stats.dailyStreak,
          // The rank line already shows the rank; rank_<id> achievements would repeat it.
          achievements: p.achievements.filter((a) => !a.startsWith('rank_')),
          platforms: p.platforms,
          seasonXp: p.seasonXp,
        },
        t,
      ),
    );
  },
};
