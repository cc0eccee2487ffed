import { findLeaderboard, type Board } from '@ttfd/shared';
import { profileOf, type Command } from './command';

const SEASON_WORDS = ['season', 'сезон', 's'];

/** `/top`: the ten best players of all time; `/top season` of the current season; and the player's place. */
export const topCommand: Command = {
  name: 'top',
  async run({ args, from, t }, chat, { pool, progression }) {
    const board: Board = SEASON_WORDS.includes(args.toLowerCase()) ? 'season' : 'overall';
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: from.telegramId }, profileOf(from));
    const { entries, viewer, seasonName } = await findLeaderboard(pool, { board, viewerId: userId });
    const lines = entries.map((row) => t.topLine({ ...row, isMe: row.userId === userId }));
    const parts = [t.topTitle(board, seasonName), lines.length ? lines.join('\n') : t.topEmpty];
    if (viewer) parts.push(t.topMe(viewer.position, viewer.score));
    if (board === 'overall') parts.push(t.topHint);
    await chat.reply(parts.join('\n\n'));
  },
};
