/**
 * One account across platforms: what the Telegram bot, the Discord bot and the website call.
 *
 *   const linking = createLinking({ pool, wake });
 *   linking.createLinkCode(identity)                   -> { code, deepLinkPayload, expiresAt, userId }
 *   linking.redeemLinkCode(identity, code)             -> LinkResult
 *   linking.linkIdentity({ userId, identity, proof })  -> LinkResult
 *   linking.confirmMerge({ confirmToken, by })         -> ConfirmResult
 *   linking.cancelMerge({ confirmToken, by })          -> { status: 'cancelled' | 'invalid_token' }
 *   linking.startTelegramLogin({ userId })             -> { sessionNonce, expiresAt }
 *   linking.previewMerge(userIdA, userIdB)             -> MergePreview
 *   linking.unlinkIdentity({ account, platform, source }) -> UnlinkResult
 *   linking.resolveUserId(userId)                      -> live account id (follows merges) | null
 *   linking.askLegacyLink(telegramIdentity)            -> LinkResult (needs_confirmation) | null
 *
 * Flows:
 * - Code, any platform to any other: the player asks for a code where they are signed in
 *   (Telegram /link, Discord /link, the website's profile) and enters it where they want
 *   to link (Telegram: `/start link_<code>` from the deep link `t.me/<bot>?start=link_<code>`,
 *   or the code typed after /link; Discord: /link <code>; website: a form). The entering
 *   side calls redeemLinkCode with its own identity.
 * - Website: Discord OAuth2 callback (state checked there) -> linkIdentity with
 *   { kind: 'discord_oauth', discordUserId }; Telegram Login Widget: when the page shows
 *   the widget, startTelegramLogin({ userId }) and keep the sessionNonce in the session;
 *   the widget's callback -> linkIdentity with { kind: 'telegram_login', payload,
 *   botToken, sessionNonce } (verified here; a payload links once, within 5 minutes).
 * - Confirmation (every code, and every merge): a 'needs_confirmation' result carries
 *   `other` (the account the redeemer would join: masked identities and names), `keeps`
 *   (whose account stays), `preview` (both accounts and the merged result, when two
 *   accounts merge) and `confirmToken`. The bot replies with them and an inline keyboard
 *   [Merge: `merge:<token>`] [Cancel: `merge-cancel:<token>`]; the website shows them with
 *   a Confirm button posting the token. On the press, call confirmMerge or cancelMerge
 *   with the token and the presser (`by`: their identity, or `{ userId }` for a website
 *   session); only the redeemer's press counts.
 * - 'busy': the sync worker is delivering one of the accounts' events; say "try again in
 *   a few seconds". Nothing changed and a code or token is still usable.
 * - Replies: 'invalid_code' is always "invalid or expired code" (never say whether it
 *   existed); 'too_many_attempts' is "too many attempts, try again in N minutes".
 *
 * Every change is one transaction; the sync worker is woken after commit when it appended
 * events. Awards addressed to a merged account's id land on the survivor (progression
 * resolves it), and awards by a moved identity land there because the identity moved.
 */
import type { Pool } from 'pg';
import type { Platform, PlatformIdentity, SourcePlatform } from '../platform';
import { createProgression, type Player } from '../progression/progression';
import type { Wake } from '../progression/wake';
import type { LinkingDeps } from './linking-deps';
import { resolveUserId } from '../progression/resolve-user';
import { createLinkCode, type LinkCode } from './link-code';
import {
  askLegacyLink,
  cancelMerge,
  confirmMerge,
  linkIdentity,
  redeemLinkCode,
  startTelegramLogin,
  type ConfirmResult,
  type LinkProof,
  type LinkResult,
} from './link-identity';
import { previewMerge, type MergePreview } from './merge';
import { unlinkIdentity, type UnlinkResult } from './unlink';

export interface LinkingOptions {
  pool: Pool;
  wake: Wake;
  now?: () => Date;
}

export function createLinking(options: LinkingOptions) {
  const now = options.now ?? (() => new Date());
  const deps: LinkingDeps = {
    pool: options.pool,
    wake: options.wake,
    now,
    progression: createProgression({ pool: options.pool, wake: options.wake, now }),
  };
  return {
    createLinkCode: (identity: PlatformIdentity): Promise<LinkCode> => createLinkCode(deps, identity),
    redeemLinkCode: (identity: PlatformIdentity, code: string): Promise<LinkResult> =>
      redeemLinkCode(deps, identity, code),
    linkIdentity: (input: { userId: string; identity: PlatformIdentity; proof: LinkProof }): Promise<LinkResult> =>
      linkIdentity(deps, input),
    confirmMerge: (input: { confirmToken: string; by: Player }): Promise<ConfirmResult> => confirmMerge(deps, input),
    cancelMerge: (input: { confirmToken: string; by: Player }) => cancelMerge(deps, input),
    startTelegramLogin: (input: { userId: string }) => startTelegramLogin(deps, input),
    previewMerge: (a: string, b: string): Promise<MergePreview> => previewMerge(deps, a, b),
    unlinkIdentity: (input: { account: Player; platform: Platform; source: SourcePlatform }): Promise<UnlinkResult> =>
      unlinkIdentity(deps, input),
    resolveUserId: (userId: string): Promise<string | null> => resolveUserId(options.pool, userId),
    askLegacyLink: (telegram: PlatformIdentity): Promise<LinkResult | null> => askLegacyLink(deps, telegram),
  };
}

export type Linking = ReturnType<typeof createLinking>;
