import { DEEP_LINK_PREFIX } from '@ttfd/shared';
import { profileOf, type Command } from './command';
import { redeemCode } from './link.command';
import { linkReply } from '../link-reply';

/**
 * `/start`: registers the player (or greets them back), then asks about a legacy link
 * proposal if one waits. `/start link_<code>` (a deep link) redeems a link code.
 */
export const startCommand: Command = {
  name: 'start',
  async run(input, chat, deps) {
    const { from, t, args } = input;
    // The code's account takes this Telegram user in; registering first would only leave an empty account behind.
    if (args.toLowerCase().startsWith(DEEP_LINK_PREFIX)) return redeemCode(input, args, chat, deps);
    const { created } = await deps.progression.ensureUser(
      { platform: 'telegram', id: from.telegramId },
      profileOf(from),
    );
    await chat.reply(created ? t.welcomeNew(from.displayName) : t.welcomeBack(from.displayName));
    // A Telegram id someone typed into the old Discord bot or website: the player says whether it is theirs.
    const claim = await deps.linking.askLegacyLink({ platform: 'telegram', id: from.telegramId });
    if (claim?.status === 'needs_confirmation') {
      const ask = linkReply(claim, t);
      await chat.reply(`${t.legacyClaim(claim.other, t)}\n\n${ask.text}`, { buttons: ask.buttons });
    }
  },
};
