import { markReachable } from '@ttfd/shared';
import { COLOURS, discordProfile, notice, type Command } from '../interactions/interaction';

/**
 * `/notify on` and `/notify off`: whether the Discord bot sends the player direct messages
 * (Telegram has its own /notify); a private answer. `/notify on` also tries the Discord
 * targets the player refused again (closed DMs, left the server): one refusal turns a
 * target off anew.
 */
export const notifyCommand: Command = {
  name: 'notify',
  ephemeral: true,
  async run({ interactionId, player, locale, t, options }, { pool, progression }) {
    const enabled = options.subcommand === 'on';
    const { userId } = await progression.ensureUser(
      { platform: 'discord', id: player.discordId },
      discordProfile(player, locale),
    );
    await progression.setNotifications({
      userId,
      platform: 'discord',
      enabled,
      source: 'discord',
      dedupeKey: `discord:interaction:${interactionId}`,
    });
    if (enabled) {
      await markReachable(pool, { userId }, 'discord:dm');
      await markReachable(pool, { userId }, 'discord:roles');
    }
    return notice(enabled ? t.notifyOn : t.notifyOff, COLOURS.success);
  },
};
