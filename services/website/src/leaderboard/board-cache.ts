/**
 * The pages of the boards this replica read, as a visitor sees them, kept for
 * LEADERBOARD_CACHE_MS and dropped at once when the boards change (the award path's NOTIFY
 * on BOARDS_CHANNEL, through the replica's one LISTEN connection: see live-hub.ts). Every
 * visitor and signed-in player of the same page shares one read and, per language, one
 * rendering of its rows; only a signed-in player's own place is read per request.
 * Requests for a page being read wait for that read instead of starting another.
 *
 *   const kept = await boards.page('overall', 0, 20);   // kept.found, kept.html
 *   boards.clear();                                      // the boards changed
 */
import type { Pool } from 'pg';
import {
  findLeaderboard,
  findLeaderboardPosition,
  type Board,
  type Leaderboard,
  type LeaderboardPosition,
  type Locale,
} from '@ttfd/shared';

/** Pages kept at most (the oldest goes first): deep pages are many and rarely asked twice. */
const MAX_PAGES = 2_000;

export interface KeptPage {
  /** The page as a visitor sees it (no viewer: anonymised players have no name). */
  found: Leaderboard;
  /** The rows' HTML per language, rendered by the first request that needs it. */
  html: Partial<Record<Locale, string[]>>;
}

export interface BoardCache {
  page(board: Board, offset: number, limit: number): Promise<KeptPage>;
  /** The viewer's place: read every time (it is theirs alone). */
  position(board: Board, viewerId: string): Promise<LeaderboardPosition | null>;
  /** Forgets every kept page. */
  clear(): void;
}

/** Reads through `pool` (the website's board pool: generic plans); keeps pages for `keepMs` (0: never). */
export function createBoardCache(pool: Pool, keepMs: number): BoardCache {
  const pages = new Map<string, { at: number; kept: Promise<KeptPage> }>();

  const read = (board: Board, offset: number, limit: number): Promise<KeptPage> =>
    findLeaderboard(pool, { board, viewerId: null, offset, limit }).then((found) => ({ found, html: {} }));

  return {
    page(board, offset, limit) {
      if (keepMs === 0) return read(board, offset, limit);
      const key = `${board}:${offset}:${limit}`;
      const now = performance.now();
      const entry = pages.get(key);
      if (entry && now - entry.at < keepMs) return entry.kept;
      if (entry) pages.delete(key);
      if (pages.size >= MAX_PAGES) pages.delete(pages.keys().next().value!);
      const kept = read(board, offset, limit);
      const fresh = { at: now, kept };
      pages.set(key, fresh);
      kept.catch(() => {
        if (pages.get(key) === fresh) pages.delete(key);
      });
      return kept;
    },
    position: (board, viewerId) => findLeaderboardPosition(pool, { board, viewerId }),
    clear: () => pages.clear(),
  };
}
