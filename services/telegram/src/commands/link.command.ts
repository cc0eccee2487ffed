import { LINK_CODE_TTL_MS } from '@ttfd/shared';
import { linkReply } from '../link-reply';
import { telegramPlayer, type Chat, type CommandDeps, type CommandInput, type Command } from './command';

/** Redeems a code (typed after /link, or the `link_<code>` payload of a deep link) for this Telegram user. */
export async function redeemCode(
  { from, t }: CommandInput,
  code: string,
  chat: Chat,
  { linking }: CommandDeps,
): Promise<void> {
  const result = await linking.redeemLinkCode(telegramPlayer(from), code);
  const reply = linkReply(result, t);
  await chat.reply(reply.text, { buttons: reply.buttons });
}

/**
 * `/link`: a one-time code to enter on the website or in Discord; `/link <code>`: redeems
 * a code created there. A code always asks first: who the other account is, whose
 * account stays, and Merge / Cancel buttons.
 */
export const linkCommand: Command = {
  name: 'link',
  async run(input, chat, deps) {
    if (input.args) return redeemCode(input, input.args, chat, deps);
    const { code } = await deps.linking.createLinkCode(telegramPlayer(input.from));
    await chat.reply(input.t.linkCreated(code, LINK_CODE_TTL_MS / 60_000));
  },
};
