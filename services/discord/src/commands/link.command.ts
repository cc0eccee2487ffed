import { LINK_CODE_TTL_MS } from '@ttfd/shared';
import { COLOURS, type Command } from '../interactions/interaction';
import { linkAnswer } from '../link-answer';

/**
 * `/link`: a one-time code to enter in Telegram or on the website; `/link code:<code>`
 * redeems a code made there. Redeeming always asks first (the identity domain's rule):
 * a private message naming the other account, with Merge and Cancel buttons.
 */
export const linkCommand: Command = {
  name: 'link',
  ephemeral: true,
  async run({ player, t, options }, { linking }) {
    const identity = { platform: 'discord' as const, id: player.discordId };
    const code = options.string('code')?.trim();
    if (code) return linkAnswer(await linking.redeemLinkCode(identity, code), t);
    const created = await linking.createLinkCode(identity);
    const description = t.linkCreated(created.code, LINK_CODE_TTL_MS / 60_000);
    return { ephemeral: true, embeds: [{ title: t.linkTitle, description, color: COLOURS.info }] };
  },
};
