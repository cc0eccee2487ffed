import { MERGE_CANCEL, MERGE_CONFIRM, linkReply } from '../link-reply';
import { telegramPlayer } from '../commands/command';
import type { Callback } from './callback';

/** The Merge button under a merge preview: performs the merge the player was asked about. */
export const mergeConfirmCallback: Callback = {
  prefix: MERGE_CONFIRM,
  async run({ value, from, t }, press, { linking }) {
    const result = await linking.confirmMerge({ confirmToken: value, by: telegramPlayer(from) });
    const reply = linkReply(result, t);
    // A used or expired token (also a redelivered press) leaves the message as it is.
    if (result.status === 'invalid_token') return press.answer(reply.text);
    await press.answer();
    await press.edit(reply.text, reply.buttons);
  },
};

/** The Cancel button under a merge preview. */
export const mergeCancelCallback: Callback = {
  prefix: MERGE_CANCEL,
  async run({ value, from, t }, press, { linking }) {
    const { status } = await linking.cancelMerge({ confirmToken: value, by: telegramPlayer(from) });
    if (status === 'invalid_token') return press.answer(t.mergeExpired);
    await press.answer();
    await press.edit(t.mergeCancelled);
  },
};
