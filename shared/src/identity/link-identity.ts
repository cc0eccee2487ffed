/**
 * Linking a proven identity to an account, merging when it already has one.
 *
 *   startTelegramLogin({ userId })             -> { sessionNonce, expiresAt }
 *   linkIdentity({ userId, identity, proof })  -> LinkResult
 *   redeemLinkCode(identity, code)             -> LinkResult
 *   confirmMerge({ confirmToken, by })         -> ConfirmResult
 *   cancelMerge({ confirmToken, by })          -> { status: 'cancelled' | 'invalid_token' }
 *
 * Proofs: a link code created on the account and typed (or deep-linked) by `identity`; a
 * Discord user id from the website's OAuth callback (which verified it); a Telegram Login
 * Widget payload, verified here with the bot token, at most 5 minutes old, accepted once,
 * and only with the `sessionNonce` of the flow the same website session started.
 * Nothing is linked without one.
 *
 * One tap never links: the redeemer always confirms. A code joins the identity that
 * enters it to the code's account, so every code link (attach or merge, progress or not)
 * answers 'needs_confirmation'; a proof on the website asks when the proven identity is
 * on another account (a merge). The answer names the other account (its identities,
 * masked, and names) and whose account stays, with a single-use confirmToken (22
 * characters, valid 10 minutes; callback data `merge:<token>` fits Telegram's 64 bytes).
 * Only the redeemer can press it: the identity that entered the code (or its account),
 * or the session that brought the proof. By then the code's creator must still be on its
 * account, and if the identity has moved to another account the redeemer is asked again.
 * Refusals change nothing and leave a code usable; 'busy' (a lock held by the sync
 * worker) changes nothing either and can be retried at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Platform, PlatformIdentity, SourcePlatform } from '../platform';
import { UnknownPlayerError, type Player } from '../progression/progression';
import {
  appendEvents,
  assertUserId,
  evaluateProgress,
  holds,
  LINK_LOCK_TIMEOUT_MS,
  LinkBusyError,
  identityOn,
  normaliseIdentity,
  ownerOf,
  readAccount,
  retrying,
  summarise,
  transaction,
  type AccountRow,
  type AccountSummary,
  type LinkedIdentity,
} from './accounts';
import { resolveUserId } from '../progression/resolve-user';
import {
  attachIdentitySql,
  CLAIM_MERGE_CONFIRMATION_SQL,
  CLAIM_TELEGRAM_LOGIN_SQL,
  CREATE_MERGE_CONFIRMATION_SQL,
  DROP_LEGACY_PROPOSAL_SQL,
  MARK_LEGACY_PROPOSAL_ASKED_SQL,
  NEXT_LEGACY_PROPOSAL_SQL,
  RELEASE_LINK_CODE_SQL,
  START_TELEGRAM_LOGIN_SQL,
  TELEGRAM_LOGIN_SEEN_SQL,
} from './identity.sql';
import { describeAccount, type OtherAccount } from './link-confirmation';
import { claimLinkCode, hashLinkCode, normaliseLinkCode, recordFailedRedemption } from './link-code';
import type { LinkingDeps } from './linking-deps';
import { conflictsOf, lockPair, mergeLocked, previewLocked, type LinkVia, type MergePreview } from './merge';
import {
  TELEGRAM_LOGIN_CLOCK_SKEW_SECONDS,
  verifyTelegramLogin,
  type TelegramLoginPayload,
  type TelegramLoginRejection,
} from './telegram-login';

export const MERGE_CONFIRMATION_TTL_MS = 10 * 60_000;
/** How long a website session's Telegram Login flow stays open. */
export const TELEGRAM_LOGIN_FLOW_TTL_MS = 10 * 60_000;
/** The oldest Login Widget payload linking accepts. */
export const TELEGRAM_LOGIN_LINK_MAX_AGE_SECONDS = 5 * 60;

export type LinkProof =
  /** A code created by the account `userId` and now entered by `identity`. */
  | { kind: 'code'; code: string }
  /** The Discord user id the website's OAuth2 callback obtained (state checked there). */
  | { kind: 'discord_oauth'; discordUserId: string }
  /**
   * The Telegram Login Widget's fields as received, with the `sessionNonce` that
   * startTelegramLogin gave this session when it showed the widget. `maxAgeSeconds`
   * defaults to 5 minutes.
   */
  | {
      kind: 'telegram_login';
      payload: TelegramLoginPayload;
      botToken: string;
      sessionNonce: string;
      maxAgeSeconds?: number;
    };

export type LinkResult =
  /** The identity was on no account and now is on this one. */
  | { status: 'linked'; userId: string; platform: Platform; account: AccountSummary; achievementsUnlocked: string[] }
  /** The two accounts are one now, under `userId`; `absorbedId` resolves to it. */
  | { status: 'merged'; userId: string; absorbedId: string; account: AccountSummary }
  /** Nothing to do: the identity is on this account already. */
  | { status: 'already_linked'; userId: string }
  /**
   * Ask the redeemer: show `other` (the account they would join, masked) and `keeps`, then
   * call confirmMerge with the token. `keeps`: whose account stays (its id and settings;
   * 'theirs' also when the redeemer has no account yet). Either way, from then on the
   * other account's logins control the joined account as much as the redeemer's do.
   * `preview`: both accounts and the result when two accounts merge; null when the
   * redeemer's identity has no account yet.
   */
  | {
      status: 'needs_confirmation';
      other: OtherAccount;
      keeps: 'yours' | 'theirs';
      preview: MergePreview | null;
      confirmToken: string;
      expiresAt: Date;
    }
  /** The account already has a different identity on this platform; unlink it first. */
  | { status: 'platform_taken'; userId: string; platform: Platform }
  /** Both accounts have an identity on these platforms, so they cannot become one. */
  | { status: 'conflict'; platforms: Platform[] }
  /** Say "invalid or expired code": unknown, expired, used and mistyped codes look the same. */
  | { status: 'invalid_code' }
  /** Say "too many attempts, try again in {retryAfterMinutes} minutes". */
  | { status: 'too_many_attempts'; retryAt: Date; retryAfterMinutes: number }
  /**
   * The OAuth id or Telegram login did not prove this identity: 'replayed' (this payload
   * was used before), 'wrong_session' (no open flow of this session's account, or the
   * payload was signed before the flow started).
   */
  | { status: 'invalid_proof'; reason: TelegramLoginRejection | 'identity_mismatch' | 'replayed' | 'wrong_session' }
  /** The sync worker held one of the accounts' events too long; nothing changed, try again shortly. */
  | { status: 'busy'; retryAfterSeconds: number };

export type ConfirmResult =
  | Extract<
      LinkResult,
      {
        status: 'linked' | 'merged' | 'already_linked' | 'needs_confirmation' | 'platform_taken' | 'conflict' | 'busy';
      }
    >
  /** Unknown, expired, used, not offered to whoever confirms, or its code no longer stands for its account. */
  | { status: 'invalid_token' };

type Outcome<R> = { result: R; appended: number };
type CoreResult = Extract<
  LinkResult,
  { status: 'linked' | 'merged' | 'already_linked' | 'needs_confirmation' | 'platform_taken' | 'conflict' }
>;

interface LinkRequest {
  /** The account the identity joins: the code's account, or the website session's. */
  userId: string;
  identity: LinkedIdentity;
  via: LinkVia;
  source: SourcePlatform;
  /** The identity that created the code (via 'code'), re-checked when the redeemer confirms. */
  creator: LinkedIdentity | null;
  /**
   * Set once the redeemer said yes: the account the identity was on when they were asked
   * (null: none). If it is on any other account now, even the one that absorbed it, the
   * redeemer is asked again.
   */
  confirmed: { owner: string | null } | null;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * A code's redeemer is the identity that entered it, and a legacy claim's the Telegram
 * identity it names; a website proof's is the session's account.
 */
const redeemerIsIdentity = (via: LinkVia) => via === 'code' || via === 'legacy_claim';

/** Records the question and builds what the redeemer is shown. */
async function ask(
  client: PoolClient,
  req: LinkRequest,
  target: AccountRow,
  owner: AccountRow | null,
  now: Date,
): Promise<Outcome<CoreResult>> {
  const preview = owner ? await previewLocked(client, [target, owner], now) : null;
  const [mine, other] = redeemerIsIdentity(req.via) ? [owner, target] : [target, owner!];
  const keeps = preview && mine && preview.survivorId === mine.id ? 'yours' : 'theirs';
  const confirmToken = randomBytes(16).toString('base64url');
  const expiresAt = new Date(now.getTime() + MERGE_CONFIRMATION_TTL_MS);
  await client.query(CREATE_MERGE_CONFIRMATION_SQL, [
    hashToken(confirmToken),
    target.id,
    owner?.id ?? null,
    req.identity.platform,
    req.identity.id,
    req.via,
    req.source,
    now,
    expiresAt,
    req.creator?.platform ?? null,
    req.creator?.id ?? null,
  ]);
  return {
    result: { status: 'needs_confirmation', other: describeAccount(other), keeps, preview, confirmToken, expiresAt },
    appended: 0,
  };
}

/** Attaches, merges or asks, in the caller's transaction. */
async function link(client: PoolClient, req: LinkRequest, now: Date): Promise<Outcome<CoreResult>> {
  const { identity, via, source } = req;
  return retrying(client, async (): Promise<Outcome<CoreResult> | undefined> => {
    const target = await resolveUserId(client, req.userId);
    if (target === null) throw new UnknownPlayerError(req.userId);
    const owner = await ownerOf(client, identity);
    if (owner === target) return { result: { status: 'already_linked', userId: target }, appended: 0 };
    const confirmed = req.confirmed !== null && req.confirmed.owner === owner;

    if (owner === null) {
      const row = await readAccount(client, target, { lock: true });
      if (!row || row.merged_into) return undefined;
      if (identityOn(row, identity.platform) !== null) {
        return { result: { status: 'platform_taken', userId: target, platform: identity.platform }, appended: 0 };
      }
      // A website proof attaches an identity that is on no account to the session's own account.
      if (redeemerIsIdentity(via) && !confirmed) return ask(client, req, row, null, now);
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
    if (!confirmed) return ask(client, req, pair[0], pair[1], now);

    const merged = await mergeLocked(client, pair, now, source, via);
    return {
      result: { status: 'merged', userId: merged.survivorId, absorbedId: merged.absorbedId, account: merged.account },
      appended: merged.appended,
    };
  });
}

const BUSY = { status: 'busy', retryAfterSeconds: Math.ceil((2 * LINK_LOCK_TIMEOUT_MS) / 1000) } as const;

async function committed<R>(deps: LinkingDeps, outcome: Promise<Outcome<R>>): Promise<R | typeof BUSY> {
  try {
    const { result, appended } = await outcome;
    if (appended > 0) deps.wake.signal();
    return result;
  } catch (err) {
    if (err instanceof LinkBusyError) return BUSY;
    throw err;
  }
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
        {
          userId: account,
          identity: redeemer,
          via: 'code',
          source: redeemer.platform,
          creator: claim.creator,
          confirmed: null,
        },
        now,
      );
      if (REFUSED.has(outcome.result.status)) await release();
      return outcome;
    }),
  );
}

/**
 * Opens a Telegram Login Widget flow for a website session's account. The website keeps
 * `sessionNonce` in that session and passes it to linkIdentity with the widget's payload.
 */
export async function startTelegramLogin(
  deps: LinkingDeps,
  input: { userId: string },
): Promise<{ sessionNonce: string; expiresAt: Date }> {
  assertUserId(input.userId);
  const userId = await resolveUserId(deps.pool, input.userId);
  if (userId === null) throw new UnknownPlayerError(input.userId);
  const sessionNonce = randomBytes(16).toString('base64url');
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + TELEGRAM_LOGIN_FLOW_TTL_MS);
  await deps.pool.query(START_TELEGRAM_LOGIN_SQL, [hashToken(sessionNonce), userId, now, expiresAt]);
  return { sessionNonce, expiresAt };
}

/**
 * In the caller's transaction: uses the session's open flow for this payload, once.
 * Returns the refusal, or null when the payload may link.
 */
async function useTelegramLogin(
  client: PoolClient,
  input: { userId: string; sessionNonce: string; payload: TelegramLoginPayload; authDate: Date },
  now: Date,
): Promise<'replayed' | 'wrong_session' | null> {
  const userId = await resolveUserId(client, input.userId);
  if (userId === null) throw new UnknownPlayerError(input.userId);
  const payloadHash = createHash('sha256').update(String(input.payload.hash)).digest();
  const seen = await client.query(TELEGRAM_LOGIN_SEEN_SQL, [payloadHash]);
  if ((seen.rowCount ?? 0) > 0) return 'replayed';
  const signedBy = new Date(input.authDate.getTime() + TELEGRAM_LOGIN_CLOCK_SKEW_SECONDS * 1000);
  const { rowCount } = await client.query(CLAIM_TELEGRAM_LOGIN_SQL, [
    hashToken(input.sessionNonce),
    userId,
    now,
    payloadHash,
    signedBy,
  ]);
  return rowCount === 1 ? null : 'wrong_session';
}

const UNIQUE_VIOLATION = '23505';

/** Links a proven identity to the account `userId` (a website session, say). */
export async function linkIdentity(
  deps: LinkingDeps,
  input: { userId: string; identity: PlatformIdentity; proof: LinkProof },
): Promise<LinkResult> {
  assertUserId(input.userId);
  const identity = normaliseIdentity(input.identity);
  const { proof } = input;
  if (proof.kind === 'code') return linkWithCode(deps, identity, proof.code, input.userId);

  const now = deps.now();
  let proven: string;
  let authDate: Date | null = null;
  if (proof.kind === 'discord_oauth') {
    proven = String(proof.discordUserId).trim();
  } else {
    const check = verifyTelegramLogin(proof.payload, proof.botToken, {
      now,
      maxAgeSeconds: proof.maxAgeSeconds ?? TELEGRAM_LOGIN_LINK_MAX_AGE_SECONDS,
    });
    if (!check.ok) return { status: 'invalid_proof', reason: check.reason };
    proven = check.telegramId;
    authDate = check.authDate;
  }
  const platform: Platform = proof.kind === 'discord_oauth' ? 'discord' : 'telegram';
  if (identity.platform !== platform || identity.id !== proven) {
    return { status: 'invalid_proof', reason: 'identity_mismatch' };
  }
  const req: LinkRequest = {
    userId: input.userId,
    identity,
    via: proof.kind,
    source: 'website',
    creator: null,
    confirmed: null,
  };
  try {
    return await committed(
      deps,
      transaction(deps.pool, async (client): Promise<Outcome<LinkResult>> => {
        if (proof.kind === 'telegram_login') {
          const flow = { userId: input.userId, sessionNonce: proof.sessionNonce, payload: proof.payload, authDate };
          const refused = await useTelegramLogin(client, { ...flow, authDate: authDate! }, now);
          if (refused) return { result: { status: 'invalid_proof', reason: refused }, appended: 0 };
        }
        return link(client, req, now);
      }),
    );
  } catch (err) {
    // Two requests with one payload at once: the second finds the first's record.
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return { status: 'invalid_proof', reason: 'replayed' };
    throw err;
  }
}

/** A code typed (or deep-linked) by `identity`: links it with the account that created the code. */
export async function redeemLinkCode(deps: LinkingDeps, identity: PlatformIdentity, code: string): Promise<LinkResult> {
  return linkWithCode(deps, normaliseIdentity(identity), code, null);
}

interface PendingConfirmation {
  user_id: string;
  other_user_id: string | null;
  platform: Platform;
  identity: string;
  via: LinkVia;
  source: SourcePlatform;
  creator_platform: Platform | null;
  creator_identity: string | null;
}

/**
 * Uses a confirmation token in the caller's transaction if `by` is its redeemer: the
 * identity that entered the code (or another identity or session of its account), or the
 * session account that brought a website proof. Null otherwise (the caller rolls back).
 */
async function claimConfirmation(
  client: PoolClient,
  input: { confirmToken: string; by: Player },
  outcome: 'confirmed' | 'cancelled',
  now: Date,
): Promise<PendingConfirmation | null> {
  const { rows } = await client.query<PendingConfirmation>(CLAIM_MERGE_CONFIRMATION_SQL, [
    hashToken(input.confirmToken),
    now,
    outcome,
  ]);
  const pending = rows[0];
  if (!pending) return null;
  const { by } = input;
  const byIdentity = 'userId' in by ? null : normaliseIdentity(by);
  const byAccount = 'userId' in by ? await resolveUserId(client, by.userId) : await ownerOf(client, byIdentity!);
  if (redeemerIsIdentity(pending.via)) {
    if (byIdentity?.platform === pending.platform && byIdentity.id === pending.identity) return pending;
    const redeemerAccount = await ownerOf(client, { platform: pending.platform, id: pending.identity });
    return byAccount !== null && byAccount === redeemerAccount ? pending : null;
  }
  return byAccount !== null && byAccount === (await resolveUserId(client, pending.user_id)) ? pending : null;
}

/**
 * Performs a link the redeemer was asked about. `by` is who pressed the button; anyone
 * but the redeemer gets 'invalid_token' and the token stays usable.
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
        const pending = await claimConfirmation(client, input, 'confirmed', now);
        if (!pending) return { result: { status: 'invalid_token' }, appended: 0 };
        await dropLegacyProposal(client, pending);
        const creator =
          pending.creator_platform && pending.creator_identity
            ? { platform: pending.creator_platform, id: pending.creator_identity }
            : null;
        // A code whose creator has left its account since proves nothing about that account any more.
        if (creator && (await ownerOf(client, creator)) !== (await resolveUserId(client, pending.user_id))) {
          return { result: { status: 'invalid_token' }, appended: 0 };
        }
        return link(
          client,
          {
            userId: pending.user_id,
            identity: { platform: pending.platform, id: pending.identity },
            via: pending.via,
            source: pending.source,
            creator,
            confirmed: { owner: pending.other_user_id },
          },
          now,
        );
      },
      ({ result }) => result.status !== 'invalid_token',
    ),
  );
}

/** The redeemer said no: the token stops working. Anyone else gets 'invalid_token'. */
export async function cancelMerge(
  deps: LinkingDeps,
  input: { confirmToken: string; by: Player },
): Promise<{ status: 'cancelled' | 'invalid_token' }> {
  const now = deps.now();
  return transaction(
    deps.pool,
    async (client) => {
      const pending = await claimConfirmation(client, input, 'cancelled', now);
      if (!pending) return { status: 'invalid_token' as const };
      await dropLegacyProposal(client, pending);
      return { status: 'cancelled' as const };
    },
    ({ status }) => status === 'cancelled',
  );
}

/** A legacy claim answered either way is not asked again. */
async function dropLegacyProposal(client: PoolClient, pending: PendingConfirmation): Promise<void> {
  if (pending.via !== 'legacy_claim' || pending.platform !== 'telegram') return;
  await client.query(DROP_LEGACY_PROPOSAL_SQL, [pending.identity, pending.creator_platform, pending.creator_identity]);
}

/**
 * Asks a Telegram player about a Telegram id someone typed into the old Discord bot or
 * website (the legacy import's proposals): "Discord user X says this is you — link?".
 * Returns the 'needs_confirmation' a link code gives (`other` names the claimant's
 * account), answered with confirmMerge / cancelMerge by this Telegram identity only; or
 * null when nothing waits. A proposal is shown again once its token has expired; one that
 * can no longer be carried out (the claimant left its account, the Telegram id or the
 * platform is taken meanwhile, the accounts conflict) is dropped.
 */
export async function askLegacyLink(deps: LinkingDeps, telegram: PlatformIdentity): Promise<LinkResult | null> {
  const identity = normaliseIdentity(telegram);
  if (identity.platform !== 'telegram') throw new RangeError('Legacy link proposals name Telegram identities');
  const now = deps.now();
  const shownBefore = new Date(now.getTime() - MERGE_CONFIRMATION_TTL_MS);
  return committed(
    deps,
    transaction(deps.pool, async (client): Promise<Outcome<LinkResult | null>> => {
      for (;;) {
        const { rows } = await client.query<{ claimant_platform: Platform; claimant_identity: string }>(
          NEXT_LEGACY_PROPOSAL_SQL,
          [identity.id, shownBefore],
        );
        const proposal = rows[0];
        if (!proposal) return { result: null, appended: 0 };
        const key = [identity.id, proposal.claimant_platform, proposal.claimant_identity];
        const claimant = { platform: proposal.claimant_platform, id: proposal.claimant_identity };
        const account = await ownerOf(client, claimant);
        if (account !== null) {
          const outcome = await link(
            client,
            { userId: account, identity, via: 'legacy_claim', source: 'telegram', creator: claimant, confirmed: null },
            now,
          );
          if (outcome.result.status === 'needs_confirmation') {
            await client.query(MARK_LEGACY_PROPOSAL_ASKED_SQL, [...key, now]);
            return outcome;
          }
        }
        await client.query(DROP_LEGACY_PROPOSAL_SQL, key);
      }
    }),
  );
}
