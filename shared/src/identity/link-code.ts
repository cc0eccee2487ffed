/**
 * One-time link codes.
 *
 *   createLinkCode(identity) -> { code, deepLinkPayload, expiresAt }
 *
 * A code is 10 symbols of Crockford's base32 alphabet (no I, L, O, U): 50 random bits,
 * easy to read out and type. Typing is forgiving: case, spaces and hyphens are ignored, O
 * reads as 0 and I or L as 1, and the Telegram deep-link payload `link_<code>` (what
 * `t.me/<bot>?start=link_<code>` delivers to /start) is accepted as the code itself.
 *
 * Only the SHA-256 of the normalised code is stored; a code is found by its hash, so
 * neither the table nor response timing says anything about a live code. A code is valid
 * for 10 minutes and once: of two redemptions racing, exactly one gets it. Creating a new
 * code revokes the creator's previous unused one. An identity that fails 5 redemptions in
 * 10 minutes is refused (even with a right code) until the oldest failure leaves the window.
 * Redeeming is part of linking: see `redeemLinkCode` in link-identity.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { PlatformIdentity } from '../platform';
import { normaliseIdentity, transaction, type LinkedIdentity } from './accounts';
import {
  CLAIM_LINK_CODE_SQL,
  CREATE_LINK_CODE_SQL,
  LOCK_REDEEMER_SQL,
  RECENT_FAILURES_SQL,
  RECORD_FAILURE_SQL,
} from './identity.sql';
import type { LinkingDeps } from './linking-deps';

export const LINK_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LINK_CODE_LENGTH = 10;
export const LINK_CODE_TTL_MS = 10 * 60_000;
export const MAX_FAILED_REDEMPTIONS = 5;
export const FAILED_REDEMPTION_WINDOW_MS = 10 * 60_000;
export const DEEP_LINK_PREFIX = 'link_';

const VALID = new RegExp(`^[${LINK_CODE_ALPHABET}]{${LINK_CODE_LENGTH}}$`);
const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/** A fresh code. 256 is a multiple of 32, so masking a random byte picks each symbol evenly. */
export function generateLinkCode(): string {
  return [...randomBytes(LINK_CODE_LENGTH)].map((b) => LINK_CODE_ALPHABET[b & 31]).join('');
}

/** The canonical form of what a player typed (or a deep-link payload), or null if it cannot be a code. */
export function normaliseLinkCode(input: string): string | null {
  let text = input.trim();
  if (text.toLowerCase().startsWith(DEEP_LINK_PREFIX)) text = text.slice(DEEP_LINK_PREFIX.length);
  const code = text
    .replace(/[\s-]/g, '')
    .toUpperCase()
    .replace(/[OIL]/g, (c) => ALIASES[c]!);
  return VALID.test(code) ? code : null;
}

export function hashLinkCode(normalised: string): Buffer {
  return createHash('sha256').update(normalised).digest();
}

/** The `start` parameter of a Telegram deep link: `t.me/<bot>?start=<payload>`. */
export function deepLinkPayload(code: string): string {
  return `${DEEP_LINK_PREFIX}${code}`;
}

export interface LinkCode {
  /** 10 characters to show the player. */
  code: string;
  /** `link_<code>`, for `https://t.me/<bot>?start=<deepLinkPayload>`. */
  deepLinkPayload: string;
  expiresAt: Date;
  /** The account the code links to (created if the identity had none). */
  userId: string;
}

const UNIQUE_VIOLATION = '23505';

/** Issues a code for an authenticated identity; its account is found or created. */
export async function createLinkCode(deps: LinkingDeps, identity: PlatformIdentity): Promise<LinkCode> {
  const creator = normaliseIdentity(identity);
  const { userId } = await deps.progression.ensureUser(identity);
  for (let attempt = 0; ; attempt++) {
    const code = generateLinkCode();
    const now = deps.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
    try {
      await transaction(deps.pool, (client) =>
        client.query(CREATE_LINK_CODE_SQL, [hashLinkCode(code), creator.platform, creator.id, userId, now, expiresAt]),
      );
      return { code, deepLinkPayload: deepLinkPayload(code), expiresAt, userId };
    } catch (err) {
      // Two live codes with one hash: 2^-50 per pair, but draw again rather than fail.
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 3) throw err;
    }
  }
}

export type CodeClaim =
  | { status: 'claimed'; creator: LinkedIdentity; userId: string }
  | { status: 'invalid_code' }
  | { status: 'too_many_attempts'; retryAt: Date; retryAfterMinutes: number };

/**
 * Inside the caller's transaction: refuses an identity over the attempt limit, then uses
 * the code. A malformed, unknown, expired or used code is one answer, 'invalid_code', and
 * counts as a failure. The caller commits to keep a failure or a use.
 */
export async function claimLinkCode(
  client: PoolClient,
  redeemer: LinkedIdentity,
  input: string,
  now: Date,
): Promise<CodeClaim> {
  await client.query(LOCK_REDEEMER_SQL, [`ttfd:link-code:${redeemer.platform}:${redeemer.id}`]);
  const windowStart = new Date(now.getTime() - FAILED_REDEMPTION_WINDOW_MS);
  const {
    rows: [recent],
  } = await client.query<{ failures: number; oldest: Date | null }>(RECENT_FAILURES_SQL, [
    redeemer.platform,
    redeemer.id,
    windowStart,
  ]);
  if (recent!.failures >= MAX_FAILED_REDEMPTIONS) {
    const retryAt = new Date(recent!.oldest!.getTime() + FAILED_REDEMPTION_WINDOW_MS);
    return {
      status: 'too_many_attempts',
      retryAt,
      retryAfterMinutes: Math.max(1, Math.ceil((+retryAt - +now) / 60_000)),
    };
  }
  const code = normaliseLinkCode(input);
  const { rows } = code
    ? await client.query<{ platform: LinkedIdentity['platform']; identity: string; user_id: string }>(
        CLAIM_LINK_CODE_SQL,
        [hashLinkCode(code), now, redeemer.platform, redeemer.id],
      )
    : { rows: [] };
  const claimed = rows[0];
  if (!claimed) {
    await recordFailedRedemption(client, redeemer, now);
    return { status: 'invalid_code' };
  }
  return { status: 'claimed', creator: { platform: claimed.platform, id: claimed.identity }, userId: claimed.user_id };
}

/** Counts a failed redemption against the identity's limit. */
export async function recordFailedRedemption(client: PoolClient, redeemer: LinkedIdentity, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - FAILED_REDEMPTION_WINDOW_MS);
  await client.query(RECORD_FAILURE_SQL, [redeemer.platform, redeemer.id, now, windowStart]);
}
