/**
 * What the player sees after any link attempt (a code, Discord OAuth, the Telegram widget,
 * a confirmation): a notice and the next page. A result that needs the player's
 * confirmation is kept in the session and shown on /link/confirm.
 */
import type { Request } from 'express';
import { platformName, type ConfirmResult, type LinkResult, type Locale } from '@ttfd/shared';

type Outcome = LinkResult | ConfirmResult | { status: 'cancelled' };

/** The page to go to; a notice for it is left in the session. */
export function settleLinkOutcome(req: Request, result: Outcome, locale: Locale): string {
  const notice = (kind: 'ok' | 'error', key: string) => (req.session.notice = { kind, key });
  switch (result.status) {
    case 'needs_confirmation':
      req.session.pendingConfirmation = {
        confirmToken: result.confirmToken,
        expiresAt: result.expiresAt.getTime(),
        other: result.other,
        keeps: result.keeps,
        after: result.preview ? { xp: result.preview.after.xp, coins: result.preview.after.coins } : null,
      };
      return '/link/confirm';
    case 'linked':
      notice('ok', 'linking.linked');
      return '/profile';
    case 'merged':
      notice('ok', 'linking.merged');
      return '/profile';
    case 'already_linked':
      notice('ok', 'linking.alreadyLinked');
      return '/profile';
    case 'cancelled':
      notice('ok', 'linking.cancelled');
      return '/link';
    case 'platform_taken':
      req.session.notice = {
        kind: 'error',
        key: 'linking.platformTaken',
        params: { platform: platformName(result.platform, locale) },
      };
      return '/link';
    case 'conflict':
      req.session.notice = {
        kind: 'error',
        key: 'linking.conflict',
        params: { platforms: result.platforms.map((p) => platformName(p, locale)).join(', ') },
      };
      return '/link';
    case 'invalid_code':
      notice('error', 'linking.invalidCode');
      return '/link';
    case 'too_many_attempts':
      req.session.notice = {
        kind: 'error',
        key: 'linking.tooManyAttempts',
        params: { minutes: result.retryAfterMinutes },
      };
      return '/link';
    case 'invalid_proof':
      notice('error', 'linking.telegramInvalid');
      return '/link';
    case 'busy':
      notice('error', 'linking.busy');
      return '/link';
    case 'invalid_token':
      notice('error', 'linking.invalidToken');
      return '/link';
  }
}
