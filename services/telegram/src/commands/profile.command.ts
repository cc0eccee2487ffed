import { findProfile } from '../queries/profile.query';
import { profileOf, type Command } from './command';

/** `/profile` (`/me`): XP, rank and progress, coins, games, streak, achievements, linked platforms. */
export const profileCommand: Command = {
  name: 'profile',
  aliases: ['me'],
  async run({ from, t }, chat, { pool, progression }) {
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: from.telegramId }, profileOf(from));
    const p = await findProfile(pool, userId);
    if (!p) throw new Error(`the account ${userId} of Telegram user ${from.telegramId} has no profile`);
    const span = p.nextRankMinXp === null ? 0 : p.nextRankMinXp - p.rankMinXp;
    await chat.reply(
      t.profile(
        {
          name: p.displayName ?? p.username ?? from.displayName,
          xp: p.xp,
          coins: p.coins,
          rank: p.rank,
          next:
            p.nextRank === null || p.nextRankMinXp === null
              ? null
              : {
                  rank: p.nextRank,
                  missing: p.nextRankMinXp - p.xp,
                  percent: Math.floor(((p.xp - p.rankMinXp) * 100) / span),
                },
          gamesPlayed: p.gamesPlayed,
          gamesWon: p.gamesWon,
          streak: p.dailyStreak,
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
