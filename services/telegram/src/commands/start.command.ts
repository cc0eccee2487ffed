import { DEEP_LINK_PREFIX } from '@ttfd/shared';
import { profileOf, type Command } from './command';
import { redeemCode } from './link.command';

/** `/start`: registers the player (or greets them back). `/start link_<code>` (a deep link) redeems a link code. */
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
  },
};
