/**
 * Linking a proven identity to an account, merging when it already has one.
 *
 *   linkIdentity({ userId, identity, proof })  -> LinkResult
 *   redeemLinkCode(identity, code)             -> LinkResult
 *   confirmMerge({ confirmToken, by })         -> ConfirmResult
 *   cancelMerge({ confirmToken })              -> { status: 'cancelled' | 'invalid_token' }
 *
 * Proofs: a link code created on the account and typed (or deep-linked) by `identity`; a
 * Discord user id from the website's OAuth callback (which verified it); a Telegram Login
 * Widget payload, verified here with the bot token. Nothing is linked without one.
 *
 * When the identity is on no account it is attached. When it is on another account the
 * two are merged (see merge.ts): at once if at most one of them has progress, otherwise
 * only after the player confirms: the result is 'needs_confirmation' with a preview and a
 * single-use confirmToken (22 characters, valid 10 minutes; callback data `merge:<token>`
 * fits Telegram's 64 bytes), and `confirmMerge` with that token, by an identity or session
 * of either account, performs it. If the identity has moved to yet another account by
 * then, the player is asked again. Refusals change nothing and leave a code usable.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Platform, PlatformIdentity, SourcePlatform } from '../platform';
import { UnknownPlayerError, type Player } from '../progression/progression';
import {
  appendEvents,
  assertUserId,
  evaluateProgress,
  hasProgress,
  holds,
  identityOn,
  normaliseIdentity,
  ownerOf,
  readAccount,
  retrying,
  summarise,
  transaction,
  type AccountSummary,
  type LinkedIdentity,
} from './accounts';
import { resolveUserId } from '../progression/resolve-user';
import {
  attachIdentitySql,
  CLAIM_MERGE_CONFIRMATION_SQL,
  CREATE_MERGE_CONFIRMATION_SQL,
  RELEASE_LINK_CODE_SQL,
} from './identity.sql';
import { claimLinkCode, hashLinkCode, normaliseLinkCode, recordFailedRedemption } from './link-code';
import type { LinkingDeps } from './linking-deps';
import { conflictsOf, lockPair, mergeLocked, previewLocked, type LinkVia, type MergePreview } from './merge';
import { verifyTelegramLogin, type TelegramLoginPayload, type TelegramLoginRejection } from './telegram-login';

export const MERGE_CONFIRMATION_TTL_MS = 10 * 60_000;

export type LinkProof =
  /** A code created by the account `userId` and now entered by `identity`. */
  | { kind: 'code'; code: string }
  /** The Discord user id the website's OAuth2 callback obtained (state checked there). */
  | { kind: 'discord_oauth'; discordUserId: string }
  /** The Telegram Login Widget's fields as received; `maxAgeSeconds` defaults to one day. */
  | { kind: 'telegram_login'; payload: TelegramLoginPayload; botToken: string; maxAgeSeconds?: number };

export type LinkResult =
  /** The identity was on no account and now is on this one. */
  | { status: 'linked'; userId: string; platform: Platform; account: AccountSummary; achievementsUnlocked: string[] }
  /** The two accounts are one now, under `userId`; `absorbedId` resolves to it. */
  | { status: 'merged'; userId: string; absorbedId: string; account: AccountSummary }
  /** Nothing to do: the identity is on this account already. */
  | { status: 'already_linked'; userId: string }
  /** Both accounts have progress: show `preview`, then call confirmMerge with the token. */
  | { status: 'needs_confirmation'; preview: MergePreview; confirmToken: string; expiresAt: Date }
  /** The account already has a different identity on this platform; unlink it first. */
  | { status: 'platform_taken'; userId: string; platform: Platform }
  /** Both accounts have an identity on these platforms, so they cannot become one. */
  | { status: 'conflict'; platforms: Platform[] }
  /** Say "invalid or expired code": unknown, expired, used and mistyped codes look the same. */
  | { status: 'invalid_code' }
  /** Say "too many attempts, try again in {retryAfterMinutes} minutes". */
  | { status: 'too_many_attempts'; retryAt: Date; retryAfterMinutes: number }
  /** The OAuth id or Telegram login did not prove this identity. */
  | { status: 'invalid_proof'; reason: TelegramLoginRejection | 'identity_mismatch' };

export type ConfirmResult =
  | Extract<
      LinkResult,
      { status: 'linked' | 'merged' | 'already_linked' | 'needs_confirmation' | 'platform_taken' | 'conflict' }
    >
  /** Unknown, expired, used, or not offered to whoever confirms. */
  | { status: 'invalid_token' };

type Outcome<R> = { result: R; appended: number };
type CoreResult = Extract<
  LinkResult,
  { status: 'linked' | 'merged' | 'already_linked' | 'needs_confirmation' | 'platform_taken' | 'conflict' }
>;

interface LinkRequest {
  userId: string;
  identity: LinkedIdentity;
  via: LinkVia;
  source: SourcePlatform;
  /**
   * The account the player agreed to merge with (from a confirmation). If the identity is
   * on any other account now, even the one that absorbed it, the player is asked again.
   */
  confirmedOwner: string | null;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Attaches, merges or asks, in the caller's transaction. */
async function link(client: PoolClient, req: LinkRequest, now: Date): Promise<Outcome<CoreResult>> {
  const { identity, via, source } = req;
  return retrying(client, async (): Promise<Outcome<CoreResult> | undefined> => {
    const target = await resolveUserId(client, req.userId);
    if (target === null) throw new UnknownPlayerError(req.userId);
    const owner = await ownerOf(client, identity);
    if (owner === target) return { result: { status: 'already_linked', userId: target }, appended: 0 };

    if (owner === null) {
      const row = await readAccount(client, target, { lock: true });
      if (!row || row.merged_into) return undefined;
      if (identityOn(row, identity.platform) !== null) {
        return { result: { status: 'platform_taken', userId: target, platform: identity.platform }, appended: 0 };
      }
      // A concurrent registration of the identity makes this a unique violation: retried, it finds the owner.
      const { rowCount } = await client.query(attachIdentitySql(identity.platform), [target, identity.id]);
      if (rowCount !== 1) return undefined;
      const linked = await appendEvents(client, target, source, [
        { type: 'account_linked', data: { platform: identity.platform, via } },
      ]);
      const progress = await evaluateProgress(client, target, source, now);
      const account = summarise((await readAccount(client, target))!);
      return {
        result: {
          status: 'linked',
          userId: target,
          platform: identity.platform,
          account,
          achievementsUnlocked: [...progress.unlocked].sort(),
        },
        appended: linked + progress.appended,
      };
    }

    const pair = await lockPair(client, target, owner);
    if (!pair || !holds(pair[1], identity)) return undefined;
    if (identityOn(pair[0], identity.platform) !== null) {
      return { result: { status: 'platform_taken', userId: target, platform: identity.platform }, appended: 0 };
    }
    const conflicts = conflictsOf(...pair);
    if (conflicts.length > 0) return { result: { status: 'conflict', platforms: conflicts }, appended: 0 };

    if (hasProgress(pair[0]) && hasProgress(pair[1]) && req.confirmedOwner !== owner) {
      const preview = await previewLocked(client, pair, now);
      const confirmToken = randomBytes(16).toString('base64url');
      const expiresAt = new Date(now.getTime() + MERGE_CONFIRMATION_TTL_MS);
      await client.query(CREATE_MERGE_CONFIRMATION_SQL, [
        hashToken(confirmToken),
        target,
        owner,
        identity.platform,
        identity.id,
        via,
        source,
        now,
        expiresAt,
      ]);
      return { result: { status: 'needs_confirmation', preview, confirmToken, expiresAt }, appended: 0 };
    }

    const merged = await mergeLocked(client, pair, now, source, via);
    return {
      result: { status: 'merged', userId: merged.survivorId, absorbedId: merged.absorbedId, account: merged.account },
      appended: merged.appended,
    };
  });
}

async function committed<R>(deps: LinkingDeps, outcome: Promise<Outcome<R>>): Promise<R> {
  const { result, appended } = await outcome;
  if (appended > 0) deps.wake.signal();
  return result;
}

const REFUSED = new Set(['already_linked', 'platform_taken', 'conflict']);

/**
 * Uses a code typed by `redeemer` and links the redeemer to the code's account. A refusal
 * hands the code back, so the player can fix the cause and retry while it is valid.
 * `expectUserId`: the code must have been created on this account.
 */
function linkWithCode(
  deps: LinkingDeps,
  redeemer: LinkedIdentity,
  code: string,
  expectUserId: string | null,
): Promise<LinkResult> {
  const now = deps.now();
  return committed(
    deps,
    transaction(deps.pool, async (client): Promise<Outcome<LinkResult>> => {
      const claim = await claimLinkCode(client, redeemer, code, now);
      if (claim.status !== 'claimed') return { result: claim, appended: 0 };
      const account = await resolveUserId(client, claim.userId);
      // A code issued to an identity that has since left its account proves nothing any more.
      if (account === null || (await ownerOf(client, claim.creator)) !== account) {
        return { result: { status: 'invalid_code' }, appended: 0 };
      }
      const release = () => client.query(RELEASE_LINK_CODE_SQL, [hashLinkCode(normaliseLinkCode(code)!)]);
      if (expectUserId !== null && (await resolveUserId(client, expectUserId)) !== account) {
        // Someone else's code: it stays theirs, and the attempt counts as a failure.
        await release();
        await recordFailedRedemption(client, redeemer, now);
        return { result: { status: 'invalid_code' }, appended: 0 };
      }
      const outcome = await link(
        client,
        { userId: account, identity: redeemer, via: 'code', source: redeemer.platform, confirmedOwner: null },
        now,
      );
      if (REFUSED.has(outcome.result.status)) await release();
      return outcome;
    }),
  );
}

/** Links a proven identity to the account `userId` (a website session, say). */
export async function linkIdentity(
  deps: LinkingDeps,
  input: { userId: string; identity: PlatformIdentity; proof: LinkProof },
): Promise<LinkResult> {
  assertUserId(input.userId);
  const identity = normaliseIdentity(input.identity);
  const { proof } = input;
  if (proof.kind === 'code') return linkWithCode(deps, identity, proof.code, input.userId);

  let proven: string;
  if (proof.kind === 'discord_oauth') {
    proven = String(proof.discordUserId).trim();
  } else {
    const check = verifyTelegramLogin(proof.payload, proof.botToken, {
      now: deps.now(),
      maxAgeSeconds: proof.maxAgeSeconds,
    });
    if (!check.ok) return { status: 'invalid_proof', reason: check.reason };
    proven = check.telegramId;
  }
  const platform: Platform = proof.kind === 'discord_oauth' ? 'discord' : 'telegram';
  if (identity.platform !== platform || identity.id !== proven) {
    return { status: 'invalid_proof', reason: 'identity_mismatch' };
  }
  const now = deps.now();
  const req: LinkRequest = { userId: input.userId, identity, via: proof.kind, source: 'website', confirmedOwner: null };
  return committed(
    deps,
    transaction(deps.pool, (client) => link(client, req, now)),
  );
}

/** A code typed (or deep-linked) by `identity`: links it with the account that created the code. */
export async function redeemLinkCode(deps: LinkingDeps, identity: PlatformIdentity, code: string): Promise<LinkResult> {
  return linkWithCode(deps, normaliseIdentity(identity), code, null);
}

/**
 * Performs a merge the player was asked about. `by` is who pressed the button: an
 * identity or account session of either account; anyone else gets 'invalid_token' and
 * the token stays usable.
 */
export async function confirmMerge(
  deps: LinkingDeps,
  input: { confirmToken: string; by: Player },
): Promise<ConfirmResult> {
  const now = deps.now();
  return committed(
    deps,
    transaction(
      deps.pool,
      async (client): Promise<Outcome<ConfirmResult>> => {
        const { rows } = await client.query<{
          user_id: string;
          other_user_id: string;
          platform: Platform;
          identity: string;
          via: LinkVia;
          source: SourcePlatform;
        }>(CLAIM_MERGE_CONFIRMATION_SQL, [hashToken(input.confirmToken), now, 'confirmed']);
        const pending = rows[0];
        if (!pending) return { result: { status: 'invalid_token' }, appended: 0 };
        const by = input.by;
        const [byAccount, target, other] = [
          'userId' in by ? await resolveUserId(client, by.userId) : await ownerOf(client, normaliseIdentity(by)),
          await resolveUserId(client, pending.user_id),
          await resolveUserId(client, pending.other_user_id),
        ];
        if (byAccount === null || (byAccount !== target && byAccount !== other)) {
          return { result: { status: 'invalid_token' }, appended: 0 };
        }
        const identity = { platform: pending.platform, id: pending.identity };
        return link(
          client,
          {
            userId: pending.user_id,
            identity,
            via: pending.via,
            source: pending.source,
            confirmedOwner: pending.other_user_id,
          },
          now,
        );
      },
      ({ result }) => result.status !== 'invalid_token',
    ),
  );
}

/** The player said no: the token stops working. */
export async function cancelMerge(
  deps: LinkingDeps,
  input: { confirmToken: string },
): Promise<{ status: 'cancelled' | 'invalid_token' }> {
  const { rowCount } = await deps.pool.query(CLAIM_MERGE_CONFIRMATION_SQL, [
    hashToken(input.confirmToken),
    deps.now(),
    'cancelled',
  ]);
  return { status: rowCount === 1 ? 'cancelled' : 'invalid_token' };
}
