/**
 * The rank card of a public player page: the PNG the Discord bot's /profile attaches,
 * served for link previews (Open Graph / Twitter), in the viewer's language. Its ETag is
 * a digest of everything drawn on it, so a repeated fetch is answered 304 without drawing.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import {
  findLeaderboard,
  rankCardOf,
  type Locale,
  type PlayerProfile,
  type Privacy,
  type RankCard,
} from '@ttfd/shared';
import { textsFor } from '../texts';

/** Raised when the drawing changes, so caches holding the old picture refetch. */
const CARD_DRAWING = 1;

/** How long browsers and crawlers may reuse a card without asking (seconds). */
export const CARD_MAX_AGE = 300;

/** The name a shared page and its card show: never the name of a player who asked to be anonymised. */
export function sharedNameOf(profile: PlayerProfile, privacy: Privacy, locale: Locale): string {
  const t = textsFor(locale);
  if (privacy.leaderboardAnonymous) return t.home.anonymous;
  return profile.displayName ?? (profile.username ? `@${profile.username}` : t.profile.unnamed);
}

/** The card's contents (no avatar: the initials are drawn) and their ETag. */
export async function playerCardOf(
  pool: Pool,
  profile: PlayerProfile,
  privacy: Privacy,
  locale: Locale,
): Promise<{ card: RankCard; etag: string }> {
  const board = await findLeaderboard(pool, { board: 'overall', viewerId: profile.userId, limit: 1 });
  const card = rankCardOf(profile, {
    locale,
    position: board.viewer?.position ?? null,
    avatar: null,
    name: sharedNameOf(profile, privacy, locale),
  });
  const digest = createHash('sha256')
    .update(JSON.stringify([CARD_DRAWING, profile.userId, card]))
    .digest('base64url');
  return { card, etag: `"${digest.slice(0, 32)}"` };
}
