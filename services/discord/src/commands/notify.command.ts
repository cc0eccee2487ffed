import { COLOURS, discordProfile, notice, type Command } from '../interactions/interaction';

/** `/notify on` and `/notify off`: the cross-platform notifications preference (a private answer). */
export const notifyCommand: Command = {
  name: 'notify',
  ephemeral: true,
  async run({ interactionId, player, locale, t, options }, { progression }) {
    const enabled = options.subcommand === 'on';
    const { userId } = await progression.ensureUser(
      { platform: 'discord', id: player.discordId },
      discordProfile(player, locale),
    );
    await progression.setNotifications({
      userId,
      enabled,
      source: 'discord',
      dedupeKey: `discord:interaction:${interactionId}`,
    });
    return notice(enabled ? t.notifyOn : t.notifyOff, COLOURS.success);
  },
};
