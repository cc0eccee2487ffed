/**
 * What this replica keeps of each board, together, for LEADERBOARD_CACHE_MS from the first
 * read after it was last dropped, and dropped at once when the boards change (the NOTIFY on
 * BOARDS_CHANNEL, through the replica's one LISTEN connection: see live-hub.ts):
 *
 * - the pages it read, as a visitor sees them. Every visitor and signed-in player of the
 *   same page shares one read and, per language, one rendering of its rows; requests for a
 *   page being read wait for that read instead of starting another.
 * - the board's counters (shared/src/views/leaderboard.ts), one grain at a time as pages
 *   need them: the bands of the board, the scores of a band, the blocks of a score. A page
 *   not kept is then one index read from its first player, and a signed-in player's place
 *   is their own row and the players before them in their block: the running sums over
 *   bands, scores and blocks are not summed again per request.
 * - the places of the signed-in players who asked: a place changes only when the boards
 *   do, so a player's "my position" is read once, not on every page they open.
 *
 * With LEADERBOARD_CACHE_MS=0 nothing is kept: every page and place is one statement.
 *
 *   const kept = await boards.page('overall', 0, 20);   // kept.found, kept.html
 *   boards.clear();                                      // the boards changed
 */
import type { Pool } from 'pg';
import {
  findBoardBands,
  findBoardBlocks,
  findBoardScores,
  findLeaderboard,
  findLeaderboardFrom,
  findLeaderboardPosition,
  findPlaceInBlock,
  LEADERBOARD_BAND_BITS,
  LEADERBOARD_BLOCK_BITS,
  type Board,
  type BoardCount,
  type Leaderboard,
  type LeaderboardPosition,
  type Locale,
  type PageStart,
} from '@ttfd/shared';

/** Pages kept per board at most (the oldest goes first): deep pages are many and rarely asked twice. */
const MAX_PAGES = 2_000;

/**
 * Grains of one kind (a band's scores, a score's blocks, players' places) kept per board at
 * most, the oldest going first: however long LEADERBOARD_CACHE_MS, a replica's memory stays
 * bounded.
 */
const MAX_GRAINS = 10_000;

/**
 * A score held by this many players or fewer is read from its first player on (at most
 * this many index entries skipped) instead of from a block: its blocks are not read.
 */
const FEW_AT_SCORE = 256;

export interface KeptPage {
  /** The page as a visitor sees it (no viewer: anonymised players have no name). */
  found: Leaderboard;
  /** The rows' HTML per language, rendered by the first request that needs it. */
  html: Partial<Record<Locale, string[]>>;
  /**
   * The whole page a visitor is shown, per language, at the address it was first asked at
   * (`here`), cut where the visitor's CSRF token goes (leaderboard.page.ts).
   */
  visitorPage: Partial<Record<Locale, { here: string; parts: string[] }>>;
}

export interface BoardCache {
  page(board: Board, offset: number, limit: number): Promise<KeptPage>;
  /** The viewer's place, kept with the board's pages (read from their own row and the kept counters). */
  position(board: Board, viewerId: string): Promise<LeaderboardPosition | null>;
  /** Forgets every kept page and counter. */
  clear(): void;
}

/** A grain's counts in board order, each with the players before it (within the grain above). */
interface Counted extends BoardCount {
  before: number;
}

function withPlayersBefore(counts: BoardCount[]): { counted: Counted[]; players: number } {
  let players = 0;
  const counted = counts.map((c) => {
    const entry = { ...c, before: players };
    players += c.players;
    return entry;
  });
  return { counted, players };
}

/** The entry holding the player `n` places after the first (0-based); undefined past the end. */
function entryHolding(counted: Counted[], n: number): Counted | undefined {
  let lo = 0;
  let hi = counted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const e = counted[mid]!;
    if (e.before + e.players > n) hi = mid;
    else lo = mid + 1;
  }
  return counted[lo];
}

/** The players under the keys that come before `key` in board order (`first`: how keys run). */
function playersBefore(counted: Counted[], players: number, key: number, first: 'highest' | 'lowest'): number {
  let lo = 0;
  let hi = counted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = counted[mid]!.key;
    if (first === 'highest' ? k > key : k < key) lo = mid + 1;
    else hi = mid;
  }
  return counted[lo]?.before ?? players;
}

interface Grain {
  counted: Counted[];
  players: number;
}

/**
 * What one board's readers have read since it was last dropped: its bands, and, each read
 * once as asked, a band's scores, a score's blocks and its pages. All of it goes together,
 * at most `keepMs` after the bands were read or when the boards change.
 */
interface Kept {
  at: number;
  bands: Promise<Grain & { seasonName: string | null }>;
  scores: Map<number, Promise<Grain>>;
  blocks: Map<number, Promise<Grain>>;
  /** By `offset:limit`. */
  pages: Map<string, Promise<KeptPage>>;
  /** By the player's account id; null for a player not on the board. */
  places: Map<string, Promise<LeaderboardPosition | null>>;
}

const BAND = 2 ** LEADERBOARD_BAND_BITS;
const BLOCK = 2 ** LEADERBOARD_BLOCK_BITS;

/** A page just read: nothing rendered yet. */
const keptPage = (found: Leaderboard): KeptPage => ({ found, html: {}, visitorPage: {} });

/** A read kept in `map` until it fails (the next request reads again); at most `most` kept, the oldest going first. */
function keep<K, T>(map: Map<K, Promise<T>>, key: K, most: number, read: () => Promise<T>): Promise<T> {
  let kept = map.get(key);
  if (!kept) {
    if (map.size >= most) map.delete(map.keys().next().value!);
    kept = read();
    map.set(key, kept);
    const mine = kept;
    kept.catch(() => {
      if (map.get(key) === mine) map.delete(key);
    });
  }
  return kept;
}

/**
 * Reads through `pool` (the website's board pool: generic plans); keeps for `keepMs` (0:
 * never), at most `limits` pages and grains of each kind per board.
 */
export function createBoardCache(
  pool: Pool,
  keepMs: number,
  limits: { pages: number; grains: number } = { pages: MAX_PAGES, grains: MAX_GRAINS },
): BoardCache {
  const boards = new Map<Board, Kept>();

  function keptOf(board: Board): Kept {
    const now = performance.now();
    const kept = boards.get(board);
    if (kept && now - kept.at < keepMs) return kept;
    const bands = findBoardBands(pool, board).then(({ bands, seasonName }) => ({
      ...withPlayersBefore(bands),
      seasonName,
    }));
    const fresh: Kept = { at: now, bands, scores: new Map(), blocks: new Map(), pages: new Map(), places: new Map() };
    boards.set(board, fresh);
    bands.catch(() => {
      if (boards.get(board) === fresh) boards.delete(board);
    });
    return fresh;
  }

  const scoresOf = (board: Board, kept: Kept, band: number) =>
    keep(kept.scores, band, limits.grains, async () => withPlayersBefore(await findBoardScores(pool, board, band)));
  const blocksOf = (board: Board, kept: Kept, score: number) =>
    keep(kept.blocks, score, limits.grains, async () => withPlayersBefore(await findBoardBlocks(pool, board, score)));

  /**
   * The first player of the page `offset` players down, from the kept counters; null past
   * the end; undefined when the grains read at different moments disagree (the page is
   * then read in one statement).
   */
  async function startOf(board: Board, kept: Kept, offset: number): Promise<PageStart | null | undefined> {
    const bands = await kept.bands;
    const band = entryHolding(bands.counted, offset);
    if (!band) return null;
    let n = offset - band.before;
    const score = entryHolding((await scoresOf(board, kept, band.key)).counted, n);
    if (!score) return undefined;
    n -= score.before;
    if (score.players <= FEW_AT_SCORE) return { score: score.key, fromId: 0, skip: n };
    const block = entryHolding((await blocksOf(board, kept, score.key)).counted, n);
    if (!block) return undefined;
    return { score: score.key, fromId: block.key * BLOCK, skip: n - block.before };
  }

  const readAtOnce = (board: Board, offset: number, limit: number): Promise<KeptPage> =>
    findLeaderboard(pool, { board, viewerId: null, offset, limit }).then(keptPage);

  async function read(board: Board, kept: Kept, offset: number, limit: number): Promise<KeptPage> {
    const start = await startOf(board, kept, offset);
    if (start === undefined) return readAtOnce(board, offset, limit);
    const { seasonName, players } = await kept.bands;
    const entries = start ? await findLeaderboardFrom(pool, board, start, offset, limit) : [];
    return keptPage({ board, seasonName, entries, viewer: null, players, offset });
  }

  async function placeOf(board: Board, kept: Kept, viewerId: string): Promise<LeaderboardPosition | null> {
    const [place, bands] = await Promise.all([findPlaceInBlock(pool, board, viewerId), kept.bands]);
    if (!place) return null;
    const band = Math.floor(place.score / BAND);
    const [scores, blocks] = await Promise.all([scoresOf(board, kept, band), blocksOf(board, kept, place.score)]);
    const ahead =
      playersBefore(bands.counted, bands.players, band, 'highest') +
      playersBefore(scores.counted, scores.players, place.score, 'highest') +
      playersBefore(blocks.counted, blocks.players, place.block, 'lowest') +
      place.before;
    return { position: ahead + 1, score: place.score, name: place.name };
  }

  return {
    page(board, offset, limit) {
      if (keepMs === 0) return readAtOnce(board, offset, limit);
      const kept = keptOf(board);
      return keep(kept.pages, `${offset}:${limit}`, limits.pages, () => read(board, kept, offset, limit));
    },
    position(board, viewerId) {
      if (keepMs === 0) return findLeaderboardPosition(pool, { board, viewerId });
      const kept = keptOf(board);
      return keep(kept.places, viewerId, limits.grains, () => placeOf(board, kept, viewerId));
    },
    clear: () => boards.clear(),
  };
}
