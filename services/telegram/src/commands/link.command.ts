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
 * `/link`: a one-time code (and a deep link) to enter on the website or in Discord;
 * `/link <code>`: redeems a code created there. Linking two accounts that both have
 * progress asks first, with the merge preview and Merge / Cancel buttons.
 */
export const linkCommand: Command = {
  name: 'link',
  async run(input, chat, deps) {
    if (input.args) return redeemCode(input, input.args, chat, deps);
    const { code, deepLinkPayload } = await deps.linking.createLinkCode(telegramPlayer(input.from));
    await chat.reply(
      input.t.linkCreated(code, `https://t.me/${deps.botUsername}?start=${deepLinkPayload}`, LINK_CODE_TTL_MS / 60_000),
    );
  },
};
