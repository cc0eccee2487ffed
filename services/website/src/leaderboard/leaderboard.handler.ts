import { z } from 'zod';
import type { Board } from '@ttfd/shared';
import type { BoardCache, KeptPage } from './board-cache';

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

/** The page for the JSON API and the page renderer, and the kept page it came from (its rows' HTML). */
export interface ShownLeaderboard {
  lb: LeaderboardPage;
  kept: KeptPage;
}

/**
 * A page of a board with the viewer's own row marked. `around: 'me'` without a signed-in
 * viewer (or one not on the board) is the first page. A page past the last is empty (its
 * `pages` says where the board ends). The page is read as a visitor sees it and kept
 * with the viewer's place (board-cache.ts). Both reads are index-backed
 * (shared/src/views/leaderboard.ts).
 */
export async function showLeaderboard(
  boards: BoardCache,
  request: LeaderboardRequest,
  viewerId: string | null,
): Promise<ShownLeaderboard> {
  const { board, size } = request;
  const viewer = viewerId === null ? null : await boards.position(board, viewerId);
  let offset: number;
  if (request.around === 'me') offset = viewer ? Math.floor((viewer.position - 1) / size) * size : 0;
  else offset = (request.page - 1) * size;
  const kept = await boards.page(board, Number.isSafeInteger(offset) ? offset : Number.MAX_SAFE_INTEGER, size);
  const found = kept.found;
  const lb: LeaderboardPage = {
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
        // An anonymised player sees their own name; the kept page has none for them.
        name: you ? (viewer?.name ?? e.name) : e.name,
        anonymous: e.anonymous,
        userId: e.anonymous && !you ? null : e.userId,
        score: e.score,
        you,
      };
    }),
    viewer: viewer && {
      position: viewer.position,
      score: viewer.score,
      page: Math.floor((viewer.position - 1) / size) + 1,
    },
  };
  return { lb, kept };
}
