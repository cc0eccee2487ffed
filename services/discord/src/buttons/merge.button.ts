import { COLOURS, notice, type ButtonHandler } from '../interactions/interaction';
import { linkAnswer, MERGE_CANCEL, MERGE_CONFIRM } from '../link-answer';

/**
 * Merge under a link confirmation: performs the merge the player was asked about and
 * replaces the question with the result. A used, expired or someone else's button is
 * refused with a private answer and changes nothing.
 */
export const mergeConfirmButton: ButtonHandler = {
  prefix: MERGE_CONFIRM,
  async run({ value, player, t }, { linking }) {
    const result = await linking.confirmMerge({
      confirmToken: value,
      by: { platform: 'discord', id: player.discordId },
    });
    if (result.status === 'invalid_token') return { reply: notice(t.mergeExpired) };
    return { update: linkAnswer(result, t) };
  },
};

export const mergeCancelButton: ButtonHandler = {
  prefix: MERGE_CANCEL,
  async run({ value, player, t }, { linking }) {
    const { status } = await linking.cancelMerge({
      confirmToken: value,
      by: { platform: 'discord', id: player.discordId },
    });
    if (status === 'invalid_token') return { reply: notice(t.mergeExpired) };
    return { update: notice(t.mergeCancelled, COLOURS.info) };
  },
};
