import { findLeaderboard, findPlayerId, findProfile, rankCardOf, renderRankCard } from '@ttfd/shared';
import { COLOURS, discordProfile, notice, type Command } from '../interactions/interaction';

export const RANK_CARD_FILE = 'rank-card.png';

/**
 * `/profile [member]`: the rank card (a PNG: avatar, name, rank, XP bar, place, linked
 * platforms) and the numbers beside it, in the language of whoever asked. Anyone's card is
 * public; a member without an account is told so privately (no account is made for them).
 */
export const profileCommand: Command = {
  name: 'profile',
  ephemeral: false,
  async run({ player, locale, t, options }, { pool, progression, fetchAvatar }) {
    const target = options.user('member') ?? player;
    if (target.isBot) return notice(t.botsHaveNoProfile, COLOURS.info);
    const userId =
      target.discordId === player.discordId
        ? (await progression.ensureUser({ platform: 'discord', id: player.discordId }, discordProfile(player, locale)))
            .userId
        : await findPlayerId(pool, { platform: 'discord', id: target.discordId });
    if (userId === null) return notice(t.profileNone(target.displayName), COLOURS.info);
    const [profile, board, avatar] = await Promise.all([
      findProfile(pool, userId, { recent: 0 }),
      findLeaderboard(pool, { board: 'overall', viewerId: userId, limit: 1 }),
      fetchAvatar(target.avatarUrl),
    ]);
    if (!profile) throw new Error(`the account ${userId} of Discord user ${target.discordId} has no profile`);
    const position = board.viewer?.position ?? null;
    const png = await renderRankCard(rankCardOf(profile, { locale, position, avatar, name: target.displayName }));
    const f = t.profileFields;
    return {
      ephemeral: false,
      files: [{ name: RANK_CARD_FILE, data: png }],
      embeds: [
        {
          title: t.profileTitle(target.displayName),
          color: COLOURS.info,
          fields: [
            { name: f.rank, value: t.rank(profile.rank.id), inline: true },
            {
              name: f.xp,
              value: `${profile.xp} (${profile.next ? t.profileNext(profile.next.missing, t.rank(profile.next.id)) : f.top})`,
              inline: true,
            },
            { name: f.place, value: position === null ? '—' : `#${position}`, inline: true },
            { name: f.coins, value: String(profile.coins), inline: true },
            { name: f.season, value: String(profile.seasonXp), inline: true },
            { name: f.streak, value: t.days(profile.stats.dailyStreak), inline: true },
            { name: f.games, value: t.profileGames(profile.stats.gamesPlayed, profile.stats.gamesWon), inline: true },
          ],
          image: { url: `attachment://${RANK_CARD_FILE}` },
        },
      ],
    };
  },
};
