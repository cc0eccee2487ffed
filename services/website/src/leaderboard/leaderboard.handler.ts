import type { Pool } from 'pg';
import { z } from 'zod';
import { findLeaderboard, findLeaderboardPageOf, type Board, type Leaderboard } from '@ttfd/shared';

/** The most players a page shows, and the page size when none is asked for. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** `?board=overall|season&page=N&size=N&around=me`, from the page's links and the API alike. */
export const leaderboardQuery = z
  .object({
    board: z.enum(['overall', 'season']).default('overall'),
    page: z.coerce.number().int().min(1).max(1_000_000_000).default(1),
    size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    /** The page that holds the viewer ("my position"); `page` is then ignored. */
    around: z.literal('me').optional(),
  })
  .strict();

export type LeaderboardRequest = z.infer<typeof leaderboardQuery>;

export interface LeaderboardRow {
  position: number;
  /** Null for an anonymised player (but to themself) or one without a name. */
  name: string | null;
  anonymous: boolean;
  /** The player's public page id; null when anonymised (but to themself). */
  userId: string | null;
  score: number;
  /** The viewer's own row. */
  you: boolean;
}

export interface LeaderboardPage {
  board: Board;
  season: string | null;
  page: number;
  size: number;
  /** Pages on the board (at least 1). */
  pages: number;
  players: number;
  entries: LeaderboardRow[];
  /** The viewer's place, and the page it is on; null for a visitor or a player not on the board. */
  viewer: { position: number; score: number; page: number } | null;
}

/**
 * A page of a board with the viewer's own row marked. `around: 'me'` without a signed-in
 * viewer is the first page. A page past the last is empty (its `pages` says where the
 * board ends). Both reads are index-backed (shared/src/views/leaderboard.ts).
 */
export async function showLeaderboard(
  pool: Pool,
  request: LeaderboardRequest,
  viewerId: string | null,
): Promise<LeaderboardPage> {
  const { board, size } = request;
  let found: Leaderboard;
  if (request.around === 'me' && viewerId !== null) {
    found = await findLeaderboardPageOf(pool, { board, viewerId, limit: size });
  } else {
    const offset = request.around === 'me' ? 0 : (request.page - 1) * size;
    found = await findLeaderboard(pool, {
      board,
      viewerId,
      offset: Number.isSafeInteger(offset) ? offset : Number.MAX_SAFE_INTEGER,
      limit: size,
    });
  }
  return {
    board,
    season: found.seasonName,
    page: Math.floor(found.offset / size) + 1,
    size,
    pages: Math.max(1, Math.ceil(found.players / size)),
    players: found.players,
    entries: found.entries.map((e) => {
      const you = viewerId !== null && e.userId === viewerId;
      return {
        position: e.position,
        name: e.name,
        anonymous: e.anonymous,
        userId: e.anonymous && !you ? null : e.userId,
        score: e.score,
        you,
      };
    }),
    viewer: found.viewer && { ...found.viewer, page: Math.floor((found.viewer.position - 1) / size) + 1 },
  };
}
