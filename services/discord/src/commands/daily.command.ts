import { dailyWait } from '@ttfd/shared';
import { COLOURS, discordProfile, notice, type Command } from '../interactions/interaction';

/** `/daily`: the daily reward, once per UTC day, growing with the streak (the same reward as in Telegram). */
export const dailyCommand: Command = {
  name: 'daily',
  ephemeral: false,
  async run({ player, locale, t }, { progression, now }) {
    const res = await progression.claimDaily({
      player: { platform: 'discord', id: player.discordId },
      source: 'discord',
      profile: discordProfile(player, locale),
    });
    if (res.status === 'already_claimed')
      return notice(t.dailyAlready(dailyWait(res.nextClaimAt, now())), COLOURS.warning);
    return {
      ephemeral: false,
      embeds: [
        {
          title: t.dailyTitle,
          description: t.dailyClaimed({ streak: res.dailyStreak, xp: res.xpDelta, coins: res.coinsDelta }),
          color: COLOURS.success,
        },
      ],
    };
  },
};
