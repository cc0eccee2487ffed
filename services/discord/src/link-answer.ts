import type { AccountSummary, ConfirmResult, LinkResult } from '@ttfd/shared';
import { COLOURS, notice, type Answer } from './interactions/interaction';
import type { AccountView, Texts } from './texts/texts';

/** Custom ids of the merge confirmation buttons (a token is 22 characters; Discord allows 100). */
export const MERGE_CONFIRM = 'merge:';
export const MERGE_CANCEL = 'merge-cancel:';

const view = (a: AccountSummary): AccountView => ({
  xp: a.xp,
  coins: a.coins,
  gamesPlayed: a.gamesPlayed,
  platforms: a.platforms,
});

/** What the player is told about a link attempt or a merge confirmation: always privately. */
export function linkAnswer(result: LinkResult | ConfirmResult, t: Texts): Answer {
  switch (result.status) {
    case 'linked':
      return notice(t.linkDone(result.account.platforms), COLOURS.success);
    case 'merged':
      return notice(t.mergeDone(view(result.account)), COLOURS.success);
    case 'already_linked':
      return notice(t.linkAlready, COLOURS.info);
    case 'needs_confirmation': {
      const { other, keeps, preview } = result;
      let accounts = null;
      if (preview) {
        const { survivor, absorbed, after } = preview;
        const [mine, theirs] = keeps === 'yours' ? [survivor, absorbed] : [absorbed, survivor];
        accounts = { mine: view(mine), other: view(theirs), after: view(after) };
      }
      return {
        ephemeral: true,
        embeds: [
          { title: t.mergeAskTitle, description: t.mergeAsk({ other, keeps, accounts }), color: COLOURS.warning },
        ],
        buttons: [
          [
            { id: `${MERGE_CONFIRM}${result.confirmToken}`, label: t.mergeConfirm, style: 'danger' },
            { id: `${MERGE_CANCEL}${result.confirmToken}`, label: t.mergeCancel, style: 'secondary' },
          ],
        ],
      };
    }
    case 'platform_taken':
    case 'conflict':
      return notice(t.linkConflict);
    case 'busy':
      return notice(t.linkBusy(result.retryAfterSeconds), COLOURS.warning);
    case 'too_many_attempts':
      return notice(t.linkTooManyAttempts(result.retryAfterMinutes));
    case 'invalid_token':
      return notice(t.mergeExpired);
    case 'invalid_code':
    case 'invalid_proof':
      return notice(t.linkInvalid);
  }
}
