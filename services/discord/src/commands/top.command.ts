import { findLeaderboard, type Board } from '@ttfd/shared';
import { COLOURS, discordProfile, type Command } from '../interactions/interaction';

const PAGE_SIZE = 10;

/** `/top [season] [page]`: ten players of all time (or of the open season) and the asker's own place. */
export const topCommand: Command = {
  name: 'top',
  ephemeral: false,
  async run({ player, locale, t, options }, { pool, progression }) {
    const board: Board = options.boolean('season') ? 'season' : 'overall';
    const page = options.integer('page') ?? 1;
    const { userId } = await progression.ensureUser(
      { platform: 'discord', id: player.discordId },
      discordProfile(player, locale),
    );
    const { entries, viewer, seasonName } = await findLeaderboard(pool, {
      board,
      viewerId: userId,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const lines = entries.map((row) => t.topLine({ ...row, isMe: row.userId === userId }));
    return {
      ephemeral: false,
      embeds: [
        {
          title: t.topTitle(board, seasonName, page),
          description: lines.length ? lines.join('\n') : t.topEmpty,
          color: COLOURS.info,
          ...(viewer ? { footer: { text: t.topMe(viewer.position, viewer.score) } } : {}),
        },
      ],
    };
  },
};
