import { type AccountSummary, type ConfirmResult, type LinkResult } from '@ttfd/shared';
import type { InlineButton } from './commands/command';
import type { AccountView, Texts } from './texts/texts';

/** Callback data of the merge confirmation buttons (Telegram allows 64 bytes; a token is 22). */
export const MERGE_CONFIRM = 'merge:';
export const MERGE_CANCEL = 'merge-cancel:';

const view = (a: AccountSummary): AccountView => ({
  xp: a.xp,
  coins: a.coins,
  gamesPlayed: a.gamesPlayed,
  platforms: a.platforms,
});

/** What the player is told about a link attempt or a merge confirmation, in their language. */
export function linkReply(result: LinkResult | ConfirmResult, t: Texts): { text: string; buttons?: InlineButton[][] } {
  switch (result.status) {
    case 'linked':
      return { text: t.linkDone(result.account.platforms, t) };
    case 'merged':
      return { text: t.mergeDone(view(result.account), t) };
    case 'already_linked':
      return { text: t.linkAlready };
    case 'needs_confirmation': {
      const { other, keeps, preview } = result;
      let accounts = null;
      if (preview) {
        const { survivor, absorbed, after } = preview;
        const [mine, theirs] = keeps === 'yours' ? [survivor, absorbed] : [absorbed, survivor];
        accounts = { mine: view(mine), other: view(theirs), after: view(after) };
      }
      return {
        text: t.mergeAsk({ other, keeps, accounts }, t),
        buttons: [
          [
            { text: t.mergeConfirm, data: `${MERGE_CONFIRM}${result.confirmToken}` },
            { text: t.mergeCancel, data: `${MERGE_CANCEL}${result.confirmToken}` },
          ],
        ],
      };
    }
    case 'platform_taken':
    case 'conflict':
      return { text: t.linkConflict };
    case 'busy':
      return { text: t.linkBusy(result.retryAfterSeconds) };
    case 'too_many_attempts':
      return { text: t.linkTooManyAttempts(result.retryAfterMinutes) };
    case 'invalid_token':
      return { text: t.mergeExpired };
    case 'invalid_code':
    case 'invalid_proof':
      return { text: t.linkInvalid };
  }
}
